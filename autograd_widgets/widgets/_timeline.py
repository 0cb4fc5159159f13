"""The states a graph widget has shown, kept as diffs, for its timeline.

A :class:`GraphWidget` records a state (a wire graph, docs/graph-schema.md):

* when it is made (``"drawn"``);
* after each backward pass through its graph (``"backward"``; passes that come
  faster than the widget's update interval, or after the first
  ``BACKWARD_PER_CELL`` of a cell, as in a training loop, share the cell's
  state);
* after a backward pass through it failed (``"error"``: the graph then marks the
  node at fault, see :mod:`autograd_widgets.graph._errors`);
* at the end of each notebook cell that changed it (``"cell"``).

Each state is labelled with the execution count of the cell that produced it
(``In [5]``); outside IPython there are no cells and the running number of the
state stands in (``#3``).

Memory stays bounded: only the oldest kept state is stored whole, every later
one as the patch (:func:`._diff.diff_graph`) from the state before it, and at
most ``cap`` states (and ``MAX_BYTES`` of patches) are kept; older ones are
dropped and counted, and the widget says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._diff import apply_patch, diff_graph, json_size

#: states a widget keeps by default before dropping the oldest
DEFAULT_CAP = 200
#: bytes (as JSON) the kept patches may take before the oldest states are dropped
MAX_BYTES = 8 * 1024 * 1024
#: backward passes of one cell that get states of their own (a training loop's
#: thousand passes would only push the cell's other states out)
BACKWARD_PER_CELL = 10

KINDS = ("drawn", "backward", "error", "cell")


@dataclass(frozen=True)
class StateInfo:
    """What labels one state: its running number, its cell and what made it."""

    number: int  # 1, 2, ... in the order recorded (never reused, also after drops)
    cell: int | None  # execution count of the cell that produced it, None outside IPython
    kind: str  # one of KINDS
    passes: int  # backward passes through the graph so far

    @property
    def label(self) -> str:
        where = f"In [{self.cell}]" if self.cell is not None else f"#{self.number}"
        return where if self.kind == "cell" else f"{where} {self.kind}"

    def to_json(self) -> dict[str, Any]:
        return {"n": self.number, "cell": self.cell, "kind": self.kind, "passes": self.passes}


def _passes(graph: dict[str, Any]) -> int:
    return int(graph.get("backward_passes") or 0)


def _news(graph: dict[str, Any], before: dict[str, Any]) -> str | None:
    """What ``graph`` brings since ``before``: a failed backward ("error"), new backward
    passes ("backward"), or None."""
    if graph.get("error") and graph.get("error") != before.get("error"):
        return "error"
    return "backward" if _passes(graph) != _passes(before) else None


class StateStore:
    """Graph states in order: the oldest whole, each later one as a patch.

    Parameters
    ----------
    cap : int
        Most states kept; recording one more drops the oldest (``dropped``
        counts them).
    """

    def __init__(self, cap: int = DEFAULT_CAP, max_bytes: int = MAX_BYTES) -> None:
        if cap < 1:
            raise ValueError(f"the timeline keeps at least 1 state, not {cap}")
        self.cap = cap
        self.max_bytes = max_bytes
        self._sizes: list[int] = []  # JSON size of each step
        self.dropped = 0
        self.infos: list[StateInfo] = []
        self._base: dict[str, Any] | None = None  # the oldest kept state, whole
        # _steps[i] turns state i into state i + 1: a patch, or the whole graph when a
        # patch could not say it (a top-level key that disappeared)
        self._steps: list[tuple[str, dict[str, Any]]] = []
        self._latest: dict[str, Any] | None = None
        self._numbers = 0

    def __len__(self) -> int:
        return len(self.infos)

    @property
    def latest(self) -> dict[str, Any] | None:
        """The newest state (None while empty)."""
        return self._latest

    def append(self, graph: dict[str, Any], cell: int | None, kind: str) -> bool:
        """Record ``graph``; False (nothing recorded) when it equals the newest state."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        if self._latest is not None and graph == self._latest:
            return False
        if self._latest is None:
            self._base = graph
        else:
            if set(self._latest) - set(graph):
                step = ("whole", graph)
            else:
                step = ("patch", diff_graph(self._latest, graph))
            self._steps.append(step)
            self._sizes.append(json_size(step[1]))
        self._latest = graph
        self._numbers += 1
        self.infos.append(StateInfo(self._numbers, cell, kind, _passes(graph)))
        while len(self.infos) > self.cap or (
            len(self.infos) > 1 and sum(self._sizes) > self.max_bytes
        ):
            self._drop_oldest()
        return True

    def _drop_oldest(self) -> None:
        self._base = self._step(self._base, self._steps.pop(0))
        self._sizes.pop(0)
        self.infos.pop(0)
        self.dropped += 1

    @staticmethod
    def _step(graph: dict[str, Any] | None, step: tuple[str, dict[str, Any]]) -> dict[str, Any]:
        how, data = step
        return data if how == "whole" else apply_patch(graph or {}, data)

    def get(self, index: int) -> dict[str, Any]:
        """State ``index`` (0 = oldest kept, -1 = newest), rebuilt from the diffs."""
        n = len(self.infos)
        if not -n <= index < n:
            raise IndexError(f"timeline index {index} out of range: {n} states kept")
        index %= n
        if index == n - 1:
            return self._latest  # type: ignore[return-value]
        graph = self._base
        for step in self._steps[:index]:
            graph = self._step(graph, step)
        return graph  # type: ignore[return-value]

    def last_cell_state(self, cell: int | None) -> int | None:
        """Index of the newest state produced by ``cell``, or None."""
        for i in range(len(self.infos) - 1, -1, -1):
            if self.infos[i].cell == cell:
                return i
        return None


AS_OF = ("live", "cell")


class Timeline:
    """A widget's timeline: its states, and when to record and pin them.

    The widget calls :meth:`built` with every graph it builds (a backward pass
    since the newest state records one), :meth:`cell_ended` after every cell
    and :meth:`displayed` when a cell displays it; the return values say which
    state to show.
    """

    def __init__(self, cap: int = DEFAULT_CAP, clock: Any = None) -> None:
        import time

        self.store = StateStore(cap)
        self.dirty = False  # something changed since the newest state
        self.pin_cell: int | None = None  # as_of="cell": pin at the end of this cell
        self.clock = clock or time.monotonic
        self._last_backward = -float("inf")
        self._cell_passes: tuple[int | None, int] = (None, 0)  # (cell, its own-state passes)

    def record(self, graph: dict[str, Any], kind: str) -> int:
        """Record ``graph``; returns how many old states that dropped.

        A cell's state that brings new backward passes is labelled a backward
        state (its passes came too fast for states of their own).
        """
        latest = self.store.latest
        if kind == "cell" and latest is not None:
            kind = _news(graph, latest) or kind
        before = self.store.dropped
        self.store.append(graph, cell_count(), kind)
        self.dirty = False
        return self.store.dropped - before

    def backward_due(self, interval: float) -> bool:
        """A backward pass ended: True when it deserves a state of its own now
        (at most one per ``interval`` s and ``BACKWARD_PER_CELL`` per cell;
        faster or later passes share a later state)."""
        now = self.clock()
        if now - self._last_backward < interval or self._cell_slots() <= 0:
            return False
        self._last_backward = now
        return True

    def _cell_slots(self) -> int:
        cell, used = self._cell_passes
        return BACKWARD_PER_CELL - (used if cell == cell_count() else 0)

    def built(self, graph: dict[str, Any]) -> int:
        """A fresh build: recorded when a backward pass failed, or ran (while the
        cell has slots for backward states left), since the newest state."""
        latest = self.store.latest
        news = None if latest is None else _news(graph, latest)
        if news == "error":
            return self.record(graph, "error")
        if news is None or self._cell_slots() <= 0:
            return 0
        cell = cell_count()
        self._cell_passes = (cell, BACKWARD_PER_CELL - self._cell_slots() + 1)
        return self.record(graph, "backward")

    def displayed(self, as_of: str) -> None:
        """A cell displays the widget: with ``as_of="cell"`` pin it at that cell's end."""
        if as_of == "cell":
            self.pin_cell = cell_count()

    def take_pin(self) -> int | None:
        """After a cell: the state index to pin to, if this was the cell to pin at."""
        if self.pin_cell is None or self.pin_cell != cell_count():
            return None
        self.pin_cell = None
        return len(self.store) - 1

    def labels(self) -> list[str]:
        return [info.label for info in self.store.infos]

    def wire(self) -> list[list[Any]]:
        """The states' labels for the front end: ``[number, cell, kind, passes]`` each."""
        return [[i.number, i.cell, i.kind, i.passes] for i in self.store.infos]


def cell_count() -> int | None:
    """Execution count of the running (or just finished) cell; None outside IPython."""
    from ._cells import hooks_for

    hooks = hooks_for()
    return None if hooks is None else hooks.count
