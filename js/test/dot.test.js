import { describe, expect, it } from "vitest";
import {
  escapeDot,
  showControls,
  formatShape,
  layoutBudget,
  nodeAttrs,
  nodeLabelLines,
  palette,
  summarizeRepr,
  toDot,
  visibleGraph,
} from "../src/dot.js";
import { example } from "./fixtures.js";

describe("escaping and formatting", () => {
  it("escapes quotes, backslashes and newlines", () => {
    expect(escapeDot('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });
  it("formats shapes like torch.Size", () => {
    expect(formatShape([2, 2])).toBe("(2, 2)");
    expect(formatShape([3])).toBe("(3,)");
    expect(formatShape([])).toBe("()");
  });
  it("summarises tensor reprs on one line", () => {
    expect(summarizeRepr("tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])")).toBe(
      "[[4.5000, 4.5000], [4.5000, 4.5000]]",
    );
    expect(summarizeRepr("tensor(3.)")).toBe("3.");
    expect(summarizeRepr("tensor([1, 2], dtype=torch.int32)")).toBe("[1, 2]");
    const long = summarizeRepr(`tensor([${"1., ".repeat(100)}1.])`, 20);
    expect(long.length).toBe(20);
    expect(long.endsWith("…")).toBe(true);
    expect(summarizeRepr(null)).toBe("");
  });
});

describe("control characters", () => {
  it("become visible control pictures, never raw bytes in the DOT", () => {
    expect(showControls("a\x00b\x01c\td\x7f")).toBe("a\u2400b\u2401c\u2409d\u2421");
    expect(escapeDot("x\x00y\nz\r\nw")).toBe("x\u2400y\\nz\\nw");
    const g = { nodes: [{ id: "a", kind: "leaf", name: "bad\x00name\x1b", tensor: { shape: [1] } }], edges: [] };
    const { dot } = toDot(g);
    // eslint-disable-next-line no-control-regex
    expect(/[\x00-\x08\x0b-\x1f\x7f]/.test(dot)).toBe(false);
    expect(dot).toContain("bad\u2400name\u241b");
  });
});

describe("labels", () => {
  const g = example();
  it("labels backward nodes with the PyTorch class name and execution order", () => {
    expect(nodeLabelLines(g.nodes[3])).toEqual(["PowBackward0", "ran #3"]);
  });
  it("shows a leaf's name, shape and grad", () => {
    expect(nodeLabelLines(g.nodes[4])).toEqual([
      "x (2, 2)",
      "AccumulateGrad",
      "grad [[1.5000, 1.5000], [1.5000, 1.5000]]",
      "ran #4",
    ]);
  });
  it("adds values when asked", () => {
    expect(nodeLabelLines(g.nodes[0], { showValues: true })).toEqual(["out", "()", "3."]);
  });
  it("labels the truncation placeholder", () => {
    expect(nodeLabelLines({ id: "m", kind: "more", label: null, more_count: 12, tensor: null })).toEqual(["+12 more"]);
  });
});

describe("attributes", () => {
  const g = example();
  it("colours by kind from the shared palette", () => {
    expect(nodeAttrs(g.nodes[0]).fillcolor).toBe(palette.kinds.tensor.fillcolor);
    expect(nodeAttrs(g.nodes[5]).fillcolor).toBe(palette.kinds.saved.fillcolor);
    expect(nodeAttrs({ ...g.nodes[1], executed_order: null }).fillcolor).toBe(palette.kinds.backward.fillcolor);
  });
  it("outlines executed nodes and marks classes", () => {
    const a = nodeAttrs(g.nodes[1]);
    expect(a.color).toBe(palette.executed.color);
    expect(a.class).toContain("aw-exec");
  });
  it("paints NaN/Inf red", () => {
    const n = structuredClone(g.nodes[4]);
    n.tensor.grad_has_nan = true;
    const a = nodeAttrs(n);
    expect(a.fillcolor).toBe(palette.nan.fillcolor);
    expect(a.class).toContain("aw-nan");
  });
  it("ghosts no_grad nodes", () => {
    const a = nodeAttrs({ ...g.nodes[1], no_grad: true, executed_order: null });
    expect(a.style).toBe("dashed");
    expect(a.class).toContain("aw-nograd");
  });
});

describe("toDot", () => {
  it("emits every node and edge with ids the view can map back", () => {
    const g = example();
    const { dot, nodeIds, edges } = toDot(g, { idPrefix: "v1-" });
    expect(dot.startsWith("digraph G {")).toBe(true);
    expect(nodeIds).toEqual(["n0", "n1", "n2", "n3", "n4", "n5"]);
    expect(edges.length).toBe(5);
    expect(dot).toContain('id="v1-n3"');
    expect(dot).toContain('"n4" -> "n3"');
    expect(dot).toContain('label="PowBackward0\\nran #3"');
    expect(dot).toContain("rankdir=");
  });
  it("hides saved tensors on request", () => {
    const g = example();
    const v = visibleGraph(g, { showSaved: false });
    expect(v.nodes.map((n) => n.id)).not.toContain("n5");
    expect(v.edges.every((e) => e.kind !== "saved")).toBe(true);
    expect(toDot(g, { showSaved: false }).dot).not.toContain('"n5"');
  });
  it("switches direction", () => {
    expect(toDot(example(), { rankdir: "LR" }).dot).toContain('rankdir="LR"');
    expect(toDot(example(), { rankdir: "bogus" }).dot).toContain('rankdir="TB"');
  });
  it("survives hostile ids and labels and drops dangling edges", () => {
    const g = { nodes: [{ id: 'a"b', kind: "weird", label: "x\\y" }], edges: [{ source: 'a"b', target: "gone" }] };
    const { dot, edges } = toDot(g);
    expect(dot).toContain('"a\\"b"');
    expect(edges).toEqual([]);
  });
  // No timing here (tests never assert on speed: bench/bench_widget.py measures it);
  // the check is that a 1,000-node graph comes out whole, one statement per node and edge.
  it("writes every node and edge of a 1,000-node graph", () => {
    const nodes = [];
    const edgesIn = [];
    for (let i = 0; i < 1000; i++) {
      nodes.push({ id: `n${i}`, kind: i % 7 ? "backward" : "leaf", label: "AddBackward0", tensor: null });
      if (i) edgesIn.push({ source: `n${i}`, target: `n${Math.floor(i / 2)}`, kind: "next" });
    }
    const { dot, nodeIds } = toDot({ nodes, edges: edgesIn });
    expect(dot.split("->").length - 1).toBe(999);
    expect(nodeIds.length).toBe(1000);
  });
});

describe("layout budget for big graphs", () => {
  // bench_widget.py's "shared" graph: y * w, tanh, + x, ... reuse the same two
  // leaves, like an unrolled RNN's weights (long edges)
  function shared(n) {
    const nodes = [
      { id: "x", kind: "leaf", label: "AccumulateGrad" },
      { id: "w", kind: "leaf", label: "AccumulateGrad" },
    ];
    const ops = [
      ["MulBackward0", "w"],
      ["TanhBackward0", null],
      ["AddBackward0", "x"],
    ];
    const edges = [];
    let prev = "x";
    while (nodes.length < n) {
      const [label, leaf] = ops[nodes.length % 3];
      const id = `m${nodes.length}`;
      nodes.push({ id, kind: "backward", label });
      for (const s of [prev, leaf]) if (s) edges.push({ source: s, target: id });
      prev = id;
    }
    return { nodes, edges };
  }
  const min = palette.layout_budget.min_nodes;
  it("leaves the DOT of small graphs untouched", () => {
    expect(layoutBudget(min - 1)).toEqual({});
    const small = toDot(shared(min - 1));
    expect(small.budget).toEqual({});
    expect(small.dot).not.toMatch(/nslimit|mclimit|concentrate/);
    expect(toDot(example()).dot).toBe(toDot(example(), { layoutBudget: false }).dot);
  });
  it("caps Graphviz's passes and concentrates long edges from min_nodes drawn nodes on", () => {
    expect(layoutBudget(min)).toEqual({ nslimit: 2, nslimit1: 2, mclimit: 0.1, concentrate: "true" });
    const big = toDot(shared(min));
    expect(big.budget.concentrate).toBe("true");
    const graphLine = big.dot.split("\n")[1];
    expect(graphLine).toContain('nslimit=2, nslimit1=2, mclimit=0.1, concentrate="true"');
    expect(toDot(shared(min), { layoutBudget: false }).dot).not.toContain("nslimit");
  });
  it("counts the drawn nodes: hidden saved tensors do not count", () => {
    const g = shared(min - 10);
    for (let i = 0; i < 20; i++) g.nodes.push({ id: `s${i}`, kind: "saved", label: "self" });
    expect(toDot(g).budget).not.toEqual({});
    expect(toDot(g, { showSaved: false }).budget).toEqual({});
  });
});
