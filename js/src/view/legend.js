// The graph view's legend: what the node colours and borders mean (colours from dot.js).
import { palette } from "../dot.js";
import { h } from "../dom.js";

/**
 * Build the legend.
 * @param {object} ctx  the view's context (context.js), for its language
 * @returns {HTMLElement}
 */
export function createLegend(ctx) {
  const { t } = ctx;
  const k = palette.kinds;
  const item = (style, text) => h("span", {}, h("i", { style }), text);
  return h(
    "div",
    { class: "aw-legend", "aria-label": t("legend") },
    item(`background:${k.leaf.fillcolor}`, t("legendLeaf")),
    item(`background:${k.backward.fillcolor}`, t("legendGradFn")),
    item(`background:${k.tensor.fillcolor}`, t("legendOutput")),
    item(`background:${k.saved.fillcolor}`, t("legendSaved")),
    item(`background:${k.backward.fillcolor};border:2px solid ${palette.executed.color}`, t("legendRan")),
    item(`background:${palette.no_grad.fillcolor};border:1px dashed #999`, t("legendNoGrad")),
    item(`background:${palette.nan.fillcolor};border-color:${palette.nan.color}`, t("legendNan")),
  );
}
