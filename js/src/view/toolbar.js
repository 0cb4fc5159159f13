// The graph view's toolbar (search, zoom, display options, export, pass count)
// and the two notice lines under it (the kernel's notice, a failed export).
import { h } from "../dom.js";
import { exportPng, exportSvg } from "../export.js";
import { translateNotice } from "../i18n.js";

/**
 * Build the toolbar.
 * @param {object} ctx  the view's context (context.js)
 * @param {object} actions
 * @param {function} actions.zoomIn
 * @param {function} actions.zoomOut
 * @param {function} actions.fit
 * @param {function} actions.svgText  the SVG on screen as text, or null before the first drawing
 * @returns {object} {el, notices: [Element], search, searchCount, add(...controls), update(), syncControls()}
 *   `add` puts more controls (e.g. a timeline slider) at the end of the bar, after a separator;
 *   `update` redraws the pass count and the notice from ctx.graph;
 *   `syncControls` sets the check boxes and direction from the model's traits.
 */
export function createToolbar(ctx, actions) {
  const { t, model, el } = ctx;
  const search = h("input", {
    type: "search",
    class: "aw-search",
    placeholder: t("searchPlaceholder"),
    "aria-label": t("searchLabel"),
  });
  const searchCount = h("span", { class: "aw-search-count", "aria-live": "polite" });
  const btn = (label, title, fn, cls) =>
    h("button", { type: "button", title, "aria-label": title, class: cls, onclick: fn }, label);
  const savedBox = h("input", { type: "checkbox", class: "aw-toggle-saved" });
  const valuesBox = h("input", { type: "checkbox", class: "aw-toggle-values" });
  const dirSelect = h(
    "select",
    { class: "aw-rankdir", "aria-label": t("direction") },
    h("option", { value: "TB" }, t("topBottom")),
    h("option", { value: "LR" }, t("leftRight")),
  );
  const passes = h("span", { class: "aw-passes", "aria-live": "polite" });
  const bar = h(
    "div",
    { class: "aw-toolbar", role: "toolbar", "aria-label": t("toolbar") },
    search,
    searchCount,
    h("span", { class: "aw-sep" }),
    btn("+", t("zoomIn"), () => actions.zoomIn(), "aw-zoom-in"),
    btn("−", t("zoomOut"), () => actions.zoomOut(), "aw-zoom-out"),
    btn("⤢", t("fit"), () => actions.fit(), "aw-fit"),
    h("span", { class: "aw-sep" }),
    h("label", { title: t("savedTitle") }, savedBox, t("saved")),
    h("label", { title: t("valuesTitle") }, valuesBox, t("values")),
    dirSelect,
    h("span", { class: "aw-sep" }),
    btn("SVG", t("exportSvg"), () => runExport(exportSvg), "aw-export-svg"),
    btn("PNG", t("exportPng"), () => runExport(exportPng), "aw-export-png"),
    passes,
  );
  const notice = h("div", { class: "aw-notice", role: "status", hidden: true });
  const exportError = h("div", { class: "aw-notice aw-export-error", role: "alert", hidden: true });

  // An export that fails says so (it used to fail silently).
  function runExport(fn) {
    const svg = actions.svgText();
    if (!svg) return;
    el.dataset.export = "busy";
    exportError.hidden = true;
    Promise.resolve()
      .then(() => fn(svg))
      .then(
        () => {
          if (!ctx.disposed) el.dataset.export = "done";
        },
        (err) => {
          if (ctx.disposed) return;
          el.dataset.export = "error";
          const why = err && err.key ? t(err.key, err.detail) : (err && err.message) || err;
          exportError.textContent = t("exportFailed", why);
          exportError.hidden = false;
        },
      );
  }

  function update() {
    const graph = ctx.graph;
    const n = graph.backward_passes || 0;
    passes.textContent = n ? t("passes", n) : "";
    // the kernel's notice already says how many nodes were cut (and why): say it once
    const cut = graph.truncated && !graph.notice ? t("truncated", graph.truncated) : null;
    const msg = [translateNotice(ctx.lang, graph.notice), cut].filter(Boolean).join(" · ");
    notice.textContent = msg;
    notice.hidden = !msg;
  }

  function syncControls() {
    savedBox.checked = !!model.get("show_saved");
    valuesBox.checked = !!model.get("show_values");
    dirSelect.value = model.get("rankdir") === "LR" ? "LR" : "TB";
  }

  function add(...controls) {
    bar.insertBefore(h("span", { class: "aw-sep" }), passes);
    for (const control of controls) bar.insertBefore(control, passes);
  }

  ctx.listen(savedBox, "change", () => ctx.setTrait("show_saved", savedBox.checked));
  ctx.listen(valuesBox, "change", () => ctx.setTrait("show_values", valuesBox.checked));
  ctx.listen(dirSelect, "change", () => ctx.setTrait("rankdir", dirSelect.value));
  return { el: bar, notices: [notice, exportError], search, searchCount, add, update, syncControls };
}
