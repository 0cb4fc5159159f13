// The DESIGN.md example, `out = ((x ** 2) * 3).mean()`, after one backward().
const t = (shape, value, extra = {}) => ({
  shape,
  dtype: "torch.float32",
  requires_grad: true,
  value,
  grad: null,
  stats: null,
  grad_stats: null,
  has_nan: false,
  has_inf: false,
  grad_has_nan: false,
  grad_has_inf: false,
  version: 0,
  ...extra,
});
const base = {
  no_grad: false,
  executed_order: null,
  saved: [],
  expr: null,
  more_count: null,
  name: null,
  tensor: null,
};

export function example() {
  return {
    schema: 1,
    nodes: [
      { ...base, id: "n0", kind: "tensor", label: "out", name: "out", tensor: t([], "tensor(3.)") },
      { ...base, id: "n1", kind: "backward", label: "MeanBackward0", expr: "(...).mean()", executed_order: 0 },
      { ...base, id: "n2", kind: "backward", label: "MulBackward0", expr: "(x ** 2) * 3", executed_order: 1 },
      {
        ...base,
        id: "n3",
        kind: "backward",
        label: "PowBackward0",
        expr: "x ** 2",
        executed_order: 2,
        saved: [{ attr: "_saved_self", node: "n5", repr: "tensor([[1., 1.],\n        [1., 1.]])" }],
      },
      {
        ...base,
        id: "n4",
        kind: "leaf",
        label: "AccumulateGrad",
        name: "x",
        executed_order: 3,
        tensor: t([2, 2], "tensor([[1., 1.],\n        [1., 1.]])", {
          grad: "tensor([[1.5000, 1.5000],\n        [1.5000, 1.5000]])",
        }),
      },
      {
        ...base,
        id: "n5",
        kind: "saved",
        label: "self",
        name: null,
        tensor: t([2, 2], "tensor([[1., 1.],\n        [1., 1.]])"),
      },
    ],
    edges: [
      { source: "n1", target: "n0", kind: "output" },
      { source: "n2", target: "n1", kind: "next" },
      { source: "n3", target: "n2", kind: "next" },
      { source: "n4", target: "n3", kind: "next" },
      { source: "n5", target: "n3", kind: "saved" },
    ],
    outputs: ["n0"],
    backward_passes: 1,
    executed: ["n1", "n2", "n3", "n4"],
    truncated: 0,
    notice: null,
  };
}
