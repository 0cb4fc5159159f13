// DOM-free graph helpers for the widget: adjacency, ancestors/descendants,
// search, tooltips, the details panel's content and live patches.
import { formatShape } from "./dot.js";
import { t } from "./i18n.js";

/** Index a wire graph: id -> node, and both directions of the edges. */
export function indexGraph(graph) {
  const byId = new Map();
  const inputs = new Map(); // id -> ids of sources (edges pointing into it)
  const outputs = new Map(); // id -> ids of targets
  for (const n of graph.nodes || []) {
    byId.set(n.id, n);
    inputs.set(n.id, []);
    outputs.set(n.id, []);
  }
  for (const e of graph.edges || []) {
    if (!byId.has(e.source) || !byId.has(e.target)) continue;
    outputs.get(e.source).push(e.target);
    inputs.get(e.target).push(e.source);
  }
  return { byId, inputs, outputs };
}

function reach(adj, start) {
  const seen = new Set();
  const stack = [...(adj.get(start) || [])];
  while (stack.length) {
    const id = stack.pop();
    if (seen.has(id) || id === start) continue;
    seen.add(id);
    for (const next of adj.get(id) || []) if (!seen.has(next)) stack.push(next);
  }
  return seen;
}

/** Nodes the selection depends on (upstream: its inputs, their inputs, ...). */
export function ancestors(index, id) {
  return reach(index.inputs, id);
}

/** Nodes that depend on the selection (downstream, towards the outputs). */
export function descendants(index, id) {
  return reach(index.outputs, id);
}

/** Ids of nodes whose label, name, expr or id contains `query` (case-insensitive). */
export function searchNodes(graph, query) {
  const q = String(query || "")
    .trim()
    .toLowerCase();
  if (!q) return [];
  return (graph.nodes || [])
    .filter((n) => [n.label, n.name, n.expr, n.id].some((s) => s && String(s).toLowerCase().includes(q)))
    .map((n) => n.id);
}

/** One short line per fact, for the hover tooltip. */
export function tooltipText(node, lang = "en") {
  if (!node) return "";
  const lines = [node.label || node.id];
  if (node.name) lines.push(`${t(lang, "name")}: ${node.name}`);
  if (node.expr) lines.push(`${t(lang, "expr")}: ${node.expr}`);
  const ten = node.tensor;
  if (ten) lines.push(`${formatShape(ten.shape)} ${ten.dtype || ""}`.trim());
  if (node.executed_order !== null && node.executed_order !== undefined)
    lines.push(t(lang, "ranInLast", node.executed_order + 1));
  if (node.no_grad) lines.push(t(lang, "underNoGrad"));
  if (node.kind === "more") lines.push(t(lang, "notShownCount", node.more_count ?? "?"));
  return lines.join("\n");
}

function fmtStats(s, lang) {
  if (!s) return null;
  const f = (x) => (typeof x === "number" ? Number(x.toPrecision(5)).toString() : String(x));
  return t(lang, "statsLine", f(s.min), f(s.max), f(s.mean), f(s.norm));
}

/**
 * The details panel as data: a title and rows of [key, value, {pre, bad, target}].
 * `pre` rows are shown in a scrollable monospace block.
 */
export function nodeDetails(node, graph, lang = "en") {
  if (!node) return null;
  const rows = [];
  const kindName = {
    backward: t(lang, "kindBackward"),
    leaf: t(lang, "kindLeaf"),
    tensor: t(lang, "kindTensor"),
    saved: t(lang, "kindSaved"),
    more: t(lang, "kindMore"),
  };
  const row = (key, ...rest) => rows.push([t(lang, key), ...rest]);
  row("kind", kindName[node.kind] || node.kind);
  if (node.kind !== "tensor" && node.kind !== "saved") row("op", node.label);
  if (node.name) row("name", node.name);
  if (node.expr) row("expression", node.expr);
  if (node.executed_order !== null && node.executed_order !== undefined)
    row("lastBackward", t(lang, "ranOf", node.executed_order + 1, (graph.executed || []).length));
  if (node.no_grad) row("gradMode", t(lang, "underNoGrad"));
  if (node.kind === "more") row("notShown", String(node.more_count ?? "?"));
  const ten = node.tensor;
  if (ten) {
    row("shape", formatShape(ten.shape));
    row("dtype", ten.dtype);
    row("requiresGrad", String(!!ten.requires_grad));
    row("version", String(ten.version ?? 0));
    row("value", ten.value ?? "", { pre: true, bad: !!(ten.has_nan || ten.has_inf) });
    const st = fmtStats(ten.stats, lang);
    if (st) row("stats", st);
    // a missing grad (compact wire form) reads as None, like .grad
    const grad = ten.grad ?? null;
    row("grad", grad === null ? "None" : grad, { pre: grad !== null, bad: !!(ten.grad_has_nan || ten.grad_has_inf) });
    const gs = fmtStats(ten.grad_stats, lang);
    if (gs) row("gradStats", gs);
  }
  for (const s of node.saved || []) rows.push([s.attr, s.repr, { pre: true, target: s.node || null }]);
  const title = node.kind === "backward" || node.kind === "more" ? node.label : node.name || node.label || node.id;
  return { title, rows };
}

/**
 * Apply a live patch (see GraphWidget._patch on the Python side) to a graph.
 * Returns a new graph object; the input is not modified.
 *
 * patch = {set: {top-level keys}, upsert: [Node], remove: [id], order: [id] | undefined,
 *          edges: [Edge] | undefined, replace: bool | undefined (upsert is then the whole node list)}
 */
export function applyPatch(graph, patch) {
  const out = { ...graph, ...(patch.set || {}) };
  if (patch.replace) {
    out.nodes = patch.upsert || [];
    out.edges = patch.edges || [];
    return out;
  }
  const byId = new Map((graph.nodes || []).map((n) => [n.id, n]));
  for (const id of patch.remove || []) byId.delete(id);
  for (const n of patch.upsert || []) byId.set(n.id, n);
  const order = patch.order || (graph.nodes || []).map((n) => n.id);
  const nodes = [];
  const placed = new Set();
  for (const id of order) {
    if (byId.has(id) && !placed.has(id)) {
      nodes.push(byId.get(id));
      placed.add(id);
    }
  }
  for (const [id, n] of byId) if (!placed.has(id)) nodes.push(n);
  out.nodes = nodes;
  out.edges = patch.edges || graph.edges || [];
  return out;
}

/** "laying out 1,000 nodes…" */
export function layoutMessage(graph, lang = "en") {
  return t(lang, "layingOut", (graph.nodes || []).length);
}
