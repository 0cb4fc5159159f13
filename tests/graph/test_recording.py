"""record(): every node created while active, ghosts for no_grad ops, weak references only."""

from __future__ import annotations

import gc
import tracemalloc
import weakref

import autograd_widgets as aw
from autograd_widgets.autograd import events
from autograd_widgets.graph import GraphModel, Recording, record


def labels(model, **match):
    return [n["label"] for n in model.find(**match)]


def test_context_manager_captures_nodes_in_creation_order():
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    with record() as rec:
        assert rec.active and len(events.listeners) == 1
        y = x * 2
        z = y.exp().sum()
    assert not rec.active and events.listeners == []
    assert [type(n).__name__ for n in rec.nodes()] == [
        "MulBackward0",
        "ExpBackward0",
        "SumBackward0",
    ]
    m = GraphModel.from_recording(rec, names={"x": x, "z": z}, namespace=None)
    assert [n["label"] for n in m.nodes][:5] == [
        "z",
        "SumBackward0",
        "ExpBackward0",
        "MulBackward0",
        "AccumulateGrad",
    ]
    assert m.outputs == [m.nodes[0]["id"]]
    assert y.grad_fn is not None


def test_start_stop_object():
    rec = record().start()
    a = aw.tensor([1.0], requires_grad=True) * 3
    rec.stop()
    b = a * 4  # not recorded
    assert [type(n).__name__ for n in rec.nodes()] == ["MulBackward0"]
    assert b.grad_fn not in rec.nodes()
    assert "1 nodes" in repr(rec)


def test_no_grad_ops_are_ghosts():
    w = aw.tensor([1.0, 2.0], requires_grad=True)
    with record() as rec:
        with aw.no_grad():
            h = w * 2  # why is h.grad_fn None? it was computed under no_grad
        out = (h * w).sum()
    m = GraphModel.from_recording(rec, names={"w": w, "h": h, "out": out}, namespace=None)
    (ghost,) = [n for n in m.nodes if n["no_grad"] and n["kind"] == "backward"]
    assert ghost["label"] == "MulBackward0" and ghost["name"] == "h"
    assert ghost["no_grad_reason"] == "grad_mode_off"
    leaf = m.find(kind="leaf")[0]
    assert leaf["name"] == "w"
    ghost_edges = [e for e in m.edges if e.get("no_grad")]
    # w feeds the ghost, and the ghost's output h feeds the real MulBackward0
    real_mul = next(n for n in m.nodes if n["label"] == "MulBackward0" and not n["no_grad"])
    assert {
        "source": leaf["id"],
        "target": ghost["id"],
        "kind": "next",
        "no_grad": True,
    } in ghost_edges
    assert {
        "source": ghost["id"],
        "target": real_mul["id"],
        "kind": "next",
        "no_grad": True,
    } in ghost_edges


def test_ops_on_plain_tensors_are_ghosts_with_their_reason():
    with record() as rec:
        a = aw.tensor([1.0, 2.0])
        b = (a * 2).exp()
    m = GraphModel.from_recording(rec, names={"b": b}, namespace=None)
    ghosts = [n for n in m.nodes if n["no_grad"] and n["kind"] == "backward"]
    assert [g["label"] for g in ghosts] == ["ExpBackward0", "MulBackward0"]
    assert {g["no_grad_reason"] for g in ghosts} == {"inputs_need_no_grad"}
    assert m.nodes[0]["kind"] == "tensor" and m.nodes[0]["name"] == "b"


def test_disconnected_pieces_and_backward_arithmetic_not_recorded():
    x = aw.tensor([1.0], requires_grad=True)
    with record() as rec:
        a = (x * 2).sum()
        b = (x + 1).sum()
        a.backward()
    m = GraphModel.from_recording(rec, namespace=None)
    assert len(m.outputs) == 2
    assert not any(n["no_grad"] for n in m.nodes)  # backward's own ops are not ghosts
    assert m.backward_passes == 1
    assert [m.node(i)["label"] for i in m.executed] == [
        "SumBackward0",
        "MulBackward0",
        "AccumulateGrad",
    ]
    del b


def test_nodes_created_before_recording_are_external():
    x = aw.tensor([1.0], requires_grad=True)
    y = (x * 2).exp()
    with record() as rec:
        z = y.sum()
    m = GraphModel.from_recording(rec, namespace=None)
    ext = [n for n in m.nodes if n.get("external")]
    assert [n["label"] for n in ext] == ["ExpBackward0"]
    assert "MulBackward0" not in labels(m)
    del z


def test_recording_holds_weak_references_only():
    with record() as rec:
        x = aw.tensor([1.0], requires_grad=True)
        y = x * 2
        with aw.no_grad():
            g = y * 3
    refs = [weakref.ref(o) for o in (x, y, g, y.grad_fn)]
    del x, y, g
    gc.collect()
    assert [r() for r in refs] == [None] * 4
    rec.prune()
    assert rec.nodes() == [] and rec.ghosts() == []


def _step(w, b, data, target):
    out = (data @ w + b).relu()
    loss = ((out - target) ** 2).mean()
    loss.backward()
    with aw.no_grad():
        w -= 0.01 * w.grad
        b -= 0.01 * b.grad
        w.grad.zero_()
        b.grad = None
    return loss


def test_no_memory_growth_with_a_recorder_attached():
    w = aw.ones(8, 4, requires_grad=True)
    b = aw.zeros(4, requires_grad=True)
    data = aw.ones(16, 8)
    target = aw.zeros(16, 4)
    rec = Recording().start()
    try:
        for _ in range(50):  # warm up caches and the recorder's pruning threshold
            _step(w, b, data, target)
        gc.collect()
        tracemalloc.start()
        # Prune before each reading: the recorder prunes dead entries when their count
        # doubles, so without it the two readings fall at different points of that cycle
        # (tens of KB apart) and the test measured the cycle, not a leak.
        for _ in range(200):
            _step(w, b, data, target)
        gc.collect()
        rec.prune()
        first, _ = tracemalloc.get_traced_memory()
        for _ in range(1000):
            _step(w, b, data, target)
        gc.collect()
        rec.prune()
        second, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        rec.stop()
    assert rec.counts["nodes"] > 5000  # it did see every step
    assert second - first < 64 * 1024, f"grew by {second - first} bytes over 1,000 steps"
    assert len(rec.nodes()) < 50


def test_inplace_result_gets_its_output_box():
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    with record() as rec:
        y = x * 2
        y.add_(1)
    m = GraphModel.from_recording(rec, names={"y": y}, namespace=None)
    assert [(n["kind"], n["label"]) for n in m.nodes[:3]] == [
        ("tensor", "y"),
        ("backward", "AddBackward0"),
        ("backward", "MulBackward0"),
    ]
