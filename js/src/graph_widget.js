// GraphWidget's ES module: the small part anywidget sends with every widget.
//
// anywidget ships `_esm` with every widget instance, so this module stays a few
// KB.  The view code and the Graphviz WebAssembly (~0.8 MB) travel once per
// page, as two binary buffers of a custom message, and the page keeps them in
// a global promise keyed by the build hash.  The kernel sends them unasked
// right after opening its first graph widget (anywidget hands a model its
// messages only after `initialize`, so none is missed), which lets the first
// graph render while its cell still runs; a view that finds none (a page
// opened later) asks with "assets?", answered once the kernel is idle.
// Graphviz runs in a Web Worker started from a Blob URL, so laying out a big
// graph never blocks the tab.
import { applyPatch } from "./graph_logic.js";

const HASH = __AW_ASSETS_HASH__; // replaced at build time
const GLOBAL_KEY = "__autograd_widgets_graph__";

function pageAssets() {
  if (!globalThis[GLOBAL_KEY]) globalThis[GLOBAL_KEY] = { assets: {}, stores: new Map() };
  return globalThis[GLOBAL_KEY];
}

function toBlobUrl(buffer) {
  return URL.createObjectURL(new Blob([buffer], { type: "text/javascript" }));
}

function loadFrom(buffers) {
  const [viewCode, workerCode] = buffers;
  const workerUrl = toBlobUrl(workerCode);
  return import(/* @vite-ignore */ toBlobUrl(viewCode)).then((view) => ({
    view,
    layout: new view.LayoutClient(workerUrl),
  }));
}

/** Keep assets the kernel sent unasked (with its first graph widget): no round trip. */
function adoptPushedAssets(msg, buffers) {
  const page = pageAssets();
  if (page.assets[HASH] || msg.error || msg.hash !== HASH) return;
  const promise = loadFrom(buffers);
  promise.catch(() => {
    if (page.assets[HASH] === promise) delete page.assets[HASH]; // let a view ask instead
  });
  page.assets[HASH] = promise;
}

/** The page's one copy of the view module and layout worker (a promise). */
function assets(model) {
  const page = pageAssets();
  if (page.assets[HASH]) return page.assets[HASH];
  const promise = new Promise((resolve, reject) => {
    const onMessage = (msg, buffers) => {
      if (!msg || msg.type !== "assets" || msg.hash !== HASH) return;
      model.off("msg:custom", onMessage);
      if (msg.error) reject(new Error(msg.error));
      else loadFrom(buffers).then(resolve, reject);
    };
    model.on("msg:custom", onMessage);
    model.send({ type: "assets?", hash: HASH });
  });
  promise.catch(() => {
    if (page.assets[HASH] === promise) delete page.assets[HASH]; // let a later view retry
  });
  page.assets[HASH] = promise;
  return promise;
}

/**
 * The model's current graph, shared by all views of one model.  Full graphs
 * arrive in the `graph` trait; live updates may arrive as small patches
 * (custom messages) that are applied here and never echoed to the kernel.
 */
function graphStore(model) {
  const page = pageAssets();
  const uid = model.get("_uid");
  let store = page.stores.get(uid);
  if (!store) {
    store = {
      graph: model.get("graph") || {},
      rev: model.get("_rev") || 0,
      listeners: new Set(),
      subscribe(fn) {
        this.listeners.add(fn);
        return () => this.listeners.delete(fn);
      },
      emit() {
        for (const fn of this.listeners) fn();
      },
    };
    page.stores.set(uid, store);
  }
  return store;
}

export default {
  initialize({ model }) {
    const store = graphStore(model);
    store.graph = model.get("graph") || {};
    store.rev = model.get("_rev") || 0;
    const onGraph = () => {
      store.graph = model.get("graph") || {};
      store.rev = model.get("_rev") || 0;
      store.emit();
    };
    const onMessage = (msg, buffers) => {
      if (msg && msg.type === "assets") {
        adoptPushedAssets(msg, buffers);
        return;
      }
      if (!msg || msg.type !== "patch") return;
      if (msg.base !== store.rev) {
        // missed an update (e.g. a view opened mid-stream): ask for the whole graph
        model.send({ type: "resync", have: store.rev });
        return;
      }
      store.graph = applyPatch(store.graph, msg.patch);
      store.rev = msg.rev;
      store.emit();
    };
    model.on("change:graph", onGraph);
    model.on("msg:custom", onMessage);
    return () => {
      model.off("change:graph", onGraph);
      model.off("msg:custom", onMessage);
      pageAssets().stores.delete(model.get("_uid"));
    };
  },

  render({ model, el }) {
    el.classList.add("aw-graph");
    el.dataset.status = "loading";
    el.textContent = "loading Graphviz…";
    let cleanup = null;
    let dead = false;
    assets(model)
      .then(({ view, layout }) => {
        if (dead) return;
        cleanup = view.render({ model, el, layout, store: graphStore(model), styleKey: HASH });
      })
      .catch((err) => {
        if (dead) return;
        el.dataset.status = "error";
        el.textContent = `autograd_widgets: could not load the graph view: ${err.message || err}`;
      });
    return () => {
      dead = true;
      if (cleanup) cleanup();
    };
  },
};
