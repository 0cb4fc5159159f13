// Step-through backward, on screen: a bar under the toolbar (pass, « ◀ ▶ » ✕,
// ←/→ while the widget has focus) and marks drawn over the rendered graph: the
// node being executed, the nodes already run, the edges that carried a gradient
// so far (its shape on the edge; its values on hover/click), a leaf's
// before + incoming = after, hook-changed gradients (⚓).
//
// One of the view's EXTENSIONS (view.js): the marks are redrawn each time the
// canvas reports a new drawing ("drawn").  The state lives in the widget's traits
// `step`, `step_pass` and `_steps`, so Python's `w.step_to(k)` and the keys drive
// the same thing.
import { toDot } from "./dot.js";
import { h, injectStyle } from "./dom.js";
import { edgeLabel, matchEdges, passPosition, shapeText, st, stepState } from "./stepper_logic.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const STYLE_ID = "aw-stepper-style";
const CSS = `
.aw-stepper { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; padding: 3px 6px;
  border-bottom: 1px solid var(--aw-border, #bdbdbd); background: var(--aw-bg2, #eee); }
.aw-stepper[hidden], .aw-stepper [hidden] { display: none; }
.aw-stepper button, .aw-stepper select { font: inherit; color: var(--aw-fg, #1a1a1a);
  background: var(--aw-bg, #fff); border: 1px solid var(--aw-border, #bdbdbd); border-radius: 3px;
  padding: 1px 6px; min-height: 24px; }
.aw-stepper button:hover { border-color: var(--aw-accent, #1976d2); }
.aw-stepper button:disabled { opacity: 0.45; }
.aw-step-status { color: var(--aw-fg2, #555); font-size: 90%; }
.aw-step-info { padding: 4px 8px; border-bottom: 1px solid var(--aw-border, #bdbdbd);
  font-size: 90%; max-height: 220px; overflow: auto; }
.aw-step-info pre { margin: 1px 0 4px 0; font-family: var(--aw-mono, monospace); white-space: pre; }
.aw-step-info .aw-step-h { font-weight: 600; }
.aw-step-info .aw-step-hook { color: var(--aw-warn, #c62828); }
.aw-graph g.node.aw-step-current > polygon, .aw-graph g.node.aw-step-current > ellipse,
.aw-graph g.node.aw-step-current > path { stroke: #e65100; stroke-width: 4px; }
.aw-graph g.node.aw-step-done > polygon, .aw-graph g.node.aw-step-done > ellipse,
.aw-graph g.node.aw-step-done > path { stroke: #2e7d32; stroke-width: 2.5px; }
.aw-graph g.edge.aw-step-edge > path { stroke: #2e7d32; stroke-width: 2.5px; }
.aw-graph g.edge.aw-step-fresh > path { stroke: #e65100; stroke-width: 3.5px; }
.aw-graph g.edge.aw-step-hooked > path { stroke-dasharray: 6 3; }
.aw-graph g.edge.aw-step-edge { cursor: pointer; }
.aw-graph text.aw-step-label { font: 11px var(--aw-mono, monospace); fill: #1b5e20;
  paint-order: stroke; stroke: var(--aw-bg, #fff); stroke-width: 3px; }
.aw-graph g.edge.aw-step-fresh text.aw-step-label { fill: #bf360c; }
`;

/**
 * Add step-through backward to a graph view (an extension of view.js).
 * @param {object} ctx  the view's context (view/context.js)
 * @param {object} parts  {toolbar, canvas, ...} (view.js)
 * @returns {function} cleanup
 */
export function attachStepper(ctx, parts) {
  injectStyle(STYLE_ID, CSS);
  const { model, el, lang } = ctx;
  const passSelect = h("select", { class: "aw-step-pass", "aria-label": st(lang, "pass") });
  const btn = (label, key, fn, cls) =>
    h("button", { type: "button", title: st(lang, key), "aria-label": st(lang, key), class: cls, onclick: fn }, label);
  const startBtn = btn(st(lang, "startLabel"), "start", () => go(1), "aw-step-start");
  const firstBtn = btn("«", "first", () => go(0), "aw-step-first");
  const prevBtn = btn("◀", "prev", () => go(cur() - 1), "aw-step-prev");
  const nextBtn = btn("▶", "next", () => go(cur() + 1), "aw-step-next");
  const lastBtn = btn("»", "last", () => go(Infinity), "aw-step-last");
  const stopBtn = btn("✕", "stop", () => setStep(null, model.get("step_pass")), "aw-step-stop");
  const status = h("span", { class: "aw-step-status", "aria-live": "polite" });
  const bar = h(
    "div",
    { class: "aw-stepper", role: "toolbar", "aria-label": st(lang, "bar"), tabindex: "-1" },
    startBtn,
    passSelect,
    firstBtn,
    prevBtn,
    nextBtn,
    lastBtn,
    stopBtn,
    status,
  );
  const info = h("div", { class: "aw-step-info", "aria-live": "polite", hidden: true });
  let picked = null; // an edge the user clicked: its gradient stays in the info panel

  // under the toolbar and its notices
  const notices = parts.toolbar.notices || [];
  (notices.length ? notices[notices.length - 1] : parts.toolbar.el).after(bar, info);

  const passes = () => model.get("_steps") || [];
  const cur = () => {
    const k = model.get("step");
    return k === null || k === undefined ? 0 : k;
  };

  function setStep(k, passIndex) {
    model.set("step_pass", passIndex);
    model.set("step", k);
    model.save_changes();
    update();
  }

  function go(k) {
    const ps = passes();
    const p = passPosition(ps, model.get("step_pass"));
    if (p < 0) return;
    const n = (ps[p].steps || []).length;
    picked = null;
    setStep(Math.max(0, Math.min(n, k)), model.get("step_pass"));
    // a button that hid or disabled itself drops the focus: keep it in the widget, so ←/→ go on
    const a = document.activeElement;
    if (!a || !el.contains(a) || a.disabled || a.hidden) bar.focus();
  }

  function syncBar() {
    const ps = passes();
    bar.hidden = !ps.length; // nothing to step through: no bar
    const pos = passPosition(ps, model.get("step_pass"));
    passSelect.replaceChildren(...ps.map((p, i) => h("option", { value: String(i) }, st(lang, "passN", p.pass))));
    if (pos >= 0) passSelect.value = String(pos);
    const stepping = model.get("step") !== null && model.get("step") !== undefined && pos >= 0;
    const n = pos >= 0 ? (ps[pos].steps || []).length : 0;
    startBtn.hidden = stepping;
    startBtn.disabled = !ps.length;
    for (const b of [passSelect, firstBtn, prevBtn, nextBtn, lastBtn, stopBtn]) b.hidden = !stepping;
    prevBtn.disabled = firstBtn.disabled = cur() <= 0;
    nextBtn.disabled = lastBtn.disabled = cur() >= n;
    if (!ps.length) status.textContent = st(lang, "none");
    else if (!stepping) status.textContent = "";
    else {
      const s = stepState(ps, model.get("step_pass"), cur());
      const extra = s.pass.truncated ? ` · ${st(lang, "truncated", s.pass.truncated)}` : "";
      status.textContent = st(lang, "status", s.k, s.n, s.current ? s.current.label : "") + extra;
    }
    el.dataset.step = stepping ? String(cur()) : "";
  }

  function clearMarks(svg) {
    for (const g of svg.querySelectorAll(".aw-step-current, .aw-step-done, .aw-step-edge"))
      g.classList.remove("aw-step-current", "aw-step-done", "aw-step-edge", "aw-step-fresh", "aw-step-hooked");
    for (const t of svg.querySelectorAll("text.aw-step-label")) t.remove();
    for (const g of svg.querySelectorAll("g.edge[data-grad-shape]")) {
      delete g.dataset.gradShape;
      delete g.dataset.gradStep;
    }
  }

  function labelEdge(g, e) {
    const path = g.querySelector("path");
    if (!path || typeof path.getTotalLength !== "function") return;
    let pt;
    try {
      pt = path.getPointAtLength(path.getTotalLength() / 2);
    } catch {
      return;
    }
    const text = document.createElementNS(SVG_NS, "text");
    text.setAttribute("class", "aw-step-label");
    text.setAttribute("x", String(pt.x + 4));
    text.setAttribute("y", String(pt.y + 4));
    text.textContent = edgeLabel(e, lang);
    g.append(text);
  }

  function mark() {
    const svg = parts.canvas.svg();
    if (!svg) return;
    clearMarks(svg);
    const s = stepState(passes(), model.get("step_pass"), model.get("step"));
    el.dataset.stepNode = s && s.current ? s.current.node : "";
    if (!s) return;
    for (const g of svg.querySelectorAll("g.node[data-node-id]")) {
      const id = g.dataset.nodeId;
      if (s.current && id === s.current.node) g.classList.add("aw-step-current");
      else if (s.done.has(id)) g.classList.add("aw-step-done");
    }
    const { edges } = toDot(ctx.graph, { showSaved: model.get("show_saved") });
    const matched = matchEdges(edges, s.edges);
    for (const g of svg.querySelectorAll("g.edge")) {
      const m = /e(\d+)$/.exec(g.id || "");
      const e = m ? matched.get(Number(m[1])) : null;
      if (!e) continue;
      g.classList.add("aw-step-edge");
      if (e.fresh) g.classList.add("aw-step-fresh");
      if (e.before_hooks) g.classList.add("aw-step-hooked");
      g.dataset.gradShape = shapeText(e.grad, lang);
      g.dataset.gradStep = String(e.step);
      g._awGrad = e;
      labelEdge(g, e);
    }
  }

  const labelOf = (id) => {
    const n = (ctx.graph.nodes || []).find((x) => x.id === id);
    return n ? n.label + (n.name ? ` (${n.name})` : "") : id;
  };

  function gradBlock(title, grad, cls) {
    return [
      h("div", { class: cls || "aw-step-h", text: title }),
      h("pre", { text: grad ? `${shapeText(grad, lang)}  ${grad.value}` : st(lang, "none_") }),
    ];
  }

  function renderInfo() {
    const s = stepState(passes(), model.get("step_pass"), model.get("step"));
    if (!s) {
      info.hidden = true;
      info.replaceChildren();
      return;
    }
    const parts = [];
    if (picked) {
      parts.push(...gradBlock(st(lang, "edge", labelOf(picked.target), labelOf(picked.source)), picked.grad));
      if (picked.before_hooks)
        parts.push(...gradBlock(`⚓ ${st(lang, "beforeHooks")}`, picked.before_hooks, "aw-step-hook"));
    } else if (s.current) {
      const c = s.current;
      (c.grads || []).forEach((g, i) => {
        const hooked = c.grads_before_hooks && c.grads_before_hooks[String(i)];
        parts.push(
          ...gradBlock(
            `${c.label} ${st(lang, "received")}${(c.grads || []).length > 1 ? ` [${i}]` : ""}${hooked ? ` ⚓ ${st(lang, "hooked")}` : ""}`,
            g,
          ),
        );
        if (hooked) parts.push(...gradBlock(`⚓ ${st(lang, "beforeHooks")}`, hooked, "aw-step-hook"));
      });
      for (const e of c.edges || []) {
        parts.push(
          ...gradBlock(
            `${st(lang, "sent")} → ${labelOf(e.source)}${e.before_hooks ? ` ⚓ ${st(lang, "hooked")}` : ""}`,
            e.grad,
          ),
        );
      }
      if (c.leaf) {
        const l = c.leaf;
        const leafBox = h("div", { class: "aw-step-leaf" });
        leafBox.append(
          h("div", {
            class: "aw-step-h",
            text: `${labelOf(c.node)} ${st(lang, "leaf")}${l.hooked ? ` ⚓ ${st(lang, "hooked")}` : ""}`,
          }),
          h("pre", { class: "aw-leaf-before", text: l.before ? l.before.value : st(lang, "none_") }),
          h("div", { text: "+" }),
          h("pre", { class: "aw-leaf-incoming", text: l.incoming ? l.incoming.value : st(lang, "none_") }),
          h("div", { text: "=" }),
          h("pre", { class: "aw-leaf-after", text: l.after ? l.after.value : st(lang, "none_") }),
        );
        parts.push(leafBox);
      }
    }
    info.replaceChildren(...parts);
    info.hidden = !parts.length;
  }

  function update() {
    syncBar();
    mark();
    renderInfo();
  }

  // ---- events ------------------------------------------------------------------
  const onKey = (ev) => {
    if (ev.key !== "ArrowRight" && ev.key !== "ArrowLeft") return;
    const tag = ev.target && ev.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
    if (!passes().length) return;
    ev.preventDefault();
    ev.stopPropagation(); // JupyterLab must not move to another cell
    const k = model.get("step");
    if (k === null || k === undefined) go(ev.key === "ArrowRight" ? 1 : 0);
    else go(k + (ev.key === "ArrowRight" ? 1 : -1));
  };
  ctx.listen(el, "keydown", onKey);
  const edgeOf = (target) => (target && target.closest ? target.closest("g.edge.aw-step-edge") : null);
  const onClick = (ev) => {
    const g = edgeOf(ev.target);
    if (!g || !g._awGrad) return;
    picked = g._awGrad;
    renderInfo();
  };
  const onOver = (ev) => {
    const g = edgeOf(ev.target);
    if (g && g._awGrad && g._awGrad !== picked) {
      picked = g._awGrad;
      renderInfo();
    }
  };
  ctx.listen(el, "click", onClick);
  ctx.listen(el, "mouseover", onOver);
  ctx.listen(passSelect, "change", () => {
    picked = null;
    setStep(0, Number(passSelect.value));
  });
  const onTraits = () => {
    picked = null;
    update();
  };
  for (const trait of ["step", "step_pass", "_steps"]) ctx.onModel(`change:${trait}`, onTraits);
  ctx.on("drawn", update); // a new SVG: mark it
  update();
  return () => {
    bar.remove();
    info.remove();
  };
}
