"""Step-through backward: a compact trace of each backward pass through a graph.

A :class:`BackwardSteps` listens to the engine while a graph is drawn and keeps,
for each backward pass that ran through it, what the engine did node by node,
in its real execution order (no user code is run again to step through it)::

    steps = BackwardSteps(ids, contains=live._contains_node)
    out.backward()
    steps.passes[-1]["steps"][0]["label"]     # 'MeanBackward0'

One step (one node the engine ran) is plain data, ready for the wire::

    {"node": "n3", "label": "MulBackward0", "order": 1,
     "grads": [Grad | None, ...],          # what the node received, one per output
     "grads_before_hooks": {"0": Grad},    # only where a tensor/pre hook changed it
     "edges": [{"source": "n5", "target": "n3", "index": 0, "grad": Grad,
                "before_hooks": Grad}],    # before_hooks: a node hook changed it
     "leaf": {"before": Grad | None, "incoming": Grad, "after": Grad,
              "hooked": bool}}             # AccumulateGrad only

    Grad = {"shape": [2, 2], "dtype": "torch.float32", "value": "tensor([[1.5, ...]])",
            "stats": {"min", "max", "mean", "norm"} | None}

Edges use the ids of the drawn graph (``source`` is the input side, as in
docs/graph-schema.md: the gradient flows from ``target`` to ``source``).

Memory is bounded: at most :data:`MAX_PASSES` passes are kept (the oldest are
dropped) and at most :data:`MAX_STEPS` steps per pass (a pass cut short says so in
``truncated``); no tensor or node is referenced once a pass has ended.  A pass
keeps the gradients' arrays (at most :data:`MAX_HELD_BYTES`) until it is first
read, and then only small previews (summarised beyond :data:`PREVIEW_THRESHOLD`
elements, like ``torch.set_printoptions(threshold=...)``): formatting is the
costly part, and a training loop with a widget on screen runs many passes
between two reads.
Only our own tensors emit these events: a graph of real ``torch`` tensors has
no steps.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

from . import _tensors as T
from .bus import subscribe

#: gradients with more elements than this are previewed summarised (``...``)
PREVIEW_THRESHOLD = 24
#: the backward passes kept per graph (the oldest are dropped)
MAX_PASSES = 8
#: the steps kept per pass (the rest are counted in ``truncated``)
MAX_STEPS = 2000
#: a pass holds its gradients (not copies: the engine makes new ones) until someone
#: reads it, and is summarised then: a training loop that runs many passes between two
#: updates of the widget formats only the passes still kept.  A pass whose gradients
#: weigh more than this is summarised as soon as it ends.
MAX_HELD_BYTES = 8 << 20
#: passes open at once in one thread (nested ones; a pass that raised never ends)
MAX_OPEN = 4

_KINDS = ("backward_start", "node_executed", "grad_accumulated", "backward_end")


def summarize(g, dtype: str | None = None) -> dict | None:
    """The wire ``Grad`` dict of a gradient (a tensor, or a numpy array and its ``dtype``)."""
    if g is None:
        return None
    a = g if isinstance(g, np.ndarray) else T.to_numpy(g)
    return {
        "shape": [int(s) for s in a.shape],
        "dtype": dtype or T.dtype_str(g),
        "value": T.preview(a, threshold=PREVIEW_THRESHOLD),
        "stats": T._stats(a),
    }


class _Held:
    r"""A gradient kept as an array until its pass is read (then :func:`summarize`\ d)."""

    __slots__ = ("a", "dtype")

    def __init__(self, a: np.ndarray, dtype: str) -> None:
        self.a, self.dtype = a, dtype


def _summarize_held(obj):
    """``obj`` (a step, or part of one) with every :class:`_Held` summarised, in place."""
    if isinstance(obj, _Held):
        return summarize(obj.a, obj.dtype)
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, (_Held, dict, list)):
                obj[k] = _summarize_held(v)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            if isinstance(v, (_Held, dict, list)):
                obj[i] = _summarize_held(v)
    return obj


def _changed(before, after) -> bool:
    """Whether a hook changed a gradient: another tensor with other values."""
    if before is after:
        return False
    if before is None or after is None:
        return True
    a, b = T.to_numpy(before), T.to_numpy(after)
    return a.shape != b.shape or a.dtype != b.dtype or not np.array_equal(a, b, equal_nan=True)


def _ref(obj):
    try:
        return weakref.ref(obj)
    except TypeError:  # not weakly referenceable: held
        return lambda obj=obj: obj


class _Pass:
    """One backward pass being recorded.

    The nodes of the steps are weak references until the pass ends, when they
    become the drawing's ids.
    """

    __slots__ = ("thread", "steps", "leaf_in", "cut", "nbytes")

    def __init__(self) -> None:
        self.nbytes = 0
        self.thread = threading.get_ident()
        self.steps: list = []  # (node, [next node per edge], step dict), in execution order
        self.leaf_in: dict = {}  # id(leaf tensor) -> (tensor, incoming after hooks, new .grad)
        self.cut = 0


class BackwardSteps:
    """Record the backward passes that run through one graph, step by step.

    Parameters
    ----------
    ids : IdMap
        The id map of the drawn graph (a :class:`LiveGraph`'s ``ids``): steps name
        nodes by the ids the drawing uses.
    contains : callable, optional
        ``contains(node) -> bool``: whether a node belongs to the graph; passes
        that touch none of its nodes are not kept.  Without it every pass is.
    max_passes : int
        How many passes to keep (the oldest are dropped).
    callback : callable, optional
        Called with no argument after a pass has been recorded.
    """

    def __init__(self, ids, contains=None, max_passes: int = MAX_PASSES, callback=None) -> None:
        self.ids = ids
        self.contains = contains
        self.max_passes = max_passes
        self.callback = callback
        self._passes: list = []
        self.count = 0  # passes recorded since the start (numbers them)
        # thread -> the passes running now in it (a backward inside a hook nests); a pass
        # that failed never ends: at most MAX_OPEN are kept, holding no node
        self._open: dict = {}
        self._sub = None
        self.open()

    # -- listening ----------------------------------------------------------------------
    def open(self) -> None:
        if self._sub is None:
            self._sub = subscribe(self._on_event, _KINDS)

    def close(self) -> None:
        if self._sub is not None:
            self._sub.unsubscribe()
            self._sub = None
        self._open = {}

    @property
    def active(self) -> bool:
        return self._sub is not None and self._sub.active

    def _on_event(self, kind: str, p: dict) -> None:
        stack = self._open.get(threading.get_ident())
        if kind == "backward_start":
            if stack is None:
                stack = self._open[threading.get_ident()] = []
            stack.append(_Pass())
            del stack[:-MAX_OPEN]
            return
        if not stack:
            return
        cur = stack[-1]
        if kind == "node_executed":
            if len(cur.steps) < MAX_STEPS:
                cur.steps.append(self._step(p, cur))
            else:
                cur.cut += 1
        elif kind == "grad_accumulated":  # comes just before its AccumulateGrad's step
            t = p["tensor"]
            cur.leaf_in[id(t)] = (t, p.get("incoming"), p.get("grad"))
        elif kind == "backward_end":
            stack.pop()
            executed = p["executed"]
            contains = self.contains
            if contains is not None and not any(contains(n) for n in reversed(executed)):
                return
            self._keep(cur)

    def current(self):
        """The pass running now in this thread (None outside a pass)."""
        stack = self._open.get(threading.get_ident())
        return stack[-1] if stack else None

    def discard(self, cur) -> None:
        """Forget ``cur``, a pass of this thread that will not end (it failed)."""
        stack = self._open.get(threading.get_ident())
        if stack and stack[-1] is cur:
            stack.pop()

    @property
    def passes(self) -> list:
        """The passes kept, oldest first (the wire format of the module docstring)."""
        for p in self._passes:
            if p.pop("_held", False):
                _summarize_held(p["steps"])
        return self._passes

    # -- turning a pass into data ----------------------------------------------------------
    def _hold(self, cur: _Pass, g, dtype: str | None = None, copy: bool = False):
        if g is None:
            return None
        a = g if isinstance(g, np.ndarray) else T.to_numpy(g)
        if copy:
            a = np.array(a, copy=True)
        cur.nbytes += a.nbytes
        return _Held(a, dtype or T.dtype_str(g))

    def _id(self, node) -> str:
        if T.is_leaf_node(node):
            return self.ids.id_for("leaf", node.variable)
        return self.ids.id_for("fn", node)

    def _keep(self, cur: _Pass) -> None:
        steps = []
        for node, nexts, step in cur.steps:
            # alive: the engine's list of executed nodes (backward_end's payload) holds them
            nid = self._id(node())
            step["node"] = nid
            for e, nxt in zip(step["edges"], nexts):
                e["source"], e["target"] = self._id(nxt()), nid
            steps.append(step)
        self.count += 1
        held = cur.nbytes <= MAX_HELD_BYTES
        if not held:
            _summarize_held(steps)
        self._passes.append({"pass": self.count, "steps": steps, "truncated": cur.cut})
        if held:
            self._passes[-1]["_held"] = True
        del self._passes[: -self.max_passes]
        if self.callback is not None:
            self.callback()

    def _step(self, p: dict, cur: _Pass) -> tuple:
        node = p["node"]
        grads = p["grad_outputs"]
        raw = p.get("grad_outputs_before_hooks", grads)
        step = {
            "node": None,
            "label": T.node_label(node),
            "order": p["order"],
            "grads": [self._hold(cur, g) for g in grads],
        }
        hooked = {
            str(i): self._hold(cur, r)
            for i, (r, g) in enumerate(zip(raw, grads))
            if r is not None and _changed(r, g)
        }
        if hooked:
            step["grads_before_hooks"] = hooked
        outs = p["grad_inputs"]
        raw_outs = p.get("grad_inputs_before_hooks", outs)
        edges, nexts = [], []
        for i, entry in enumerate(T.next_functions(node)):
            nxt = entry[0] if isinstance(entry, tuple) else entry
            g = outs[i] if i < len(outs) else None
            if nxt is None or g is None:
                continue
            e = {"source": None, "target": None, "index": i, "grad": self._hold(cur, g)}
            r = raw_outs[i] if i < len(raw_outs) else None
            if _changed(r, g):
                e["before_hooks"] = self._hold(cur, r)
            edges.append(e)
            nexts.append(_ref(nxt))
        step["edges"] = edges
        if T.is_leaf_node(node):
            leaf = step["leaf"] = self._leaf(node, p, cur, grads)
            if leaf["hooked"]:
                # the leaf's own hooks run inside AccumulateGrad here, before it in PyTorch:
                # what the node received is what they returned, as PyTorch reports it
                step["grads_before_hooks"] = {"0": step["grads"][0]}
                step["grads"] = [leaf["incoming"]]
        return _ref(node), nexts, step

    def _leaf(self, node, p: dict, cur: _Pass, grads) -> dict:
        var = node.variable
        hit = cur.leaf_in.pop(id(var), None)
        if hit is not None and hit[0] is var:
            incoming, after = hit[1], hit[2]
        else:  # nothing was accumulated
            incoming, after = grads[0], None
        return {
            "before": self._hold(cur, p.get("leaf_grad_before"), T.dtype_str(var)),
            "incoming": self._hold(cur, incoming),
            # .grad is added to in place by the next pass: keep it as it is now
            "after": self._hold(cur, after, copy=True),
            "hooked": _changed(grads[0], incoming) if incoming is not None else False,
        }
