import { describe, expect, it } from "vitest";
import {
  ancestors,
  applyPatch,
  descendants,
  indexGraph,
  layoutMessage,
  nodeDetails,
  searchNodes,
  tooltipText,
} from "../src/graph_logic.js";
import { example } from "./fixtures.js";

describe("reachability", () => {
  const idx = indexGraph(example());
  it("finds ancestors (inputs) of a node", () => {
    expect([...ancestors(idx, "n2")].sort()).toEqual(["n3", "n4", "n5"]);
  });
  it("finds descendants (towards outputs)", () => {
    expect([...descendants(idx, "n3")].sort()).toEqual(["n0", "n1", "n2"]);
  });
  it("is iterative and copes with deep chains", () => {
    const n = 50000;
    const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}` }));
    const edges = Array.from({ length: n - 1 }, (_, i) => ({ source: `n${i + 1}`, target: `n${i}` }));
    const ix = indexGraph({ nodes, edges });
    expect(ancestors(ix, "n0").size).toBe(n - 1);
  });
});

describe("search and text", () => {
  const g = example();
  it("searches labels, names and expressions", () => {
    expect(searchNodes(g, "pow")).toEqual(["n3"]);
    expect(searchNodes(g, "X")).toContain("n4");
    expect(searchNodes(g, "  ")).toEqual([]);
  });
  it("writes tooltips", () => {
    expect(tooltipText(g.nodes[4])).toContain("name: x");
    expect(tooltipText(g.nodes[4])).toContain("(2, 2) torch.float32");
  });
  it("describes a node for the details panel", () => {
    const d = nodeDetails(g.nodes[4], g);
    expect(d.title).toBe("x");
    const rows = Object.fromEntries(d.rows.map((r) => [r[0], r[1]]));
    expect(rows.grad).toContain("1.5000");
    expect(rows.version).toBe("0");
    expect(rows["last backward"]).toBe("ran #4 of 4");
    const pow = nodeDetails(g.nodes[3], g);
    expect(pow.rows.find((r) => r[0] === "_saved_self")[2].target).toBe("n5");
    expect(nodeDetails(null, g)).toBe(null);
  });
  it("says how many nodes it lays out", () => {
    expect(layoutMessage({ nodes: new Array(1000).fill({}) })).toBe("laying out 1,000 nodes…");
  });
});

describe("patches", () => {
  it("upserts, removes, reorders and replaces edges", () => {
    const g = example();
    const p = applyPatch(g, {
      set: { backward_passes: 2 },
      upsert: [
        { ...g.nodes[4], tensor: { ...g.nodes[4].tensor, grad: "tensor(9.)" } },
        { id: "n9", kind: "backward", label: "AddBackward0" },
      ],
      remove: ["n5"],
      order: ["n9", "n0", "n1", "n2", "n3", "n4"],
      edges: [{ source: "n9", target: "n0", kind: "next" }],
    });
    expect(p.backward_passes).toBe(2);
    expect(p.nodes.map((n) => n.id)).toEqual(["n9", "n0", "n1", "n2", "n3", "n4"]);
    expect(p.nodes[5].tensor.grad).toBe("tensor(9.)");
    expect(p.edges.length).toBe(1);
    expect(g.nodes.length).toBe(6);
  });
  it("keeps order and edges when the patch leaves them out", () => {
    const g = example();
    const p = applyPatch(g, { upsert: [{ ...g.nodes[0], name: "loss" }] });
    expect(p.nodes.map((n) => n.id)).toEqual(g.nodes.map((n) => n.id));
    expect(p.nodes[0].name).toBe("loss");
    expect(p.edges).toBe(g.edges);
  });
});

describe("replace patches", () => {
  it("replaces the node list wholesale", () => {
    const g = example();
    const p = applyPatch(g, { set: { backward_passes: 0 }, upsert: [g.nodes[1]], edges: [], replace: true });
    expect(p.nodes.map((n) => n.id)).toEqual(["n1"]);
    expect(p.edges).toEqual([]);
    expect(p.backward_passes).toBe(0);
  });
});
