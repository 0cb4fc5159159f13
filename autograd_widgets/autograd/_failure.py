"""What went wrong in a failed backward, as plain data (the ``backward_error`` event).

The engine calls :func:`at_roots` or :func:`at_node` only when a backward has just
raised and someone listens for ``backward_error``; the exception itself goes on to
the user untouched. The reason is read from the state the engine left behind (a saved
tensor whose version moved on, a node whose saved tensors are gone, the shapes of an
output and its ``gradient``), not from the message text; where only the message can
tell (a NaN found by anomaly mode), the message is compared with the exact text the
engine would have written for that node.

``reason`` (``kind`` is the event's own name):

``inplace``     a tensor saved for backward was modified in place since
                (``saved``: one entry per stale saved tensor)
``freed``       the node's saved tensors were freed by an earlier backward
``non_scalar``  an output with more than one element and no ``gradient``
``no_grad``     an output that does not require grad (no ``grad_fn``)
``grad_shape``  a ``gradient`` whose shape is not the output's
``nan``         anomaly mode found NaN in what the node returned (``output_nr``)
``other``       anything else (a hook or a custom Function that raised, ...)
"""

from __future__ import annotations

import warnings

from . import events
from .anomaly_mode import anomaly
from .node import FREED_MESSAGE, SavedTensor, as_saved, core


def report(classify, exc: BaseException, *where) -> None:
    """Emit ``backward_error`` with ``classify(exc, *where)``; never raises (the user
    must get the engine's own exception, whatever happens here)."""
    try:
        info = classify(exc, *where)
    except Exception as bug:  # noqa: BLE001
        warnings.warn(
            f"autograd_widgets: could not classify a failed backward: {bug!r}",
            RuntimeWarning,
            stacklevel=3,
        )
        return
    events.emit("backward_error", **info)


def _shape(t) -> list:
    return list(t._data.shape)


def at_roots(exc: BaseException, tensors, grad_tensors) -> dict:
    """Classify an error raised while the outputs and their gradients were checked."""
    info = {"reason": "other", "error": type(exc).__name__, "message": str(exc)}
    Tensor = core.Tensor
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            return info
        g = grad_tensors[i] if grad_tensors is not None and i < len(grad_tensors) else None
        base = {"tensor": t, "index": i, "shape": _shape(t)}
        if not t._requires_grad:
            return {**info, **base, "reason": "no_grad"}
        if g is None and t._data.size != 1:
            return {**info, **base, "reason": "non_scalar"}
        if isinstance(g, Tensor) and g._data.shape != t._data.shape:
            return {**info, **base, "reason": "grad_shape", "grad_shape": _shape(g)}
    return info


def _saved_entries(node):
    """``(attr, index, SavedTensor)`` for every tensor ``node`` saved, as the graph names
    them: ``_saved_<name>`` (``index`` for tuples), ``saved_tensors`` for custom Functions."""
    for name, value in (node._saved or {}).items():
        attr = "saved_tensors" if name == "__ctx__" else "_saved_" + name
        if isinstance(value, SavedTensor):
            yield attr, None, value
        elif isinstance(value, core.Tensor):  # a bare saved input (node.saved_input)
            yield attr, None, as_saved(value)
        elif isinstance(value, (tuple, list)):
            for i, v in enumerate(value):
                if isinstance(v, SavedTensor):
                    yield attr, i, v


def nan_message(node, i: int) -> str:
    """What ``engine._check_nan`` says when output ``i`` of ``node`` holds NaN."""
    return f"Function '{node.name()}' returned nan values in its {i}th output."


def at_node(exc: BaseException, node) -> dict:
    """Classify an error raised while ``node`` ran in the backward loop."""
    message = str(exc)
    info = {"reason": "other", "error": type(exc).__name__, "message": message, "node": node}
    if node is None:
        return info
    if node._saved is None:
        if message == FREED_MESSAGE:
            info["reason"] = "freed"
        return info
    stale = []
    for attr, index, s in _saved_entries(node):
        if s.hooks is None and s.counter.v != s.version:
            data = s.tensor._data if s.tensor is not None else s.data
            stale.append(
                {
                    "attr": attr,
                    "index": index,
                    "saved_version": s.version,
                    "version": s.counter.v,
                    "shape": list(data.shape),
                    "counter": s.counter,  # the graph layer finds the op that bumped it by this
                    "tensor": s.tensor,  # an input saved by reference (None: the node's output)
                }
            )
    if stale and message.startswith("one of the variables needed for gradient computation"):
        info["reason"] = "inplace"
        info["saved"] = stale
        return info
    if anomaly.enabled and anomaly.check_nan:
        for i in range(max(1, len(node.next_functions))):
            if message == nan_message(node, i):
                info["reason"] = "nan"
                info["output_nr"] = i
                break
    return info
