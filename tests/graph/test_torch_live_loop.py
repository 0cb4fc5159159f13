"""A live torch graph over a loop: the function mode pauses while the drawn graph cannot grow."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from autograd_widgets.graph import LiveGraph, _torch_live, _torch_mode
from tests.graph.test_torch_live import mode_stack, torch  # noqa: F401 - the fixture

pytestmark = pytest.mark.oracle


def mlp(torch):  # noqa: F811
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    data, target = torch.randn(32, 8), torch.randn(32, 1)

    def loss():
        return torch.nn.functional.mse_loss(model(data), target)

    def step():
        opt.zero_grad()
        loss().backward()  # each step's loss is dropped once backward returns
        opt.step()

    return model, opt, loss, step


def test_a_training_loop_pauses_the_mode_and_the_hooks_go_on(torch):  # noqa: F811
    model, opt, loss, step = mlp(torch)
    drawn = loss()
    live = LiveGraph(drawn, module=model, namespace=None)
    assert len(mode_stack()) == 1 and not _torch_mode.paused()
    step()  # the first pass through the drawn leaves
    assert len(mode_stack()) == 1
    step()  # a second one, and no op joined the graph in between: a loop
    assert _torch_mode.paused() and mode_stack() == []
    assert _torch_live._listeners  # still listening, through PyTorch's hooks
    passes = live.book.passes
    for _ in range(10):
        step()
    assert live.book.passes == passes + 10
    m = live.to_json()
    grads = {n["tensor"]["grad"] for n in m["nodes"] if n["kind"] == "leaf"}
    assert len(grads) == 4 and None not in grads
    assert len(m["executed"]) == 4  # the order: the four parameters' AccumulateGrad

    with torch.no_grad():
        model[0].weight.mul_(2)  # an in-place change the paused mode does not see
    changes = live.changes
    _torch_live.resume()  # what the notebook does after the cell
    assert len(mode_stack()) == 1 and not _torch_mode.paused()
    assert live.changes == changes + 1 and live.last_change == "version_bump"
    doubled = drawn * 2  # followed again: a new op on the drawn loss joins
    assert live.roots == [doubled]
    live.close()


def test_a_graph_drawn_during_a_pause_brings_the_mode_back(torch):  # noqa: F811
    model, opt, loss, step = mlp(torch)
    drawn = loss()
    live = LiveGraph(drawn, module=model, namespace=None)
    for _ in range(3):
        step()
    assert _torch_mode.paused() and mode_stack() == []
    x = torch.ones(2, requires_grad=True)
    y = x * 2
    other = LiveGraph(y, namespace=None)  # a new drawing: it must follow its ops
    assert len(mode_stack()) == 1 and not _torch_mode.paused()
    z = y + 1
    assert other.roots == [z]
    changes = live.changes
    _torch_live.resume()  # the cell's end: the paused graph still catches up
    assert live.changes == changes + 1 and len(mode_stack()) == 1
    live.close()
    other.close()


def test_a_graph_that_grows_keeps_the_mode(torch):  # noqa: F811
    x = torch.ones(3, requires_grad=True)
    y = (x * 2).sum()
    live = LiveGraph(y, namespace=None)
    for _ in range(5):
        y = y * 1.5  # joins the drawn graph before each pass
        y.backward(retain_graph=True)
    assert not _torch_mode.paused() and len(mode_stack()) == 1
    assert live.roots == [y] and live.book.passes == 5
    live.close()


def test_a_pause_waits_for_the_tensor_and_is_dropped_when_the_graph_grows(torch):  # noqa: F811
    x = torch.ones(2, 2, requires_grad=True)
    out = ((x**2) * 3).mean()
    live = LiveGraph(out, namespace=None)
    for _ in range(3):  # passes with nothing joining, but `out` stays alive
        out.backward(retain_graph=True)
    assert len(mode_stack()) == 1 and not _torch_mode.paused()
    later = out + 1  # the graph grows: the pause asked for no longer holds
    del out
    gc.collect()
    assert len(mode_stack()) == 1 and not _torch_mode.paused()
    assert live.roots == [later]
    live.close()


def test_in_a_notebook_the_mode_comes_back_after_the_cell(torch):  # noqa: F811
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    ns = {"mlp": mlp, "torch": torch, "LiveGraph": LiveGraph, "_torch_mode": _torch_mode}
    ip.user_ns.update(ns)
    try:
        cell = (
            "model, opt, loss, step = mlp(torch)\n"
            "drawn = loss()\n"
            "live = LiveGraph(drawn, module=model, namespace=None)\n"
            "for _ in range(20):\n"
            "    step()\n"
            "paused_in_cell = _torch_mode.paused()\n"
            "changes = live.changes\n"
        )
        result = ip.run_cell(cell)
        assert result.error_in_exec is None, result
        live = ip.user_ns["live"]
        assert ip.user_ns["paused_in_cell"]
        # after the cell: the mode is back, and the graph rebuilt once to catch up
        assert len(mode_stack()) == 1 and not _torch_mode.paused()
        assert live.changes == ip.user_ns["changes"] + 1
        assert live.book.passes == 20
        live.close()
    finally:
        for name in (*ns, "model", "opt", "loss", "step", "drawn", "live"):
            ip.user_ns.pop(name, None)
        for name in ("paused_in_cell", "changes"):
            ip.user_ns.pop(name, None)


def test_memory_hooks_and_nodes_stay_flat_over_1000_steps_and_go_at_close(torch):  # noqa: F811
    model, opt, loss, step = mlp(torch)
    drawn = loss()
    changes = []
    live = LiveGraph(drawn, callback=lambda: changes.append(1), module=model, namespace=None)
    for _ in range(100):  # warm up caches (and let the mode pause) before measuring
        step()
    live.to_json()
    src = live._sub
    hooks, nodes, refs = src.hook_count, len(live._nodes), len(src._refs)
    handles = [h for _, h in src._hooked.values()]
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    objects0 = len(gc.get_objects())
    for i in range(1000):
        step()
        if i % 100 == 0:
            live.to_json()  # a widget rebuilds now and then
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert grown < 256 * 1024, grown  # generous: a leak per step would be far more
    assert len(gc.get_objects()) - objects0 < 500
    # nothing accumulates per step: the same hooks, nodes and references as before
    assert (src.hook_count, len(live._nodes), len(src._refs)) == (hooks, nodes, refs)
    assert hooks == 6 + 4  # mse, 2 addmm, relu, 2 t; and the 4 parameters
    assert len(live._tensors) < 100
    assert live.book.passes == 1100 and len(changes) >= 1100  # every step was seen
    leaves = [n for n in live.to_json()["nodes"] if n["kind"] == "leaf"]
    assert len(leaves) == 4 and all(n["tensor"]["grad"] is not None for n in leaves)
    live.close()
    assert all(h.hooks_dict_ref() is None or h.id not in h.hooks_dict_ref() for h in handles)
    assert src.hook_count == 0 and _torch_mode._armed is None
