// What the parts of one graph view share: the model, the current graph, the
// language, listeners that are removed with the view, and a small event hub.
//
// Events the parts emit (listen with `ctx.on(name, fn)`):
//   "graph"   the store has a new graph (ctx.graph and ctx.index are already updated)
//   "height"  (px) the canvas was sized to a new drawing; side panels follow it
//   "drawn"   a new SVG is on screen (canvas.svg(), canvas.nodeElements() are current)
//   "select"  (id or null) the selection changed and is drawn
import { indexGraph } from "../graph_logic.js";
import { t } from "../i18n.js";

/**
 * Make the shared context of one view.
 * @param {object} opts
 * @param {object} opts.model  the anywidget model (get/set/save_changes/on/off)
 * @param {HTMLElement} opts.el  the view's root element
 * @param {object} opts.store  the model's graph store ({graph, rev, subscribe})
 * @returns {object} ctx: {model, el, store, lang, graph, index, disposed, t, on, emit,
 *   listen, onModel, onCleanup, setTrait, dispose}
 */
export function createContext({ model, el, store }) {
  const cleanups = [];
  const hub = new Map();
  const ctx = {
    model,
    el,
    store,
    // the widget's `language` trait; graph_widget.js draws the view again when it changes
    lang: model.get("language") || "en",
    graph: store.graph,
    index: indexGraph(store.graph),
    disposed: false,

    /** The text of `key` in the view's language (i18n.js). */
    t: (key, ...args) => t(ctx.lang, key, ...args),

    /** Call `fn(...args)` on each `emit(name, ...args)` until the view goes. */
    on(name, fn) {
      if (!hub.has(name)) hub.set(name, []);
      hub.get(name).push(fn);
    },
    emit(name, ...args) {
      for (const fn of hub.get(name) || []) fn(...args);
    },

    /** addEventListener, removed when the view goes. */
    listen(target, type, fn, opts) {
      target.addEventListener(type, fn, opts);
      cleanups.push(() => target.removeEventListener(type, fn, opts));
    },
    /** model.on("change:<trait>" ...), removed when the view goes. */
    onModel(event, fn) {
      model.on(event, fn);
      cleanups.push(() => model.off(event, fn));
    },
    /** Run `fn` when the view goes. */
    onCleanup(fn) {
      cleanups.push(fn);
    },

    /** Set a trait and send it to the kernel. */
    setTrait(name, value) {
      model.set(name, value);
      model.save_changes();
    },

    dispose() {
      ctx.disposed = true;
      for (const fn of cleanups) fn();
      cleanups.length = 0;
      hub.clear();
    },
  };
  const unsubscribe = store.subscribe(() => {
    ctx.graph = store.graph;
    ctx.index = indexGraph(ctx.graph);
    ctx.emit("graph");
  });
  cleanups.push(unsubscribe);
  return ctx;
}
