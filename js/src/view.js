// The graph widget's view: toolbar, canvas (Graphviz SVG + svg-pan-zoom),
// details panel, legend, tooltips.  Loaded once per page (see graph_widget.js)
// and called for every view of every GraphWidget.
import svgPanZoom from "svg-pan-zoom";
import { palette, toDot } from "./dot.js";
import { markError, renderErrorBox } from "./error_explain.js";
import { exportPng, exportSvg } from "./export.js";
import {
  ancestors,
  descendants,
  indexGraph,
  layoutMessage,
  nodeDetails,
  searchNodes,
  tooltipText,
} from "./graph_logic.js";
import { LatestOnly } from "./layout_client.js";
import { t, translateNotice } from "./i18n.js";
import { injectStyles } from "./styles.js";
import { parseSvg } from "./svg_sanitize.js";

let viewCounter = 0;

// Graphviz (WebAssembly) has a fixed stack: very deep graphs overflow it.
function layoutHint(err, lang) {
  const text = String((err && err.message) || err);
  if (!/call stack|stack overflow|exit\(1\)/i.test(text)) return "";
  return `\n${t(lang, "tooDeep")}`;
}

const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

function h(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

function legend(lang) {
  const k = palette.kinds;
  const item = (style, text) => h("span", {}, h("i", { style }), text);
  return h(
    "div",
    { class: "aw-legend", "aria-label": t(lang, "legend") },
    item(`background:${k.leaf.fillcolor}`, t(lang, "legendLeaf")),
    item(`background:${k.backward.fillcolor}`, t(lang, "legendGradFn")),
    item(`background:${k.tensor.fillcolor}`, t(lang, "legendOutput")),
    item(`background:${k.saved.fillcolor}`, t(lang, "legendSaved")),
    item(`background:${k.backward.fillcolor};border:2px solid ${palette.executed.color}`, t(lang, "legendRan")),
    item(`background:${palette.no_grad.fillcolor};border:1px dashed #999`, t(lang, "legendNoGrad")),
    item(`background:${palette.nan.fillcolor};border-color:${palette.nan.color}`, t(lang, "legendNan")),
  );
}

/**
 * Render one view.
 * @param {object} ctx  {model, el, layout: LayoutClient, store}
 * @returns {function} cleanup
 */
export function render({ model, el, layout, store, styleKey }) {
  injectStyles(styleKey || "v1");
  const prefix = `aw${++viewCounter}-`;
  // the widget's `language` trait; graph_widget.js draws the view again when it changes
  const lang = model.get("language") || "en";
  const disposers = [];
  const on = (target, type, fn, opts) => {
    target.addEventListener(type, fn, opts);
    disposers.push(() => target.removeEventListener(type, fn, opts));
  };

  // ---- DOM -----------------------------------------------------------------
  el.classList.add("aw-graph");
  el.replaceChildren();
  const search = h("input", { type: "search", class: "aw-search", placeholder: t(lang, "searchPlaceholder"), "aria-label": t(lang, "searchLabel") });
  const searchCount = h("span", { class: "aw-search-count", "aria-live": "polite" });
  const btn = (label, title, fn, cls) => h("button", { type: "button", title, "aria-label": title, class: cls, onclick: fn }, label);
  const savedBox = h("input", { type: "checkbox", class: "aw-toggle-saved" });
  const valuesBox = h("input", { type: "checkbox", class: "aw-toggle-values" });
  const dirSelect = h(
    "select",
    { class: "aw-rankdir", "aria-label": t(lang, "direction") },
    h("option", { value: "TB" }, t(lang, "topBottom")),
    h("option", { value: "LR" }, t(lang, "leftRight")),
  );
  const passes = h("span", { class: "aw-passes", "aria-live": "polite" });
  let pz = null;
  const toolbar = h(
    "div",
    { class: "aw-toolbar", role: "toolbar", "aria-label": t(lang, "toolbar") },
    search,
    searchCount,
    h("span", { class: "aw-sep" }),
    btn("+", t(lang, "zoomIn"), () => pz && pz.zoomIn(), "aw-zoom-in"),
    btn("−", t(lang, "zoomOut"), () => pz && pz.zoomOut(), "aw-zoom-out"),
    btn("⤢", t(lang, "fit"), () => fit(), "aw-fit"),
    h("span", { class: "aw-sep" }),
    h("label", { title: t(lang, "savedTitle") }, savedBox, t(lang, "saved")),
    h("label", { title: t(lang, "valuesTitle") }, valuesBox, t(lang, "values")),
    dirSelect,
    h("span", { class: "aw-sep" }),
    btn("SVG", t(lang, "exportSvg"), () => runExport(exportSvg), "aw-export-svg"),
    btn("PNG", t(lang, "exportPng"), () => runExport(exportPng), "aw-export-png"),
    passes,
  );
  const notice = h("div", { class: "aw-notice", role: "status", hidden: true });
  const exportError = h("div", { class: "aw-notice aw-export-error", role: "alert", hidden: true });
  const errorBox = h("div", { class: "aw-error-box", role: "alert", hidden: true }); // a failed backward, explained
  const message = h("div", { class: "aw-message", role: "status" });
  const canvas = h("div", {
    class: "aw-canvas",
    tabindex: "0",
    role: "group",
    "aria-label": t(lang, "canvasLabel"),
  });
  canvas.append(message);
  const details = h("aside", { class: "aw-details", hidden: true, "aria-live": "polite", "aria-label": t(lang, "nodeDetails") });
  const tooltip = h("div", { class: "aw-tooltip", role: "tooltip", hidden: true });
  el.append(toolbar, notice, exportError, errorBox, h("div", { class: "aw-body" }, canvas, details), legend(lang), tooltip);

  // ---- state ---------------------------------------------------------------
  let graph = store.graph;
  let index = indexGraph(graph);
  let nodeIds = [];
  let lastSvg = null;
  let svgEl = null;
  let userMoved = false; // the user panned/zoomed: keep their view across updates
  let programmatic = false; // our own fit/zoom calls must not count as the user's
  let matches = [];
  let matchPos = -1;
  let disposed = false;
  const byElementId = new Map();

  function setStatus(status, text) {
    el.dataset.status = status;
    message.textContent = text || "";
    message.hidden = !text;
  }

  function syncControls() {
    savedBox.checked = !!model.get("show_saved");
    valuesBox.checked = !!model.get("show_values");
    dirSelect.value = model.get("rankdir") === "LR" ? "LR" : "TB";
  }

  function updateHeader() {
    const n = graph.backward_passes || 0;
    passes.textContent = n ? t(lang, "passes", n) : "";
    // the kernel's notice already says how many nodes were cut (and why): say it once
    const cut = graph.truncated && !graph.notice ? t(lang, "truncated", graph.truncated) : null;
    const msg = [translateNotice(lang, graph.notice), cut]
      .filter(Boolean)
      .join(" · ");
    notice.textContent = msg;
    notice.hidden = !msg;
    renderErrorBox(errorBox, graph, lang, (id) => (select(id), centerOn(id)));
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

  // An export that fails says so (it used to fail silently).
  function runExport(fn) {
    if (!lastSvg) return;
    el.dataset.export = "busy";
    exportError.hidden = true;
    Promise.resolve()
      .then(() => fn(lastSvg))
      .then(
        () => {
          if (!disposed) el.dataset.export = "done";
        },
        (err) => {
          if (disposed) return;
          el.dataset.export = "error";
          exportError.textContent = t(lang, "exportFailed", (err && err.message) || err);
          exportError.hidden = false;
        },
      );
  }

  // ---- layout --------------------------------------------------------------
  const scheduler = new LatestOnly(async (job) => {
    if (disposed) return;
    const t0 = performance.now();
    const dotOpts = {
      showSaved: model.get("show_saved"),
      showValues: model.get("show_values"),
      rankdir: model.get("rankdir"),
      idPrefix: prefix,
    };
    const { dot, nodeIds: ids, budget } = toDot(job.graph, dotOpts);
    if (!(job.graph.nodes || []).length) {
      setStatus("rendered", translateNotice(lang, graph.notice) || t(lang, "emptyGraph"));
      el.dataset.rev = String(job.rev);
      return;
    }
    setStatus("layout", svgEl ? "" : layoutMessage(job.graph, lang));
    el.setAttribute("aria-busy", "true");
    try {
      let result;
      try {
        result = await layout.layout(dot);
      } catch (err) {
        // concentrate=true has failed in some Graphviz versions: lay out without the budget
        // (not after a stack overflow: without the budget Graphviz only works longer)
        if (!Object.keys(budget).length || disposed || layoutHint(err, lang)) throw err;
        result = await layout.layout(toDot(job.graph, { ...dotOpts, layoutBudget: false }).dot);
      }
      const { svg, ms } = result;
      if (disposed) return;
      const t1 = performance.now();
      await install(svg, ids);
      if (disposed) return;
      el.dataset.installMs = String(Math.round(performance.now() - t1));
      el.dataset.layoutMs = String(Math.round(ms));
      el.dataset.renderMs = String(Math.round(performance.now() - t0));
      el.dataset.rev = String(job.rev);
      el.dataset.nodes = String(ids.length);
      el.dataset.renderedAt = String(Date.now()); // wall clock, for the speed benchmark
      setStatus("rendered", "");
    } catch (err) {
      if (disposed) return;
      setStatus("error", `${t(lang, "layoutFailed", err.message || err)}${layoutHint(err, lang)}`);
    } finally {
      el.removeAttribute("aria-busy");
    }
  });

  function relayout() {
    updateHeader();
    scheduler.request({ graph, rev: store.rev });
  }

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
    if (disposed) return;
    const keep = userMoved && pz ? { zoom: pz.getZoom(), pan: pz.getPan() } : null;
    if (pz) {
      pz.destroy();
      pz = null;
    }
    if (svgEl) svgEl.remove();
    lastSvg = svgText;
    nodeIds = ids;
    svgEl = fresh;
    // size the canvas to the drawing (within limits); pan/zoom handles the rest
    const vb = (svgEl.getAttribute("viewBox") || "0 0 400 300").split(/[\s,]+/).map(Number);
    canvas.style.height = `${Math.round(Math.min(560, Math.max(160, vb[3] * 1.1 + 20)))}px`;
    details.style.height = canvas.style.height;
    svgEl.removeAttribute("width");
    svgEl.removeAttribute("height");
    svgEl.setAttribute("role", "img");
    svgEl.setAttribute("aria-label", t(lang, "svgLabel", ids.length));
    byElementId.clear();
    for (const g of svgEl.querySelectorAll("g.node")) {
      const m = /n(\d+)$/.exec(g.id || "");
      const id = m ? ids[Number(m[1])] : null;
      if (id === null || id === undefined) continue;
      g.dataset.nodeId = id;
      byElementId.set(id, g);
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      const node = index.byId.get(id);
      g.setAttribute("aria-label", node ? tooltipText(node, lang).replace(/\n/g, "; ") : id);
      const title = g.querySelector(":scope > title");
      if (title) title.remove(); // our own tooltip replaces the browser's
    }
    markError(byElementId, graph);
    for (const g of svgEl.querySelectorAll("g.edge > title")) g.remove();
    canvas.append(svgEl);
    if (big) await nextFrame();
    if (disposed) return;
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
    applySelection();
    applySearch();
  }

  // ---- selection, search, details -----------------------------------------
  function applySelection() {
    const sel = model.get("selected");
    if (!svgEl) return renderDetails(sel);
    const lit = new Set();
    if (sel !== null && sel !== undefined && index.byId.has(sel)) {
      lit.add(sel);
      for (const id of ancestors(index, sel)) lit.add(id);
      for (const id of descendants(index, sel)) lit.add(id);
    }
    svgEl.classList.toggle("aw-has-sel", lit.size > 0);
    for (const [id, g] of byElementId) {
      g.classList.toggle("aw-sel", id === sel);
      g.classList.toggle("aw-lit", lit.has(id));
      g.setAttribute("aria-pressed", id === sel ? "true" : "false");
    }
    const visibleEdges = toDotEdges();
    svgEl.querySelectorAll("g.edge").forEach((g) => {
      const m = /e(\d+)$/.exec(g.id || "");
      const e = m ? visibleEdges[Number(m[1])] : null;
      // an edge is lit when it lies on a path through the selection
      const on = !!e && lit.has(e.source) && lit.has(e.target) && (e.source === sel || e.target === sel || sameSide(e, sel));
      g.classList.toggle("aw-lit", on);
    });
    renderDetails(sel);
  }

  let edgeCache = null;
  function toDotEdges() {
    if (edgeCache && edgeCache.graph === graph && edgeCache.saved === model.get("show_saved")) return edgeCache.edges;
    const { edges } = toDot(graph, { showSaved: model.get("show_saved") });
    edgeCache = { graph, saved: model.get("show_saved"), edges };
    return edges;
  }

  let sideCache = null;
  function sameSide(e, sel) {
    if (!sideCache || sideCache.sel !== sel || sideCache.graph !== graph)
      sideCache = { sel, graph, anc: ancestors(index, sel), desc: descendants(index, sel) };
    return (sideCache.anc.has(e.source) && sideCache.anc.has(e.target)) || (sideCache.desc.has(e.source) && sideCache.desc.has(e.target));
  }

  function select(id) {
    const value = id === undefined ? null : id;
    if (model.get("selected") === value) return;
    localSelect = true;
    try {
      model.set("selected", value);
      model.save_changes();
    } finally {
      localSelect = false;
    }
    applySelection();
  }

  function renderDetails(sel) {
    const node = sel === null || sel === undefined ? null : index.byId.get(sel);
    if (!node) {
      details.hidden = true;
      details.replaceChildren();
      return;
    }
    const d = nodeDetails(node, graph, lang);
    // plain divs, not <dl>: host pages style dl/dt/dd in their own ways
    const rows = h("div", { class: "aw-rows" });
    for (const [key, value, opt = {}] of d.rows) {
      let val;
      if (opt.target) {
        val = h("div", { class: "aw-val" }, h("button", { type: "button", class: "aw-link", onclick: () => select(opt.target) }, t(lang, "goToNode")), h("pre", { text: value }));
      } else if (opt.pre) {
        val = h("div", { class: "aw-val" }, h("pre", { text: value, tabindex: "0", class: opt.bad ? "aw-bad" : "" }));
      } else {
        val = h("div", { text: value, class: opt.bad ? "aw-val aw-bad" : "aw-val" });
      }
      rows.append(h("div", { class: "aw-key", text: key }), val);
    }
    details.replaceChildren(
      h("h3", {}, h("span", { text: d.title }), h("button", { type: "button", title: t(lang, "closeDetails"), "aria-label": t(lang, "closeDetails"), onclick: () => select(null) }, "×")),
      rows,
    );
    details.dataset.nodeId = node.id;
    details.hidden = false;
  }

  function applySearch() {
    matches = searchNodes(graph, search.value);
    const set = new Set(matches);
    for (const [id, g] of byElementId) g.classList.toggle("aw-match", set.has(id));
    searchCount.textContent = search.value.trim() ? t(lang, "found", matches.length) : "";
  }

  function centerOn(id) {
    const g = byElementId.get(id);
    if (!g || !pz || !svgEl) return;
    const box = g.getBoundingClientRect();
    const area = svgEl.getBoundingClientRect();
    quietly(() => {
      pz.resize();
      pz.panBy({ x: area.left + area.width / 2 - (box.left + box.width / 2), y: area.top + area.height / 2 - (box.top + box.height / 2) });
    });
    size = { w: canvas.clientWidth, h: canvas.clientHeight };
    userMoved = true; // a deliberate view: do not re-fit it away
  }

  // ---- events ----------------------------------------------------------------
  const nodeOf = (target) => (target && target.closest ? target.closest("g.node[data-node-id]") : null);
  on(canvas, "click", (ev) => {
    const g = nodeOf(ev.target);
    if (g) select(g.dataset.nodeId);
  });
  on(canvas, "keydown", (ev) => {
    const g = nodeOf(ev.target);
    if (g && (ev.key === "Enter" || ev.key === " ")) {
      ev.preventDefault();
      select(g.dataset.nodeId);
    } else if (ev.key === "Escape") {
      select(null);
    } else if (ev.key === "+" || ev.key === "=") {
      if (pz) pz.zoomIn();
    } else if (ev.key === "-") {
      if (pz) pz.zoomOut();
    } else if (ev.key === "0") {
      fit();
    } else if (ev.key === "/") {
      ev.preventDefault();
      search.focus();
    }
  });
  const showTip = (g, x, y) => {
    const node = index.byId.get(g.dataset.nodeId);
    if (!node) return;
    tooltip.textContent = tooltipText(node, lang);
    tooltip.hidden = false;
    const host = el.getBoundingClientRect();
    tooltip.style.left = `${Math.min(x - host.left + 12, host.width - 160)}px`;
    tooltip.style.top = `${y - host.top + 14}px`;
  };
  on(canvas, "mousemove", (ev) => {
    const g = nodeOf(ev.target);
    if (g) showTip(g, ev.clientX, ev.clientY);
    else tooltip.hidden = true;
  });
  on(canvas, "mouseleave", () => (tooltip.hidden = true));
  on(canvas, "focusin", (ev) => {
    const g = nodeOf(ev.target);
    if (!g) return;
    const r = g.getBoundingClientRect();
    showTip(g, r.right, r.top);
  });
  on(canvas, "focusout", () => (tooltip.hidden = true));
  on(search, "input", applySearch);
  on(search, "keydown", (ev) => {
    if (ev.key === "Enter" && matches.length) {
      matchPos = (matchPos + 1) % matches.length;
      select(matches[matchPos]);
      centerOn(matches[matchPos]);
    } else if (ev.key === "Escape") {
      search.value = "";
      applySearch();
    }
  });
  const setTrait = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };
  on(savedBox, "change", () => setTrait("show_saved", savedBox.checked));
  on(valuesBox, "change", () => setTrait("show_values", valuesBox.checked));
  on(dirSelect, "change", () => setTrait("rankdir", dirSelect.value));

  // ---- model events ---------------------------------------------------------
  const onOptions = () => {
    syncControls();
    relayout();
  };
  model.on("change:show_saved", onOptions);
  model.on("change:show_values", onOptions);
  model.on("change:rankdir", onOptions);
  let localSelect = false;
  const onSelected = () => {
    if (localSelect) return; // select() redraws itself and must not pan under the pointer
    applySelection();
    const sel = model.get("selected");
    if (sel !== null && sel !== undefined) centerOn(sel); // set from Python: bring it into view
  };
  model.on("change:selected", onSelected);
  const unsubscribe = store.subscribe(() => {
    graph = store.graph;
    index = indexGraph(graph);
    relayout();
  });
  let resizeObs = null;
  let size = null; // the canvas size the current pan/zoom was set for
  if (typeof ResizeObserver !== "undefined") {
    resizeObs = new ResizeObserver(() => {
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
  }

  syncControls();
  setStatus("loading", layoutMessage(graph));
  relayout();

  return () => {
    disposed = true;
    unsubscribe();
    model.off("change:show_saved", onOptions);
    model.off("change:show_values", onOptions);
    model.off("change:rankdir", onOptions);
    model.off("change:selected", onSelected);
    for (const d of disposers) d();
    if (resizeObs) resizeObs.disconnect();
    if (pz) pz.destroy();
    el.replaceChildren();
  };
}
