"""In-place forms whose node or checks differ from "the out-of-place op, written back".

* comparisons (``eq_``, ``lt_``, ...): the bool result is written as ``self``'s dtype, and
  PyTorch records ``EqBackward0`` (number ``other``) or ``EqBackward1`` (Tensor ``other``),
  whose gradients are zeros;
* ``cumsum_``/``cumprod_``: ``dtype=`` must be ``self``'s own dtype;
* ``float_power_``: ``self`` must already be double; ``ldexp_``: floating;
* ``floor_divide_``/``heaviside_``/``scatter_(reduce=)``: PyTorch's ``NotImplemented`` node names the in-place op;
* ``asinh_``/``acosh_``/``atanh_``: ``AsinhBackward1`` & co., which raise in backward.
"""

from __future__ import annotations

import numpy as np

from ..core._dtype import as_dtype
from ..core._random import _CPP_NAMES
from . import indexing, pointwise, reduction, selection
from ._core import Tensor, needs_grad, record, scalar_type_name, zero_grad
from .inplace import apply_inplace, node_class

_make = Tensor._make


def _zero_pair(node, grad):
    """Zeros for ``self``; zeros shaped like ``other`` when it takes a gradient."""
    other = node.next_functions[1][0] is not None
    return zero_grad(node, grad), (
        _make(np.zeros(node.other_shape, grad._data.dtype)) if other else None
    )


_COMPARE_NODES = {}
for _op in ("eq", "ne", "lt", "le", "gt", "ge"):
    _cap = _op.capitalize()
    _COMPARE_NODES[_op] = (
        node_class(f"{_cap}Backward0", zero_grad),
        node_class(f"{_cap}Backward1", _zero_pair, fields=("other_shape",)),
    )


def _compare_inplace(name, op):
    fn = getattr(pointwise, op)
    scalar_cls, tensor_cls = _COMPARE_NODES[op]

    def method(self, other):
        def compute(t):
            out = _make(fn(t, other)._data.astype(t._data.dtype))
            if isinstance(other, Tensor):
                if needs_grad(t, other):
                    record(tensor_cls, out, (t, other), fields={"other_shape": other._data.shape})
            elif needs_grad(t):
                record(scalar_cls, out, (t,))
            return out

        return apply_inplace(self, compute, (other,))

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``Tensor.{name}``: ``{op}`` written into ``self`` as its own dtype."
    return method


def _cumulative_inplace(name, fn):
    def method(self, dim, *, dtype=None):
        if dtype is not None and as_dtype(dtype).np != self._data.dtype:
            raise RuntimeError(
                f"Bad in-place call: input tensor dtype {c_name(self._data.dtype)} and output "
                f"tensor dtype {c_name(as_dtype(dtype).np)} should match"
            )
        return apply_inplace(self, lambda t: fn(t, dim, dtype=dtype))

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``Tensor.{name}``: ``{name[:-1]}`` along ``dim``, in place."
    return method


def c_name(dt) -> str:
    """ATen's ``toString`` of a dtype in its "Bad in-place call" message (``long int``)."""
    return _CPP_NAMES[np.dtype(dt).name]


def float_power_(self, exponent):
    """``Tensor.float_power_``: ``self`` must already be double (the result's dtype)."""
    if self._data.dtype != np.float64:
        raise RuntimeError(
            f"the base given to float_power_ has dtype {scalar_type_name(self._data.dtype)} but the operation's result "
            "requires dtype Double"
        )
    return apply_inplace(self, lambda t: pointwise.float_power(t, exponent), (exponent,))


def ldexp_(self, other):
    """``Tensor.ldexp_``: ``self * 2**other`` in place; the result is floating, so ``self``
    must be."""
    if self._data.dtype.kind != "f":
        raise RuntimeError(
            f"ldexp can't be cast to the desired output type {scalar_type_name(self._data.dtype)}"
        )
    return apply_inplace(self, lambda t: pointwise.ldexp(t, other), (other,))


def _inverse_hyperbolic_backward(node, grad):
    raise NotImplementedError(
        f"the derivative for 'inplace version of {node.op}' is not implemented."
    )


# PyTorch has no derivative for asinh_/acosh_/atanh_: their node raises in backward.
_INVERSE_HYPERBOLIC = {
    op: node_class(f"{op.capitalize()}Backward1", _inverse_hyperbolic_backward, fields=("op",))
    for op in ("asinh", "acosh", "atanh")
}


def _inverse_hyperbolic_inplace(name, op):
    fn = getattr(pointwise, op)

    def method(self):
        def compute(t):
            out = _make(fn(t.detach())._data)
            if needs_grad(t):
                record(_INVERSE_HYPERBOLIC[op], out, (t,), fields={"op": op})
            return out

        return apply_inplace(self, compute)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``Tensor.{name}``: ``{op}`` in place (no derivative, as PyTorch)."
    return method


def _not_implemented_inplace(self, name, fn, *args, **kwargs):
    """An in-place op without a derivative: PyTorch's node then names ``aten::<name>``."""

    def compute(t):
        out = fn(t, *args, **kwargs)
        if isinstance(out._grad_fn, pointwise.NotImplemented_):
            out._grad_fn.op = name
        return out

    return apply_inplace(self, compute, args + tuple(kwargs.values()))


def floor_divide_(self, other):
    """``Tensor.floor_divide_`` (no derivative, as PyTorch)."""
    return _not_implemented_inplace(self, "floor_divide_", pointwise.floor_divide, other)


def heaviside_(self, values):
    """``Tensor.heaviside_`` (no derivative, as PyTorch)."""
    return _not_implemented_inplace(self, "heaviside_", selection.heaviside, values)


def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
    """``Tensor.scatter_`` (with ``reduce``: no derivative, as PyTorch)."""
    return _not_implemented_inplace(
        self, "scatter_", indexing.scatter, dim, index, src, value=value, reduce=reduce
    )


INPLACE = {
    **{
        name: _compare_inplace(name, op)
        for name, op in (
            ("eq_", "eq"),
            ("ne_", "ne"),
            ("lt_", "lt"),
            ("le_", "le"),
            ("gt_", "gt"),
            ("ge_", "ge"),
            ("greater_", "gt"),
            ("greater_equal_", "ge"),
            ("less_", "lt"),
            ("less_equal_", "le"),
            ("not_equal_", "ne"),
        )
    },
    **{
        name: _inverse_hyperbolic_inplace(name, op)
        for name, op in (
            ("asinh_", "asinh"),
            ("acosh_", "acosh"),
            ("atanh_", "atanh"),
            ("arcsinh_", "asinh"),
            ("arccosh_", "acosh"),
            ("arctanh_", "atanh"),
        )
    },
    "cumsum_": _cumulative_inplace("cumsum_", reduction.cumsum),
    "cumprod_": _cumulative_inplace("cumprod_", reduction.cumprod),
    "float_power_": float_power_,
    "ldexp_": ldexp_,
    "floor_divide_": floor_divide_,
    "heaviside_": heaviside_,
    "scatter_": scatter_,
}
