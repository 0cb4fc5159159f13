"""Step-through backward and failed backward passes on a live graph of real torch tensors."""

from __future__ import annotations

import pytest

from autograd_widgets.graph import LiveGraph
from autograd_widgets.graph.steps import BackwardSteps
from tests.graph.test_torch_live import mode_stack, torch  # noqa: F401 - the fixture

pytestmark = pytest.mark.oracle


def traced(*roots):
    """A live graph with a step recorder, as ``draw()`` makes them."""
    live = LiveGraph(*roots, namespace=None)
    live.steps = BackwardSteps(live.ids, contains=live._contains_node)
    return live


def done(live) -> None:
    live.close()
    live.steps.close()  # it listens to our bus too: leave nothing subscribed


def value(g) -> str:
    return g["value"]


def test_steps_of_the_seed_match_torch(torch):  # noqa: F811
    x = torch.ones(2, 2, requires_grad=True)
    sq = x**2
    y = sq * 3
    out = y.mean()
    live = traced(out)
    out.backward(retain_graph=True)
    (step_pass,) = live.steps.passes
    steps = step_pass["steps"]
    assert [s["label"] for s in steps] == [
        "MeanBackward0",
        "MulBackward0",
        "PowBackward0",
        "AccumulateGrad",
    ]
    assert [s["order"] for s in steps] == [0, 1, 2, 3]
    # what flowed along each edge is what torch computes for that tensor
    gy, gsq = torch.autograd.grad(out, (y, sq), retain_graph=True)
    mean, mul, pow_, acc = steps
    assert value(mean["grads"][0]) == "tensor(1.)"
    assert value(mean["edges"][0]["grad"]) == repr(gy)
    assert value(mul["grads"][0]) == repr(gy)
    assert value(mul["edges"][0]["grad"]) == repr(gsq)
    assert value(pow_["edges"][0]["grad"]) == repr(x.grad)
    ids = {n["label"]: n["id"] for n in live.to_json()["nodes"] if n["kind"] != "saved"}
    assert mul["edges"][0]["source"] == ids["PowBackward0"]
    assert mul["edges"][0]["target"] == ids["MulBackward0"]
    assert acc["node"] == next(n["id"] for n in live.to_json()["nodes"] if n["kind"] == "leaf")
    assert acc["leaf"]["before"] is None
    assert value(acc["leaf"]["incoming"]) == value(acc["leaf"]["after"]) == repr(x.grad)

    out.backward()  # a second pass accumulates: before 1.5, after 3.0
    acc = live.steps.passes[-1]["steps"][-1]["leaf"]
    assert value(acc["before"]) == "tensor([[1.5000, 1.5000],\n        [1.5000, 1.5000]])"
    assert value(acc["after"]) == repr(x.grad) == "tensor([[3., 3.],\n        [3., 3.]])"
    done(live)


def test_a_pass_through_the_drawn_parameters_only_is_counted_not_traced(torch):  # noqa: F811
    w = torch.ones(3, requires_grad=True)
    drawn = (w * 2).sum()
    live = traced(drawn)
    (w * 5).sum().backward()  # a new forward: only the leaf is drawn
    assert live.book.passes == 1 and live.steps.passes == []
    assert live.to_json()["backward_passes"] == 1
    done(live)


def error_of(live) -> dict:
    return live.to_json()["error"]


def test_an_inplace_change_is_marked_on_the_node_that_failed(torch):  # noqa: F811
    x = torch.ones(2, 2, requires_grad=True)
    y = x * 1
    out = (y**2).mean()
    live = traced(out)
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation") as info:
        out.backward()
    err = error_of(live)
    assert err["kind"] == "inplace" and err["message"] == str(info.value)
    assert err["label"] == "PowBackward0"
    ids = {n["label"]: n["id"] for n in live.to_json()["nodes"] if n["kind"] != "saved"}
    assert err["node"] == ids["PowBackward0"]
    (saved,) = err["saved"]
    assert (saved["attr"], saved["saved_version"], saved["version"], saved["shape"]) == (
        "_saved_self",
        0,
        1,
        [2, 2],
    )
    assert live.book.passes == 0 and live.steps.passes == []  # the failed pass is not a pass
    done(live)


def test_freed_graph_non_scalar_and_shape_errors_then_a_good_pass_clears(torch):  # noqa: F811
    x = torch.ones(2, 2, requires_grad=True)
    out = (x * 2).sum()
    live = traced(out)
    out.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out.backward()
    err = error_of(live)
    assert err["kind"] == "freed" and err["label"] == "MulBackward0"
    done(live)

    v = x * 3
    live = traced(v)
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        v.backward()
    root = live.to_json()["nodes"][0]
    assert error_of(live)["kind"] == "non_scalar" and error_of(live)["node"] == root["id"]
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        v.backward(torch.ones(3))
    assert error_of(live)["kind"] == "grad_shape" and error_of(live)["grad_shape"] == [3]
    v.backward(torch.ones(2, 2))  # a pass that went well: nothing left to explain
    assert "error" not in live.to_json()
    done(live)


def test_close_removes_the_step_hooks_too(torch):  # noqa: F811
    x = torch.ones(2, 2, requires_grad=True)
    out = ((x**2) * 3).mean()
    live = traced(out)
    src = live._sub
    handles = [h for _, h in src._hooked.values()] + list(src._post.values())
    assert len(handles) == 4 + 3  # pre-hooks (3 nodes, the leaf) and 3 nodes' hooks
    done(live)
    assert all(h.hooks_dict_ref() is None or h.id not in h.hooks_dict_ref() for h in handles)
