"""A failed backward, placed on a live graph: the ``error`` key of the wire model.

An :class:`ErrorWatch` belongs to one :class:`~autograd_widgets.graph.LiveGraph`.
It hears ``backward_error`` (what failed, classified by ``autograd/_failure.py``),
and keeps it when the node or tensor at fault belongs to its graph, until a
backward pass runs through the graph's nodes again. To say which op bumped a saved
tensor's version it also hears ``version_bump`` (and ``op_no_grad``, to name an
in-place op that ran without building a node) and keeps, per version counter,
the last few bumps with the user's source line behind each.

:meth:`ErrorWatch.annotate` turns the kept error into plain data with node ids
(``docs/graph-schema.md``, "error"); the front end draws the red mark and the
explanation from it. Only weak references to nodes and tensors are kept.
"""

from __future__ import annotations

import weakref

from ..autograd.grad_mode import state as _grad_state
from . import _source
from . import _tensors as T
from .bus import subscribe
from .names import ipython_shell

#: bumps kept per version counter, and counters kept (oldest dropped first)
BUMPS_PER_TENSOR = 4
MAX_COUNTERS = 512


def _wref(obj):
    if obj is None:
        return lambda: None
    try:
        return weakref.ref(obj)
    except TypeError:
        return lambda obj=obj: obj


def _cell() -> int | None:
    """The execution count (``In [n]``) of the IPython cell running now."""
    ip = ipython_shell()
    n = getattr(ip, "execution_count", None) if ip is not None else None
    # IPython counts the cell before running it: the one running is the count minus one
    return n - 1 if isinstance(n, int) and n > 1 else None


class _Bump:
    """One in-place change of a tensor: its new version, the op, the user's line."""

    __slots__ = ("version", "op", "node", "cell", "_where")

    def __init__(self, version, op, node) -> None:
        self.version = version
        self.op = op
        self.node = _wref(node)
        self.cell = _cell()
        _source.remember(self)  # the user's line that made the change


class ErrorWatch:
    """The last failed backward through ``live``'s graph, and the bumps it may need."""

    def __init__(self, live) -> None:
        self.live = live
        self.error: dict | None = None  # the backward_error payload, objects held weakly
        self._bumps: dict = {}  # id(counter) -> (counter, [_Bump])
        self._no_grad_op = None  # (name, id(first input)) of the last op run without a node
        self._sub = None
        self.listen()

    def listen(self) -> None:
        if self._sub is None:  # one listener for the four kinds
            self._sub = subscribe(self._on_event, tuple(self._handlers))

    def close(self) -> None:
        if self._sub is not None:
            self._sub.unsubscribe()
            self._sub = None

    def _on_event(self, kind: str, p: dict) -> None:
        self._handlers[kind](self, kind, p)

    # -- events -------------------------------------------------------------------------
    def _on_no_grad(self, kind: str, p: dict) -> None:
        inputs = p.get("inputs") or ()
        first = inputs[0] if inputs else None
        self._no_grad_op = (p["name"], id(first))

    def _on_bump(self, kind: str, p: dict) -> None:
        t = p["tensor"]
        op, node = p.get("op"), None
        last, self._no_grad_op = self._no_grad_op, None
        fn = getattr(t, "_grad_fn", None)
        if op is None and fn is not None and _grad_state.enabled and t._requires_grad:
            # an in-place op that joined the graph: the tensor's grad_fn is its node now;
            # a view written in place: the base's new CopySlices wraps the op's node
            base = getattr(t, "_base", None)
            node = base._grad_fn if base is not None and base._grad_fn is not None else fn
            inner = getattr(node, "fn", None) if type(node).__name__ == "CopySlices" else None
            op = (inner or node).name()
        elif op is None and last is not None and last[1] == id(t):
            op = last[0]  # it built no node (no_grad, or no input needs grad): its name only
        counter = getattr(t, "_vc", None)
        if counter is None:
            return
        hit = self._bumps.pop(id(counter), None)
        bumps = hit[1] if hit is not None and hit[0] is counter else []
        bumps.append(_Bump(p.get("version", counter.v), op, node))
        del bumps[:-BUMPS_PER_TENSOR]
        self._bumps[id(counter)] = (counter, bumps)  # (re)inserted last: newest
        if len(self._bumps) > MAX_COUNTERS:
            del self._bumps[next(iter(self._bumps))]

    def _on_end(self, kind: str, p: dict) -> None:
        if self.error is None:
            return
        # a backward through the graph's own nodes went well: nothing left to explain
        # (not one that only shares a leaf: another graph's success fixes nothing here)
        contains = self.live._contains_node
        if any(type(n).__name__ != "AccumulateGrad" and contains(n) for n in p["executed"]):
            self.error = None
            self.live._changed("backward_end")

    def _on_error(self, kind: str, p: dict) -> None:
        if not self._concerns(p):
            return
        err = {k: v for k, v in p.items() if k not in ("node", "tensor", "saved")}
        err["node"] = _wref(p.get("node"))
        err["tensor"] = _wref(p.get("tensor"))
        err["cell"] = _cell()
        saved = []
        for s in p.get("saved") or ():
            entry = {k: v for k, v in s.items() if k not in ("counter", "tensor")}
            entry["tensor"] = _wref(s.get("tensor"))
            hit = self._bumps.get(id(s["counter"]))
            bumps = hit[1] if hit is not None and hit[0] is s["counter"] else []
            # the bumps since the tensor was saved: the first of them broke the backward
            entry["bumps"] = [b for b in bumps if b.version > s["saved_version"]]
            saved.append(entry)
        if saved:
            err["saved"] = saved
        self.error = err
        self.live._changed("backward_error")

    def _concerns(self, p: dict) -> bool:
        live = self.live
        node = p.get("node")
        if node is not None:
            return live._contains_node(node)
        t = p.get("tensor")
        if t is None:
            return False
        if t in live._tensors or t in live._root_set:
            return True
        fn = getattr(t, "grad_fn", None)
        if fn is not None and live._contains_node(fn):
            return True
        rec = live.recording
        return rec is not None and rec._ghost_for(t) is not None

    # -- the wire ---------------------------------------------------------------------
    def annotate(self, data: dict, ids) -> None:
        """Add ``data["error"]`` (plain data, node ids of ``data``) when an error is kept."""
        err = self.error
        if err is None:
            return
        present = {n["id"] for n in data.get("nodes", ())}

        def node_id(kind, obj, sub=None):
            if obj is None:
                return None
            nid = ids.peek(kind, obj, sub)
            return nid if nid in present else None

        def fn_id(fn):
            if fn is None:
                return None
            var = getattr(fn, "variable", None)
            if var is not None and type(fn).__name__ == "AccumulateGrad":
                return node_id("leaf", var)
            return node_id("fn", fn) or node_id("external", fn)

        out = {
            k: v
            for k, v in err.items()
            if k not in ("node", "tensor", "saved", "reason") and v is not None
        }
        out["kind"] = err["reason"]
        node, tensor = err["node"](), err["tensor"]()
        at = None
        if node is not None:
            at = fn_id(node)
            out["label"] = node.name()
            nr = err.get("output_nr")
            if nr is not None and nr < len(node.next_functions):
                nxt = node.next_functions[nr][0]
                out["to"] = fn_id(nxt)
                out["to_label"] = T.node_label(nxt) if nxt is not None else None
        elif tensor is not None:
            at = node_id("tensor", tensor) or node_id("leaf", tensor)
            rec = self.live.recording
            ghost = rec._ghost_for(tensor) if rec is not None else None
            if at is None and ghost is not None:
                at = node_id("ghost", ghost)
        out["node"] = at
        saved = []
        for s in err.get("saved") or ():
            entry = {k: v for k, v in s.items() if k not in ("tensor", "bumps")}
            entry["node"] = node_id("saved", node, (s["attr"], s["index"])) if node else None
            entry["bumped_by"] = [
                {
                    "version": b.version,
                    "op": b.op,
                    "expr": _source.expression(b),
                    "cell": b.cell,
                    "node": fn_id(b.node()),
                }
                for b in s["bumps"]
            ]
            saved.append(entry)
        if saved:
            out["saved"] = saved
        data["error"] = out

    _handlers = {
        "backward_error": _on_error,
        "backward_end": _on_end,
        "version_bump": _on_bump,
        "op_no_grad": _on_no_grad,
    }
