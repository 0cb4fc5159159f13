// The graph view's canvas: DOT -> Graphviz layout (in the worker) -> a
// sanitised SVG on screen, with pan/zoom, keyboard zoom and node tooltips.
import svgPanZoom from "svg-pan-zoom";
import { toDot } from "../dot.js";
import { h } from "../dom.js";
import { layoutMessage, tooltipText } from "../graph_logic.js";
import { LatestOnly } from "../layout_client.js";
import { translateNotice } from "../i18n.js";
import { parseSvg } from "../svg_sanitize.js";

let viewCounter = 0;

const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

// Graphviz (WebAssembly) has a fixed stack: very deep graphs overflow it.
function layoutHint(err, t) {
  const text = String((err && err.message) || err);
  if (!/call stack|stack overflow|exit\(1\)/i.test(text)) return "";
  return `\n${t("tooDeep")}`;
}

/** The `g.node` (with a node id) an event target is in, or null. */
export const nodeOf = (target) => (target && target.closest ? target.closest("g.node[data-node-id]") : null);

/**
 * Build the canvas.
 * @param {object} ctx  the view's context (context.js); emits "height" and "drawn"
 * @param {object} layout  the page's LayoutClient ({layout(dot) -> Promise<{svg, ms}>})
 * @returns {object} {el, tooltip, draw(), setStatus(status, text), svg(), svgText(),
 *   nodeElements(), fit(), zoomIn(), zoomOut(), centerOn(id)}
 *   `draw` lays out ctx.graph again (only the latest request runs);
 *   `svg` is the SVG element on screen (null before the first drawing) and `svgText` its
 *   text for export; `nodeElements` maps node id -> its `g.node`. SVG ids end in `n<k>`
 *   for nodes and `e<k>` for edges, `k` indexing toDot's nodeIds/edges.
 */
export function createCanvas(ctx, layout) {
  const { el, model, t } = ctx;
  const prefix = `aw${++viewCounter}-`;
  const message = h("div", { class: "aw-message", role: "status" });
  const canvas = h("div", { class: "aw-canvas", tabindex: "0", role: "group", "aria-label": t("canvasLabel") });
  canvas.append(message);
  const tooltip = h("div", { class: "aw-tooltip", role: "tooltip", hidden: true });

  let pz = null;
  let lastSvg = null;
  let svgEl = null;
  let userMoved = false; // the user panned/zoomed: keep their view across updates
  let programmatic = false; // our own fit/zoom calls must not count as the user's
  let size = null; // the canvas size the current pan/zoom was set for
  const byElementId = new Map();

  function setStatus(status, text) {
    el.dataset.status = status;
    message.textContent = text || "";
    message.hidden = !text;
  }

  function quietly(fn) {
    programmatic = true;
    try {
      fn();
    } finally {
      programmatic = false;
    }
  }

  function fit() {
    if (!pz) return;
    quietly(() => {
      pz.resize();
      pz.fit();
      pz.center();
    });
    userMoved = false;
  }

  // ---- layout --------------------------------------------------------------
  const scheduler = new LatestOnly(async (job) => {
    if (ctx.disposed) return;
    const t0 = performance.now();
    const dotOpts = {
      showSaved: model.get("show_saved"),
      showValues: model.get("show_values"),
      rankdir: model.get("rankdir"),
      idPrefix: prefix,
      lang: ctx.lang,
    };
    const { dot, nodeIds: ids, budget } = toDot(job.graph, dotOpts);
    if (!(job.graph.nodes || []).length) {
      setStatus("rendered", translateNotice(ctx.lang, ctx.graph.notice) || t("emptyGraph"));
      el.dataset.rev = String(job.rev);
      return;
    }
    setStatus("layout", svgEl ? "" : layoutMessage(job.graph, ctx.lang));
    el.setAttribute("aria-busy", "true");
    try {
      let result;
      try {
        result = await layout.layout(dot);
      } catch (err) {
        // concentrate=true has failed in some Graphviz versions: lay out without the budget
        // (not after a stack overflow: without the budget Graphviz only works longer)
        if (!Object.keys(budget).length || ctx.disposed || layoutHint(err, t)) throw err;
        result = await layout.layout(toDot(job.graph, { ...dotOpts, layoutBudget: false }).dot);
      }
      const { svg, ms } = result;
      if (ctx.disposed) return;
      const t1 = performance.now();
      await install(svg, ids);
      if (ctx.disposed) return;
      el.dataset.installMs = String(Math.round(performance.now() - t1));
      el.dataset.layoutMs = String(Math.round(ms));
      el.dataset.renderMs = String(Math.round(performance.now() - t0));
      el.dataset.rev = String(job.rev);
      el.dataset.nodes = String(ids.length);
      el.dataset.renderedAt = String(Date.now()); // wall clock, for the speed benchmark
      setStatus("rendered", "");
    } catch (err) {
      if (ctx.disposed) return;
      setStatus("error", `${t("layoutFailed", err.message || err)}${layoutHint(err, t)}`);
    } finally {
      el.removeAttribute("aria-busy");
    }
  });

  // Put a laid-out SVG on screen.  Big graphs cost the main thread a few
  // hundred ms (parsing, first layout of the SVG), so the work is split at
  // frame boundaries: the page keeps handling input in between.
  async function install(svgText, ids) {
    // parsed as XML and reduced to an allow-list of SVG (svg_sanitize.js), never as HTML
    const clean = parseSvg(svgText);
    const fresh = document.importNode(clean, true);
    svgText = new XMLSerializer().serializeToString(clean); // what the export buttons save
    const big = ids.length > 200;
    if (big) await nextFrame();
    if (ctx.disposed) return;
    const keep = userMoved && pz ? { zoom: pz.getZoom(), pan: pz.getPan() } : null;
    if (pz) {
      pz.destroy();
      pz = null;
    }
    if (svgEl) svgEl.remove();
    lastSvg = svgText;
    svgEl = fresh;
    // size the canvas to the drawing (within limits); pan/zoom handles the rest
    const vb = (svgEl.getAttribute("viewBox") || "0 0 400 300").split(/[\s,]+/).map(Number);
    canvas.style.height = `${Math.round(Math.min(560, Math.max(160, vb[3] * 1.1 + 20)))}px`;
    ctx.emit("height", canvas.style.height);
    svgEl.removeAttribute("width");
    svgEl.removeAttribute("height");
    svgEl.setAttribute("role", "img");
    svgEl.setAttribute("aria-label", t("svgLabel", ids.length));
    byElementId.clear();
    for (const g of svgEl.querySelectorAll("g.node")) {
      const m = /n(\d+)$/.exec(g.id || "");
      const id = m ? ids[Number(m[1])] : null;
      if (id === null || id === undefined) continue;
      g.dataset.nodeId = id;
      byElementId.set(id, g);
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      const node = ctx.index.byId.get(id);
      g.setAttribute("aria-label", node ? tooltipText(node, ctx.lang).replace(/\n/g, "; ") : id);
      const title = g.querySelector(":scope > title");
      if (title) title.remove(); // our own tooltip replaces the browser's
    }
    // edge titles ("a->b") and the graph's ("G") would be the browser's tooltips: not ours, not translated
    for (const g of svgEl.querySelectorAll("g.edge > title, g.graph > title")) g.remove();
    canvas.append(svgEl);
    if (big) await nextFrame();
    if (ctx.disposed) return;
    programmatic = true;
    pz = svgPanZoom(svgEl, {
      zoomEnabled: true,
      controlIconsEnabled: false,
      dblClickZoomEnabled: false,
      fit: true,
      center: true,
      minZoom: 0.02,
      maxZoom: 40,
      zoomScaleSensitivity: 0.25,
      onZoom: () => {
        if (!programmatic) userMoved = true;
      },
      onPan: () => {
        if (!programmatic) userMoved = true;
      },
    });
    if (keep) {
      pz.zoom(keep.zoom);
      pz.pan(keep.pan);
    }
    programmatic = false;
    userMoved = !!keep;
    ctx.emit("drawn");
  }

  function centerOn(id) {
    const g = byElementId.get(id);
    if (!g || !pz || !svgEl) return;
    const box = g.getBoundingClientRect();
    const area = svgEl.getBoundingClientRect();
    quietly(() => {
      pz.resize();
      pz.panBy({
        x: area.left + area.width / 2 - (box.left + box.width / 2),
        y: area.top + area.height / 2 - (box.top + box.height / 2),
      });
    });
    size = { w: canvas.clientWidth, h: canvas.clientHeight };
    userMoved = true; // a deliberate view: do not re-fit it away
  }

  const zoomIn = () => pz && pz.zoomIn();
  const zoomOut = () => pz && pz.zoomOut();

  // ---- events ----------------------------------------------------------------
  ctx.listen(canvas, "keydown", (ev) => {
    if (ev.key === "+" || ev.key === "=") zoomIn();
    else if (ev.key === "-") zoomOut();
    else if (ev.key === "0") fit();
  });
  const showTip = (g, x, y) => {
    const node = ctx.index.byId.get(g.dataset.nodeId);
    if (!node) return;
    tooltip.textContent = tooltipText(node, ctx.lang);
    tooltip.hidden = false;
    const host = el.getBoundingClientRect();
    tooltip.style.left = `${Math.min(x - host.left + 12, host.width - 160)}px`;
    tooltip.style.top = `${y - host.top + 14}px`;
  };
  ctx.listen(canvas, "mousemove", (ev) => {
    const g = nodeOf(ev.target);
    if (g) showTip(g, ev.clientX, ev.clientY);
    else tooltip.hidden = true;
  });
  ctx.listen(canvas, "mouseleave", () => (tooltip.hidden = true));
  ctx.listen(canvas, "focusin", (ev) => {
    const g = nodeOf(ev.target);
    if (!g) return;
    const r = g.getBoundingClientRect();
    showTip(g, r.right, r.top);
  });
  ctx.listen(canvas, "focusout", () => (tooltip.hidden = true));

  if (typeof ResizeObserver !== "undefined") {
    const resizeObs = new ResizeObserver(() => {
      const now = { w: canvas.clientWidth, h: canvas.clientHeight };
      const before = size;
      size = now;
      if (!pz) return;
      if (!userMoved) return fit();
      // keep what the user looked at in the middle (e.g. when the details panel opens)
      quietly(() => {
        pz.resize();
        if (before) pz.panBy({ x: (now.w - before.w) / 2, y: (now.h - before.h) / 2 });
      });
    });
    resizeObs.observe(canvas);
    ctx.onCleanup(() => resizeObs.disconnect());
  }
  ctx.onCleanup(() => {
    if (pz) pz.destroy();
  });

  return {
    el: canvas,
    tooltip,
    draw: () => scheduler.request({ graph: ctx.graph, rev: ctx.store.rev }),
    setStatus,
    svg: () => svgEl,
    svgText: () => lastSvg,
    nodeElements: () => byElementId,
    fit,
    zoomIn,
    zoomOut,
    centerOn,
  };
}
