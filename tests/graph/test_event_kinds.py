"""Per-kind dispatch: a listener pays only for the kinds it asked for."""

from __future__ import annotations

import autograd_widgets as torch
from autograd_widgets.autograd import events
from autograd_widgets.graph import subscribe


def test_hears_follows_the_subscribed_kinds():
    assert not events.hears("op_no_grad")
    with subscribe(lambda kind, payload: None, kinds=["node_created"]):
        assert events.hears("node_created")
        assert not events.hears("op_no_grad")
    with subscribe(lambda kind, payload: None):
        assert events.hears("op_no_grad")
    assert not events.hears("node_created")


def test_a_listener_is_called_only_for_its_kinds():
    seen = []
    x = torch.ones(3, requires_grad=True)
    with subscribe(lambda kind, payload: seen.append(kind), kinds=["backward_end"]):
        (x * 2).sum().backward()
    assert seen == ["backward_end"]


def test_backward_formulas_still_report_their_ops_to_op_no_grad_listeners():
    # The numpy fast paths in backward formulas are skipped only for op_no_grad listeners.
    names = []
    x = torch.ones(3, requires_grad=True)
    y = (x * 3).sum()
    with subscribe(lambda kind, payload: names.append(payload["name"]), kinds=["op_no_grad"]):
        y.backward()
    assert "MulBackward0" in names
    assert x.grad.tolist() == [3.0, 3.0, 3.0]


def test_optimizers_report_their_in_place_updates():
    w = torch.ones(3, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    seen = []
    kinds = ["version_bump", "grad_set"]
    with subscribe(lambda kind, p: seen.append((kind, p["tensor"] is w)), kinds=kinds):
        (w * 2).sum().backward()
        opt.step()
        assert seen == [("version_bump", True)]
        seen.clear()
        opt.zero_grad()
        assert seen == [("grad_set", True)] and w.grad is None
        (w * 2).sum().backward()
        seen.clear()
        g = w.grad
        opt.zero_grad(set_to_none=False)
    assert seen == [("version_bump", False)] and w.grad is g and g._version == 1
