// The graph view's selection and search: the `selected` trait, the path through
// the selected node lit on the canvas, search matches, and the keys and clicks
// that select (Enter/Space/click on a node, Escape to clear, Enter in search).
import { toDot } from "../dot.js";
import { ancestors, descendants, searchNodes } from "../graph_logic.js";
import { nodeOf } from "./canvas.js";

/**
 * Wire selection and search to the canvas, the details panel and the search box.
 * @param {object} ctx  the view's context (context.js); emits "select" after each redraw of the selection
 * @param {object} parts  {canvas, details, search, searchCount} (canvas.js, details.js, the toolbar's search input)
 * @returns {object} {select(id), apply(), applySearch()}
 *   `select(id)` sets the `selected` trait (null clears it) and redraws;
 *   `apply` redraws the selection (classes aw-sel/aw-lit, the details panel);
 *   `applySearch` marks the nodes that match the search box (class aw-match).
 */
export function createSelection(ctx, { canvas, details, search, searchCount }) {
  const { model, t } = ctx;
  let matches = [];
  let matchPos = -1;
  let localSelect = false;

  function apply() {
    const sel = model.get("selected");
    const svgEl = canvas.svg();
    if (!svgEl) return show(sel);
    const lit = new Set();
    if (sel !== null && sel !== undefined && ctx.index.byId.has(sel)) {
      lit.add(sel);
      for (const id of ancestors(ctx.index, sel)) lit.add(id);
      for (const id of descendants(ctx.index, sel)) lit.add(id);
    }
    svgEl.classList.toggle("aw-has-sel", lit.size > 0);
    for (const [id, g] of canvas.nodeElements()) {
      g.classList.toggle("aw-sel", id === sel);
      g.classList.toggle("aw-lit", lit.has(id));
      g.setAttribute("aria-pressed", id === sel ? "true" : "false");
    }
    const visibleEdges = toDotEdges();
    svgEl.querySelectorAll("g.edge").forEach((g) => {
      const m = /e(\d+)$/.exec(g.id || "");
      const e = m ? visibleEdges[Number(m[1])] : null;
      // an edge is lit when it lies on a path through the selection
      const on =
        !!e && lit.has(e.source) && lit.has(e.target) && (e.source === sel || e.target === sel || sameSide(e, sel));
      g.classList.toggle("aw-lit", on);
    });
    show(sel);
  }

  function show(sel) {
    details.show(sel);
    ctx.emit("select", sel === undefined ? null : sel);
  }

  let edgeCache = null;
  function toDotEdges() {
    const saved = model.get("show_saved");
    if (edgeCache && edgeCache.graph === ctx.graph && edgeCache.saved === saved) return edgeCache.edges;
    const { edges } = toDot(ctx.graph, { showSaved: saved });
    edgeCache = { graph: ctx.graph, saved, edges };
    return edges;
  }

  let sideCache = null;
  function sameSide(e, sel) {
    if (!sideCache || sideCache.sel !== sel || sideCache.graph !== ctx.graph)
      sideCache = { sel, graph: ctx.graph, anc: ancestors(ctx.index, sel), desc: descendants(ctx.index, sel) };
    return (
      (sideCache.anc.has(e.source) && sideCache.anc.has(e.target)) ||
      (sideCache.desc.has(e.source) && sideCache.desc.has(e.target))
    );
  }

  function select(id) {
    const value = id === undefined ? null : id;
    if (model.get("selected") === value) return;
    localSelect = true;
    try {
      ctx.setTrait("selected", value);
    } finally {
      localSelect = false;
    }
    apply();
  }

  function applySearch() {
    matches = searchNodes(ctx.graph, search.value);
    const set = new Set(matches);
    for (const [id, g] of canvas.nodeElements()) g.classList.toggle("aw-match", set.has(id));
    searchCount.textContent = search.value.trim() ? t("found", matches.length) : "";
  }

  // ---- events ----------------------------------------------------------------
  ctx.listen(canvas.el, "click", (ev) => {
    const g = nodeOf(ev.target);
    if (g) select(g.dataset.nodeId);
  });
  ctx.listen(canvas.el, "keydown", (ev) => {
    const g = nodeOf(ev.target);
    if (g && (ev.key === "Enter" || ev.key === " ")) {
      ev.preventDefault();
      select(g.dataset.nodeId);
    } else if (ev.key === "Escape") {
      select(null);
    }
  });
  ctx.listen(search, "input", applySearch);
  ctx.listen(search, "keydown", (ev) => {
    if (ev.key === "Enter" && matches.length) {
      matchPos = (matchPos + 1) % matches.length;
      select(matches[matchPos]);
      canvas.centerOn(matches[matchPos]);
    } else if (ev.key === "Escape") {
      search.value = "";
      applySearch();
    }
  });
  ctx.onModel("change:selected", () => {
    if (localSelect) return; // select() redraws itself and must not pan under the pointer
    apply();
    const sel = model.get("selected");
    if (sel !== null && sel !== undefined) canvas.centerOn(sel); // set from Python: bring it into view
  });
  ctx.on("drawn", () => {
    apply();
    applySearch();
  });
  return { select, apply, applySearch };
}
