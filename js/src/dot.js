// Graph JSON (docs/graph-schema.md) -> Graphviz DOT.  DOM-free: tested in node.
//
// The palette is the same JSON file the Python side (GraphModel.to_dot) reads,
// so a static SVG and the live widget use the same colours.
import palette from "../../autograd_widgets/graph/palette.json";
import { t as text } from "./i18n.js";

export { palette };

/**
 * C0 controls and DEL become their Unicode "control pictures" (NUL -> U+2400 ...):
 * a NUL ends Graphviz's string early and \x01 makes the SVG invalid XML, so PNG
 * export fails.  The Python side (graph/dot.py) does the same.
 */
export function showControls(text) {
  // eslint-disable-next-line no-control-regex
  return String(text).replace(/[\x00-\x1f\x7f]/g, (c) =>
    String.fromCharCode(c === "\x7f" ? 0x2421 : 0x2400 + c.charCodeAt(0)),
  );
}

/** Escape text for a double-quoted DOT string; newlines become centred line breaks. */
export function escapeDot(text) {
  const lines = String(text).replace(/\\/g, "\\\\").replace(/"/g, '\\"').split(/\r?\n/);
  return lines.map(showControls).join("\\n");
}

/**
 * A one-line summary of a torch-style repr: `tensor([[1., 1.],\n  [1., 1.]])`
 * becomes `[[1., 1.], [1., 1.]]`, cut to `maxLen` characters with an ellipsis.
 */
export function summarizeRepr(repr, maxLen = 40) {
  if (repr === null || repr === undefined) return "";
  let s = String(repr).trim();
  const m = /^tensor\(([\s\S]*)\)$/.exec(s);
  if (m) s = m[1];
  // drop trailing keyword arguments (", dtype=torch.float64", ", requires_grad=True")
  s = s.replace(/,\s*(dtype|requires_grad|grad_fn|device)=[^\]]*$/, "");
  s = s.replace(/\s+/g, " ").replace(/\[ /g, "[").replace(/ \]/g, "]");
  if (s.length > maxLen) s = `${s.slice(0, Math.max(1, maxLen - 1))}…`;
  return s;
}

/** `(2, 2)` like torch.Size prints, `()` for scalars. */
export function formatShape(shape) {
  if (!Array.isArray(shape)) return "";
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(", ")})`;
}

function tensorBad(t) {
  return !!t && (t.has_nan || t.has_inf || t.grad_has_nan || t.grad_has_inf);
}

/** True when the node's value or gradient holds NaN or Inf. */
export function isNonFinite(node) {
  return tensorBad(node.tensor);
}

/**
 * The text lines of a node's label.
 *
 * backward: the PyTorch class name; leaf: the user's name (or "leaf") and shape,
 * then the gradient after backward; tensor: name and shape; saved: the attribute
 * and shape; more: "+N more".  With showValues, values are added.  The words
 * (leaf, grad, ran #k, +N more) are in `opts.lang` (English by default).
 */
export function nodeLabelLines(node, opts = {}) {
  const tr = (key, ...args) => text(opts.lang, key, ...args);
  const showValues = !!opts.showValues;
  const width = opts.valueWidth ?? 36;
  const t = node.tensor;
  const lines = [];
  switch (node.kind) {
    case "backward":
      lines.push(node.label || "?");
      if (node.name) lines.push(node.name);
      break;
    case "leaf":
      // the user's name and shape, then the PyTorch node it is in next_functions
      lines.push([node.name, t ? formatShape(t.shape) : null].filter(Boolean).join(" ") || tr("nodeLeaf"));
      lines.push(node.label || "AccumulateGrad");
      break;
    case "tensor":
    case "saved":
      lines.push(node.name || node.label || tr(node.kind === "saved" ? "nodeSaved" : "nodeTensor"));
      if (t) lines.push(formatShape(t.shape));
      break;
    case "more":
      lines.push(moreLabel(node, tr));
      break;
    default:
      lines.push(node.label || node.id);
  }
  if (t && showValues && node.kind !== "more") lines.push(summarizeRepr(t.value, width));
  if (t && node.kind === "leaf" && t.grad !== null && t.grad !== undefined) {
    lines.push(tr("nodeGrad", summarizeRepr(t.grad, width)));
  }
  if (node.executed_order !== null && node.executed_order !== undefined) {
    lines.push(tr("nodeRan", node.executed_order + 1));
  }
  return lines;
}

// The kernel labels a cut-off rest "+N more" ("+N+ more": at least N); a collapsed
// chain "… ×3 A → B" has no words to translate.
function moreLabel(node, tr) {
  const m = /^\+(\d+)(\+?) more$/.exec(node.label || "");
  if (m) return tr("nodeMore", m[1], !!m[2]);
  return node.label || tr("nodeMore", node.more_count ?? "?", false);
}

/** Keep or drop saved-tensor nodes and their edges. */
export function visibleGraph(graph, opts = {}) {
  const nodes = graph.nodes || [];
  const edges = graph.edges || [];
  if (opts.showSaved !== false) return { nodes, edges };
  const keep = new Set();
  const kept = nodes.filter((n) => {
    if (n.kind === "saved") return false;
    keep.add(n.id);
    return true;
  });
  return {
    nodes: kept,
    edges: edges.filter((e) => e.kind !== "saved" && keep.has(e.source) && keep.has(e.target)),
  };
}

function attrs(obj) {
  const parts = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null || v === "") continue;
    parts.push(typeof v === "number" ? `${k}=${v}` : `${k}="${escapeDot(v)}"`);
  }
  return parts.join(", ");
}

/** The DOT attributes of one node: colours from the palette, classes for CSS hooks. */
export function nodeAttrs(node, opts = {}, pal = palette) {
  const kind = pal.kinds[node.kind] ? node.kind : "backward";
  const a = { ...pal.kinds[kind] };
  const classes = [`aw-k-${kind}`];
  if (node.no_grad) {
    Object.assign(a, pal.no_grad);
    classes.push("aw-nograd");
  }
  if (node.executed_order !== null && node.executed_order !== undefined) {
    Object.assign(a, pal.executed);
    classes.push("aw-exec");
  }
  if (isNonFinite(node)) {
    Object.assign(a, pal.nan);
    classes.push("aw-nan");
  }
  a.label = nodeLabelLines(node, opts).join("\n");
  a.class = classes.join(" ");
  return a;
}

/**
 * Extra graph attributes that bound Graphviz's work on a graph of `nodeCount`
 * drawn nodes: none below `palette.layout_budget.min_nodes` (small graphs'
 * DOT is unchanged), else `layout_budget.graph` (the same rule as the Python
 * side's `graph/dot.py`).
 */
export function layoutBudget(nodeCount, pal = palette) {
  const b = pal.layout_budget;
  return b && nodeCount >= b.min_nodes ? { ...b.graph } : {};
}

/**
 * Build the DOT text.
 *
 * @param {object} graph  the wire model (schema 1)
 * @param {object} opts   {showSaved, showValues, rankdir, idPrefix, layoutBudget (default true)}
 * @returns {{dot: string, nodeIds: string[], edges: object[], budget: object}}  nodeIds[i]
 *   is the model id of the SVG element `${idPrefix}n${i}`; edges[i] of `${idPrefix}e${i}`;
 *   budget: the attributes layoutBudget added ({} for a small graph).
 */
export function toDot(graph, opts = {}, pal = palette) {
  const prefix = opts.idPrefix ?? "aw-";
  const rankdir = opts.rankdir === "LR" ? "LR" : "TB";
  const { nodes, edges } = visibleGraph(graph, opts);
  const budget = opts.layoutBudget === false ? {} : layoutBudget(nodes.length, pal);
  const font = pal.font;
  const out = [];
  out.push("digraph G {");
  out.push(
    `  graph [${attrs({ rankdir, bgcolor: pal.graph.bgcolor, nodesep: pal.graph.nodesep, ranksep: pal.graph.ranksep, fontname: font.name, ...budget })}];`,
  );
  out.push(`  node [${attrs({ fontname: font.name, fontsize: font.size, height: 0.3, margin: "0.1,0.04" })}];`);
  out.push(`  edge [${attrs({ color: pal.edge.next, arrowsize: pal.edge.arrowsize })}];`);
  const nodeIds = [];
  const known = new Set();
  nodes.forEach((n, i) => {
    nodeIds.push(n.id);
    known.add(n.id);
    const a = nodeAttrs(n, opts, pal);
    a.id = `${prefix}n${i}`;
    out.push(`  "${escapeDot(n.id)}" [${attrs(a)}];`);
  });
  const keptEdges = [];
  for (const e of edges) {
    if (!known.has(e.source) || !known.has(e.target)) continue;
    const i = keptEdges.length;
    keptEdges.push(e);
    const a = { id: `${prefix}e${i}`, class: `aw-e-${e.kind || "next"}` };
    if (e.kind === "saved") Object.assign(a, { color: pal.edge.saved, style: "dashed" });
    if (e.kind === "output") a.color = pal.edge.output;
    out.push(`  "${escapeDot(e.source)}" -> "${escapeDot(e.target)}" [${attrs(a)}];`);
  }
  out.push("}");
  return { dot: out.join("\n"), nodeIds, edges: keptEdges, budget };
}
