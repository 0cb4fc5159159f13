"""Forward-mode AD's substrate: dual levels, tangents, and their propagation through ops.

A dual tensor is an ordinary tensor with a tangent (``make_dual``). While a dual level is
open, a dual tensor that needs no gradient of its own is a *hidden* leaf: it requires grad
internally (``_requires_grad``, so every op records its node and saves what its backward
formula needs, with no change to the ops) but shows ``requires_grad=False`` and no
``grad_fn``, gets no ``.grad``, and cannot start a backward pass, as in PyTorch.

The level listens to ``node_created`` on the event bus. When a recorded node has an input
with a tangent, the output's tangent is computed from the node's own backward formula by
the double-vjp trick: with ``g`` a cotangent that requires grad, ``v(g) = J^T g`` (the
formula, run with a graph) is linear in ``g``, so ``d<v(g), t>/dg = J t``. No op has a
forward formula of its own. Custom ``Function``s use their ``jvp`` staticmethod instead.
An output none of whose inputs really requires grad becomes a hidden leaf in turn (its
node is dropped); otherwise it keeps its ``grad_fn`` and carries the tangent as well.

Leaving the level removes every tangent and turns hidden leaves back into tensors that do
not require grad.
"""

from __future__ import annotations

import weakref

import numpy as np

from . import events
from . import node as _node
from .engine import run_backward
from .grad_mode import state as grad_state

TANGENT = "_fw_tangent"  # Tensor.__dict__ key: (level generation, tangent)
HIDDEN = "_fw_hidden"  # Tensor.__dict__ key: requires grad only for forward AD


class _State:
    level = None  # the open level (0), or None
    generation = 0  # bumped at each enter: a tangent from an older level is stale
    busy = False  # computing a tangent: the formula's own ops propagate nothing
    duals: list = []  # weak references to the tensors given a tangent at this level
    out_tangents: dict = {}  # (node, output_nr) -> tangent of that output, at this level
    jvp_cache = (None, None)  # (node, output tangents) of the last custom Function


state = _State()


def tangent_of(t):
    """``t``'s tangent at the open level, or None."""
    if state.level is None or not t.__dict__:
        return None
    entry = t.__dict__.get(TANGENT)
    if entry is None or entry[0] != state.generation:
        return None
    return entry[1]


def is_hidden(t) -> bool:
    """Whether ``t`` requires grad only because it is a dual tensor (a hidden leaf)."""
    return t._grad_fn is None and bool(t.__dict__) and t.__dict__.get(HIDDEN, False)


def set_tangent(t, tangent, hide: bool) -> None:
    """Give ``t`` a tangent at the open level; ``hide``: make it a hidden leaf."""
    t.__dict__[TANGENT] = (state.generation, tangent)
    if hide:
        t.__dict__[HIDDEN] = True
        t._requires_grad = True
    state.duals.append(weakref.ref(t))


def clear_tangent(t) -> None:
    d = t.__dict__
    d.pop(TANGENT, None)
    if d.pop(HIDDEN, False) and t._grad_fn is None:
        t._requires_grad = False
        t._acc = None


def enter() -> int:
    if state.level is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    state.level = 0
    state.generation += 1
    state.duals = []
    state.out_tangents = {}
    _node.output_tangent = _saved_output_tangent
    events.add_listener(_on_node_created, kinds=("node_created",), strict=True)
    return 0


def _saved_output_tangent(node, output_nr, t) -> None:
    """A node's saved output, unpacked as a new tensor, gets the original's tangent."""
    tangent = state.out_tangents.get((node, output_nr))
    if tangent is not None:
        set_tangent(t, tangent, hide=False)


def exit_level(level) -> None:
    current = -1 if state.level is None else state.level
    if level is None:
        level = current
    if level < 0:
        raise RuntimeError("Dual level must be a positive number.")
    if level != current:
        raise RuntimeError(
            "Trying to exit a forward AD level that was not the last one that was created. "
            "This is not supported."
        )
    events.remove_listener(_on_node_created)
    for ref in state.duals:
        t = ref()
        if t is not None:
            clear_tangent(t)
    state.level = None
    state.duals = []
    state.out_tangents = {}
    _node.output_tangent = None
    state.jvp_cache = (None, None)


class suspended:
    """Run ops without propagating tangents (``unpack_dual``'s primal view)."""

    def __enter__(self):
        self.prev = state.busy
        state.busy = True

    def __exit__(self, *exc):
        state.busy = self.prev


def _zeros(shape, dtype):
    return _node.core.Tensor._make(np.zeros(shape, dtype=dtype))


def _as_tangent(t, like):
    """``t`` with the dtype of ``like`` (a tangent may have another float dtype)."""
    if t._data.dtype != like._data.dtype:
        return _node.core.Tensor._make(t._data.astype(like._data.dtype))
    return t


def _not_implemented(op: str):
    return NotImplementedError(
        f"Trying to use forward AD with {op} that does not support it because it has not "
        "been implemented yet.\nPlease file an issue to PyTorch at "
        "https://github.com/pytorch/pytorch/issues/new?template=feature-request.yml so that we "
        "can prioritize its implementation or submit a PR adding the implementation to "
        "derivatives.yaml"
    )


def _by_double_vjp(node, output, inputs, tangents):
    """The tangent of ``output`` (an output of ``node``) from the node's backward formula."""
    Tensor = _node.core.Tensor
    meta = node._out_meta
    if meta is None:
        meta = [(output._data.shape, output._data.dtype)]
    nr = output._output_nr if node._out_meta is not None else 0
    gs = tuple(None if m is None else Tensor._make(np.zeros(*m), True) for m in meta)
    try:
        grads = node.apply(gs)
    except NotImplementedError as exc:
        if "double backward" not in str(exc):
            raise
        return _by_rows(node, meta, nr, tangents)
    outs, cots = [], []
    for g, t in zip(grads, tangents):
        if t is not None and isinstance(g, Tensor) and g._requires_grad:
            outs.append(g)
            cots.append(_as_tangent(t, g))
    if not outs:
        return _zeros(output._data.shape, output._data.dtype)
    (jt,) = run_backward(outs, cots, False, False, inputs=(gs[nr],), allow_unused=True,
                         accumulate=False)  # fmt: skip
    if jt is None:
        return _zeros(output._data.shape, output._data.dtype)
    return Tensor._make(jt._data)


def _by_rows(node, meta, nr, tangents):
    """The tangent for a formula with no graph of its own (no double backward): ``J t`` one
    element at a time, each the dot product of a row of ``J`` (a vjp with a basis
    cotangent, at numpy speed) with the tangents. One formula call per output element."""
    Tensor = _node.core.Tensor
    shape, dtype = meta[nr]
    out = np.zeros(int(np.prod(shape)), dtype=dtype)
    grads_off = [Tensor._make(np.zeros(s, dtype=d)) for s, d in meta]
    prev = grad_state.enabled
    grad_state.enabled = False
    try:
        for k in range(out.size):
            basis = np.zeros(out.size, dtype=dtype)
            basis[k] = 1
            grads_off[nr] = Tensor._make(basis.reshape(shape))
            row = node.apply(tuple(grads_off))
            out[k] = sum(
                np.vdot(g._data, t._data)
                for g, t in zip(row, tangents)
                if t is not None and isinstance(g, Tensor)
            )
    finally:
        grad_state.enabled = prev
    return Tensor._make(out.reshape(shape))


def _by_function_jvp(node, output, inputs, tangents):
    """The tangent of ``output`` from the custom Function's ``jvp`` staticmethod (called
    once per node, with zeros for a tensor input that has no tangent, None for the rest)."""
    cached_node, result = state.jvp_cache
    if cached_node is not node:
        args = [None] * node._n_args
        for pos, i, t in zip(node._tensor_positions, inputs, tangents):
            args[pos] = t if t is not None else _zeros(i._data.shape, i._data.dtype)
        node._in_jvp = True
        try:
            result = type(node)._forward_cls.jvp(node, *args)
        finally:
            node._in_jvp = False
        if not isinstance(result, tuple):
            result = (result,)
        state.jvp_cache = (node, result)
    t = result[output._output_nr] if output._output_nr < len(result) else None
    if t is None:
        return _zeros(output._data.shape, output._data.dtype)
    # tangents carry no graph here (see _by_double_vjp): the jvp's own ops are not kept
    return _node.core.Tensor._make(t._data) if t._grad_fn is not None else t


def _on_node_created(kind, payload) -> None:
    if state.busy:
        return
    inputs = payload["inputs"]
    tangents = [None if t is None else tangent_of(t) for t in inputs]
    if all(t is None for t in tangents):
        return
    node, output = payload["node"], payload["output"]
    if type(node).__name__ == "NotImplemented":
        raise _not_implemented(node.op)
    state.busy = True
    prev = grad_state.enabled
    grad_state.enabled = True
    try:
        if getattr(type(node), "_forward_cls", None) is not None:
            tangent = _by_function_jvp(node, output, inputs, tangents)
        else:
            tangent = _by_double_vjp(node, output, inputs, tangents)
    finally:
        grad_state.enabled = prev
        state.busy = False
    real = any(t is not None and t._requires_grad and not is_hidden(t) for t in inputs)
    if not real:
        output._grad_fn = None
        output._output_nr = 0
        output._acc = None
    else:
        state.out_tangents[(node, output._output_nr)] = tangent
    set_tangent(output, tangent, hide=not real)
