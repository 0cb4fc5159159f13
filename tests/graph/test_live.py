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
    assert calls == ["backward_end"]  # one call for the pass and the leaf's new .grad
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


def _leaf(live, name):
    return next(n for n in live.to_json()["nodes"] if n["kind"] == "leaf" and n["name"] == name)


def test_previews_are_reused_until_the_values_change():
    w = aw.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    out = (w * 2).sum()
    live = LiveGraph(out, names={"w": w}, namespace=None)
    live.to_json()
    cache = live.previews
    misses = cache.misses
    assert _leaf(live, "w")["tensor"]["value"] == "tensor([[1., 2.],\n        [3., 4.]])"
    assert cache.misses == misses  # nothing changed: every preview came from the last build
    with aw.no_grad():
        w.mul_(10)  # in place: the version counter moves
    leaf = _leaf(live, "w")["tensor"]
    assert leaf["value"] == "tensor([[10., 20.],\n        [30., 40.]])" and leaf["version"] == 1
    w.data.add_(1)  # through .data: the version stays (as in PyTorch), the preview must not
    leaf = _leaf(live, "w")["tensor"]
    assert leaf["value"] == "tensor([[11., 21.],\n        [31., 41.]])" and leaf["version"] == 1
    live.close()


def test_preview_cache_keeps_only_the_last_build():
    x = aw.zeros(3, requires_grad=True)
    out = (x * 2).sum()
    live = LiveGraph(out, names={"x": x}, namespace=None)
    sizes = []
    for i in range(50):
        with aw.no_grad():
            x.add_(1.0)  # a new value every build
        assert _leaf(live, "x")["tensor"]["value"] == f"tensor([{i + 1}., {i + 1}., {i + 1}.])"
        sizes.append(len(live.previews))
    assert max(sizes) == sizes[1] <= 2 * sizes[0]  # flat: older builds' entries are dropped
    live.close()


def test_one_callback_per_backward_for_many_leaves_and_the_last_state_counts():
    a = aw.tensor([1.0], requires_grad=True)
    b = aw.tensor([2.0], requires_grad=True)
    c = aw.tensor([3.0], requires_grad=True)
    seen = []
    out = (a * b * c).sum()
    live = LiveGraph(out, callback=lambda: seen.append(live.last_change), namespace=None)
    out.backward(retain_graph=True)
    assert seen == ["backward_end"]  # not one per leaf
    grads = sorted(n["tensor"]["grad"] for n in live.to_json()["nodes"] if n["kind"] == "leaf")
    assert grads == ["tensor([2.])", "tensor([3.])", "tensor([6.])"]
    seen.clear()
    out.backward()
    assert seen == ["backward_end"]
    live.close()


def test_leaves_drawn_alone_still_report_every_gradient():
    # no grad_fn of the drawn graph runs: backward_end reports the leaves heard quietly
    a = aw.tensor([1.0], requires_grad=True)
    b = aw.tensor([2.0], requires_grad=True)
    seen = []
    live = LiveGraph(
        a, b, callback=lambda: seen.append(live.last_change), follow=False, namespace=None
    )
    (a * b).sum().backward()
    assert seen == ["backward_end"]
    grads = [n["tensor"]["grad"] for n in live.to_json()["nodes"] if n["kind"] == "leaf"]
    assert sorted(grads) == ["tensor([1.])", "tensor([2.])"]
    a.grad.zero_()  # the new .grad tensors are followed too
    assert seen == ["backward_end", "version_bump"]
    live.close()


def test_tracked_gradients_do_not_pile_up_over_a_training_loop():
    lin = aw.nn.Linear(3, 2)
    x = aw.randn(4, 3)
    drawn = lin(x).sum()
    drawn.backward()
    live = LiveGraph(drawn, callback=lambda: None, namespace=None)
    opt = aw.optim.SGD(lin.parameters(), lr=0.1)
    for _ in range(500):  # every step makes new .grad tensors (zero_grad sets them to None)
        opt.zero_grad()
        lin(x).sum().backward()
        opt.step()
    gc.collect()
    assert len(live._tensors) < 100
    live.close()


def test_zero_grad_right_after_backward_is_heard_before_any_rebuild():
    x, out = make()
    seen = []
    live = LiveGraph(out, callback=lambda: seen.append(live.last_change), namespace=None)
    out.backward()  # a new .grad tensor that no build has seen yet
    x.grad.zero_()
    assert seen == ["backward_end", "version_bump"]
    leaf = next(n for n in live.to_json()["nodes"] if n["kind"] == "leaf")
    assert leaf["tensor"]["grad"] == "tensor([0., 0.])"
    live.close()


def test_followed_ops_bring_their_new_leaves_into_the_bookkeeping():
    x, out = make()
    w = aw.tensor([5.0], requires_grad=True)
    live = LiveGraph(out, callback=lambda: None, namespace=None)
    y = out * w  # follows: y's graph has a leaf the drawn graph did not have
    y.backward()
    m = live.to_json()
    order = {n["label"]: n["executed_order"] for n in m["nodes"] if n["kind"] != "saved"}
    assert order["MulBackward0"] is not None
    leaves = [n for n in m["nodes"] if n["kind"] == "leaf"]
    assert len(leaves) == 2 and all(n["executed_order"] is not None for n in leaves)
    assert sorted(n["tensor"]["grad"] for n in leaves) == ["tensor([15., 15.])", "tensor([9.])"]
    live.close()


def test_a_pass_from_a_dropped_temporary_is_drawn_after_the_temporary_is_gone():
    # `y.sum().backward()` in a cell: the sum is dropped as soon as backward returns, and a
    # throttled update builds later; the pass it started must still show where it began
    x = aw.ones(2, 2, requires_grad=True)
    y = x + 2
    out = (y * y).mean()
    live = LiveGraph(out, callback=lambda: None, namespace=None)
    y.sum().backward()
    gc.collect()
    graph = live.to_json()
    assert "SumBackward0" in [n["label"] for n in graph["nodes"]]
    gc.collect()
    # held for that one build only: the next one is of what is alive
    assert "SumBackward0" not in [n["label"] for n in live.to_json()["nodes"]]
    live.close()
