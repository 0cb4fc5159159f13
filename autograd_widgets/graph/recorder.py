"""``record()``: capture every node created while active, weakly.

A :class:`Recording` listens to the event bus while active, to the ops of the
thread that started it only (a training loop in another thread is not part of
the cell being recorded). It keeps, with weak
references only, every ``grad_fn`` created (``node_created``) and every op that
ran without building one (``op_no_grad``: grad mode off, or no input requiring
grad) as a *ghost*, so that "why is ``.grad`` None?" has a visible answer. Dead
entries are pruned as the recording grows, so a recorder attached to a training
loop keeps flat memory. :meth:`GraphModel.from_recording` draws what is alive.
"""

from __future__ import annotations

import itertools
import threading
import weakref

from ..autograd.grad_mode import state as _grad_state
from . import _source
from ._book import BackwardBook
from .bus import subscribe

#: ghost chains (ops under no_grad feeding each other) are linked this deep at most
GHOST_DEPTH = 64

_seq = itertools.count()


class Ghost:
    """An op that ran without building a ``grad_fn`` (drawn dashed and faded)."""

    __slots__ = ("seq", "name", "reason", "depth", "_out", "_inputs", "_where", "__weakref__")

    def __init__(self, name, reason, out, inputs, depth) -> None:
        self.seq = next(_seq)
        self.name = name  # the grad_fn name it would have had ("MulBackward0")
        self.reason = reason  # "grad_mode_off" | "inputs_need_no_grad"
        self.depth = depth
        self._out = weakref.ref(out) if out is not None else (lambda: None)
        self._inputs = inputs  # [("ghost", Ghost) | ("fn", ref) | ("leaf", ref)]

    def output(self):
        return self._out()

    def inputs(self) -> list:
        out = []
        for kind, ref in self._inputs:
            obj = ref if kind == "ghost" else ref()
            if obj is not None:
                out.append((kind, obj))
        return out

    def __repr__(self) -> str:
        return f"<Ghost {self.name} ({self.reason})>"


class _NodeEntry:
    __slots__ = ("seq", "ref", "outs", "ghosts")

    def __init__(self, node) -> None:
        self.seq = next(_seq)
        self.ref = weakref.ref(node)
        self.outs: list = []
        self.ghosts = None  # ghost inputs (tensors made under no_grad and used here)


class Recording:
    """Everything created while active; a context manager and a start/stop object.

    >>> with record() as rec:            # doctest: +SKIP
    ...     y = (x * 2).sum()
    >>> GraphModel.from_recording(rec)   # doctest: +SKIP
    """

    def __init__(self) -> None:
        self._nodes: dict = {}  # id(node) -> _NodeEntry
        self._ghosts: dict = {}  # id(Ghost) -> Ghost (alive outputs only, after pruning)
        self._ghost_of: dict = {}  # id(tensor) -> (tensor ref, Ghost) for ghost outputs
        self._sub = None
        self._thread = None  # the thread that started the recording: the only one heard
        self._in_backward = 0
        self._prune_at = 256
        self.book = BackwardBook(contains=self.has_node)
        self.counts = {"nodes": 0, "ghosts": 0}

    # -- start / stop -----------------------------------------------------------------
    def start(self) -> Recording:
        if self._sub is None:
            self._thread = threading.get_ident()
            self._sub = subscribe(self._on_event)
        return self

    def stop(self) -> Recording:
        if self._sub is not None:
            self._sub.unsubscribe()
            self._sub = None
        self._thread = None  # the thread that started the recording: the only one heard
        self._in_backward = 0
        return self

    @property
    def active(self) -> bool:
        return self._sub is not None and self._sub.active

    def __enter__(self) -> Recording:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def clear(self) -> None:
        self._nodes.clear()
        self._ghosts.clear()
        self._ghost_of.clear()

    # -- listening --------------------------------------------------------------------
    def _on_event(self, kind: str, p: dict) -> None:
        if threading.get_ident() != self._thread:
            return  # another thread's ops (the bus is shared by every thread)
        if kind == "node_created":
            self._on_node(p["node"], p["output"], p.get("inputs") or ())
        elif kind == "op_no_grad":
            if not self._in_backward:  # the backward formulas' own arithmetic: not the user's
                self._on_ghost(p["name"], p.get("output"), p.get("inputs") or ())
        elif kind == "version_bump":
            self._on_bump(p["tensor"])
        elif kind == "backward_start":
            self._in_backward += 1
        elif kind == "backward_end":
            self._in_backward = max(0, self._in_backward - 1)
            self.book.on_backward_end(p["executed"])
        elif kind == "backward_error" and "node" in p:
            # it failed while running a node, after backward_start: no backward_end follows
            self._in_backward = max(0, self._in_backward - 1)

    def _ghost_for(self, t):
        hit = self._ghost_of.get(id(t))
        if hit is not None and hit[0]() is t:
            return hit[1]
        return None

    def _on_node(self, node, out, inputs) -> None:
        e = self._nodes.get(id(node))
        if e is None or e.ref() is not node:
            e = self._nodes[id(node)] = _NodeEntry(node)
            self.counts["nodes"] += 1
            _source.remember(node)
            if self._ghost_of:  # only when something ran under no_grad
                ghosts = [g for g in (self._ghost_for(t) for t in inputs if t is not None) if g]
                if ghosts:
                    e.ghosts = ghosts
        if out is not None:
            e.outs.append(weakref.ref(out))
        self._maybe_prune()

    def _on_bump(self, t) -> None:
        """An in-place op: the modified tensor is the output of its new grad_fn."""
        fn = t.grad_fn
        e = self._nodes.get(id(fn)) if fn is not None else None
        if e is not None and e.ref() is fn and all(r() is not t for r in e.outs):
            e.outs.append(weakref.ref(t))

    def _on_ghost(self, name, out, inputs) -> None:
        refs, depth = [], 0
        for t in inputs:
            if t is None or not hasattr(t, "grad_fn"):
                continue
            g = self._ghost_for(t)
            if g is not None:
                if g.depth < GHOST_DEPTH:
                    refs.append(("ghost", g))
                    depth = max(depth, g.depth + 1)
            elif t.grad_fn is not None:
                refs.append(("fn", weakref.ref(t.grad_fn)))
            elif t.requires_grad:
                refs.append(("leaf", weakref.ref(t)))
        reason = "grad_mode_off" if not _grad_state.enabled else "inputs_need_no_grad"
        g = Ghost(name, reason, out, refs, depth)
        _source.remember(g)
        self._ghosts[id(g)] = g
        self.counts["ghosts"] += 1
        if out is not None:
            self._ghost_of[id(out)] = (weakref.ref(out), g)
        self._maybe_prune()

    def _maybe_prune(self) -> None:
        if len(self._nodes) + len(self._ghosts) > self._prune_at:
            self.prune()
            self._prune_at = max(256, 2 * (len(self._nodes) + len(self._ghosts)))

    def prune(self) -> None:
        """Forget entries whose node (or ghost output) is gone."""
        self._nodes = {k: e for k, e in self._nodes.items() if e.ref() is not None}
        for e in self._nodes.values():
            e.outs = [r for r in e.outs if r() is not None]
        self._ghosts = {k: g for k, g in self._ghosts.items() if g.output() is not None}
        self._ghost_of = {k: v for k, v in self._ghost_of.items() if v[0]() is not None}

    # -- what the model builder asks ----------------------------------------------------
    def has_node(self, node) -> bool:
        e = self._nodes.get(id(node))
        return e is not None and e.ref() is node

    def output_of(self, node):
        e = self._nodes.get(id(node))
        if e is None or e.ref() is not node:
            return None
        for r in e.outs:
            t = r()
            if t is not None and t.grad_fn is node:
                return t
        return None

    def ghost_inputs_of(self, node) -> list:
        e = self._nodes.get(id(node))
        return list(e.ghosts) if e is not None and e.ghosts and e.ref() is node else []

    def nodes(self) -> list:
        """The recorded ``grad_fn`` objects still alive, in creation order."""
        alive = [(e.seq, e.ref()) for e in self._nodes.values()]
        return [n for _, n in sorted(alive, key=lambda x: x[0]) if n is not None]

    def ghosts(self) -> list:
        return sorted(
            (g for g in self._ghosts.values() if g.output() is not None), key=lambda g: g.seq
        )

    def sinks(self) -> list:
        """``[(kind, obj, alive outputs)]`` for entries nothing else recorded consumes."""
        consumed: set = set()
        entries = []
        for e in self._nodes.values():
            node = e.ref()
            if node is None:
                continue
            entries.append((e.seq, "fn", node, e))
            for entry in getattr(node, "next_functions", ()):
                nxt = entry[0] if isinstance(entry, tuple) else entry
                if nxt is not None:
                    consumed.add(id(nxt))
            for g in e.ghosts or ():
                consumed.add(id(g))
        for g in self._ghosts.values():
            if g.output() is None:
                continue
            entries.append((g.seq, "ghost", g, None))
            for _kind, obj in g.inputs():
                consumed.add(id(obj))
        out = []
        for _, kind, obj, e in sorted(entries, key=lambda x: x[0]):
            if id(obj) in consumed:
                continue
            if kind == "fn":
                outs = []
                for r in e.outs:
                    t = r()
                    if t is not None and t.grad_fn is obj and all(t is not o for o in outs):
                        outs.append(t)
            else:
                outs = [obj.output()]
            out.append((kind, obj, outs))
        return out

    def __len__(self) -> int:
        return len(self.nodes()) + len(self.ghosts())

    def __repr__(self) -> str:
        state = "active" if self.active else "stopped"
        return f"<Recording {state}: {len(self.nodes())} nodes, {len(self.ghosts())} no-grad ops>"


def record() -> Recording:
    """Capture every node created while active (``with record() as rec:`` or ``.start()``)."""
    return Recording()
