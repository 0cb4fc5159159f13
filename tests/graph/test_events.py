"""The event bus: order and payloads of the documented events, listener safety."""

from __future__ import annotations

import warnings
import weakref

import pytest

import autograd_widgets as aw
from autograd_widgets.autograd import events
from autograd_widgets.graph import EVENT_KINDS, subscribe, unsubscribe


@pytest.fixture
def log():
    seen = []
    sub = subscribe(lambda kind, p: seen.append((kind, dict(p))))
    yield seen
    sub()
    assert not events.listeners


def kinds(log):
    return [k for k, _ in log]


def test_no_listener_by_default():
    assert events.listeners == []


def test_forward_then_backward_order_and_payloads(log):
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    out = y.sum()
    assert kinds(log) == ["node_created", "node_created"]
    _, p = log[0]
    assert p["node"] is y.grad_fn and p["output"] is y
    assert p["inputs"][0] is x
    assert type(p["node"]).__name__ == "MulBackward0"
    log.clear()
    out.backward()
    # the backward formulas' own arithmetic arrives as op_no_grad, inside the pass
    inner = [i for i, k in enumerate(kinds(log)) if k == "op_no_grad"]
    assert inner and all(0 < i < len(log) - 1 for i in inner)
    log[:] = [e for e in log if e[0] != "op_no_grad"]
    # AccumulateGrad writes .grad (grad_accumulated) and is then reported as executed
    assert kinds(log) == [
        "backward_start",
        "node_executed",
        "node_executed",
        "grad_accumulated",
        "node_executed",
        "backward_end",
    ]
    start = log[0][1]
    assert start["roots"] == (out.grad_fn,)
    assert start["retain_graph"] is False and start["create_graph"] is False
    executed = [p for k, p in log if k == "node_executed"]
    assert [p["order"] for p in executed] == [0, 1, 2]
    assert [type(p["node"]).__name__ for p in executed] == [
        "SumBackward0",
        "MulBackward0",
        "AccumulateGrad",
    ]
    mul = executed[1]
    assert mul["grad_outputs"][0].tolist() == [1.0, 1.0]
    assert mul["grad_inputs"][0].tolist() == [3.0, 3.0]
    acc = next(p for k, p in log if k == "grad_accumulated")
    assert acc["tensor"] is x and acc["grad"].tolist() == [3.0, 3.0]
    end = log[-1][1]
    assert [type(n).__name__ for n in end["executed"]] == [
        "SumBackward0",
        "MulBackward0",
        "AccumulateGrad",
    ]


def test_retain_graph_flag_in_payload(log):
    x = aw.tensor([1.0], requires_grad=True)
    (x * 2).sum().backward(retain_graph=True)
    assert next(p for k, p in log if k == "backward_start")["retain_graph"] is True


def test_no_grad_ops_and_grad_mode_events(log):
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    with aw.no_grad():
        y = x * 2
    assert kinds(log) == ["grad_mode", "op_no_grad", "grad_mode"]
    assert log[0][1] == {"enabled": False} and log[2][1] == {"enabled": True}
    p = log[1][1]
    assert p["name"] == "MulBackward0" and p["output"] is y and p["inputs"][0] is x


def test_version_bump(log):
    x = aw.tensor([1.0, 2.0])
    x.add_(1)
    x.zero_()
    bumps = [p for k, p in log if k == "version_bump"]
    assert [(p["tensor"] is x, p["version"]) for p in bumps] == [(True, 1), (True, 2)]


def test_zero_grad_is_a_version_bump_of_the_grad(log):
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    log.clear()
    x.grad.zero_()
    assert [k for k, _ in log] == ["version_bump"]
    assert log[0][1]["tensor"] is x.grad


def test_raising_listener_is_removed_with_a_warning():
    calls = []

    def bad(kind, payload):
        calls.append(kind)
        raise ValueError("boom")

    subscribe(bad)
    x = aw.tensor([1.0], requires_grad=True)
    with pytest.warns(RuntimeWarning, match="raised ValueError: boom; it has been removed"):
        y = x * 2
    assert y.tolist() == [2.0]  # the user's computation went on
    assert bad not in events.listeners
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (y * 2).sum().backward()
    assert calls == ["node_created"]


def test_subscription_handle_kinds_filter_and_context_manager():
    seen = []
    with subscribe(lambda k, p: seen.append(k), kinds=["backward_end"]) as sub:
        assert sub.active
        x = aw.tensor([1.0], requires_grad=True)
        (x * 2).sum().backward()
    assert not sub.active and seen == ["backward_end"]
    with pytest.raises(ValueError, match="unknown event kind"):
        subscribe(print, kinds=["nope"])
    with pytest.raises(TypeError):
        subscribe(42)


def test_unsubscribe_by_function():
    def fn(kind, payload):
        pass

    subscribe(fn, kinds="grad_mode")
    subscribe(fn)
    unsubscribe(fn)
    assert events.listeners == []


def test_documented_kinds_are_the_emitted_ones():
    doc = events.__doc__
    for kind in EVENT_KINDS:
        assert f"``{kind}``" in doc, kind


def test_listener_holding_weakrefs_keeps_nothing_alive(log):
    x = aw.tensor([1.0], requires_grad=True)
    y = x * 2
    ref = weakref.ref(y)
    log.clear()
    del y
    assert ref() is None


def test_multi_output_and_inplace_node_created(log):
    x = aw.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    a, b = x.unbind(0)
    created = [p for k, p in log if k == "node_created"]
    assert len(created) == 2 and created[0]["node"] is created[1]["node"] is a.grad_fn
    assert [p["output"] is o for p, o in zip(created, (a, b))] == [True, True]
    y = x * 1
    old = y.grad_fn
    log.clear()
    y.add_(1)
    assert [k for k, _ in log] == ["node_created", "version_bump"]
    created, bump = log[0][1], log[1][1]
    assert created["node"] is y.grad_fn is not old
    assert bump["tensor"] is y and bump["version"] == 1
