"""LiveGraph: stable ids, backward bookkeeping, and the changes it reports."""

from __future__ import annotations

import gc
import weakref

import autograd_widgets as aw
from autograd_widgets.autograd import events
from autograd_widgets.graph import LiveGraph, record


def make():
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    out = (x * 3).sum()
    return x, out


def test_callback_on_backward_and_bookkeeping():
    x, out = make()
    calls = []
    live = LiveGraph(
        out, callback=lambda: calls.append(live.last_change), names={"x": x}, namespace=None
    )
    m0 = live.to_json()
    assert m0["backward_passes"] == 0 and m0["executed"] == []
    out.backward(retain_graph=True)
    assert "backward_end" in calls and "grad_accumulated" in calls
    m1 = live.to_json()
    assert m1["backward_passes"] == 1
    assert [n["label"] for n in m1["nodes"] if n["id"] in m1["executed"]] == [
        "SumBackward0",
        "MulBackward0",
        "AccumulateGrad",
    ]
    order = {n["label"]: n["executed_order"] for n in m1["nodes"] if n["kind"] != "saved"}
    assert order == {"output": None, "SumBackward0": 0, "MulBackward0": 1, "AccumulateGrad": 2}
    leaf = next(n for n in m1["nodes"] if n["kind"] == "leaf")
    assert leaf["tensor"]["grad"] == "tensor([3., 3.])"
    assert [n["id"] for n in m0["nodes"]] == [n["id"] for n in m1["nodes"]]  # stable ids
    out.backward()
    assert live.to_json()["backward_passes"] == 2
    live.close()
    assert events.listeners == []


def test_unrelated_backward_does_not_count():
    x, out = make()
    live = LiveGraph(out, namespace=None)
    other = (aw.tensor([1.0], requires_grad=True) * 2).sum()
    other.backward()
    assert live.to_json()["backward_passes"] == 0 and live.changes == 0
    live.close()


def test_follow_new_ops_on_the_root_keeps_ids():
    x, out = make()
    calls = []
    live = LiveGraph(out, callback=lambda: calls.append(1), namespace=None)
    before = {n["label"]: n["id"] for n in live.to_json()["nodes"]}
    y = out * 2
    assert calls and live.last_change == "node_created"
    assert live.roots == [y]
    after = live.to_json()
    assert after["nodes"][1]["label"] == "MulBackward0"
    ids = {n["label"]: n["id"] for n in after["nodes"][2:]}
    assert ids["SumBackward0"] == before["SumBackward0"]
    assert ids["AccumulateGrad"] == before["AccumulateGrad"]
    unrelated = aw.tensor([1.0], requires_grad=True) * 5  # a leaf op elsewhere: no change
    n = len(calls)
    _ = x * 7  # a new op on a leaf of the graph does not grow it either
    assert len(calls) == n
    live.close()
    del unrelated


def test_zero_grad_and_optimizer_step_are_changes():
    x, out = make()
    out.backward()
    seen = []
    live = LiveGraph(out, callback=lambda: seen.append(live.last_change), namespace=None)
    x.grad.zero_()
    with aw.no_grad():
        x -= 0.1
    x.grad = None
    assert seen == ["version_bump", "version_bump", "grad_set"]
    leaf = next(n for n in live.to_json()["nodes"] if n["kind"] == "leaf")
    assert leaf["tensor"]["grad"] is None and leaf["tensor"]["version"] == 1
    live.close()


def test_inplace_on_root_rewrites_its_grad_fn():
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    seen = []
    live = LiveGraph(y, callback=lambda: seen.append(live.last_change), namespace=None)
    y.add_(1)
    assert "node_created" in seen
    assert [n["label"] for n in live.to_json()["nodes"]][:3] == [
        "output",
        "AddBackward0",
        "MulBackward0",
    ]
    live.close()


def test_live_graph_keeps_nothing_alive_and_closes_when_roots_die():
    x, out = make()
    live = LiveGraph(out, callback=lambda: None, namespace=None)
    refs = [weakref.ref(out), weakref.ref(out.grad_fn)]
    del out
    gc.collect()
    assert [r() for r in refs] == [None, None]
    _ = x * 2  # any event: the live graph notices that its roots are gone
    assert not live.active
    assert live.to_json()["notice"] == "the drawn tensors are gone"


def test_live_graph_over_a_recording():
    x = aw.tensor([1.0], requires_grad=True)
    with record() as rec:
        y = (x * 2).sum()
    live = LiveGraph(recording=rec, callback=lambda: None, follow=False, namespace=None)
    y.backward()
    m = live.to_json()
    assert m["backward_passes"] == 1 and len(m["executed"]) == 3
    live.close()


def test_close_and_open_keep_ids_and_bookkeeping():
    x, out = make()
    live = LiveGraph(out, namespace=None)
    out.backward(retain_graph=True)
    first = live.to_json()
    live.close()
    assert not live.active
    out.backward(retain_graph=True)  # not seen while closed
    calls = []
    close = live.open(lambda: calls.append(1))
    assert live.active
    out.backward()
    again = live.to_json()
    assert again["backward_passes"] == 2 and calls
    ids = [n["id"] for n in first["nodes"] if n["kind"] != "saved"]
    assert [n["id"] for n in again["nodes"]] == ids  # saved tensors were freed by backward()
    close()
    assert events.listeners == []
