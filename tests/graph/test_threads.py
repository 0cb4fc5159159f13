"""The event bus and recordings under threads (issue 12, item 5)."""

from __future__ import annotations

import sys
import threading

import pytest

import autograd_widgets as aw
from autograd_widgets.autograd import events
from autograd_widgets.graph import GraphModel, record, subscribe


@pytest.fixture
def fast_switching():
    """Switch threads as often as the interpreter allows, so races show up."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def _churn(stop: threading.Event, kinds) -> None:
    noop = lambda kind, payload: None  # noqa: E731
    while not stop.is_set():
        sub = subscribe(noop, kinds)
        sub()


@pytest.mark.parametrize("steady_kinds", [None, ("grad_mode",)])
def test_a_steady_listener_hears_every_event_while_others_come_and_go(fast_switching, steady_kinds):
    heard = []
    steady = subscribe(lambda kind, payload: heard.append(kind), steady_kinds)
    stop = threading.Event()
    churners = [
        threading.Thread(target=_churn, args=(stop, kinds))
        for kinds in (None, ("grad_mode", "node_created"), ("backward_end",))
    ]
    for t in churners:
        t.start()
    n = 20_000
    try:
        for _ in range(n):
            events.emit("grad_mode", enabled=True)
    finally:
        stop.set()
        for t in churners:
            t.join()
    try:
        assert len(heard) == n
        assert steady.active and len(events.listeners) == 1
    finally:
        steady()
    assert events.listeners == []


def test_subscribers_from_many_threads_all_end_up_subscribed(fast_switching):
    subs = []
    lock = threading.Lock()

    def add(k: int) -> None:
        for _ in range(50):
            s = subscribe(lambda kind, payload: None, ("node_created",) if k % 2 else None)
            with lock:
                subs.append(s)

    threads = [threading.Thread(target=add, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert len(events.listeners) == 200 and all(s.active for s in subs)
        assert len(events._table["node_created"]) == 200
        assert len(events._table["grad_mode"]) == 100
    finally:
        for s in subs:
            s()
    assert events.listeners == [] and not events.hears("node_created")


def test_a_recording_hears_only_the_thread_that_started_it():
    w = aw.ones(3, requires_grad=True)
    ready, done = threading.Event(), threading.Event()
    kept = []

    def other_thread() -> None:
        ready.wait()
        kept.append((w.exp() * 5).sum())  # SumBackward0 <- MulBackward0 <- ExpBackward0
        done.set()

    t = threading.Thread(target=other_thread)
    t.start()
    with record() as rec:
        ready.set()
        done.wait()
        mine = (w * 2).mean()
    t.join()
    labels = sorted(n["label"] for n in GraphModel.from_recording(rec).to_json()["nodes"])
    assert "ExpBackward0" not in labels and "SumBackward0" not in labels
    assert "MeanBackward0" in labels and "MulBackward0" in labels
    assert rec.counts["nodes"] == 2, (labels, mine)
