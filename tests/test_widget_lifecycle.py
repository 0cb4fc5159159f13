"""Graph widgets that cost nothing when no view shows them (issue 12, items 1 and 3),
kernel side: paused without views, closed when their cell runs again, page assets
pushed once per page.  The browser side is in tests/browser/test_hardening_lab.py."""

from __future__ import annotations

import pytest

pytest.importorskip("anywidget")

import autograd_widgets as torch  # noqa: E402
from autograd_widgets.autograd import events  # noqa: E402
from autograd_widgets.widgets import _kernel, graph_widget  # noqa: E402
from tests import test_graph_widget as tgw  # noqa: E402

comms = tgw.comms  # the dummy-comm fixture
_front_end_says = tgw._front_end_says

pytestmark = tgw.needs_bundle


def request(cell="cell-1", run="run-1", session="page-1", msg_type="execute_request"):
    return {
        "header": {"msg_type": msg_type, "msg_id": run, "session": session},
        "metadata": {"cellId": cell} if cell else {},
    }


@pytest.fixture
def kernel(monkeypatch):
    """Pretend to be inside a kernel handling ``state['request']``."""
    state = {"request": None}
    monkeypatch.setattr(_kernel, "current_request", lambda: state["request"])
    monkeypatch.setattr(graph_widget, "_made_by_cell", {})
    return state


def test_a_widget_no_view_shows_is_paused_and_catches_up(comms):
    x = torch.ones(2, requires_grad=True)
    out = (x * 2).sum()
    before = len(events.listeners)
    w = torch.draw(out, update_interval=0)
    c = comms[-1]
    try:
        assert w.subscribed and not w.paused  # no front end has spoken yet: live
        _front_end_says(w, custom={"type": "view", "id": "a", "shown": True})
        _front_end_says(w, custom={"type": "view", "id": "b", "shown": True})
        _front_end_says(w, custom={"type": "view", "id": "a", "shown": False})
        assert w.subscribed and not w.paused  # one view left
        _front_end_says(w, custom={"type": "view", "id": "b", "shown": False})
        assert w.paused and not w.subscribed and w.live
        assert len(events.listeners) == before  # costs the bus nothing
        sent = len(c.messages)
        for _ in range(20):
            out.backward(retain_graph=True)
        assert len(c.messages) == sent  # and sends nothing
        _front_end_says(w, custom={"type": "view", "id": "c", "shown": True})
        assert w.subscribed and not w.paused
        leaf = next(n for n in w.graph["nodes"] if n["kind"] == "leaf")
        assert "40." in leaf["tensor"]["grad"]  # caught up at once: 20 passes of grad 2
        assert len(c.messages) > sent
    finally:
        w.close()
    assert len(events.listeners) == before


def test_live_true_while_paused_stays_paused(comms):
    x = torch.ones(2, requires_grad=True)
    out = (x * 2).sum()
    w = torch.draw(out, live=False)
    _front_end_says(w, custom={"type": "view", "id": "a", "shown": True})
    _front_end_says(w, custom={"type": "view", "id": "a", "shown": False})
    w.live = True
    assert w.paused and not w.subscribed
    w.close()


def test_rerunning_a_cell_closes_the_widgets_its_earlier_run_made(comms, kernel):
    x = torch.ones(2, requires_grad=True)
    out = (x * 2).sum()
    before = len(events.listeners)
    kernel["request"] = request("cell-1", "run-1")
    first = [torch.draw(out), torch.draw(out)]  # one run may make several
    kernel["request"] = request("cell-2", "run-2")
    other = torch.draw(out)
    kernel["request"] = request("cell-1", "run-3")  # cell-1 again
    again = torch.draw(out)
    try:
        assert [w.comm for w in first] == [None, None]  # closed
        assert not any(w.subscribed for w in first)
        assert other.comm is not None and other.subscribed
        assert again.comm is not None and again.subscribed
        kernel["request"] = request("cell-1", "run-3", msg_type="comm_msg")  # a button click
        clicked = torch.draw(out)
        assert again.comm is not None and clicked.comm is not None
        clicked.close()
    finally:
        other.close()
        again.close()
    assert len(events.listeners) == before


def test_page_assets_are_pushed_once_per_page(comms, kernel, monkeypatch):
    monkeypatch.setattr(graph_widget, "_assets_pushed_to", set())
    x = torch.ones(2, requires_grad=True)
    out = (x * 2).sum()
    pushed = []
    for session in ("page-1", "page-1", "page-2", "page-1", "page-2"):
        kernel["request"] = request(cell=None, session=session)
        w = torch.draw(out, live=False)
        pushed.append(w.stats["assets_sent"])
        w.close()
    assert pushed == [1, 0, 1, 0, 0]  # page-2: a reloaded page, or a second tab
    # a page that asked (a view opened later) has them too
    kernel["request"] = request(cell=None, session="page-3", msg_type="comm_msg")
    w = torch.draw(out, live=False)
    w.close()
    kernel["request"] = request(cell=None, session="page-4", msg_type="comm_msg")
    asker = torch.draw(out, live=False)
    _front_end_says(asker, custom={"type": "assets?", "hash": "h"})
    assert asker.stats["assets_sent"] == 2
    assert graph_widget._assets_pushed_to == {"page-1", "page-2", "page-3", "page-4"}
    asker.close()


def test_outside_a_kernel_there_is_no_request():
    assert _kernel.current_request() is None or "header" in _kernel.current_request()
    assert _kernel.client_session({}) is None and _kernel.running_cell({}) is None
    assert _kernel.running_cell(request("c", "r")) == ("c", "r")
    assert _kernel.running_cell(request(None, "r")) is None
    assert _kernel.client_session(request(session="s")) == "s"


def test_max_nodes_is_capped_where_the_browser_can_lay_out(comms):
    from traitlets import TraitError

    from autograd_widgets.widgets._limits import MAX_DRAWN_NODES

    x = torch.ones(2, requires_grad=True)
    h = x
    for _ in range(MAX_DRAWN_NODES + 10):
        h = h * 1.0001
    with pytest.raises(ValueError, match=r"max_nodes=10000 is more than the widget can lay out"):
        torch.draw(h, max_nodes=10000)
    with pytest.raises(ValueError, match=r"to_svg\(\)"):  # and says what to do instead
        torch.draw(h, max_nodes=MAX_DRAWN_NODES + 1)
    w = torch.draw(h, max_nodes=MAX_DRAWN_NODES, live=False)
    try:
        assert len(w.graph["nodes"]) == MAX_DRAWN_NODES
        assert w.graph["notice"].count("not shown") == 1
        with pytest.raises(TraitError, match="at most 5000"):
            w.max_nodes = 6000
    finally:
        w.close()


def test_the_graph_magic_caps_max_nodes_too(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    ip.run_cell("%load_ext autograd_widgets")
    try:
        ip.run_cell("%%autograd_graph --max-nodes 9000\nimport autograd_widgets as torch")
        out = capsys.readouterr()
        assert "--max-nodes=9000 is more than the widget can lay out" in out.err + out.out
    finally:
        ip.run_cell("%unload_ext autograd_widgets")
