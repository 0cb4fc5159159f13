"""GraphWidget on the kernel side: traits, validation, throttling, patches and
the bytes it sends, with a dummy comm (no browser; see tests/browser for that)."""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("anywidget")

from autograd_widgets.widgets import _assets  # noqa: E402
from autograd_widgets.widgets._diff import apply_patch, diff_graph, full_patch  # noqa: E402
from autograd_widgets.widgets._static import text_summary  # noqa: E402
from autograd_widgets.widgets._throttle import Throttle  # noqa: E402
from tests.browser.graphs import big_graph, example_graph  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GRAD = "tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])"

needs_bundle = pytest.mark.skipif(
    not (_assets.STATIC / _assets.WIDGET_ESM).exists(),
    reason="front end not built (npm --prefix js install && npm --prefix js run build)",
)


class DummyComm:
    """Records what the kernel would send to the front end."""

    comm_id = "dummy"
    kernel = "truthy"

    def __init__(self, **kwargs):
        self.open_args = kwargs
        self.messages: list[tuple[dict, list]] = []

    def send(self, data=None, buffers=None, **kwargs):
        self.messages.append((data, list(buffers or [])))

    def on_msg(self, *a, **k):
        pass

    def on_close(self, *a, **k):
        pass

    def close(self, *a, **k):
        pass

    # helpers for tests
    def custom(self):
        return [(d["content"], b) for d, b in self.messages if d.get("method") == "custom"]

    def updates(self):
        return [d["state"] for d, _ in self.messages if d.get("method") == "update"]


@pytest.fixture
def comms(monkeypatch):
    import comm

    from autograd_widgets.widgets import graph_widget

    # as if an earlier widget of this kernel had sent the page assets already
    monkeypatch.setattr(graph_widget, "_assets_pushed_to", {None})
    made: list[DummyComm] = []

    def create_comm(*args, **kwargs):
        c = DummyComm(**kwargs)
        made.append(c)
        return c

    monkeypatch.setattr(comm, "create_comm", create_comm)
    return made


class FakeTimers:
    """A clock and a call_later that run only when the test says so."""

    def __init__(self):
        self.now = 0.0
        self.timers: list[list] = []

    def clock(self):
        return self.now

    def call_later(self, delay, fn):
        entry = [self.now + delay, fn, False]
        self.timers.append(entry)

        class Handle:
            def cancel(self_inner):
                entry[2] = True

        return Handle()

    def advance(self, dt):
        self.now += dt
        due = [t for t in self.timers if t[0] <= self.now and not t[2]]
        self.timers = [t for t in self.timers if t not in due]
        for t in due:
            t[1]()


def _widget(comms, **kwargs):
    from autograd_widgets.widgets import GraphWidget

    w = GraphWidget(**kwargs)
    return w, comms[-1]


def _front_end_says(widget, state=None, custom=None, buffers=()):
    data = (
        {"method": "update", "state": state}
        if state is not None
        else {"method": "custom", "content": custom}
    )
    widget._handle_msg({"content": {"data": data}, "buffers": list(buffers)})


# ---- packaging and imports ------------------------------------------------------


def test_import_autograd_widgets_does_not_load_anywidget():
    code = (
        "import sys, autograd_widgets, autograd_widgets.widgets as w; "
        "print('anywidget' in sys.modules, 'ipywidgets' in sys.modules, 'draw' in dir(w))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False", "True"]


def test_missing_bundle_says_how_to_build(monkeypatch, tmp_path):
    monkeypatch.setattr(_assets, "STATIC", tmp_path)
    with pytest.raises(_assets.FrontEndMissingError) as err:
        _assets.widget_esm()
    assert "npm --prefix js install && npm --prefix js run build" in str(err.value)
    assert "pip install -e ." in str(err.value)


def test_unknown_widget_attribute():
    import autograd_widgets.widgets as w

    with pytest.raises(AttributeError):
        w.NoSuchWidget  # noqa: B018


# ---- traits -----------------------------------------------------------------------


@needs_bundle
def test_traits_have_defaults_help_and_sync(comms):
    w, _ = _widget(comms)
    expected = {
        "graph": w.graph,
        "selected": None,
        "show_saved": True,
        "show_values": False,
        "rankdir": "TB",
        "max_nodes": 500,
        "live": True,
    }
    for name, default in expected.items():
        assert getattr(w, name) == default
        trait = w.traits()[name]
        assert trait.metadata.get("sync") is True, name
        assert trait.help, name
    assert w.graph["schema"] == 1 and w.graph["nodes"] == []
    assert len(w._uid) == 32
    assert len(w._esm) < 8_000  # the loader only; the view and Graphviz come once per page


@needs_bundle
def test_rankdir_and_max_nodes_are_validated(comms):
    from traitlets import TraitError

    w, _ = _widget(comms)
    w.rankdir = "lr"
    assert w.rankdir == "LR"
    with pytest.raises(TraitError):
        w.rankdir = "diagonal"
    with pytest.raises(TraitError):
        w.max_nodes = 0
    with pytest.raises(TraitError):
        w.graph = {"nodes": "not a list"}


@needs_bundle
def test_selected_is_two_way(comms):
    w, c = _widget(comms, graph=example_graph())
    _front_end_says(w, state={"selected": "n3"})
    assert w.selected == "n3"
    w.selected = "n4"
    assert {"selected": "n4"} in c.updates()
    w.selected = None
    assert {"selected": None} in c.updates()


@needs_bundle
def test_assets_sent_on_request_as_binary_buffers(comms):
    w, c = _widget(comms, graph=example_graph())
    _front_end_says(w, custom={"type": "assets?", "hash": "abc"})
    (content, buffers) = c.custom()[-1]
    assert content == {"type": "assets", "hash": "abc"}
    view, worker = (bytes(b) for b in buffers)
    assert view == (_assets.STATIC / _assets.VIEW).read_bytes()
    assert worker == (_assets.STATIC / _assets.WORKER).read_bytes()
    assert w.stats["assets_sent"] == 1


@needs_bundle
def test_the_kernels_first_widget_sends_the_assets_unasked_once(comms, monkeypatch):
    from autograd_widgets.widgets import graph_widget

    monkeypatch.setattr(graph_widget, "_assets_pushed_to", set())
    w1, c1 = _widget(comms, graph=example_graph())
    w2, c2 = _widget(comms, graph=example_graph())
    ((content, buffers),) = c1.custom()
    # the hash the widget module was built with: the page keys its copy by it
    assert content == {"type": "assets", "hash": _assets.assets_hash()}
    assert f'"{_assets.assets_hash()}"' in _assets.widget_esm()
    assert tuple(bytes(b) for b in buffers) == _assets.page_assets()
    assert c2.custom() == [] and (w1.stats["assets_sent"], w2.stats["assets_sent"]) == (1, 0)
    _front_end_says(w2, custom={"type": "assets?", "hash": "abc"})  # a page opened later
    assert c2.custom()[-1][0] == {"type": "assets", "hash": "abc"}


@needs_bundle
def test_bytes_per_extra_widget_under_50_kb(comms):
    from autograd_widgets.widgets import GraphWidget

    graphs = [big_graph(50) for _ in range(20)]
    widgets = [GraphWidget(graph=g) for g in graphs]
    sizes = []
    for c in comms[-20:]:
        data = c.open_args["data"]
        sizes.append(
            len(json.dumps(data["state"])) + sum(len(b) for b in c.open_args.get("buffers") or [])
        )
    assert max(sizes) < 50_000, sizes
    # nothing Graphviz-sized goes out unless the page asks
    assert all(w.stats["assets_sent"] == 0 for w in widgets)


# ---- patches -----------------------------------------------------------------------


def test_diff_and_apply_round_trip():
    old = example_graph()
    new = example_graph(grad=GRAD)
    patch = diff_graph(old, new)
    assert apply_patch(old, patch) == new
    assert "order" not in patch  # same nodes, same order
    assert {n["id"] for n in patch["upsert"]} == {"n1", "n2", "n3", "n4"}
    assert apply_patch(old, full_patch(new)) == new


def test_diff_handles_added_removed_and_reordered_nodes():
    rng = random.Random(0)
    for _ in range(50):
        old = big_graph(60)
        new = copy.deepcopy(old)
        rng.shuffle(new["nodes"])
        del new["nodes"][: rng.randint(0, 5)]
        new["nodes"].append(
            {"id": f"extra{rng.random()}", "kind": "backward", "label": "AddBackward0"}
        )
        new["edges"] = new["edges"][:-3]
        new["notice"] = "changed"
        assert apply_patch(old, diff_graph(old, new)) == new


@needs_bundle
def test_small_changes_go_as_patches_big_ones_whole(comms):
    w, c = _widget(comms, graph=big_graph(200))
    g = copy.deepcopy(w.graph)
    g["nodes"][150]["tensor"]["grad"] = "tensor([1., 1., 1.])"
    g["backward_passes"] = 1
    w.update_graph(g)
    (content, _) = c.custom()[-1]
    assert content["type"] == "patch" and content["base"] == 0 and content["rev"] == 1
    assert [n["id"] for n in content["patch"]["upsert"]] == [g["nodes"][150]["id"]]
    assert w.graph == g and w._rev == 1
    assert not any("graph" in u for u in c.updates())  # the trait was not re-sent
    # a wholly different graph goes as the trait, with a new revision
    w.update_graph(example_graph())
    assert any("graph" in u and u.get("_rev") == 2 for u in c.updates())
    assert w.stats == {"full": 1, "patch": 1, "bytes": w.stats["bytes"], "assets_sent": 0}


@needs_bundle
def test_resync_replaces_the_front_end_graph(comms):
    w, c = _widget(comms, graph=example_graph())
    _front_end_says(w, custom={"type": "resync", "have": 7})
    (content, _) = c.custom()[-1]
    assert content["type"] == "patch" and content["base"] == 7 and content["rev"] == w._rev
    assert content["patch"]["replace"] is True
    from autograd_widgets.widgets._diff import compact_graph

    replaced = apply_patch({"nodes": [], "edges": []}, content["patch"])
    assert replaced["nodes"] == compact_graph(w.graph)["nodes"]


# ---- throttling and live updates -----------------------------------------------------


def test_throttle_leading_and_trailing_edges():
    t = FakeTimers()
    calls = []
    th = Throttle(lambda: calls.append(t.now), 0.1, clock=t.clock, call_later=t.call_later)
    th.request()
    assert calls == [0.0]  # the first update goes at once
    for _ in range(5):
        t.now += 0.01
        th.request()
    assert calls == [0.0] and th.pending
    t.advance(0.1)
    assert len(calls) == 2  # one trailing call carries the last state
    assert not th.pending


def test_throttle_keeps_sending_while_the_event_loop_is_blocked():
    # in a long cell the kernel's loop never runs the timer; updates still flow at <= 10/s
    t = FakeTimers()
    calls = []
    th = Throttle(lambda: calls.append(t.now), 0.1, clock=t.clock, call_later=t.call_later)
    for _ in range(1000):  # 1 s of events every millisecond, no timer ever fires
        th.request()
        t.now += 0.001
    assert 9 <= len(calls) <= 11
    t.advance(1)  # the cell ends, the loop runs the trailing update
    assert not th.pending


def test_throttle_cost_is_a_moving_average_and_a_small_share_of_the_time():
    t = FakeTimers()
    durations = iter([0.02, 0.0, 0.0, 0.0, 0.0])
    elapsed = {"now": 0.0}

    def timer():
        return elapsed["now"]

    def fn():
        elapsed["now"] += next(durations)

    th = Throttle(fn, 0.1, clock=t.clock, call_later=t.call_later, timer=timer)
    th.request()
    assert th.effective_interval == pytest.approx(1.0)  # 20 ms: at most 2% of the time
    t.now = 1.0
    th.request()  # a fast run halves the estimate, it does not reset it
    assert th.effective_interval == pytest.approx(0.5)
    for _ in range(3):
        t.now += 1.0
        th.request()
    assert th.effective_interval == pytest.approx(0.1)  # cheap again: the plain interval
    assert th.calls == 5


def test_throttle_without_an_event_loop_sends_with_the_next_request():
    # a plain script: call_later cannot schedule anything
    t = FakeTimers()
    calls = []
    th = Throttle(lambda: calls.append(t.now), 0.1, clock=t.clock, call_later=lambda d, f: None)
    th.request()
    for _ in range(50):  # within the interval: nothing runs, the state is pending
        t.now += 0.001
        th.request()
    assert calls == [0.0] and th.pending
    t.now = 0.2
    th.request()
    assert calls == [0.0, 0.2] and not th.pending
    th.flush()
    assert len(calls) == 2


@needs_bundle
def test_live_updates_are_throttled_and_the_last_state_arrives(comms):
    t = FakeTimers()
    state = {"g": example_graph()}
    built = []

    def source():
        built.append(t.now)
        return copy.deepcopy(state["g"])

    subscribed = []

    def subscribe(changed):
        subscribed.append(changed)
        return lambda: subscribed.remove(changed)

    from autograd_widgets.widgets import GraphWidget

    w = GraphWidget(source=source, subscribe=subscribe, call_later=t.call_later)
    w._throttle.clock = t.clock
    w._throttle._last = -1.0
    assert len(subscribed) == 1
    built.clear()
    for i in range(100):  # 100 events within one simulated second
        state["g"] = example_graph(grad=f"tensor({i}.)")
        subscribed[0]()
        t.advance(0.01)
    t.advance(0.2)
    assert len(built) <= 11  # at most ~10 rebuilds per second, however many events
    assert w.graph["nodes"][4]["tensor"]["grad"] == "tensor(99.)"  # the last state
    w.close()
    assert subscribed == []


@needs_bundle
def test_live_false_unsubscribes_and_live_true_catches_up(comms):
    subs = []
    from autograd_widgets.widgets import GraphWidget

    g = {"g": example_graph()}
    w = GraphWidget(
        source=lambda: copy.deepcopy(g["g"]),
        subscribe=lambda ch: subs.append(ch) or (lambda: subs.remove(ch)),
        live=False,
    )
    assert subs == [] and not w.subscribed
    g["g"] = example_graph(grad=GRAD)
    w.live = True
    assert len(subs) == 1 and w.subscribed
    assert w.graph["backward_passes"] == 1  # refreshed on resume
    w.live = False
    assert subs == []


# ---- with real tensors ----------------------------------------------------------------


@needs_bundle
def test_draw_follows_backward(comms):
    import autograd_widgets as torch

    x = torch.ones(2, 2, requires_grad=True)
    y = x + 2
    out = (y**2 * 3).mean()
    w = torch.draw(out, names={"x": x, "out": out})
    labels = {n["label"] for n in w.graph["nodes"]}
    assert {
        "PowBackward0",
        "MulBackward0",
        "MeanBackward0",
        "AddBackward0",
        "AccumulateGrad",
    } <= labels
    out.backward()
    w._throttle.flush()
    w.refresh()
    leaf = next(n for n in w.graph["nodes"] if n["kind"] == "leaf")
    assert "4.5000" in leaf["tensor"]["grad"]
    assert w.graph["backward_passes"] == 1
    assert w.subscribed
    w.close()
    assert not w.subscribed


@needs_bundle
def test_draw_rejects_non_tensors_and_explains_leaves(comms):
    import autograd_widgets as torch

    with pytest.raises(TypeError, match="expects tensors"):
        torch.draw(3)
    with pytest.raises(TypeError, match="at least one tensor"):
        torch.draw()
    w = torch.draw(torch.ones(3))
    assert len(w.graph["nodes"]) >= 1
    assert w.graph["notice"]
    w.close()


@needs_bundle
def test_draw_live_false_does_not_listen(comms):
    import autograd_widgets as torch
    from autograd_widgets.autograd import events

    before = len(events.listeners)
    x = torch.ones(2, requires_grad=True)
    out = (x * 2).sum()  # drawn tensors are held weakly: keep it alive
    w = torch.draw(out, live=False)
    assert len(events.listeners) == before and not w.subscribed
    w.live = True
    assert len(events.listeners) > before and w.subscribed
    w.close()
    assert len(events.listeners) == before


# ---- static fallback ---------------------------------------------------------------------


def test_text_summary():
    s = text_summary(example_graph(grad=GRAD))
    assert "6 nodes" in s and "PowBackward0" in s and "backward passes: 1" in s and "x" in s
    assert "empty" in text_summary({"nodes": [], "edges": [], "notice": "no graph"})


@needs_bundle
def test_static_mimebundle_has_svg_or_text(comms):
    import shutil

    w, _ = _widget(comms, graph=example_graph())
    data, _ = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert "PowBackward0" in data["text/plain"]
    if shutil.which("dot"):
        assert data["image/svg+xml"].startswith("<svg") and "PowBackward0" in data["image/svg+xml"]
    big, _ = _widget(comms, graph=big_graph(1000))
    data, _ = big._repr_mimebundle_()
    assert "image/svg+xml" not in data and "1000 nodes" in data["text/plain"]


def test_compact_wire_form_drops_only_defaults():
    from autograd_widgets.widgets._diff import compact_graph

    g = example_graph()
    c = compact_graph(g)
    out = c["nodes"][0]
    assert out["tensor"]["shape"] == []  # a scalar's shape stays
    assert "grad" not in out["tensor"] and "no_grad" not in out and "saved" not in out
    assert out["tensor"]["version"] == 0
    assert c["nodes"][3]["saved"] == g["nodes"][3]["saved"]
    assert len(json.dumps(c)) < 0.7 * len(json.dumps(g))


def test_throttle_stretches_the_interval_for_slow_updates():
    t = FakeTimers()
    calls = []

    def slow():
        calls.append(t.now)

    th = Throttle(slow, 0.1, clock=t.clock, call_later=t.call_later, max_cost_factor=10)
    th._cost = 0.05  # as if the last rebuild took 50 ms: at most one per 0.5 s
    assert th.effective_interval == pytest.approx(0.5)
    th._last = 0.0
    t.now = 0.2
    th.request()
    assert calls == [] and th.pending
    t.advance(0.31)
    assert len(calls) == 1
