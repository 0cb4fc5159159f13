"""``nansum`` and ``nanmean``: sums and means that skip NaN, as ``torch.nansum``/``nanmean``.

``nansum`` is one ``NansumBackward0`` node whose gradient is zero where the input
was NaN; ``nanmean`` is composed as PyTorch composes it, ``nansum / count`` (a
``DivBackward0`` over the ``NansumBackward0``).
"""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from ._core import Tensor, needs_grad, record, scalar_type_name
from .reduction import _dim_attr, _dims, _expand_back, _grad_dtype, _ordered_sum, _sum_dtype

_make = Tensor._make

__all__ = ["nansum", "nanmean"]

# ``Tensor.<name>`` for these names: the function itself (ops/__init__.py attaches them).
TENSOR_METHODS = """
nansum nanmean
""".split()


def _nansum_backward(node, grad):
    x = node.saved("self")
    a = node._attrs
    kept = _make(~np.isnan(x._data)).to(grad.dtype)
    return _expand_back(grad, x._data.shape, node.dims, a["keepdim"]) * kept


NansumBackward0 = node_class(
    "NansumBackward0",
    _nansum_backward,
    saved=("self",),
    attrs=("dim", "keepdim"),
    fields=("dims",),
)


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """``torch.nansum``: the sum over ``dim`` (all dims by default), NaN counted as 0."""
    d = input._data
    dt = _sum_dtype(d, dtype)
    _grad_dtype(input, dt)
    axes = _dims(dim, d.ndim)
    zeroed = np.where(np.isnan(d), d.dtype.type(0), d) if d.dtype.kind == "f" else d
    out = _make(_ordered_sum(zeroed, axes, keepdim if dim is not None else False, dt))
    if needs_grad(input):
        dims = None if dim is None else _dim_attr(dim, d.ndim)
        record(
            NansumBackward0,
            out,
            (input,),
            {"self": input},
            {"dim": dims, "keepdim": keepdim},
            fields={"dims": axes},
        )
    return out


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """``torch.nanmean``: the mean of the non-NaN elements over ``dim``."""
    if input._data.dtype.kind != "f":
        raise RuntimeError(
            "nanmean(): expected input to have floating point or complex dtype but got "
            f"{scalar_type_name(input._data.dtype)}"
        )
    counted = _make(~np.isnan(input._data)).sum(dim, keepdim=keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / counted
