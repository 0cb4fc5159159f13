// DOM-free graph helpers for the widget: adjacency, ancestors/descendants,
// search, tooltips, the details panel's content and live patches.
import { formatShape } from "./dot.js";

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
export function tooltipText(node) {
  if (!node) return "";
  const lines = [node.label || node.id];
  if (node.name) lines.push(`name: ${node.name}`);
  if (node.expr) lines.push(`expr: ${node.expr}`);
  const t = node.tensor;
  if (t) lines.push(`${formatShape(t.shape)} ${t.dtype || ""}`.trim());
  if (node.executed_order !== null && node.executed_order !== undefined)
    lines.push(`ran #${node.executed_order + 1} in the last backward`);
  if (node.no_grad) lines.push("recorded under no_grad");
  if (node.kind === "more") lines.push(`${node.more_count ?? "?"} nodes not shown`);
  return lines.join("\n");
}

function fmtStats(s) {
  if (!s) return null;
  const f = (x) => (typeof x === "number" ? Number(x.toPrecision(5)).toString() : String(x));
  return `min ${f(s.min)}  max ${f(s.max)}  mean ${f(s.mean)}  norm ${f(s.norm)}`;
}

/**
 * The details panel as data: a title and rows of [key, value, {pre, bad, target}].
 * `pre` rows are shown in a scrollable monospace block.
 */
export function nodeDetails(node, graph) {
  if (!node) return null;
  const rows = [];
  const kindName = {
    backward: "backward node (grad_fn)",
    leaf: "leaf tensor (AccumulateGrad)",
    tensor: "output tensor",
    saved: "saved tensor",
    more: "truncated",
  };
  rows.push(["kind", kindName[node.kind] || node.kind]);
  if (node.kind !== "tensor" && node.kind !== "saved") rows.push(["op", node.label]);
  if (node.name) rows.push(["name", node.name]);
  if (node.expr) rows.push(["expression", node.expr]);
  if (node.executed_order !== null && node.executed_order !== undefined)
    rows.push(["last backward", `ran #${node.executed_order + 1} of ${(graph.executed || []).length}`]);
  if (node.no_grad) rows.push(["grad mode", "recorded under no_grad"]);
  if (node.kind === "more") rows.push(["not shown", String(node.more_count ?? "?")]);
  const t = node.tensor;
  if (t) {
    rows.push(["shape", formatShape(t.shape)]);
    rows.push(["dtype", t.dtype]);
    rows.push(["requires_grad", String(!!t.requires_grad)]);
    rows.push(["version", String(t.version ?? 0)]);
    rows.push(["value", t.value ?? "", { pre: true, bad: !!(t.has_nan || t.has_inf) }]);
    const st = fmtStats(t.stats);
    if (st) rows.push(["stats", st]);
    // a missing grad (compact wire form) reads as None, like .grad
    const grad = t.grad ?? null;
    rows.push(["grad", grad === null ? "None" : grad, { pre: grad !== null, bad: !!(t.grad_has_nan || t.grad_has_inf) }]);
    const gs = fmtStats(t.grad_stats);
    if (gs) rows.push(["grad stats", gs]);
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
export function layoutMessage(graph) {
  const n = (graph.nodes || []).length;
  return `laying out ${n.toLocaleString("en-US")} node${n === 1 ? "" : "s"}…`;
}
