// DOM-free text of GradModeToggle (unit-tested in node).
import { TOGGLE, text } from "./i18n.js";

/**
 * What the toggle says for a state.
 * @param {boolean} enabled grad mode for the next cells
 * @param {boolean} pending the change waits for the next cell
 * @param {string} label text before the state (empty: "grad mode" in `lang`)
 * @param {string} lang the widget's language
 */
export function toggleText(enabled, pending, label = "", lang = "en") {
  const tr = (key, ...args) => text(TOGGLE, lang, key, ...args);
  const on = Boolean(enabled);
  const note = pending ? tr("fromNextCell") : on ? "" : tr("offNote");
  return {
    enabled: on,
    pending: Boolean(pending),
    label: label || tr("label"),
    state: tr(on ? "on" : "off"),
    note,
    title: tr("title", on, Boolean(pending)),
  };
}
