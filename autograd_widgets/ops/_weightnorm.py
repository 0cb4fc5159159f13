"""``torch.norm_except_dim`` and ``torch._weight_norm``: the two ops behind weight normalisation.

``w = v * (g / ||v||)``, the norm taken over every dimension but ``dim``. PyTorch computes
it in one fused node, ``WeightNormInterfaceBackward0``, when ``dim`` is the first or the
last dimension, and otherwise as the composite ``v * (g / norm_except_dim(v, 2, dim))``
(``MulBackward0``); both paths are reproduced, so ``module.weight.grad_fn`` reads as
PyTorch's after ``nn.utils.parametrizations.weight_norm``.
"""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from ._core import Tensor, needs_grad, record
from .reduction import _aten_norm, _full_norm
from .shape import transpose

_make = Tensor._make

__all__ = ["norm_except_dim", "_weight_norm"]


def norm_except_dim(v, pow=2, dim=0):  # noqa: A002
    """``torch.norm_except_dim``: the ``pow``-norm over every dimension except ``dim``.

    The result keeps ``v``'s rank (size 1 everywhere but ``dim``); ``dim=-1`` is the norm
    of the whole tensor (a 0-d tensor), as in PyTorch.
    """
    if dim == -1:
        return _full_norm(v, pow)
    ndim = v.dim()
    if dim == 0:
        shape = [v.shape[0]] + [1] * (ndim - 1)
        return _aten_norm(v.contiguous().view(v.shape[0], -1), pow, 1).view(shape)
    if dim == ndim - 1:
        shape = [1] * (ndim - 1) + [v.shape[-1]]
        return _aten_norm(v.contiguous().view(-1, v.shape[-1]), pow, 0).view(shape)
    return transpose(norm_except_dim(transpose(v, 0, dim), pow, 0), 0, dim)


def _weight_norm_backward(node, grad):
    """d(v * g / n): ``grad_g = <grad, v> / n``, ``grad_v = g / n * (grad - v <grad, v> / n^2)``,
    the inner products summed over every dimension but ``dim``."""
    v, g, norms = node.saved("v"), node.saved("g"), node.saved("result1")
    axes = tuple(i for i in range(v.dim()) if i != node._attrs["dim"])
    inner = (grad * v).sum(axes, keepdim=True) if axes else grad * v
    grad_v = (g.view(norms.shape) / norms) * (grad - v * (inner / (norms * norms)))
    return grad_v, (inner / norms).view(g.shape)


# (``result1``: the norms, the fused op's second output)
WeightNormInterfaceBackward0 = node_class(
    "WeightNormInterfaceBackward0",
    _weight_norm_backward,
    saved=("v", "g", "result1"),
    attrs=("dim",),
)


def _weight_norm(v, g, dim=0):
    """``torch._weight_norm(v, g, dim)``: ``v * (g / norm_except_dim(v, 2, dim))``."""
    if dim != 0 and dim != v.dim() - 1:
        return v * (g / norm_except_dim(v, 2, dim))
    vd = v._data
    axes = tuple(i for i in range(vd.ndim) if i != dim)
    norms = np.sqrt(np.sum(vd * vd, axis=axes, keepdims=True)) if axes else np.abs(vd)
    gd = g._data.reshape(norms.shape)
    out = _make(np.asarray(vd * (gd / norms), dtype=vd.dtype))
    if needs_grad(v, g):
        result1 = _make(norms.astype(vd.dtype, copy=False))
        saved = {"v": v, "g": g, "result1": result1}
        record(WeightNormInterfaceBackward0, out, (v, g), saved, {"dim": dim})
    return out
