"""The graph widget's timeline on the kernel side: the state store (diffs, cap,
labels) and the widget recording states per cell and per backward pass, in an
in-process IPython shell with a dummy comm (tests/browser has the real thing)."""

from __future__ import annotations

import copy
import random

import pytest

pytest.importorskip("anywidget")
IPython = pytest.importorskip("IPython")

from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

from autograd_widgets.widgets._timeline import StateInfo, StateStore  # noqa: E402
from tests.browser.graphs import big_graph, example_graph  # noqa: E402
from tests.test_graph_widget import DummyComm, needs_bundle  # noqa: E402


def _variants(n: int, seed: int = 0) -> list[dict]:
    """``n`` different graphs, each a small change of the one before (as live updates are)."""
    rng = random.Random(seed)
    g = big_graph(40) if callable(big_graph) else example_graph()
    out = [copy.deepcopy(g)]
    for i in range(1, n):
        g = copy.deepcopy(g)
        move = rng.randrange(4)
        nodes = g["nodes"]
        if move == 0 and len(nodes) > 3:
            gone = nodes.pop(rng.randrange(len(nodes)))["id"]
            g["edges"] = [e for e in g["edges"] if gone not in (e["source"], e["target"])]
        elif move == 1:
            node = copy.deepcopy(nodes[rng.randrange(len(nodes))])
            node["id"] = f"new{i}"
            nodes.append(node)
        elif move == 2:
            g["backward_passes"] = g.get("backward_passes", 0) + 1
        else:
            node = nodes[rng.randrange(len(nodes))]
            node["label"] = f"{node['label']}·{i}"
        out.append(g)
    return out


# ---- the store ----------------------------------------------------------------------


def test_every_state_comes_back_exactly_from_the_diffs():
    graphs = _variants(60)
    store = StateStore(cap=100)
    for g in graphs:
        assert store.append(copy.deepcopy(g), cell=1, kind="cell")
    assert len(store) == len(graphs) and store.dropped == 0
    for i, g in enumerate(graphs):
        assert store.get(i) == g, i
    assert store.get(-1) == graphs[-1] and store.get(-len(graphs)) == graphs[0]
    with pytest.raises(IndexError, match="out of range"):
        store.get(len(graphs))


def test_only_the_oldest_state_is_whole_the_rest_are_patches():
    graphs = _variants(20, seed=3)
    store = StateStore()
    for g in graphs:
        store.append(g, cell=None, kind="cell")
    assert [how for how, _ in store._steps] == ["patch"] * 19
    # a label change is a one-node patch, not a copy of the graph
    one = graphs[0]
    two = copy.deepcopy(one)
    two["nodes"][0]["label"] = "changed"
    small = StateStore()
    small.append(one, None, "cell")
    small.append(two, None, "cell")
    assert small._steps[0][1] == {"upsert": [two["nodes"][0]]}


def test_a_vanished_top_level_key_is_stored_whole_and_round_trips():
    a = example_graph()
    b = {k: v for k, v in example_graph(grad="tensor(1.)").items() if k != "notice"}
    store = StateStore()
    store.append(a, 1, "drawn")
    store.append(b, 2, "cell")
    assert store._steps[0][0] == "whole"
    assert store.get(0) == a and store.get(1) == b and "notice" not in store.get(1)


def test_an_unchanged_graph_is_not_a_new_state():
    store = StateStore()
    assert store.append(example_graph(), 1, "drawn")
    assert not store.append(example_graph(), 2, "cell")
    assert len(store) == 1


def test_the_cap_drops_the_oldest_and_counts_them():
    graphs = _variants(12, seed=5)
    store = StateStore(cap=5)
    for i, g in enumerate(graphs):
        store.append(g, cell=i + 1, kind="cell")
    assert len(store) == 5 and store.dropped == 7
    assert [info.number for info in store.infos] == [8, 9, 10, 11, 12]
    for i in range(5):
        assert store.get(i) == graphs[7 + i]
    with pytest.raises(ValueError, match="at least 1"):
        StateStore(cap=0)


def test_labels_name_the_cell_or_the_running_number():
    assert StateInfo(1, 3, "drawn", 0).label == "In [3] drawn"
    assert StateInfo(2, 4, "backward", 1).label == "In [4] backward"
    assert StateInfo(3, 5, "cell", 1).label == "In [5]"
    assert StateInfo(4, 6, "error", 1).label == "In [6] error"
    assert StateInfo(7, None, "backward", 2).label == "#7 backward"
    assert StateInfo(7, None, "cell", 2).to_json() == {
        "n": 7,
        "cell": None,
        "kind": "cell",
        "passes": 2,
    }
    with pytest.raises(ValueError, match="kind"):
        StateStore().append(example_graph(), 1, "other")


# ---- the widget in a notebook-like shell ------------------------------------------


@pytest.fixture
def shell(monkeypatch):
    import comm

    from autograd_widgets.widgets import graph_widget

    monkeypatch.setattr(graph_widget, "_assets_pushed_to", {None})
    monkeypatch.setattr(comm, "create_comm", lambda *a, **k: DummyComm(**k))
    ip = InteractiveShell.instance()
    ip.run_cell("import autograd_widgets as torch", store_history=True)
    yield ip
    ip.run_cell(
        "from autograd_widgets.widgets.graph_widget import _timeline_widgets\n"
        "for _w in list(_timeline_widgets): _w.close()",
        store_history=False,
    )


def cell(ip, code: str) -> int:
    """Run ``code`` as the next notebook cell; returns its execution count."""
    result = ip.run_cell(code, store_history=True)
    result.raise_error()
    return result.execution_count


def _leaf_grad(graph: dict) -> str | None:
    leaf = next(n for n in graph["nodes"] if n["kind"] == "leaf")
    return (leaf.get("tensor") or {}).get("grad")


SETUP = "x = torch.ones(2, 2, requires_grad=True)\nout = ((x + 2) * (x + 2) * 3).mean()\n"


@needs_bundle
def test_states_per_cell_and_per_backward_pass_labelled_by_execution_count(shell):
    ip = shell
    drawn = cell(ip, SETUP + "w = torch.draw(out)")
    w = ip.user_ns["w"]
    back = cell(ip, "out.backward(retain_graph=True)")
    nothing = cell(ip, "print(x.grad)")  # changes nothing: no state
    cleared = cell(ip, "x.grad = None")
    assert nothing == back + 1
    assert w.timeline == [f"In [{drawn}] drawn", f"In [{back}] backward", f"In [{cleared}]"]
    assert w.position is None  # live: the newest state is on screen
    assert _leaf_grad(w.graph) is None
    assert [s[1:3] for s in w._states] == [
        [drawn, "drawn"],
        [back, "backward"],
        [cleared, "cell"],
    ]

    w.show_state(1)  # back to just after backward
    assert w.position == 1 and "4.5000" in _leaf_grad(w.graph)
    assert w.graph["backward_passes"] == 1
    w.show_state(0)
    assert _leaf_grad(w.graph) is None and w.graph["backward_passes"] == 0
    cell(ip, "out.backward()")  # a new pass while an old state is shown: recorded, not shown
    assert w.timeline[-1].endswith("backward") and w.position == 0
    assert w.graph["backward_passes"] == 0
    w.show_live()
    assert w.position is None and w.graph["backward_passes"] == 2
    with pytest.raises(IndexError):
        w.show_state(len(w.timeline))


@needs_bundle
def test_as_of_cell_keeps_the_state_of_the_cell_that_drew_it(shell):
    ip = shell
    drawn = cell(ip, SETUP + "w = torch.draw(out, as_of='cell')\nw")
    w = ip.user_ns["w"]
    assert w.as_of == "cell" and w.position == 0
    cell(ip, "out.backward()")
    cell(ip, "x.grad.zero_()")
    assert w.position == 0 and w.timeline[0] == f"In [{drawn}] drawn"
    assert _leaf_grad(w.graph) is None and w.graph["backward_passes"] == 0
    assert len(w.timeline) == 3  # the later states are there, one step away
    w.show_state(1)
    assert "4.5000" in _leaf_grad(w.graph)

    # displayed again by a later cell: pinned at the end of that cell
    again = cell(ip, "w")
    assert w.position == 2 and f"In [{again - 1}]" in w.timeline[2]
    assert "0." in _leaf_grad(w.graph) and "4.5" not in _leaf_grad(w.graph)


@needs_bundle
def test_as_of_cell_follows_its_own_cell_until_it_ends(shell):
    ip = shell
    code = SETUP + "w = torch.draw(out, as_of='cell')\nout.backward()\nw"
    drawn = cell(ip, code)
    w = ip.user_ns["w"]
    assert w.timeline == [f"In [{drawn}] drawn", f"In [{drawn}] backward"]
    assert w.position == 1 and "4.5000" in _leaf_grad(w.graph)
    with pytest.raises(ValueError, match="as_of"):
        ip.user_ns["torch"].draw(ip.user_ns["out"], as_of="later")


@needs_bundle
def test_the_cap_drops_old_states_and_keeps_the_one_shown(shell):
    from autograd_widgets.widgets import GraphWidget

    graphs = _variants(8, seed=11)
    w = GraphWidget(graph=graphs[0], timeline_cap=3)
    for g in graphs[1:3]:
        w._record_state(g, "cell")
    w.show_state(2)
    assert w.graph == graphs[2]
    w._record_state(graphs[3], "cell")  # drops graphs[0]: still showing graphs[2]
    assert w.position == 1 and w.graph == graphs[2] and w._dropped == 1
    for g in graphs[4:6]:
        w._record_state(g, "cell")
    # the state on screen fell off the start: the oldest kept one is shown instead
    assert len(w.timeline) == 3 and w._dropped == 3 and [s[0] for s in w._states] == [4, 5, 6]
    assert w.position == 0 and w.graph == graphs[3]
    w.close()


@needs_bundle
def test_outside_ipython_states_are_numbered(monkeypatch, comms):
    from autograd_widgets.widgets import _cells

    monkeypatch.setattr(_cells, "hooks_for", lambda shell=None: None)
    monkeypatch.setattr(_cells, "ensure_cell_hooks", lambda shell=None: None)
    import autograd_widgets as torch

    x = torch.ones(2, 2, requires_grad=True)
    out = (x * 3).sum()
    w = torch.draw(out)
    out.backward()
    assert w.timeline == ["#1 drawn", "#2 backward"]
    assert w._states[1][1] is None
    w.close()


@pytest.fixture
def comms(monkeypatch):
    import comm

    from autograd_widgets.widgets import graph_widget

    monkeypatch.setattr(graph_widget, "_assets_pushed_to", {None})
    monkeypatch.setattr(comm, "create_comm", lambda *a, **k: DummyComm(**k))


def test_the_byte_budget_drops_old_states_too():
    graphs = _variants(30, seed=2)
    store = StateStore(cap=100, max_bytes=3000)
    for g in graphs:
        store.append(g, 1, "cell")
    assert store.dropped > 0 and sum(store._sizes) <= 3000
    assert store.get(-1) == graphs[-1] and store.get(0) == graphs[store.dropped]


@needs_bundle
def test_a_training_loop_gets_a_few_backward_states_and_its_cells_end(shell):
    import itertools

    from autograd_widgets.widgets._timeline import BACKWARD_PER_CELL

    ip = shell
    cell(ip, SETUP + "w = torch.draw(out)")
    w = ip.user_ns["w"]
    ticks = itertools.count()
    w._timeline.clock = lambda: float(next(ticks))  # every pass comes a second later
    loop = cell(ip, "for _ in range(30):\n    out.backward(retain_graph=True)")
    mine = [s for s in w._states if s[1] == loop]
    assert len(mine) == BACKWARD_PER_CELL + 1, w.timeline
    assert all(s[2] == "backward" for s in mine)
    assert [s[3] for s in mine] == [*range(1, BACKWARD_PER_CELL + 1), 30]
    assert w.graph["backward_passes"] == 30


@needs_bundle
def test_a_failed_backward_is_a_state_of_its_own(shell):
    ip = shell
    drawn = cell(
        ip,
        "a = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)\n"
        "s = a.sigmoid()\n"
        "loss = (s * s).sum()\n"
        "w = torch.draw(loss, show_saved=True, as_of='cell')\nw",
    )
    w = ip.user_ns["w"]
    failed = cell(ip, "s.mul_(2)\ntry:\n    loss.backward()\nexcept RuntimeError as err:\n    pass")
    assert w.timeline == [f"In [{drawn}] drawn", f"In [{failed}] error"]
    assert w.position == 0 and "error" not in w.graph  # as drawn: the saved tensors, no error
    assert sum(n["kind"] == "saved" for n in w.graph["nodes"]) == 3
    w.show_state(1)
    assert w.graph["error"]["label"] == "MulBackward0" and w.graph["backward_passes"] == 0
