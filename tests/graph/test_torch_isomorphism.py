"""The model of a program run on our tensors equals the model of it run in PyTorch.

Same walk, same stable order, so "isomorphic, label for label and edge for
edge" is checked as equality of the wire dicts after dropping float statistics.
"""

from __future__ import annotations

import pytest

import autograd_widgets as aw
from autograd_widgets.graph import GraphModel
from tests._oracle import require_torch
from tests.graph import programs

COMPARED_TENSOR_KEYS = ("shape", "dtype", "requires_grad", "value", "grad", "has_nan", "has_inf")


def canonical(model: GraphModel) -> dict:
    data = model.to_json()
    for n in data["nodes"]:
        t = n["tensor"]
        if t is not None:
            n["tensor"] = {k: t[k] for k in COMPARED_TENSOR_KEYS}
    return data


def both(prog, **options):
    torch = require_torch()
    mine_out, mine_names = prog(aw)
    theirs_out, theirs_names = prog(torch)
    mine = GraphModel.from_tensors(*mine_out, names=mine_names, namespace=None, **options)
    theirs = GraphModel.from_tensors(*theirs_out, names=theirs_names, namespace=None, **options)
    return mine, theirs


def first_difference(a, b, path="graph"):
    if type(a) is not type(b):
        return f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k} missing on one side"
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


# Differences that come from the core (ops / autograd), not from the graph layer, as seen on
# 2026-11-25. Non-strict xfails: the core is being fixed in parallel; an XPASS in the report
# means the entry can go.
CORE_STRUCTURE: dict[str, str] = {}
CORE_SAVED = dict(CORE_STRUCTURE)


def cases(known):
    return [
        pytest.param(p, marks=pytest.mark.xfail(reason=known[p.__name__], strict=False))
        if p.__name__ in known
        else p
        for p in programs.PROGRAMS
    ]


def structure(model: GraphModel) -> dict:
    """The model without saved values (their attribute lists are the core's business)."""
    data = canonical(model)
    for n in data["nodes"]:
        n["saved"] = []
    return data


@pytest.mark.parametrize("prog", cases(CORE_SAVED), ids=lambda p: p.__name__)
def test_model_matches_pytorch(prog):
    """Label for label, edge for edge, saved tensor for saved tensor."""
    mine, theirs = both(prog)
    diff = first_difference(canonical(mine), canonical(theirs))
    assert diff is None, diff


@pytest.mark.parametrize("prog", cases(CORE_STRUCTURE), ids=lambda p: p.__name__)
def test_structure_matches_pytorch(prog):
    """Nodes, names, tensors and edges (saved values left out)."""
    mine, theirs = both(prog, show_saved=False)
    assert not any(n["kind"] == "saved" for n in mine.nodes)
    diff = first_difference(structure(mine), structure(theirs))
    assert diff is None, diff


@pytest.mark.parametrize(
    "prog",
    [p for p in programs.PROGRAMS if p.__name__ not in CORE_STRUCTURE],
    ids=lambda p: p.__name__,
)
def test_truncated_structure_matches_pytorch(prog):
    limit = 2
    mine, theirs = both(prog, max_nodes=limit, show_saved=False)
    assert mine.truncated > 0 and len(mine.nodes) <= limit
    assert mine.nodes[-1]["kind"] == "more"
    diff = first_difference(structure(mine), structure(theirs))
    assert diff is None, diff


def test_real_torch_graph_has_torch_labels():
    torch = require_torch()
    x = torch.ones(2, 2, requires_grad=True)
    out = ((x**2) * 3).mean()
    m = GraphModel.from_tensors(out, names={"x": x}, namespace=None)
    labels = [n["label"] for n in m.nodes if n["kind"] in ("backward", "leaf")]
    assert labels == ["MeanBackward0", "MulBackward0", "PowBackward0", "AccumulateGrad"]
    (leaf,) = m.find(kind="leaf")
    assert leaf["name"] == "x" and leaf["tensor"]["shape"] == [2, 2]
    out.backward()
    m = GraphModel.from_tensors(out, names={"x": x}, namespace=None)
    (leaf,) = m.find(kind="leaf")
    assert leaf["tensor"]["grad"] == repr(x.grad)


def test_torch_module_names_and_live_graph():
    torch = require_torch()
    from autograd_widgets.graph import LiveGraph

    torch.manual_seed(0)
    lin = torch.nn.Linear(3, 2)
    out = lin(torch.ones(4, 3)).relu().sum()
    m = GraphModel.from_tensors(out, module=lin, namespace=None)
    assert sorted(n["name"] for n in m.find(kind="leaf")) == ["bias", "weight"]
    assert [n["label"] for n in m.nodes[:4]] == [
        "output",
        "SumBackward0",
        "ReluBackward0",
        "AddmmBackward0",
    ]
    live = LiveGraph(out, module=lin, namespace=None)  # torch emits nothing; the model still builds
    assert live.to_json()["nodes"][3]["label"] == "AddmmBackward0"
    live.close()


def test_nn_linear_matches_torch_when_nn_exists():
    torch = require_torch()
    nn = pytest.importorskip("autograd_widgets.nn")
    if not hasattr(nn, "Linear"):
        pytest.skip("autograd_widgets.nn.Linear not written yet")

    def prog(lib):
        lin = lib.nn.Linear(2, 1)
        with lib.no_grad():
            lin.weight.copy_(lib.tensor([[0.5, -1.0]]))
            lin.bias.copy_(lib.tensor([0.25]))
        loss = ((lin(lib.tensor([[1.0, 2.0]])) - 1.0) ** 2).mean()
        return (loss,), dict(lin.named_parameters())

    mine, theirs = prog(aw), prog(torch)
    a = GraphModel.from_tensors(*mine[0], names=mine[1], namespace=None, show_saved=False)
    b = GraphModel.from_tensors(*theirs[0], names=theirs[1], namespace=None, show_saved=False)
    diff = first_difference(structure(a), structure(b))
    assert diff is None, diff
