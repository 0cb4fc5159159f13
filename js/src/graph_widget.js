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
import { adoptPageLanguage, bootText } from "./i18n.js";

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

/**
 * Keep assets the kernel sent unasked (with its first graph widget): no round trip.
 * A push also answers a request still pending: after a kernel restart the old
 * kernel never answers, and the new kernel's push is what the page waits for.
 */
function adoptPushedAssets(msg, buffers) {
  const page = pageAssets();
  if (msg.error || msg.hash !== HASH) return;
  const request = page.request;
  if (request && !request.settled) {
    request.settle(loadFrom(buffers));
    return;
  }
  if (page.assets[HASH]) return;
  const promise = loadFrom(buffers);
  promise.catch(() => {
    if (page.assets[HASH] === promise) delete page.assets[HASH]; // let a view ask instead
  });
  page.assets[HASH] = promise;
}

/** The page's one copy of the view module and layout worker (a promise). */
function assets(model) {
  const lang = model.get("language") || "en";
  const page = pageAssets();
  if (page.assets[HASH]) return page.assets[HASH];
  let settle = null;
  let fail = null;
  const promise = new Promise((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const request = { settled: false };
  const done = () => {
    request.settled = true;
    model.off("msg:custom", onMessage);
    model.off("comm:close", onClose);
    model.off("destroy", onClose);
  };
  request.settle = (loaded) => {
    done();
    settle(loaded);
  };
  const onMessage = (msg, buffers) => {
    if (!msg || msg.type !== "assets" || msg.hash !== HASH || request.settled) return;
    if (msg.error) {
      done();
      fail(new Error(msg.error));
    } else request.settle(loadFrom(buffers));
  };
  // the model that asked is gone (its kernel died or restarted): it will never be
  // answered, so let the next view ask through a live model
  const onClose = () => {
    if (request.settled) return;
    done();
    fail(new Error(bootText(lang, "kernelGone")));
  };
  model.on("msg:custom", onMessage);
  model.on("comm:close", onClose);
  model.on("destroy", onClose);
  promise.catch(() => {
    if (page.assets[HASH] === promise) delete page.assets[HASH]; // let a later view retry
  });
  page.assets[HASH] = promise;
  page.request = request;
  model.send({ type: "assets?", hash: HASH });
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
    adoptPageLanguage(model); // before any view: the first drawing is in the page's language
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
    // the kernel pauses a widget that no view shows (item: a re-run cell's old widget
    // costs nothing); each view says when it appears and when it goes away
    const viewId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    const tell = (shown) => {
      try {
        model.send({ type: "view", id: viewId, shown });
      } catch {
        /* the comm is closed: nobody to tell */
      }
    };
    tell(true);
    el.classList.add("aw-graph");
    el.dataset.status = "loading";
    el.textContent = bootText(model.get("language"), "loading");
    let cleanup = null;
    let dead = false;
    let loaded = null;
    const draw = () => {
      if (cleanup) cleanup();
      el.replaceChildren();
      cleanup = loaded.view.render({ model, el, layout: loaded.layout, store: graphStore(model), styleKey: HASH });
    };
    // every text of the view is built in its language: a new language draws the view again
    const onLanguage = () => {
      if (loaded && !dead) draw();
    };
    model.on("change:language", onLanguage);
    assets(model)
      .then((got) => {
        if (dead) return;
        loaded = got;
        draw();
      })
      .catch((err) => {
        if (dead) return;
        el.dataset.status = "error";
        el.textContent = bootText(model.get("language"), "loadFailed", err.message || err);
      });
    return () => {
      dead = true;
      tell(false);
      model.off("change:language", onLanguage);
      if (cleanup) cleanup();
    };
  },
};
