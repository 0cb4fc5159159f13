"""``draw()`` on real torch tensors: the widget follows backward() and cleans up after itself."""

from __future__ import annotations

import pytest

pytest.importorskip("anywidget")

from autograd_widgets.graph import _torch_live  # noqa: E402
from tests._oracle import require_torch  # noqa: E402
from tests.test_graph_widget import comms, needs_bundle  # noqa: E402, F401 - the fixture

pytestmark = [pytest.mark.oracle, needs_bundle]


def mode_stack():
    """Our live modes on torch's function mode stack (others may be there: a
    ``torch.set_default_device`` elsewhere in the suite leaves its DeviceContext)."""
    from torch.overrides import _get_current_function_mode_stack

    return [m for m in _get_current_function_mode_stack() if type(m).__name__ == "_LiveMode"]


def hook_handles(w):
    return [h for _, h in w._source.__self__.graph._sub._hooked.values()]


def removed(handles) -> bool:
    return all(h.hooks_dict_ref() is None or h.id not in h.hooks_dict_ref() for h in handles)


def test_draw_on_torch_follows_backward_without_refresh(comms):  # noqa: F811
    torch = require_torch()
    import autograd_widgets as aw

    x = torch.ones(2, 2, requires_grad=True)
    out = ((x**2) * 3).mean()
    w = aw.draw(out, names={"x": x, "out": out})
    assert w.subscribed and len(mode_stack()) == 1
    handles = hook_handles(w)
    assert len(handles) == 4  # 3 nodes, and the leaf for its AccumulateGrad
    out.backward()
    w._throttle.flush()  # what the kernel's event loop does 0.1 s later; no refresh()
    leaf = next(n for n in w.graph["nodes"] if n["kind"] == "leaf")
    assert leaf["tensor"]["grad"] == "tensor([[1.5000, 1.5000],\n        [1.5000, 1.5000]])"
    assert w.graph["backward_passes"] == 1 and len(w.graph["executed"]) == 4

    w.live = False  # paused: no hook, no mode
    assert removed(handles) and mode_stack() == [] and _torch_live._listeners == []
    w.live = True
    assert len(mode_stack()) == 1
    handles = hook_handles(w)
    w.close()
    assert removed(handles) and mode_stack() == [] and _torch_live._listeners == []


def test_draw_on_meta_tensors_says_there_is_no_data(comms):  # noqa: F811
    torch = require_torch()
    import autograd_widgets as aw

    w_ = torch.empty(3, 4, device="meta", requires_grad=True)
    out = (torch.empty(2, 3, device="meta") @ w_).sum()
    w = aw.draw(out)
    assert "meta tensors have no data" in w.graph["notice"]
    w.close()
    assert mode_stack() == []


def test_a_live_widget_over_a_training_loop_keeps_memory_flat(comms):  # noqa: F811
    import gc
    import tracemalloc

    torch = require_torch()
    import autograd_widgets as aw

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    data, target = torch.randn(32, 8), torch.randn(32, 1)
    loss = torch.nn.functional.mse_loss(model(data), target)
    w = aw.draw(loss, module=model)

    def train(steps):
        for i in range(steps):
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(data), target).backward()
            opt.step()
            if i % 50 == 0:
                w._throttle.flush()  # the kernel's event loop, now and then

    train(100)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    objects0 = len(gc.get_objects())
    train(1000)
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert grown < 512 * 1024, grown  # generous: a leak per step would be far more
    assert len(gc.get_objects()) - objects0 < 1000
    w.refresh()
    assert w.graph["backward_passes"] >= 1100
    leaves = [n for n in w.graph["nodes"] if n["kind"] == "leaf"]
    assert len(leaves) == 4 and all(n["tensor"]["grad"] is not None for n in leaves)
    handles = hook_handles(w)
    assert len(handles) == 6 + 4  # the drawn loss's 6 nodes and 4 parameters, however many steps
    w.close()
    assert removed(handles) and mode_stack() == [] and _torch_live._listeners == []


def test_timeline_stepper_and_error_mark_on_torch(comms):  # noqa: F811
    torch = require_torch()
    import autograd_widgets as aw

    x = torch.ones(2, 2, requires_grad=True)
    y = x * 1
    out = ((y**2) * 3).mean()
    w = aw.draw(out)
    out.backward(retain_graph=True)
    w._throttle.flush()
    # labelled "#1 drawn" alone, "In [n] drawn" when an earlier test left an IPython shell
    assert [label.split()[-1] for label in w.timeline] == ["drawn", "backward"], w.timeline
    steps = w.backward_steps[-1]["steps"]
    assert [s["label"] for s in steps][-2:] == ["MulBackward0", "AccumulateGrad"]
    assert steps[-1]["node"] == w.graph["executed"][-1]
    w.step_to(2)
    assert (w.step, w.step_pass) == (2, -1)

    y.add_(1)  # a saved tensor modified in place: the next backward fails
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.backward()
    w._throttle.flush()
    assert w.timeline[-1].endswith(" error") and len(w.timeline) == 3, w.timeline
    err = w.graph["error"]
    assert err["kind"] == "inplace" and err["label"] == "PowBackward0"
    w.close()
    assert mode_stack() == [] and _torch_live._listeners == []
