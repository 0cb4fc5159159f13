"""Machinery shared by every op: recording a node, broadcasting, type promotion.

An op computes its result with numpy, then — only when grad mode is on and an
input requires grad — calls :func:`record` to attach a ``grad_fn``. Backward
formulas are written with Tensor ops, so they are themselves differentiable
(``create_graph=True``) and run at numpy speed under no_grad otherwise.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from .._out import write_out
from ..autograd import events
from ..autograd.anomaly_mode import anomaly, capture_trace
from ..autograd.grad_mode import state as grad_state
from ..autograd.node import (
    Node,
    SavedTensor,
    bind_core,
    new_node,
    saved_hooks,
    saved_input,
    undeclared,
)
from ..core import _dtype
from ..core._dtype import (
    _FLOAT,
    _INT,
    check_result_cast,
    checked_int,
    from_numpy_dtype,
    get_default_dtype,
    not_implemented_for,
    promote_types,
    scalar_like,
    scalar_type_name,
    wrap_int,
)
from ..core.tensor import Tensor, WrappedNumber, _wrap_dim
from ._shown import torch_int
from ._sum_order import torch_sum

_make = Tensor._make

__all__ = [
    "Tensor",
    "Node",
    "record",
    "record_multi",
    "needs_grad",
    "unbroadcast",
    "to_tensor",
    "binary_operands",
    "wrap_dim",
    "grad_state",
    "no_grad_event",
    "write_out",
    # core helpers the families take from here (they live below the ops, in _dtype/_out)
    "check_result_cast",
    "checked_int",
    "not_implemented_for",
    "scalar_type_name",
]

# ``Tensor.<name>`` where it differs from ``torch.<name>`` (the method takes no ``out=``, or
# only a Tensor ``other``). The families fill it; ops/__init__.py attaches it.
METHODS: dict = {}

wrap_dim = _wrap_dim


def edge(t):
    """The ``next_functions`` entry for input ``t``."""
    if t is None:
        return (None, 0)
    fn = t._grad_fn
    if fn is not None:
        return (fn, t._output_nr)
    if t._requires_grad:
        return (t._grad_accumulator(), 0)
    return (None, 0)


def needs_grad(*ts) -> bool:
    """True when the op must build a node: grad mode on and an input requires grad.

    With grad mode off it is also True when a recorder hears ``op_no_grad`` (and the op
    has a tensor input): the op then calls :func:`record` as usual, and ``record`` emits
    the ghost event with the node's name instead of building the node. Under no_grad no
    input requires grad once it went through a ghost (``h = x.abs(); h.max()``), so every
    tensor input counts; the recorder keeps the events whose inputs it draws. So every op
    that records reports its no-grad runs from this one place; with nobody listening the
    extra cost is one falsy check, and only under no_grad.
    """
    if not grad_state.enabled:
        if events.listeners and events.hears("op_no_grad"):
            for t in ts:
                if t is not None:
                    return True
        return False
    for t in ts:
        if t is not None and t._requires_grad:
            return True
    return False


def record(
    cls,
    out: Tensor,
    inputs: tuple,
    saved=None,
    attrs=None,
    output_saved=None,
    fields=None,
    shown=None,
    extra=None,
) -> Tensor:
    """Make ``out`` the output of a new ``cls`` node whose inputs are ``inputs``.

    ``saved`` maps names to input tensors (kept with their version) or plain values;
    ``output_saved`` names the saved output (``result``) if the formula uses it; ``fields``
    fills the node's internal fields. Every name must be one ``cls`` declares
    (``node_class(saved=..., attrs=..., fields=...)``). ``shown`` gives ``_saved_<name>``
    values as the user wrote them (see ``_shown``); ``extra`` other per-node data. The node
    is complete before ``node_created`` is emitted. With grad mode off (see
    :func:`needs_grad`) it builds nothing and emits ``op_no_grad`` instead.
    """
    if not grad_state.enabled:
        no_grad_event(cls.__name__, out, inputs)
        return out
    if saved is not None:
        # In name order: saved-tensor pack hooks run in PyTorch's order (its saved fields are sorted).
        for k in sorted(saved) if saved_hooks else saved:
            v = saved[k]
            if isinstance(v, Tensor):
                saved[k] = saved_input(v)
    edges = []
    for t in inputs:  # edge(t), inlined: this runs for every input of every recorded op
        fn = None if t is None else t._grad_fn
        if fn is not None:
            edges.append((fn, t._output_nr))
        elif t is not None and t._requires_grad:
            edges.append((t._grad_accumulator(), 0))
        else:
            edges.append((None, 0))
    node = new_node(cls, tuple(edges), saved, attrs)
    if fields is not None:
        set_fields(node, fields)
    if shown is not None:
        node._x()["shown"] = {k: torch_int(v) for k, v in shown.items()}
    if extra is not None:
        node._x().update(extra)
    out._grad_fn = node
    out._requires_grad = True
    if output_saved is not None:
        if output_saved not in cls._declared_saved:
            undeclared(cls, "saved", (output_saved,))
        if node._saved is None:
            node._saved = {}
        node._saved[output_saved] = SavedTensor(out, is_output=True)
    if anomaly.enabled:
        node._x()["trace"] = capture_trace()
    if events.listeners:
        events.emit("node_created", node=node, output=out, inputs=inputs)
    return out


def record_multi(
    cls, outs: list, inputs: tuple, saved=None, attrs=None, fields=None, shown=None, extra=None
):
    """Like :func:`record` for ops with several differentiable outputs (split, unbind).

    An entry of ``outs`` may be ``None``: an output the op did not compute (a double
    backward node's gradient nobody asked for); the others keep their positions.
    """
    if not grad_state.enabled:  # a recorder listens (needs_grad): one ghost per output
        for o in outs:
            if o is not None:
                no_grad_event(cls.__name__, o, inputs)
        return outs
    if saved is not None:
        for k, v in saved.items():
            if isinstance(v, Tensor):
                saved[k] = saved_input(v)
    node = new_node(cls, tuple([edge(t) for t in inputs]), saved, attrs)
    if fields is not None:
        set_fields(node, fields)
    if shown is not None:
        node._x()["shown"] = {k: torch_int(v) for k, v in shown.items()}
    if extra is not None:
        node._x().update(extra)
    node._out_meta = [None if o is None else (o._data.shape, o._data.dtype) for o in outs]
    for i, o in enumerate(outs):
        if o is None:
            continue
        o._grad_fn = node
        o._output_nr = i
        o._requires_grad = True
    if anomaly.enabled:
        node._x()["trace"] = capture_trace()
    if events.listeners:
        for o in outs:
            if o is not None:
                events.emit("node_created", node=node, output=o, inputs=inputs)
    return outs


def set_fields(node, fields: dict) -> None:
    """Fill ``node``'s declared internal fields (see ``node_class(fields=...)``)."""
    if not fields.keys() <= type(node)._declared_fields:
        undeclared(type(node), "fields", fields)
    for k, v in fields.items():
        setattr(node, k, v)


def no_grad_event(name: str, out, inputs) -> None:
    """Tell recorders an op ran without building a node (grad mode off)."""
    events.emit("op_no_grad", name=name, output=out, inputs=inputs)


def unbroadcast(grad: Tensor, shape) -> Tensor:
    """Sum ``grad`` down to ``shape``: the one place broadcasting is undone."""
    gshape = grad._data.shape
    if gshape == shape:
        return grad
    nd = len(gshape) - len(shape)
    axes = tuple(range(nd)) + tuple(
        i + nd for i, s in enumerate(shape) if s == 1 and gshape[i + nd] != 1
    )
    if axes:
        grad = (
            grad.sum(axes, keepdim=True)
            if grad._requires_grad
            else _make(_sum_to(grad._data, axes))
        )
    if grad._data.shape != tuple(shape):
        grad = (
            grad.reshape(tuple(shape)) if grad._requires_grad else _make(grad._data.reshape(shape))
        )
    return grad


# The engine sums a broadcast gradient back to a leaf's shape with it (``accumulate_grad``).
bind_core(sum_to=unbroadcast)


def _sum_to(d: np.ndarray, axes) -> np.ndarray:
    """``d.sum(axis=axes, keepdims=True)`` in PyTorch's float order (its ``sum_to``)."""
    if d.dtype.kind == "f":
        r = torch_sum(d, axes, True)
        if r is not None:
            return r
        return np.add(d.sum(axis=axes, keepdims=True), d.dtype.type(0))  # (+0., as torch_sum)
    return d.sum(axis=axes, keepdims=True)


def to_tensor(x, dtype=None) -> Tensor:
    if isinstance(x, Tensor):
        return x
    if dtype is None and isinstance(x, float):
        dtype = get_default_dtype()
    arr = np.asarray(x, dtype=dtype.np if dtype is not None else None)
    if arr.dtype == np.float64 and dtype is None and not isinstance(x, np.ndarray):
        arr = arr.astype(get_default_dtype().np)
    return _make(arr)


def _kind(np_dtype) -> int:
    k = np_dtype.kind
    return _FLOAT if k == "f" else (_INT if k in "iu" else 0)


def binary_operands(a, b):
    """Return ``(a_data, b_data_or_scalar, result_np_dtype)`` with PyTorch's promotion.

    ``a`` is a Tensor; ``b`` a Tensor or a Python number.
    """
    ad = a._data
    if isinstance(b, Tensor):
        bd = b._data
        if ad.dtype == bd.dtype:
            return ad, bd, ad.dtype
        if type(a) is WrappedNumber and type(b) is not WrappedNumber:
            # ``2.5 % t``: the number on the left still promotes as a number.
            bd, s, dt = binary_operands(b, ad.item())
            return np.asarray(s, dtype=dt), bd, dt
        if type(b) is WrappedNumber:
            return binary_operands(a, bd.item())
        dt = _dtype.result_type(
            ((ad.ndim, from_numpy_dtype(ad.dtype)), (bd.ndim, from_numpy_dtype(bd.dtype)))
        ).np
        return ad.astype(dt, copy=False), bd.astype(dt, copy=False), dt
    if isinstance(b, np.ndarray):
        return binary_operands(a, _make(b))
    # Python scalar: its category only matters if higher than the tensor's.
    if isinstance(b, (bool, np.bool_)):
        sk = 0
    elif isinstance(b, (int, np.integer)):
        sk = _INT
    elif isinstance(b, (float, np.floating)):
        sk = _FLOAT
    else:
        raise TypeError(f"unsupported operand type: '{type(b).__name__}'")
    tk = _kind(ad.dtype)
    if sk > tk:
        dt = (np.dtype(np.int64), get_default_dtype().np)[sk - 1]
        return ad.astype(dt), scalar_like(b, dt), dt
    if sk == _INT:
        b = wrap_int(b, ad.dtype)
    return ad, scalar_like(b, ad.dtype), ad.dtype


def promote(*tensors) -> np.dtype:
    dt = None
    for t in tensors:
        d = from_numpy_dtype(t._data.dtype)
        dt = d if dt is None else promote_types(dt, d)
    return dt.np


def check_broadcast_all(*shapes) -> None:
    """``check_broadcast`` over several operands, as TensorIterator meets them: each shape
    against the broadcast of the ones before it (``where``, ``clamp``)."""
    acc = shapes[0]
    for s in shapes[1:]:
        if s != acc:
            check_broadcast(acc, s)
            acc = np.broadcast_shapes(acc, s)


def check_broadcast(ashape, bshape) -> None:
    """Raise PyTorch's error when two shapes do not broadcast."""
    na, nb = len(ashape), len(bshape)
    for i in range(1, min(na, nb) + 1):
        x, y = ashape[-i], bshape[-i]
        if x != y and x != 1 and y != 1:
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {max(na, nb) - i}"
            )


def float_result(arr: np.ndarray) -> np.ndarray:
    """Integer inputs to a floating op give the default float dtype, as in PyTorch."""
    if arr.dtype.kind != "f":
        return arr.astype(get_default_dtype().np)
    return arr


def same_grad(node, grad) -> Tensor:
    """The derivative of an op whose output moves one-for-one with its input: ``grad``."""
    return grad


def zero_grad(node, grad) -> Tensor:
    """The derivative of a piecewise-constant op: PyTorch's ``zeros_like(grad)``.

    Fresh zeros with no history, ``+0.`` even where ``grad`` is negative (``grad * 0``
    would print ``-0.``).
    """
    return _make(np.zeros_like(grad._data))


def as_float_input(t: Tensor) -> np.ndarray:
    d = t._data
    if d.dtype.kind != "f":
        return d.astype(get_default_dtype().np)
    return d


# PyTorch's ``torch.return_types.max`` etc.: namedtuples named after the op.
def return_type(name, fields=("values", "indices")):
    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"torch.return_types.{name}(\n{body})"

    cls = type(name, (namedtuple(name, fields),), {"__slots__": (), "__repr__": __repr__})
    cls.__module__ = "torch.return_types"
    return cls


def parser_got(args, kwargs) -> str:
    """The ``got (...)`` part of PyTorch's "invalid combination of arguments" message."""
    got = [type(a).__name__ for a in args] + [f"{k}={type(v).__name__}" for k, v in kwargs.items()]
    return ", ".join(got) + (", " if kwargs and not args else "")  # the parser's own format
