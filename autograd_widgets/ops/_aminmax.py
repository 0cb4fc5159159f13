"""``aminmax``: the minimum and maximum in one pass, with one two-output ``AminmaxBackward0``.

As for ``amin``/``amax``, each output's gradient is shared equally among the tied
elements that hold the extreme value.
"""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from ._core import Tensor, needs_grad, record_multi
from .reduction import _dims, _evenly, _return_type

_make = Tensor._make

__all__ = ["aminmax"]

# ``Tensor.<name>`` for these names: the function itself (ops/__init__.py attaches them).
TENSOR_METHODS = """
aminmax
""".split()

aminmax_result = _return_type("aminmax", ("min", "max"))


def _aminmax_backward(node, grads):
    """Each of ``min`` and ``max`` spread evenly over the elements that tie for it."""
    x = node.saved("self")
    axes = None if node._attrs["dim"] is None else node.dims
    keepdim = node._attrs["keepdim"]
    total = None
    for g, name in zip(grads, ("min", "max")):
        if g is None:
            continue
        part = _evenly(g, x, node.saved(name), axes, keepdim)
        total = part if total is None else total + part
    return (total,)


AminmaxBackward0 = node_class(
    "AminmaxBackward0",
    _aminmax_backward,
    saved=("max", "min", "self"),
    attrs=("dim", "keepdim"),
    fields=("dims",),
    all_grads=True,
)


def aminmax(input, *, dim=None, keepdim=False):
    """``torch.aminmax``: ``(min, max)`` over ``dim`` (all elements by default)."""
    d = input._data
    if dim is None:
        if d.size == 0:
            raise RuntimeError(
                "aminmax(): cannot compute aminmax over an empty dimension as the operation has "
                "no identity."
            )
        axes, shape = None, (1,) * d.ndim if keepdim else ()
        lo, hi = d.min().reshape(shape), d.max().reshape(shape)
    elif d.ndim == 0:
        _dims(dim, 0)  # (range check only)
        axes, lo, hi = (), d.copy(), d.copy()
    else:
        axes = _dims(dim, d.ndim)
        if d.shape[axes[0]] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {axes[0]} to have non-zero size.")
        lo, hi = d.min(axis=axes, keepdims=keepdim), d.max(axis=axes, keepdims=keepdim)
    result = aminmax_result(_make(np.asarray(lo)), _make(np.asarray(hi)))
    if needs_grad(input):
        saved = {"self": input, "min": result.min, "max": result.max}
        # PyTorch stores the optional int dim unsigned: -1 reads back as 2**64 - 1.
        attrs = {"dim": None if dim is None else dim % 2**64, "keepdim": keepdim}
        dims = axes if axes is not None else tuple(range(d.ndim))
        record_multi(AminmaxBackward0, list(result), (input,), saved, attrs, fields={"dims": dims})
    return result
