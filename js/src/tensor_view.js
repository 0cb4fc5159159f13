// TensorView's ES module: values and .grad as heatmap tables.
//
// The kernel sends one page of float64 values (`_values`, `_grad`) and a JSON
// summary (`_info`); paging and slicing set traits and the kernel answers with
// the new page.  Colours mix a sign colour into transparent, so zero is the
// notebook background in light and dark themes alike.
import { cellBackground, chooseFormat, decodeFloat64, pageInfo, shortNumber, sliceText, statsText } from "./heatmap.js";
import { h, injectStyle } from "./dom.js";
import { TENSOR, adoptPageLanguage, text } from "./i18n.js";

const CSS = `
.aw-tensor {
  --aw-pos: var(--jp-error-color1, #d32f2f);
  --aw-neg: var(--jp-brand-color1, #1976d2);
  --aw-nan: var(--jp-warn-color0, #bf360c);
  --aw-fg: var(--jp-ui-font-color1, #1a1a1a);
  --aw-fg2: var(--jp-ui-font-color2, #555);
  --aw-border: var(--jp-border-color2, #e0e0e0);
  font-family: var(--jp-ui-font-family, system-ui, sans-serif);
  font-size: var(--jp-ui-font-size1, 13px);
  color: var(--aw-fg);
  max-width: 100%;
}
.aw-tensor .aw-tv-head { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; margin-bottom: 4px; }
.aw-tensor .aw-tv-name { font-weight: 600; }
.aw-tensor .aw-tv-meta, .aw-tensor .aw-tv-stats, .aw-tensor .aw-tv-pager { color: var(--aw-fg2); font-size: 90%; }
.aw-tensor code { font-family: var(--jp-code-font-family, monospace); }
.aw-tensor .aw-tv-notice { color: var(--aw-nan); }
.aw-tensor .aw-tv-tables { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.aw-tensor figure { margin: 0; min-width: 0; max-width: 100%; }
.aw-tensor figcaption { display: flex; gap: 8px; align-items: baseline; margin-bottom: 2px; }
.aw-tensor figcaption b { font-family: var(--jp-code-font-family, monospace); }
.aw-tensor .aw-tv-scroll { overflow: auto; max-height: 28em; max-width: 100%; }
.aw-tensor table { border-collapse: collapse; font-family: var(--jp-code-font-family, monospace); font-size: 90%; }
.aw-tensor td { padding: 1px 6px; text-align: right; border: 1px solid var(--aw-border); white-space: nowrap; color: var(--aw-fg); }
.aw-tensor td.aw-empty { border-color: transparent; }
.aw-tensor td[data-sign="nan"] { outline: 1px dashed var(--aw-nan); outline-offset: -2px; }
.aw-tensor th { padding: 0 4px; color: var(--aw-fg2); font-weight: normal; text-align: right; }
.aw-tensor .aw-tv-bar { display: flex; align-items: center; gap: 4px; color: var(--aw-fg2); font-size: 80%; margin-top: 2px; }
.aw-tensor .aw-tv-bar span.aw-tv-ramp { width: 90px; height: 8px; border: 1px solid var(--aw-border);
  background: linear-gradient(to right, color-mix(in srgb, var(--aw-neg) 85%, transparent), transparent, color-mix(in srgb, var(--aw-pos) 85%, transparent)); }
.aw-tensor .aw-tv-none { color: var(--aw-fg2); font-style: italic; padding: 4px 0; }
.aw-tensor .aw-tv-pager, .aw-tensor .aw-tv-slice { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 4px; }
.aw-tensor button, .aw-tensor input { font: inherit; color: var(--aw-fg); background: var(--jp-layout-color1, #fff);
  border: 1px solid var(--jp-border-color1, #bdbdbd); border-radius: 3px; padding: 0 6px; }
.aw-tensor input { width: 4.5em; }
.aw-tensor button:disabled { opacity: 0.4; }
`;

function heatTable(info, values, kind, scale) {
  const fmt = chooseFormat(values, kind, info.valid);
  const table = h("table");
  if (info.col_labels.some((l) => l !== "")) {
    const head = h("tr", {}, h("th"));
    for (const label of info.col_labels) head.append(h("th", { text: label }));
    table.append(head);
  }
  const cols = info.page_cols;
  for (let r = 0; r < info.page_rows; r++) {
    const row = h("tr", {}, h("th", { text: info.row_labels[r] ?? "" }));
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      if (i >= info.valid) {
        row.append(h("td", { class: "aw-empty" }));
        continue;
      }
      const v = values[i];
      const td = h("td", { text: fmt(v), title: String(v) });
      td.style.background = cellBackground(v, scale);
      td.dataset.sign = Number.isNaN(v) ? "nan" : v > 0 ? "pos" : v < 0 ? "neg" : "zero";
      row.append(td);
    }
    table.append(row);
  }
  return table;
}

function figure(title, cls, info, bytes, stats, kind, lang) {
  const values = decodeFloat64(bytes);
  const scale = stats ? stats.scale : 0;
  const caption = h(
    "figcaption",
    {},
    h("b", { text: title }),
    h("span", { class: "aw-tv-stats", text: statsText(stats, lang) }),
  );
  const bar = h(
    "div",
    { class: "aw-tv-bar" },
    h("span", { text: shortNumber(-scale) }),
    h("span", { class: "aw-tv-ramp" }),
    h("span", { text: shortNumber(scale) }),
  );
  const empty = info.page_rows * info.page_cols === 0;
  const body = empty
    ? h("div", { class: "aw-tv-none", text: text(TENSOR, lang, "empty") })
    : h("div", { class: "aw-tv-scroll" }, heatTable(info, values, kind, scale));
  return h("figure", { class: cls }, caption, body, empty ? null : bar);
}

function header(model, info, tr) {
  const name = model.get("name");
  const meta = [tr("shape", info.shape.join(", ")), info.dtype];
  if (info.grad_fn) meta.push(`grad_fn=<${info.grad_fn}>`);
  else if (info.requires_grad) meta.push("requires_grad=True");
  if (info.version) meta.push(tr("version", info.version));
  return h(
    "div",
    { class: "aw-tv-head" },
    name ? h("span", { class: "aw-tv-name", text: name }) : null,
    h("code", { class: "aw-tv-meta", text: meta.join(" · ") }),
    // the kernel's only notice says the tensor is gone: shown in the widget's language
    info.notice ? h("span", { class: "aw-tv-notice", text: info.gone ? tr("gone") : info.notice }) : null,
  );
}

function sliceControls(model, info, tr) {
  const ndim = info.shape.length;
  if (ndim <= 2) return null;
  const index = model.get("index") || [];
  const box = h("div", { class: "aw-tv-slice" }, h("span", { text: tr("slice") }));
  index.forEach((k, dim) => {
    const input = h("input", {
      type: "number",
      min: 0,
      max: info.shape[dim] - 1,
      value: k,
      title: tr("indexTitle", dim, info.shape[dim]),
    });
    input.setAttribute("aria-label", tr("indexLabel", dim));
    const apply = () => {
      const v = Math.max(0, Math.min(info.shape[dim] - 1, Number.parseInt(input.value, 10) || 0));
      const next = [...model.get("index")];
      if (next[dim] === v) return;
      next[dim] = v;
      model.set("index", next);
      model.set("row_start", 0);
      model.set("col_start", 0);
      model.save_changes();
    };
    input.addEventListener("change", apply);
    input.addEventListener("keydown", (event) => {
      event.stopPropagation(); // keys typed here are not notebook shortcuts
      if (event.key === "Enter") apply();
    });
    box.append(input);
  });
  box.append(h("code", { text: sliceText(model.get("name"), index, ndim) }));
  return box;
}

function pager(model, info, tr, lang) {
  const rows = pageInfo(info.row_start, info.page_rows, info.rows_total, model.get("rows"), "rows", lang);
  const cols = pageInfo(info.col_start, info.page_cols, info.cols_total, model.get("cols"), "cols", lang);
  if (!rows.label && !cols.label) return null;
  const box = h("div", { class: "aw-tv-pager" });
  const axis = (p, trait, prevKey, nextKey) => {
    if (!p.label) return;
    const go = (to) => () => {
      model.set(trait, to);
      model.save_changes();
    };
    const prev = h("button", { type: "button", text: "◀", title: tr(prevKey), disabled: p.prev === null });
    const next = h("button", { type: "button", text: "▶", title: tr(nextKey), disabled: p.next === null });
    if (p.prev !== null) prev.addEventListener("click", go(p.prev));
    if (p.next !== null) next.addEventListener("click", go(p.next));
    box.append(prev, h("span", { text: p.label }), next);
  };
  axis(rows, "row_start", "prevRows", "nextRows");
  axis(cols, "col_start", "prevCols", "nextCols");
  return box;
}

function render({ model, el }) {
  injectStyle("aw-tensor-style", CSS);
  const root = h("div", { class: "aw-tensor" });
  el.appendChild(root);
  const update = () => {
    const info = model.get("_info") || {};
    const lang = model.get("language") || "en";
    const tr = (key, ...args) => text(TENSOR, lang, key, ...args);
    root.replaceChildren();
    if (!info.shape) {
      root.dataset.status = "empty";
      return;
    }
    root.append(header(model, info, tr));
    const slice = sliceControls(model, info, tr);
    if (slice) root.append(slice);
    const tables = h("div", { class: "aw-tv-tables" });
    tables.append(figure(tr("values"), "aw-tv-values", info, model.get("_values"), info.stats, info.kind, lang));
    if (model.get("show_grad")) {
      if (info.has_grad)
        tables.append(figure(".grad", "aw-tv-grad", info, model.get("_grad"), info.grad_stats, "f", lang));
      else
        tables.append(
          h(
            "figure",
            { class: "aw-tv-grad" },
            h("figcaption", {}, h("b", { text: ".grad" })),
            h("div", {
              class: "aw-tv-none",
              text: tr(info.requires_grad ? "noGradYet" : "noGrad"),
            }),
          ),
        );
    }
    root.append(tables);
    const pages = pager(model, info, tr, lang);
    if (pages) root.append(pages);
    root.dataset.status = info.gone ? "gone" : "ready";
    root.dataset.hasGrad = String(Boolean(info.has_grad));
    root.dataset.version = String(info.version ?? "");
  };
  const events = [
    "change:_info",
    "change:_values",
    "change:_grad",
    "change:name",
    "change:show_grad",
    "change:language",
  ];
  let queued = false;
  const schedule = () => {
    // several traits change together (hold_sync): redraw once per frame
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      update();
    });
  };
  for (const e of events) model.on(e, schedule);
  update();
  return () => {
    for (const e of events) model.off(e, schedule);
  };
}

export default {
  initialize({ model }) {
    adoptPageLanguage(model);
  },
  render,
};
