// The graph widget's view, put together from its parts: toolbar (view/toolbar.js),
// canvas with the Graphviz SVG, pan/zoom and tooltips (view/canvas.js), details
// panel (view/details.js), selection and search (view/selection.js), legend
// (view/legend.js).  The parts share a context (view/context.js): the model, the
// current graph, the language, listeners removed with the view, and events
// ("graph", "height", "drawn", "select").  Loaded once per page (see
// graph_widget.js) and called for every view of every GraphWidget.
import { h, injectStyle } from "./dom.js";
import { layoutMessage } from "./graph_logic.js";
import { attachStepper } from "./stepper.js";
import { CSS } from "./styles.js";
import { createCanvas } from "./view/canvas.js";
import { createContext } from "./view/context.js";
import { createDetails } from "./view/details.js";
import { createLegend } from "./view/legend.js";
import { createSelection } from "./view/selection.js";
import { createToolbar } from "./view/toolbar.js";
import { attachTimeline } from "./view/timeline.js";

/**
 * More parts of every view (a timeline in the toolbar, a highlight on the canvas, a
 * section of the details panel...).  Each is `attach(ctx, parts)`, called once per view
 * after the built-in parts exist, with parts = {toolbar, canvas, details, selection, body}
 * (see each module for its interface; body is the element holding canvas and details).
 * It builds its DOM with dom.js's h, adds it (toolbar.add, details.addSection,
 * body.append), listens through ctx (ctx.on, ctx.listen, ctx.onModel: removed with the
 * view) and may return a cleanup function.  To add one, import it and list it here.
 */
const EXTENSIONS = [attachTimeline, attachStepper];

/**
 * Render one view.
 * @param {object} opts  {model, el, layout: LayoutClient, store, styleKey}
 * @returns {function} cleanup
 */
export function render({ model, el, layout, store, styleKey }) {
  injectStyle(`aw-graph-style-${styleKey || "v1"}`, CSS);
  const ctx = createContext({ model, el, store });
  el.classList.add("aw-graph");
  el.replaceChildren();

  const canvas = createCanvas(ctx, layout);
  const toolbar = createToolbar(ctx, {
    zoomIn: canvas.zoomIn,
    zoomOut: canvas.zoomOut,
    fit: canvas.fit,
    svgText: canvas.svgText,
  });
  let selection = null;
  const details = createDetails(ctx, (id) => selection.select(id));
  selection = createSelection(ctx, { canvas, details, search: toolbar.search, searchCount: toolbar.searchCount });
  const body = h("div", { class: "aw-body" }, canvas.el, details.el);
  el.append(toolbar.el, ...toolbar.notices, body, createLegend(ctx), canvas.tooltip);
  // "/" on the canvas jumps to the search box
  ctx.listen(canvas.el, "keydown", (ev) => {
    if (ev.key !== "/") return;
    ev.preventDefault();
    toolbar.search.focus();
  });

  const relayout = () => {
    toolbar.update();
    canvas.draw();
  };
  const onOptions = () => {
    toolbar.syncControls();
    relayout();
  };
  for (const trait of ["show_saved", "show_values", "rankdir"]) ctx.onModel(`change:${trait}`, onOptions);
  ctx.on("graph", relayout);

  const parts = { toolbar, canvas, details, selection, body };
  for (const attach of EXTENSIONS) {
    const cleanup = attach(ctx, parts);
    if (typeof cleanup === "function") ctx.onCleanup(cleanup);
  }

  toolbar.syncControls();
  canvas.setStatus("loading", layoutMessage(ctx.graph, ctx.lang));
  relayout();

  return () => {
    ctx.dispose();
    el.replaceChildren();
  };
}
