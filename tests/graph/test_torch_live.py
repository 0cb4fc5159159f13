"""A LiveGraph over real torch tensors: PyTorch's public hooks and a function mode."""

from __future__ import annotations

import gc

import pytest

from autograd_widgets.graph import LiveGraph, _torch_live
from tests._oracle import require_torch

pytestmark = pytest.mark.oracle


def mode_stack():
    """Our live modes on torch's function mode stack (others may be there: a
    ``torch.set_default_device`` elsewhere in the suite leaves its DeviceContext)."""
    from torch.overrides import _get_current_function_mode_stack

    return [m for m in _get_current_function_mode_stack() if type(m).__name__ == "_LiveMode"]


@pytest.fixture
def torch():
    torch = require_torch()
    assert mode_stack() == []
    yield torch
    # every test closes its graphs: nothing may be left listening
    assert _torch_live._listeners == [] and mode_stack() == []


def seed(torch):
    x = torch.ones(2, 2, requires_grad=True)
    out = ((x**2) * 3).mean()
    return x, out


def by_label(model: dict) -> dict:
    return {n["label"]: n for n in model["nodes"] if n["kind"] != "saved"}


def test_backward_shows_grad_execution_order_and_freed_saved_tensors(torch):
    x, out = seed(torch)
    seen = []
    live = LiveGraph(out, callback=lambda: seen.append(live.last_change), namespace=None)
    before = by_label(live.to_json())
    assert before["AccumulateGrad"]["tensor"]["grad"] is None
    pow_saved = {s["attr"]: s["repr"] for s in before["PowBackward0"]["saved"]}
    assert pow_saved["_saved_self"].startswith("tensor([[1., 1.]")
    out.backward()
    assert seen == ["backward_end"]  # one change per pass
    m = live.to_json()
    nodes = by_label(m)
    assert (
        nodes["AccumulateGrad"]["tensor"]["grad"]
        == "tensor([[1.5000, 1.5000],\n        [1.5000, 1.5000]])"
    )
    order = [
        nodes[k]["executed_order"]
        for k in ("MeanBackward0", "MulBackward0", "PowBackward0", "AccumulateGrad")
    ]
    assert order == [0, 1, 2, 3]
    assert [n["label"] for n in m["nodes"] if n["id"] in m["executed"]] == [
        "MeanBackward0",
        "MulBackward0",
        "PowBackward0",
        "AccumulateGrad",
    ]
    assert m["backward_passes"] == 1
    # PyTorch freed what PowBackward0 saved: reading it raises, the drawing says so
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        _ = out.grad_fn.next_functions[0][0].next_functions[0][0]._saved_self
    pow_saved = {s["attr"]: s["repr"] for s in nodes["PowBackward0"]["saved"]}
    assert pow_saved["_saved_self"] == "<freed by backward()>"
    live.close()


def test_passes_are_counted_one_by_one(torch):
    x, out = seed(torch)
    live = LiveGraph(out, namespace=None)
    out.backward(retain_graph=True)
    out.backward(retain_graph=True)
    m = live.to_json()
    assert m["backward_passes"] == 2
    assert by_label(m)["AccumulateGrad"]["tensor"]["grad"].startswith("tensor([[3.")
    unrelated = (torch.ones(1, requires_grad=True) * 2).sum()
    unrelated.backward()
    assert live.to_json()["backward_passes"] == 2
    live.close()


def test_new_ops_join_and_results_are_unchanged(torch):
    def program():
        torch.manual_seed(0)
        a = torch.randn(3, 4, requires_grad=True)
        h = torch.tanh(a @ torch.randn(4, 2)).sum(dim=1)
        y = torch.cat([h, h * 2]).logsumexp(0)
        y.backward()
        return y.detach().clone(), a.grad.clone()

    plain = program()
    x, out = seed(torch)
    seen = []
    live = LiveGraph(out, callback=lambda: seen.append(live.last_change), namespace=None)
    watched = program()  # runs through the function mode
    assert torch.equal(plain[0], watched[0]) and torch.equal(plain[1], watched[1])
    assert seen == []  # none of it touched the drawing
    y = out * 2
    assert seen == ["node_created"]
    labels = [n["label"] for n in live.to_json()["nodes"]][:3]
    assert labels == ["output", "MulBackward0", "MeanBackward0"]
    assert live.roots == [y]
    y.backward()  # the new node is hooked too
    m = live.to_json()
    assert [n["label"] for n in m["nodes"] if n["id"] in m["executed"]][:2] == [
        "MulBackward0",
        "MeanBackward0",
    ]
    live.close()


def test_grad_set_and_inplace_updates_are_changes(torch):
    x, out = seed(torch)
    out.backward()
    seen = []
    live = LiveGraph(out, callback=lambda: seen.append(live.last_change), namespace=None)
    x.grad.zero_()
    with torch.no_grad():
        x -= 0.1  # a change is pending already: not reported again before a build
    assert seen == ["version_bump"]
    assert by_label(live.to_json())["AccumulateGrad"]["tensor"]["version"] == 1
    x.grad = None
    assert seen == ["version_bump", "grad_set"]
    leaf = by_label(live.to_json())["AccumulateGrad"]
    assert leaf["tensor"]["grad"] is None and leaf["tensor"]["version"] == 1
    live.close()


def test_close_removes_every_hook_and_the_mode(torch):
    x, out = seed(torch)
    calls = []
    live = LiveGraph(out, callback=lambda: calls.append(1), namespace=None)
    other = LiveGraph(out, namespace=None)
    handles = [h for _, h in live._sub._hooked.values()]
    # 3 nodes; the leaf's post-accumulate hook stands for its AccumulateGrad
    assert len(handles) == 4
    assert all(h.id in h.hooks_dict_ref() for h in handles)
    assert len(mode_stack()) == 1  # one mode, however many graphs listen
    live.close()
    assert all(h.hooks_dict_ref() is None or h.id not in h.hooks_dict_ref() for h in handles)
    assert not live.active and len(mode_stack()) == 1  # `other` still listens
    other.close()
    assert mode_stack() == []
    out.backward()
    _ = out * 2
    assert calls == []
    live.open()  # listening again hooks again
    assert live.active and len(mode_stack()) == 1
    live.close()


def test_a_mode_pushed_later_is_left_alone(torch):
    from torch.overrides import TorchFunctionMode

    x, out = seed(torch)
    live = LiveGraph(out, namespace=None)
    with TorchFunctionMode() as user_mode:
        live.close()  # ours is under the user's mode: left inert, not popped out of order
        from torch.overrides import _get_current_function_mode_stack

        assert _get_current_function_mode_stack()[-1] is user_mode
    assert len(mode_stack()) == 1
    again = LiveGraph(out, namespace=None)  # reuses the inert mode
    again.close()
    assert mode_stack() == []


def test_closes_when_the_drawn_tensors_die(torch):
    x, out = seed(torch)
    live = LiveGraph(out, namespace=None)
    del out
    gc.collect()
    _ = x * 2  # any op: the graph notices its roots are gone, and stops listening
    assert not live.active and _torch_live._listeners == []
    # it noticed inside that op, while PyTorch had taken the mode off the stack: the mode
    # is left inert until released (the notebook does it after the cell)
    assert _torch_live.release_idle_mode() and mode_stack() == []
    assert live.to_json()["notice"] == "the drawn tensors are gone"


def test_without_follow_only_hooks_listen(torch):
    x, out = seed(torch)
    live = LiveGraph(out, follow=False, namespace=None)
    assert mode_stack() == []  # no function mode: no cost per op
    _ = out * 2
    out.backward()
    m = live.to_json()
    assert m["backward_passes"] == 1 and len(m["executed"]) == 4
    assert live.roots == [out]
    live.close()
