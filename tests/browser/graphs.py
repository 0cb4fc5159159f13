"""Hand-written wire graphs (docs/graph-schema.md) for widget tests that do
not need the tensor core."""

from __future__ import annotations

from typing import Any


def tensor(shape: list[int], value: str, grad: str | None = None, **extra: Any) -> dict[str, Any]:
    t = {
        "shape": shape,
        "dtype": "torch.float32",
        "requires_grad": True,
        "value": value,
        "grad": grad,
        "stats": None,
        "grad_stats": None,
        "has_nan": False,
        "has_inf": False,
        "grad_has_nan": False,
        "grad_has_inf": False,
        "version": 0,
    }
    t.update(extra)
    return t


def node(id: str, kind: str, label: str, **extra: Any) -> dict[str, Any]:
    n = {
        "id": id,
        "kind": kind,
        "label": label,
        "name": None,
        "tensor": None,
        "no_grad": False,
        "executed_order": None,
        "saved": [],
        "expr": None,
        "more_count": None,
    }
    n.update(extra)
    return n


ONES = "tensor([[1., 1.],\n        [1., 1.]])"


def example_graph(grad: str | None = None) -> dict[str, Any]:
    """``out = ((x ** 2) * 3).mean()``; with ``grad``, as after one backward()."""
    ran = grad is not None
    order = (lambda i: i) if ran else (lambda i: None)
    return {
        "schema": 1,
        "nodes": [
            node("n0", "tensor", "out", name="out", tensor=tensor([], "tensor(3.)")),
            node("n1", "backward", "MeanBackward0", executed_order=order(0)),
            node("n2", "backward", "MulBackward0", executed_order=order(1)),
            node(
                "n3",
                "backward",
                "PowBackward0",
                expr="x ** 2",
                executed_order=order(2),
                saved=[{"attr": "_saved_self", "node": "n5", "repr": ONES}],
            ),
            node(
                "n4",
                "leaf",
                "AccumulateGrad",
                name="x",
                executed_order=order(3),
                tensor=tensor([2, 2], ONES, grad),
            ),
            node("n5", "saved", "self", tensor=tensor([2, 2], ONES)),
        ],
        "edges": [
            {"source": "n1", "target": "n0", "kind": "output"},
            {"source": "n2", "target": "n1", "kind": "next"},
            {"source": "n3", "target": "n2", "kind": "next"},
            {"source": "n4", "target": "n3", "kind": "next"},
            {"source": "n5", "target": "n3", "kind": "saved"},
        ],
        "outputs": ["n0"],
        "backward_passes": 1 if ran else 0,
        "executed": ["n1", "n2", "n3", "n4"] if ran else [],
        "truncated": 0,
        "notice": None,
    }


def big_graph(n: int) -> dict[str, Any]:
    """``n`` nodes: a reduction tree of Add/Mul backward nodes over leaves, like a
    long sum of products (every node reachable from the one output)."""
    nodes = [node("t0", "tensor", "loss", name="loss", tensor=tensor([], "tensor(1.)"))]
    edges = [{"source": "b0", "target": "t0", "kind": "output"}]
    ops = ["AddBackward0", "MulBackward0", "TanhBackward0"]
    count = n - 1
    for i in range(count):
        kind = "leaf" if i >= count // 2 else "backward"
        nid = f"b{i}"
        if kind == "leaf":
            nodes.append(
                node(
                    nid,
                    "leaf",
                    "AccumulateGrad",
                    name=f"w{i}",
                    tensor=tensor([3], "tensor([0.1000, 0.2000, 0.3000])"),
                )
            )
        else:
            nodes.append(node(nid, "backward", ops[i % 3]))
        if i:
            edges.append({"source": nid, "target": f"b{(i - 1) // 2}", "kind": "next"})
    return {
        "schema": 1,
        "nodes": nodes,
        "edges": edges,
        "outputs": ["t0"],
        "backward_passes": 0,
        "executed": [],
        "truncated": 0,
        "notice": None,
    }


def chain_graph(n: int) -> dict[str, Any]:
    """``n`` nodes as ``h = h * 1.0001`` repeated draws them: a line of MulBackward0,
    each with its saved scalar beside it (the shape on which Graphviz's WebAssembly
    runs out of stack first, at fewer nodes than a bare line)."""
    nodes = [node("t", "tensor", "h", name="h", tensor=tensor([3], "tensor([1., 1., 1.])"))]
    edges = [{"source": "b0", "target": "t", "kind": "output"}]
    ops = (n - 1) // 2
    for i in range(ops):
        nodes.append(node(f"b{i}", "backward", "MulBackward0"))
        nodes.append(node(f"s{i}", "saved", "other", tensor=tensor([], "tensor(1.0001)")))
        edges.append({"source": f"s{i}", "target": f"b{i}", "kind": "saved"})
        if i:
            edges.append({"source": f"b{i}", "target": f"b{i - 1}", "kind": "next"})
    if len(nodes) < n:
        nodes.append(node("x", "leaf", "AccumulateGrad", name="x", tensor=tensor([3], "")))
        edges.append({"source": "x", "target": f"b{ops - 1}", "kind": "next"})
    return {
        "schema": 1,
        "nodes": nodes,
        "edges": edges,
        "outputs": ["t"],
        "backward_passes": 0,
        "executed": [],
        "truncated": 0,
        "notice": None,
    }
