// GradModeToggle's ES module: a switch that shows grad mode for the next cells.
//
// A click only sets the `enabled` trait; the kernel applies it before the next
// cell runs (IPython's pre_run_cell hook) and sets `pending` until then.
import { toggleText } from "./toggle_logic.js";
import { h, injectStyle } from "./dom.js";
import { adoptPageLanguage } from "./i18n.js";

const CSS = `
.aw-toggle {
  --aw-on: var(--jp-success-color1, #388e3c);
  --aw-off: var(--jp-warn-color1, #f57c00);
  display: inline-flex; align-items: center; gap: 8px;
  font-family: var(--jp-ui-font-family, system-ui, sans-serif);
  font-size: var(--jp-ui-font-size1, 13px);
  color: var(--jp-ui-font-color1, #1a1a1a);
}
.aw-toggle button {
  display: inline-flex; align-items: center; gap: 6px; cursor: pointer; font: inherit;
  color: inherit; background: var(--jp-layout-color1, #fff);
  border: 1px solid var(--jp-border-color1, #bdbdbd); border-radius: 14px; padding: 2px 10px 2px 4px;
}
.aw-toggle button:hover { border-color: var(--jp-brand-color1, #1976d2); }
.aw-toggle button:focus-visible { outline: 2px solid var(--jp-brand-color1, #1976d2); outline-offset: 1px; }
.aw-toggle .aw-knob { position: relative; width: 30px; height: 16px; border-radius: 8px; background: var(--aw-off); transition: background 0.15s; }
.aw-toggle .aw-knob::after { content: ""; position: absolute; top: 2px; left: 2px; width: 12px; height: 12px;
  border-radius: 50%; background: var(--jp-layout-color1, #fff); transition: left 0.15s; }
.aw-toggle[data-enabled="true"] .aw-knob { background: var(--aw-on); }
.aw-toggle[data-enabled="true"] .aw-knob::after { left: 16px; }
.aw-toggle .aw-state { font-weight: 600; font-family: var(--jp-code-font-family, monospace); }
.aw-toggle .aw-note { color: var(--jp-ui-font-color2, #555); font-size: 90%; }
`;

function render({ model, el }) {
  injectStyle("aw-toggle-style", CSS);
  const knob = h("span", { class: "aw-knob" });
  const label = h("span");
  const stateText = h("span", { class: "aw-state" });
  const button = h("button", { type: "button", role: "switch" }, knob, label, stateText);
  const note = h("span", { class: "aw-note", "aria-live": "polite" });
  const root = h("div", { class: "aw-toggle" }, button, note);
  el.appendChild(root);

  const update = () => {
    const text = toggleText(model.get("enabled"), model.get("pending"), model.get("label"), model.get("language"));
    root.dataset.enabled = String(text.enabled);
    root.dataset.pending = String(text.pending);
    button.setAttribute("aria-checked", String(text.enabled));
    button.title = text.title;
    label.textContent = text.label;
    stateText.textContent = text.state;
    note.textContent = text.note;
  };
  const onClick = () => {
    model.set("enabled", !model.get("enabled"));
    model.save_changes();
  };
  button.addEventListener("click", onClick);
  model.on("change:enabled", update);
  model.on("change:pending", update);
  model.on("change:label", update);
  model.on("change:language", update);
  update();
  return () => {
    button.removeEventListener("click", onClick);
    model.off("change:enabled", update);
    model.off("change:pending", update);
    model.off("change:label", update);
    model.off("change:language", update);
  };
}

export default {
  initialize({ model }) {
    adoptPageLanguage(model);
  },
  render,
};
