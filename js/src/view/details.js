// The graph view's details panel: what a click on a node shows (kind, op,
// shape, values, grad, saved tensors... from graph_logic.js's nodeDetails).
import { h } from "../dom.js";
import { nodeDetails } from "../graph_logic.js";

/**
 * Build the details panel.
 * @param {object} ctx  the view's context (context.js); the panel follows its "height" event
 * @param {function} select  select(id | null): selects another node, or clears (closes)
 * @returns {object} {el, show(id), addSection(section)}
 *   `show(id)` fills the panel for node `id` of ctx.graph (hides it for null/unknown ids);
 *   `addSection(section)` adds a part under the rows: `section(node, graph)` returns an
 *   Element (or null for nothing) each time the panel is filled.
 */
export function createDetails(ctx, select) {
  const { t } = ctx;
  const details = h("aside", {
    class: "aw-details",
    hidden: true,
    "aria-live": "polite",
    "aria-label": t("nodeDetails"),
  });
  const sections = [];

  function show(sel) {
    const node = sel === null || sel === undefined ? null : ctx.index.byId.get(sel);
    if (!node) {
      details.hidden = true;
      details.replaceChildren();
      return;
    }
    const d = nodeDetails(node, ctx.graph, ctx.lang);
    // plain divs, not <dl>: host pages style dl/dt/dd in their own ways
    const rows = h("div", { class: "aw-rows" });
    for (const [key, value, opt = {}] of d.rows) {
      let val;
      if (opt.target) {
        val = h(
          "div",
          { class: "aw-val" },
          h("button", { type: "button", class: "aw-link", onclick: () => select(opt.target) }, t("goToNode")),
          h("pre", { text: value }),
        );
      } else if (opt.pre) {
        val = h("div", { class: "aw-val" }, h("pre", { text: value, tabindex: "0", class: opt.bad ? "aw-bad" : "" }));
      } else {
        val = h("div", { text: value, class: opt.bad ? "aw-val aw-bad" : "aw-val" });
      }
      rows.append(h("div", { class: "aw-key", text: key }), val);
    }
    details.replaceChildren(
      h(
        "h3",
        {},
        h("span", { text: d.title }),
        h(
          "button",
          { type: "button", title: t("closeDetails"), "aria-label": t("closeDetails"), onclick: () => select(null) },
          "×",
        ),
      ),
      rows,
      ...sections.map((section) => section(node, ctx.graph)).filter(Boolean),
    );
    details.dataset.nodeId = node.id;
    details.hidden = false;
  }

  ctx.on("height", (height) => {
    details.style.height = height;
  });
  return { el: details, show, addSection: (section) => sections.push(section) };
}
