"""GraphModel.from_tensors: names, tensor descriptions, truncation and bad input."""

from __future__ import annotations

import json
import sys
import types

import pytest

import autograd_widgets as aw
from autograd_widgets.graph import GraphModel, IdMap


def build(*ts, **kw):
    kw.setdefault("namespace", None)
    return GraphModel.from_tensors(*ts, **kw)


def test_wire_dict_has_every_documented_key_and_is_json():
    x = aw.ones(2, 2, requires_grad=True)
    out = ((x**2) * 3).mean()
    data = build(out, names={"x": x, "out": out}).to_json()
    assert set(data) == {
        "schema",
        "nodes",
        "edges",
        "outputs",
        "backward_passes",
        "executed",
        "truncated",
        "notice",
    }
    node_keys = {
        "id",
        "kind",
        "label",
        "name",
        "tensor",
        "no_grad",
        "executed_order",
        "saved",
        "expr",
        "more_count",
    }
    for n in data["nodes"]:
        assert node_keys <= set(n)
        if n["tensor"] is not None:
            assert set(n["tensor"]) == {
                "shape",
                "dtype",
                "requires_grad",
                "value",
                "grad",
                "stats",
                "grad_stats",
                "has_nan",
                "has_inf",
                "grad_has_nan",
                "grad_has_inf",
                "version",
            }
    json.dumps(data, allow_nan=False)
    assert [n["id"] for n in data["nodes"]] == [f"n{i}" for i in range(len(data["nodes"]))]
    assert data["outputs"] == ["n0"]


def test_preview_is_the_tensor_repr_without_suffixes():
    x = aw.tensor([[1.5, -2.0], [3.25, 4.0]], requires_grad=True)
    y = (x * 2).sum()
    y.backward()
    (leaf,) = build(y, names={"x": x}).find(kind="leaf")
    assert leaf["tensor"]["value"] == repr(x.detach())
    assert leaf["tensor"]["grad"] == repr(x.grad)
    assert leaf["tensor"]["stats"] == {
        "min": -2.0,
        "max": 4.0,
        "mean": 1.6875,
        "norm": pytest.approx(32.8125**0.5),
    }
    big = aw.arange(1000.0).requires_grad_()
    (leaf,) = build((big * 1).sum()).find(kind="leaf")
    assert "..." in leaf["tensor"]["value"] and leaf["tensor"]["value"].startswith("tensor([")


def test_nan_and_inf_flags_and_finite_stats():
    x = aw.tensor([1.0, float("nan"), float("inf")], requires_grad=True)
    (leaf,) = build((x * 1).sum()).find(kind="leaf")
    t = leaf["tensor"]
    assert t["has_nan"] and t["has_inf"] and t["stats"]["max"] == 1.0


def test_names_from_mapping_either_way_and_module():
    x = aw.tensor([1.0], requires_grad=True)
    w = aw.tensor([2.0], requires_grad=True)
    h = x * w
    out = h.exp()
    m = build(out, names={x: "x", "h": h})
    assert m.find(kind="leaf")[0]["name"] == "x"
    assert m.find(label="MulBackward0")[0]["name"] == "h"
    assert [n["name"] for n in m.find(kind="leaf")] == ["x", None]  # w: never invented
    module = types.SimpleNamespace(
        named_parameters=lambda: iter([("layer.weight", w), ("layer.x", x)])
    )
    m = build(out, names={"x": x}, module=module)
    assert sorted(n["name"] for n in m.find(kind="leaf")) == ["layer.weight", "x"]


def test_names_from_the_ipython_namespace(monkeypatch):
    x = aw.tensor([1.0], requires_grad=True)
    out = (x * 2).sum()
    alias = x
    ns = {"x": x, "alias": alias, "out": out, "_": out, "_7": x, "n": 3}
    fake = types.SimpleNamespace(get_ipython=lambda: types.SimpleNamespace(user_ns=ns))
    monkeypatch.setitem(sys.modules, "IPython", fake)
    m = GraphModel.from_tensors(out)
    assert m.nodes[0]["name"] == "out"
    assert m.find(kind="leaf")[0]["name"] == "x, alias"
    m = GraphModel.from_tensors(out, names={"input": x})
    assert m.find(kind="leaf")[0]["name"] == "input"  # an explicit name wins


def test_a_non_string_key_in_the_namespace_is_skipped(monkeypatch):
    from autograd_widgets.graph import LiveGraph

    x = aw.tensor([1.0], requires_grad=True)
    out = (x * 2).sum()
    ns = {42: x, ("a", 1): out, "x": x}  # globals()[42] = x is legal Python
    fake = types.SimpleNamespace(get_ipython=lambda: types.SimpleNamespace(user_ns=ns))
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert GraphModel.from_tensors(out).find(kind="leaf")[0]["name"] == "x"
    changes = []
    live = LiveGraph(out, callback=lambda: changes.append(1))
    try:
        y = out * 3  # the live graph follows y (its listener did not break)
        assert changes and live.active
        wire = live.to_json()
        assert [n["label"] for n in wire["nodes"]].count("MulBackward0") == 2, y
        assert "x" in [n.get("name") for n in wire["nodes"]]
    finally:
        live.close()


def test_names_that_refer_to_other_tensors():
    x = aw.tensor([1.0], requires_grad=True)
    other = aw.tensor([5.0])
    out = (x * 2).sum()
    m = build(out, names={"x": x, "other": other})
    assert m.unmatched_names == ["other"] and m.notice is None
    m = build(out, names={"other": other})
    assert "none of the names given refers to a tensor in this graph: other" in m.notice
    with pytest.raises(TypeError, match="names must map variable names to tensors"):
        build(out, names={"x": 3})
    with pytest.raises(TypeError, match="mapping"):
        build(out, names=[x])


def test_non_tensors_and_tensors_without_graph():
    with pytest.raises(TypeError, match="expects tensors, got int at position 1"):
        build(aw.ones(1), 3)
    m = build(aw.ones(2))
    assert m.notice.startswith("tensor has no grad_fn: output 0 does not require grad")
    assert [n["kind"] for n in m.nodes] == ["tensor"] and m.nodes[0]["no_grad"]
    x = aw.ones(2, requires_grad=True)
    m = build(x, names={"x": x})
    assert [(n["kind"], n["name"]) for n in m.nodes] == [("leaf", "x")] and m.notice is None
    assert build().notice == "no tensors given"
    with pytest.raises(ValueError, match="max_nodes"):
        build(x, max_nodes=0)


def test_multiple_outputs_share_nodes():
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    a, b = x.unbind(0)
    m = build(a, b, names={"a": a, "b": b})
    assert [n["label"] for n in m.nodes][:3] == ["a", "b", "UnbindBackward0"]
    assert [e["kind"] for e in m.edges[:2]] == ["output", "output"]
    assert m.outputs == ["n0", "n1"]


def test_square_keeps_both_edges():
    x = aw.tensor([3.0], requires_grad=True)
    m = build(x * x, show_saved=False)
    nexts = [e for e in m.edges if e["kind"] == "next"]
    assert len(nexts) == 2 and nexts[0] == nexts[1]


def chain(n):
    x = aw.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0001
    return x, y


def test_hundred_thousand_nodes_truncated():
    x, y = chain(100_000)
    m = build(y, max_nodes=200)
    assert len(m.nodes) <= 200 and m.nodes[-1]["kind"] == "more"
    assert m.truncated == 100_002 - (len(m.find(kind="backward")) + 1)
    assert (
        m.nodes[-1]["label"] == f"+{m.truncated} more" and m.nodes[-1]["more_count"] == m.truncated
    )
    assert f"{m.truncated} nodes not shown (max_nodes=200)" in m.notice
    more = m.nodes[-1]["id"]
    assert [e for e in m.edges if e["source"] == more]  # the cut part feeds the kept part


def test_truncation_keeps_the_part_nearest_the_outputs():
    x, y = chain(50)
    m = build(y, max_nodes=10, show_saved=False)
    assert [n["kind"] for n in m.nodes] == ["tensor"] + ["backward"] * 8 + ["more"]
    assert m.truncated == 52 - 9


class Hand:
    """A hand-built node: next_functions like a grad_fn, no tensors."""

    def __init__(self, name):
        self.next_functions = ()
        self._name = name

    def name(self):
        return self._name


def test_cycle_in_hand_built_structure_is_reported():
    a, b, c = Hand("A"), Hand("B"), Hand("C")
    a.next_functions = ((b, 0),)
    b.next_functions = ((c, 0), (None, 0))
    c.next_functions = ((a, 0),)
    fake = types.SimpleNamespace(
        grad_fn=a, requires_grad=True, shape=(1,), detach=None, dtype="torch.float32"
    )
    m = build(fake)
    assert "the graph has a cycle (Hand -> Hand -> Hand -> ...)" in m.notice
    assert len(m.find(kind="backward")) == 3


def test_ids_stable_with_a_shared_id_map():
    x = aw.tensor([1.0], requires_grad=True)
    y = x * 2
    ids = IdMap()
    first = {n["label"]: n["id"] for n in build(y, ids=ids).nodes}
    z = y.exp()
    second = {n["label"]: n["id"] for n in build(z, ids=ids).nodes}
    assert second["MulBackward0"] == first["MulBackward0"]
    assert second["AccumulateGrad"] == first["AccumulateGrad"]
    assert second["ExpBackward0"] not in first.values()


def test_saved_tensors_freed_after_backward():
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    m = build(y)
    (mul,) = m.find(label="MulBackward0")
    assert {s["repr"] for s in mul["saved"]} == {"<freed by backward()>"}
    assert not m.find(kind="saved")


def test_custom_function_saved_tensors():
    class Twice(aw.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = aw.tensor([1.0], requires_grad=True)
    m = build(Twice.apply(x), names={"x": x})
    (node,) = m.find(label="TwiceBackward")
    assert node["saved"][0]["attr"] == "saved_tensors[0]"
    assert m.node(node["saved"][0]["node"])["name"] == "x"


def test_to_networkx():
    nx = pytest.importorskip("networkx")
    x = aw.tensor([1.0], requires_grad=True)
    g = build((x * 2).exp()).to_networkx()
    assert isinstance(g, nx.MultiDiGraph)
    assert g.nodes["n1"]["label"] == "ExpBackward0"
    assert nx.is_directed_acyclic_graph(g)


def test_import_stays_light():
    import subprocess

    code = (
        "import sys, autograd_widgets as aw; x = aw.ones(1, requires_grad=True); "
        "aw.graph.GraphModel.from_tensors(x * 2); "
        "print(sorted(m for m in ('graphviz', 'IPython', 'networkx', 'torch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_collapse_repeated_chains():
    w = aw.tensor([0.5], requires_grad=True)
    b = aw.tensor([0.1], requires_grad=True)
    x = aw.tensor([1.0], requires_grad=True)
    h = x
    for _ in range(20):
        h = (h * w + b).tanh()
    full = build(h, show_saved=False)
    m = build(h, show_saved=False, collapse_repeats=True, names={"w": w, "b": b, "x": x})
    (more,) = m.find(kind="more")
    assert more["label"] == "… ×17 TanhBackward0 → AddBackward0 → MulBackward0"
    assert more["more_count"] == 51
    assert len(m.nodes) == len(full.nodes) - 51 + 1
    assert sorted(n["name"] for n in m.find(kind="leaf")) == ["b", "w", "x"]
    into_more = {m.node(e["source"])["label"] for e in m.edges if e["target"] == more["id"]}
    assert into_more == {"TanhBackward0", "AccumulateGrad"}
    assert m.truncated == 0 and m.notice is None
    # nothing repeats three times: nothing collapses
    short = build((x * w).exp(), collapse_repeats=True)
    assert not short.find(kind="more")


def test_saved_numpy_arrays_are_summarised():
    import numpy as np

    from autograd_widgets.graph._build import _short_repr

    thresholds = []

    class Spy(np.ndarray):  # notes the print threshold in force when the repr is made
        def __repr__(self):
            thresholds.append(np.get_printoptions()["threshold"])
            return repr(self.view(np.ndarray))

    big = np.arange(100_000, dtype=np.float32).reshape(1000, 100)
    r = _short_repr(big.view(Spy))
    assert thresholds and thresholds[0] < 100  # summarised first, never a full repr of 100,000
    assert r.startswith("array([[0.0000e+00,") or r.startswith("array([[   0.,")
    assert "..." in r and len(r) <= 80
    assert _short_repr(np.arange(4)) == "array([0, 1, 2, 3])"  # small arrays as repr prints them
