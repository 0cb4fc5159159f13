"""Step-through backward on the widget: ``backward_steps``, ``step_to`` and the synced traits."""

from __future__ import annotations

import pytest

pytest.importorskip("anywidget")

import autograd_widgets as aw  # noqa: E402
from autograd_widgets.autograd import events  # noqa: E402
from tests.test_graph_widget import comms  # noqa: E402, F401 - the fixture


def _seed():
    x = aw.ones(2, 2, requires_grad=True)
    out = ((x**2) * 3).mean()
    return x, out


def test_draw_records_each_pass_and_steps(comms):  # noqa: F811
    x, out = _seed()
    w = aw.draw(out)
    assert w.backward_steps == [] and w.step is None
    out.backward(retain_graph=True)
    out.backward()
    passes = w.backward_steps
    assert [p["pass"] for p in passes] == [1, 2]
    labels = [s["label"] for s in passes[-1]["steps"]]
    assert labels == ["MeanBackward0", "MulBackward0", "PowBackward0", "AccumulateGrad"]
    # the steps name the drawn nodes, in the order the graph's "executed" lists them
    w.refresh()  # (graph updates are throttled)
    assert [s["node"] for s in passes[-1]["steps"]] == w.graph["executed"]
    w.step_to(2)
    assert (w.step, w.step_pass) == (2, -1)
    assert w._steps == passes  # synced before the step is shown
    w.step_to(0, pass_index=0)
    assert (w.step, w.step_pass) == (0, 0)
    w.step_to(None)
    assert w.step is None
    with pytest.raises(IndexError, match="out of range: this pass has 4 steps"):
        w.step_to(5)
    with pytest.raises(IndexError, match="no backward pass 2"):
        w.step_to(1, pass_index=2)
    w.close()
    assert not events.hears("node_executed")


def test_not_live_records_nothing(comms):  # noqa: F811
    x, out = _seed()
    w = aw.draw(out, live=False)
    assert not events.hears("node_executed")
    out.backward()
    assert w.backward_steps == []
    with pytest.raises(IndexError, match="0 recorded"):
        w.step_to(1)
    w.live = True  # listening again: the next pass is recorded
    x2 = (x * 2).sum()
    out2 = ((x**2) * 3).mean()
    w2 = aw.draw(out2)
    out2.backward()
    assert len(w2.backward_steps) == 1
    x2.backward()  # another graph over the same leaf: w2 keeps it too (its leaf ran)
    w.close()
    w2.close()
    assert not events.hears("node_executed")


def test_plain_graph_widget_has_no_steps(comms):  # noqa: F811
    from autograd_widgets.widgets import GraphWidget

    w = GraphWidget()
    assert w.backward_steps == []
    with pytest.raises(IndexError):
        w.step_to(0)
    w.close()
