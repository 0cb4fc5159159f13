"""``LiveGraph``: the graph behind some tensors, kept up to date from the event bus.

The widget builds one per drawing::

    live = LiveGraph(loss, callback=widget.invalidate, names={"x": x})
    live.to_json(max_nodes=500)   # the wire dict, ids stable across calls
    live.close()                  # unsubscribe (also when the roots die)
    live.open(callback)           # listen again: same ids, same bookkeeping

``callback()`` (no arguments) is called after every event that changes what
the model would show; ``live.last_change`` says which event kind it was:

* ``node_created``: a new op used a root or an interior tensor of the graph
  (with ``follow=True`` its output becomes a root; a consumed root is
  replaced), or an in-place op rewrote a root's ``grad_fn``;
* ``backward_end``: a backward pass ran through the graph (``executed``,
  ``executed_order`` and ``backward_passes`` changed);
* ``grad_accumulated`` / ``grad_set``: a leaf's ``.grad`` changed;
* ``version_bump``: a tensor of the graph, or a leaf's ``.grad``, was modified
  in place (``zero_()``, an optimizer step).

Only weak references are kept: a live graph never keeps tensors alive. With
``torch`` tensors nothing is emitted; :meth:`LiveGraph.model` still works.
"""

from __future__ import annotations

import weakref

from . import _tensors as T
from ._book import BackwardBook
from ._build import DEFAULT_MAX_NODES
from ._ids import IdMap
from .bus import subscribe
from .model import GraphModel, walk_nodes

#: the events ``_on_event`` acts on; the bus drops the rest (op_no_grad,
#: node_executed, ... are two thirds of a training step's events) before the call
_KINDS = ("node_created", "backward_end", "grad_accumulated", "grad_set", "version_bump")


def _wref(obj):
    try:
        return weakref.ref(obj)
    except TypeError:
        return lambda obj=obj: obj


class _IdSet:
    """A set of objects by identity, holding weak references."""

    __slots__ = ("_d",)

    def __init__(self, objs=()) -> None:
        self._d = {id(o): _wref(o) for o in objs}

    def add(self, obj) -> None:
        self._d[id(obj)] = _wref(obj)

    def __contains__(self, obj) -> bool:
        r = self._d.get(id(obj))
        return r is not None and r() is obj

    def __len__(self) -> int:
        return len(self._d)


class LiveGraph:
    """Follow the graph behind ``roots`` (or a :class:`Recording`) and report changes.

    Parameters
    ----------
    *roots : Tensor
        The outputs to draw.
    callback : callable, optional
        Called with no arguments when the model changed.
    names, module, namespace
        As for :meth:`GraphModel.from_tensors`; ``names`` is held weakly.
    follow : bool
        Grow the graph when new ops use its tensors (the widget's ``live`` mode).
    recording : Recording, optional
        Draw a recording instead of roots (the ``%%autograd_graph`` magic).
    **options
        Defaults for :meth:`model` (``max_nodes``, ``show_saved``, ``collapse_repeats``).
    """

    def __init__(
        self,
        *roots,
        callback=None,
        names=None,
        module=None,
        namespace="auto",
        follow: bool = True,
        recording=None,
        **options,
    ) -> None:
        for i, t in enumerate(roots):
            if not T.is_tensor(t):
                raise TypeError(f"LiveGraph expects tensors, got {type(t).__name__} at {i}")
        self.callback = callback
        self.follow = follow
        self.recording = recording
        self.options = {"max_nodes": DEFAULT_MAX_NODES, **options}
        self.namespace = namespace
        self._module = _wref(module) if module is not None else None
        self._names = []
        if names is not None:
            from .names import _normalise

            self._names = [(n, _wref(t)) for n, t in _normalise(names)]
        self._roots = [_wref(t) for t in roots]
        self.ids = IdMap()
        self.book = BackwardBook(contains=self._contains_node)
        self._outputs: dict = {}  # id(node) -> weakref(output tensor)
        self._outputs_limit = 256
        self.last_change: str | None = None
        self.changes = 0
        self._refresh()
        self._sub = subscribe(self._on_event, _KINDS)

    # -- state ---------------------------------------------------------------------------
    @property
    def roots(self) -> list:
        """The root tensors still alive."""
        return [t for t in (r() for r in self._roots) if t is not None]

    def set_roots(self, *tensors) -> None:
        self._roots = [_wref(t) for t in tensors]
        self._refresh()
        self._changed("roots")

    @property
    def active(self) -> bool:
        return self._sub is not None and self._sub.active

    def close(self) -> None:
        """Stop listening (idempotent); :meth:`open` resumes, keeping ids and bookkeeping."""
        if self._sub is not None:
            self._sub.unsubscribe()
            self._sub = None

    def open(self, callback=None):
        """Listen again (after :meth:`close`), optionally with a new callback; returns ``close``.

        Backward passes that ran while closed are not counted; ``roots``, ids
        and the last backward's bookkeeping are kept.
        """
        if callback is not None:
            self.callback = callback
        if self._sub is None:
            self._refresh()
            self._sub = subscribe(self._on_event, _KINDS)
        return self.close

    def __enter__(self) -> LiveGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _refresh(self) -> None:
        """Recompute which nodes and tensors belong to the graph (a light walk)."""
        roots = self.roots
        if self.recording is not None:
            nodes = self.recording.nodes()
            nodes = nodes + walk_nodes(*roots)
        else:
            nodes = walk_nodes(*roots)
        tensors = list(roots)
        for fn in nodes:
            if T.is_leaf_node(fn):
                var = fn.variable
                tensors.append(var)
                g = T.grad_of(var)
                if g is not None:
                    tensors.append(g)
        for t in roots:
            g = T.grad_of(t)
            if g is not None:
                tensors.append(g)
        self._nodes = _IdSet(nodes)
        self._tensors = _IdSet(tensors)
        self._root_set = _IdSet(roots)

    def _contains_node(self, node) -> bool:
        return node in self._nodes

    def _output_of(self, node):
        r = self._outputs.get(id(node))
        t = r() if r is not None else None
        if t is not None and t.grad_fn is node:
            return t
        if self.recording is not None:
            return self.recording.output_of(node)
        return None

    def _current_names(self) -> dict:
        out = {}
        for name, r in self._names:
            t = r()
            if t is not None:
                out[name] = t
        return out

    # -- the model --------------------------------------------------------------------------
    def model(self, **overrides) -> GraphModel:
        """A fresh :class:`GraphModel` (ids stable across calls)."""
        opts = {**self.options, **overrides}
        module = self._module() if self._module is not None else None
        if self.recording is not None:
            return GraphModel.from_recording(
                self.recording,
                names=self._current_names() or None,
                module=module,
                namespace=self.namespace,
                ids=self.ids,
                book=self.book,
                **opts,
            )
        roots = self.roots
        m = GraphModel.from_tensors(
            *roots,
            names=self._current_names() or None,
            module=module,
            namespace=self.namespace,
            ids=self.ids,
            book=self.book,
            outputs_of=self._output_of,
            **opts,
        )
        if self._roots and not roots:
            m._data["notice"] = "the drawn tensors are gone"
        return m

    def to_json(self, **overrides) -> dict:
        # the model is built afresh and never shared: hand out its dict without
        # GraphModel.to_json's deepcopy (12% of a live widget's update)
        return self.model(**overrides)._data

    # -- events -----------------------------------------------------------------------------
    def _changed(self, kind: str) -> None:
        self.last_change = kind
        self.changes += 1
        cb = self.callback
        if cb is not None:
            cb()

    def _on_event(self, kind: str, p: dict) -> None:
        if kind == "node_created":
            self._on_node(p["node"], p["output"], p.get("inputs") or ())
        elif kind == "backward_end":
            if self.book.on_backward_end(p["executed"]):
                self._changed(kind)
        elif kind in ("grad_accumulated", "grad_set"):
            t = p["tensor"]
            if t in self._tensors or t in self._root_set:
                # the event carries t.grad; grad_of's catch_warnings costs ~10 us a call
                g = p["grad"] if "grad" in p else T.grad_of(t)
                if g is not None:
                    self._tensors.add(g)
                self._changed(kind)
        elif kind == "version_bump":
            t = p["tensor"]
            base = getattr(t, "_base", None)
            if t in self._root_set and t.grad_fn is not None and t.grad_fn not in self._nodes:
                self._refresh()  # an in-place op gave a root a new grad_fn
            if t in self._tensors or (base is not None and base in self._tensors):
                self._changed(kind)
        for r in self._roots:
            if r() is not None:
                return
        if self._roots and self.recording is None:
            self.close()  # everything drawn is gone: stop listening

    def _on_node(self, node, out, inputs) -> None:
        if out in self._root_set and out.grad_fn is node:
            # an in-place op on a root: same tensor, new grad_fn
            self._nodes.add(node)
            self._outputs[id(node)] = _wref(out)
            self._refresh()
            self._changed("node_created")
            return
        if not self.follow:
            return
        uses = [
            t for t in inputs if t is not None and (t in self._root_set or t.grad_fn in self._nodes)
        ]
        if not uses and self.recording is not None and self.recording.has_node(node):
            uses = [None]
        if not uses:
            return
        self._nodes.add(node)
        self._outputs[id(node)] = _wref(out)
        if len(self._outputs) > self._outputs_limit:
            self._outputs = {k: r for k, r in self._outputs.items() if r() is not None}
            self._outputs_limit = max(256, 2 * len(self._outputs))
        if self.recording is None:
            consumed = {id(t) for t in uses if t is not None and t in self._root_set}
            roots = [r for r in self._roots if id(r()) not in consumed]
            if all(r() is not out for r in roots):
                roots.append(_wref(out))
            self._roots = roots
            self._root_set = _IdSet(self.roots)
            self._tensors.add(out)
        self._changed("node_created")
