import { describe, expect, it } from "vitest";
import { edgeLabel, matchEdges, passPosition, shapeText, st, stepState } from "../src/stepper_logic.js";

const g = (shape, value = "tensor(1.)") => ({ shape, dtype: "torch.float32", value, stats: null });
const passes = [
  {
    pass: 1,
    truncated: 0,
    steps: [
      {
        node: "n1",
        label: "MeanBackward0",
        grads: [g([])],
        edges: [{ source: "n2", target: "n1", index: 0, grad: g([2, 2]) }],
      },
      {
        node: "n2",
        label: "MulBackward0",
        grads: [g([2, 2])],
        edges: [
          { source: "n4", target: "n2", index: 0, grad: g([2, 2]) },
          { source: "n4", target: "n2", index: 1, grad: g([2, 2]), before_hooks: g([2, 2]) },
        ],
      },
      { node: "n4", label: "AccumulateGrad", grads: [g([2, 2])], edges: [], leaf: { before: null } },
    ],
  },
];

describe("stepState", () => {
  it("is null when not stepping or without passes", () => {
    expect(stepState(passes, -1, null)).toBe(null);
    expect(stepState([], -1, 1)).toBe(null);
    expect(stepState(passes, 3, 1)).toBe(null);
  });
  it("marks the current node, the ones run before and every edge so far", () => {
    const s = stepState(passes, -1, 2);
    expect(s.current.node).toBe("n2");
    expect([...s.done]).toEqual(["n1"]);
    expect(s.edges.map((e) => [e.source, e.step, e.fresh])).toEqual([
      ["n2", 1, false],
      ["n4", 2, true],
      ["n4", 2, true],
    ]);
    expect(stepState(passes, 0, 0).current).toBe(null);
    expect(stepState(passes, 0, 99).k).toBe(3);
  });
});

describe("matchEdges", () => {
  it("pairs two edges between the same nodes in order, and skips saved edges", () => {
    const drawn = [
      { source: "n4", target: "n2", kind: "next" },
      { source: "s1", target: "n2", kind: "saved" },
      { source: "n4", target: "n2", kind: "next" },
      { source: "n2", target: "n1", kind: "next" },
    ];
    const m = matchEdges(drawn, stepState(passes, -1, 3).edges);
    expect(m.get(0).index).toBe(0);
    expect(m.get(2).index).toBe(1);
    expect(m.get(3).source).toBe("n2");
    expect(m.has(1)).toBe(false);
  });
});

describe("texts", () => {
  it("shapes, hook marks and both languages", () => {
    expect(shapeText(g([2, 3]))).toBe("[2, 3]");
    expect(shapeText(g([]), "zh")).toBe("标量");
    expect(edgeLabel({ grad: g([2]), before_hooks: g([2]) })).toBe("[2] ⚓");
    expect(st("zh", "status", 1, 4, "MulBackward0")).toContain("第 1/4 步");
    expect(st("fr", "next")).toBe(st("en", "next"));
    expect(passPosition(passes, -1)).toBe(0);
    expect(passPosition(passes, -2)).toBe(-1);
  });
});
