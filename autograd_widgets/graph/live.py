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
  ``executed_order`` and ``backward_passes`` changed), or through some of its
  leaves (their ``.grad`` changed: one call per pass, not one per leaf);
* ``grad_set``: a leaf's ``.grad`` was assigned or deleted;
* ``version_bump``: a tensor of the graph, or a leaf's ``.grad``, was modified
  in place (``zero_()``, an optimizer step).

Cost: a training step emits ~40 events; a live graph hears ~8 of them (one
handler per kind, no dispatch on the kind) and rejects most with a few dict
lookups.

Only weak references are kept: a live graph never keeps tensors alive (torch's
``grad_fn`` nodes cannot be weakly referenced: those are held until the roots die).
Real ``torch`` tensors emit nothing on our bus: a graph over them listens through
PyTorch's hooks and a function mode instead (:mod:`._torch_live`), same events.
"""

from __future__ import annotations

import weakref

from . import _source, _torch_live
from . import _tensors as T
from ._book import BackwardBook
from ._build import DEFAULT_MAX_NODES
from ._errors import ErrorWatch
from ._ids import IdMap
from ._tensors import PreviewCache
from .bus import subscribe
from .model import GraphModel, walk_nodes
from .names import _normalise

#: the events a live graph hears; the bus drops the rest (op_no_grad, node_executed,
#: grad_accumulated, ... are four fifths of a training step's events) before any call.
#: Leaves' new gradients are read at backward_end.
_KINDS = ("node_created", "backward_end", "grad_set", "version_bump")


class _Subscriptions:
    """One bus subscription per kind, each straight to its handler."""

    __slots__ = ("subs",)

    def __init__(self, handlers: dict) -> None:
        self.subs = [subscribe(fn, (kind,)) for kind, fn in handlers.items()]

    @property
    def active(self) -> bool:
        return all(s.active for s in self.subs)

    def unsubscribe(self) -> None:
        for s in self.subs:
            s.unsubscribe()


def _wref(obj):
    try:
        return weakref.ref(obj)
    except TypeError:
        return lambda obj=obj: obj


def _leaf_and_grad(fn) -> list:
    """The leaf tensor of an ``AccumulateGrad``, and its ``.grad`` when it has one."""
    var = fn.variable
    g = T.grad_of(var)
    return [var] if g is None else [var, g]


class _IdSet:
    """A set of objects by identity, holding weak references.

    The hot paths of :class:`LiveGraph` read ``_d`` (``id -> weakref``) directly.
    Entries of dead objects are dropped when the set has doubled since the last
    sweep (a training loop's ``.grad`` tensors come and go every step).
    """

    __slots__ = ("_d", "_limit")

    def __init__(self, objs=()) -> None:
        self._d = {id(o): _wref(o) for o in objs}
        self._limit = max(64, 2 * len(self._d))

    def add(self, obj) -> None:
        d = self._d
        r = d.get(id(obj))
        if r is not None and r() is obj:
            return
        d[id(obj)] = _wref(obj)
        if len(d) > self._limit:
            self._d = d = {k: r for k, r in d.items() if r() is not None}
            self._limit = max(64, 2 * len(d))

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
            self._names = [(n, _wref(t)) for n, t in _normalise(names)]
        self._roots = [_wref(t) for t in roots]
        self.ids = IdMap()
        self.book = BackwardBook(contains=self._contains_node)
        self.previews = PreviewCache()  # value previews reused across rebuilds
        self._grads_pending = False  # leaves of the last backward have .grad not yet followed
        self._outputs: dict = {}  # id(node) -> weakref(output tensor)
        self._outputs_limit = 256
        self.last_change: str | None = None
        self.changes = 0
        self.steps = None  # a BackwardSteps a torch graph's hooks feed (set by draw())
        # the roots when a backward pass through the graph ended, held until the next build:
        # `y.sum().backward()` in a cell drops its root at once, and a throttled update
        # would otherwise draw the pass without the node it started from
        self._pass_roots: list = []
        self._refresh()
        self._sub = self._listen()
        self.errors = ErrorWatch(self)  # a failed backward through the graph, explained

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
        self.errors.close()

    def open(self, callback=None):
        """Listen again (after :meth:`close`), optionally with a new callback; returns ``close``.

        Backward passes that ran while closed are not counted; ``roots``, ids
        and the last backward's bookkeeping are kept.
        """
        if callback is not None:
            self.callback = callback
        if self._sub is None:
            self._refresh()
            self._sub = self._listen()
            self.errors.listen()
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
                tensors += _leaf_and_grad(fn)
        for t in roots:
            g = T.grad_of(t)
            if g is not None:
                tensors.append(g)
        self._nodes = _IdSet(nodes)
        self._tensors = _IdSet(tensors)
        self._root_set = _IdSet(roots)

    def _contains_node(self, node) -> bool:
        """A node of the graph, or the ``AccumulateGrad`` of one of its leaves."""
        r = self._nodes._d.get(id(node))
        if r is not None:
            return r() is node
        var = getattr(node, "variable", None)  # a leaf drawn without its AccumulateGrad
        if var is None:
            return False
        r = self._tensors._d.get(id(var))
        return r is not None and r() is var

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
        flush = getattr(self._sub, "flush", None)
        if flush is not None:
            flush()  # a torch backward pass whose end PyTorch did not report
        if self._grads_pending:
            self._follow_grads()
        opts = {**self.options, **overrides}
        module = self._module() if self._module is not None else None
        if self.recording is not None:
            m = GraphModel.from_recording(
                self.recording,
                names=self._current_names() or None,
                module=module,
                namespace=self.namespace,
                ids=self.ids,
                book=self.book,
                cache=self.previews,
                **opts,
            )
            self.errors.annotate(m._data, self.ids)
            return m
        roots = self.roots
        self._pass_roots = []
        m = GraphModel.from_tensors(
            *roots,
            names=self._current_names() or None,
            module=module,
            namespace=self.namespace,
            ids=self.ids,
            book=self.book,
            outputs_of=self._output_of,
            cache=self.previews,
            **opts,
        )
        if self._roots and not roots:
            m._data["notice"] = "the drawn tensors are gone"
        self.errors.annotate(m._data, self.ids)
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

    def _listen(self):
        if any(_torch_live.is_torch_tensor(t) for t in self.roots):
            # real torch emits nothing on our bus: its hooks and a function mode do
            return _torch_live.TorchSource(self)
        return _Subscriptions(
            {
                "node_created": self._on_created,
                "backward_end": self._on_backward_end,
                "grad_set": self._on_grad_set,
                "version_bump": self._on_version_bump,
            }
        )

    def _check_roots(self) -> None:
        for r in self._roots:
            if r() is not None:
                return
        if self._roots and self.recording is None:
            self.close()  # everything drawn is gone: stop listening

    def _on_created(self, kind: str, p: dict) -> None:
        # 7 per step of a small MLP, and most touch nothing drawn: reject them with id
        # lookups alone (an id may be stale: _on_node checks a candidate properly)
        out, inputs = p["output"], p.get("inputs") or ()
        roots = self._root_set._d
        hit = id(out) in roots
        if not hit and self.follow:
            nodes = self._nodes._d
            for t in inputs:
                if t is not None and (id(t) in roots or id(t.grad_fn) in nodes):
                    hit = True
                    break
        if hit or self.recording is not None:
            self._on_node(p["node"], out, inputs)
        self._check_roots()

    def _on_backward_end(self, kind: str, p: dict) -> None:
        if self.recording is not None:
            if self.book.on_backward_end(p["executed"]):
                self._changed(kind)
            return
        # once per training step: find the graph's nodes among the executed ones with
        # dict lookups, reusing the weak references already held (no allocation per node;
        # _nodes holds every node reachable from the roots: _refresh walks, _absorb adds)
        nodes, tensors = self._nodes._d, self._tensors._d
        mine, leaves = [], []
        for i, n in enumerate(p["executed"]):
            r = nodes.get(id(n))
            if r is not None:
                if r() is not n:
                    continue
                mine.append((i, r))
            elif type(n).__name__ != "AccumulateGrad":
                continue
            var = getattr(n, "variable", None)  # a leaf: AccumulateGrad
            if var is not None:
                v = tensors.get(id(var))
                if v is not None and v() is var:
                    leaves.append((i, v))
                    if r is None:
                        mine.append((i, _wref(n)))  # a leaf drawn without its AccumulateGrad
        if mine:
            self._pass_roots = self.roots
            self._record_pass(mine, leaves)
        self._check_roots()

    def _record_pass(self, mine: list, leaves: list) -> None:
        """One backward pass through the graph: ``[(position, weakref)]`` of its nodes and leaves."""
        self.book.record(mine, leaves)
        # the leaves' new .grad tensors must be followed (their zero_() is a change):
        # done by the next build, or by the next version_bump we cannot place
        self._grads_pending = bool(leaves)
        self._changed("backward_end")

    def _follow_grads(self, tensor=None) -> bool:
        """Track the ``.grad`` of the leaves of the last backward; True if one is ``tensor``."""
        self._grads_pending = False
        found = False
        add = self._tensors.add
        for var in self.book.leaves():
            g = T.grad_of(var)
            if g is not None:
                add(g)
                found = found or g is tensor
        return found

    def _on_grad_set(self, kind: str, p: dict) -> None:
        t = p["tensor"]
        if t in self._tensors:
            g = p.get("grad")
            if g is not None:
                self._tensors.add(g)
            self._changed(kind)
        self._check_roots()

    def _on_version_bump(self, kind: str, p: dict) -> None:
        t = p["tensor"]
        base = getattr(t, "_base", None)
        if t in self._root_set and t.grad_fn is not None and t.grad_fn not in self._nodes:
            self._refresh()  # an in-place op gave a root a new grad_fn
        if t in self._tensors or (base is not None and base in self._tensors):
            self._changed(kind)
        elif self._grads_pending and self._follow_grads(t):
            self._changed(kind)
        self._check_roots()

    def _on_node(self, node, out, inputs) -> None:
        roots = self._root_set._d
        r = roots.get(id(out))
        if r is not None and r() is out and out.grad_fn is node:
            # an in-place op on a root: same tensor, new grad_fn
            _source.remember(node)
            self._nodes.add(node)
            self._outputs[id(node)] = _wref(out)
            self._refresh()
            self._changed("node_created")
            return
        if not self.follow:
            return
        nodes = self._nodes._d
        uses = []
        for t in inputs:
            if t is None:
                continue
            r = roots.get(id(t))
            if r is not None and r() is t:
                uses.append(t)
                continue
            fn = t.grad_fn
            if fn is not None:
                r = nodes.get(id(fn))
                if r is not None and r() is fn:
                    uses.append(t)
        if not uses and self.recording is not None and self.recording.has_node(node):
            uses = [None]
        if not uses:
            return
        _source.remember(node)  # it joins the drawing: note the user's line behind it
        if self.recording is None:
            self._absorb(node)
        else:
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

    def _absorb(self, node) -> None:
        """Add ``node`` and whatever it reaches that the graph lacked (its other inputs'
        graphs, new leaves): the node set stays complete without walking it all again."""
        nodes, tensors = self._nodes, self._tensors
        stack = [node]
        while stack:
            fn = stack.pop()
            if fn in nodes:
                continue
            nodes.add(fn)
            if T.is_leaf_node(fn):
                for t in _leaf_and_grad(fn):
                    tensors.add(t)
                continue
            for entry in T.next_functions(fn):
                nxt = entry[0] if isinstance(entry, tuple) else entry
                if nxt is not None:
                    stack.append(nxt)
