"""``torch.cdist``: one ``CdistBackward0`` node, or ATen's matmul-based ``_euclidean_dist``.

ATen (``aten/src/ATen/native/Distance.cpp``) computes p = 2 distances through a matrix
product (``EuclideanDistBackward0``, under a ``ViewBackward0``) when asked to
(``compute_mode="use_mm_for_euclid_dist"``) or, by default, when either operand has
more than 25 rows; every other case is the direct ``_cdist_forward``
(``CdistBackward0``). Both are followed here, with ATen's formulas, so values and
graphs agree with PyTorch.
"""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from ._core import Tensor, grad_state, needs_grad, record, unbroadcast

__all__ = ["cdist", "pdist"]

_make = Tensor._make
_MODES = {
    None: 0,
    "use_mm_for_euclid_dist_if_necessary": 0,
    "use_mm_for_euclid_dist": 1,
    "donot_use_mm_for_euclid_dist": 2,
}


def _pairs(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    """``x1[..., i, :] - x2[..., j, :]`` for every pair of rows: shape (..., r1, r2, c)."""
    return x1[..., :, None, :] - x2[..., None, :, :]


def _cdist_values(x1: np.ndarray, x2: np.ndarray, p: float) -> np.ndarray:
    diff = np.abs(_pairs(x1, x2))
    if p == 0:
        return (diff != 0).sum(-1).astype(x1.dtype)
    if p == 1:
        return diff.sum(-1)
    if p == 2:
        return np.sqrt((diff * diff).sum(-1))
    if p == float("inf"):
        return diff.max(-1) if diff.shape[-1] else diff.sum(-1)
    return (diff**p).sum(-1) ** (1.0 / p)


def _cdist_grad(g: np.ndarray, x1: np.ndarray, x2: np.ndarray, dist: np.ndarray, p: float):
    """ATen's ``_cdist_backward``: the gradient for ``x1`` (rows of ``x2`` summed out)."""
    diff = _pairs(x1, x2)
    g, dist = g[..., None], dist[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        if p == 0:
            each = np.zeros_like(diff)
        elif p == 1:
            each = g * np.sign(diff)
        elif p < 2:
            each = np.sign(diff) * np.abs(diff) ** (p - 1) * g / dist ** (p - 1)
            each = np.where(dist == 0, 0, each)
        elif p == 2:
            each = np.where(dist == 0, 0, g * diff / dist)
        elif p == float("inf"):
            each = g * np.sign(diff) * (np.abs(diff) == dist)
        else:
            each = diff * np.abs(diff) ** (p - 2) * g / dist ** (p - 1)
            each = np.where(dist == 0, 0, each)
    return each.sum(-2).astype(x1.dtype, copy=False)


def _cdist_backward(n, grad):
    x1, x2, res = n.saved("x1"), n.saved("x2"), n.saved("result")
    p, g = n._attrs["p"], grad._data
    a, b, r = x1._data, x2._data, res._data
    nf = n.next_functions
    g1 = g2 = None
    if nf[0][0] is not None:
        g1 = unbroadcast(_make(_cdist_grad(g, a, b, r, p)), a.shape)
    if nf[1][0] is not None:
        t = np.swapaxes
        g2 = unbroadcast(_make(_cdist_grad(t(g, -1, -2), b, a, t(r, -1, -2), p)), b.shape)
    return g1, g2


# NOTE: PyTorch has no double backward for cdist (``_cdist_backward`` is not
# differentiable); the gradients here are plain numpy results too.
CdistBackward0 = node_class(
    "CdistBackward0", _cdist_backward, saved=("x1", "x2", "result"), attrs=("p",)
)


def _euclidean_dist_backward(n, grad):
    """ATen's ``_euclidean_dist_backward``, from differentiable ops (double backward works)."""
    x1, x2, res = n.saved("x1"), n.saved("x2"), n.saved("result")
    ratio = grad / res
    ratio = ratio.masked_fill(res == 0, 0)
    return (
        x1 * ratio.sum(-1, True) - ratio.matmul(x2),
        x2 * ratio.sum(-2, False).unsqueeze(-1) - ratio.mT.matmul(x1),
    )


EuclideanDistBackward0 = node_class(
    "EuclideanDistBackward0", _euclidean_dist_backward, saved=("x1", "x2", "result")
)


def _euclidean_dist(x1: Tensor, x2: Tensor) -> Tensor:
    """``|x1|^2 - 2 x1.x2 + |x2|^2`` through one matmul, clamped at 0, square-rooted."""
    a, b = x1._data, x2._data
    n1 = (a * a).sum(-1, keepdims=True)
    n2 = (b * b).sum(-1, keepdims=True)
    a_ = np.concatenate([a * -2, n1, np.ones_like(n1)], -1)
    b_ = np.concatenate([b, np.ones_like(n2), n2], -1)
    res = np.sqrt(np.maximum(a_ @ np.swapaxes(b_, -1, -2), 0))
    out = _make(res.astype(a.dtype, copy=False))
    if needs_grad(x1, x2):
        record(EuclideanDistBackward0, out, (x1, x2), {"x1": x1, "x2": x2}, None, "result")
    return out


def cdist(x1, x2, p=2.0, compute_mode=None):
    """``torch.cdist``: p-norm distances between the rows of ``x1`` and of ``x2``."""
    if compute_mode not in _MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    d1, d2 = x1._data, x2._data
    if d1.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {d1.ndim}D")
    if d2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X2 got: {d2.ndim}D")
    if d1.shape[-1] != d2.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {d1.shape[-1]} X2: {d2.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    r1, r2 = d1.shape[-2], d2.shape[-2]
    mode = _MODES[compute_mode]
    batch = tuple(np.broadcast_shapes(d1.shape[:-2], d2.shape[:-2]))
    nb = int(np.prod(batch))
    if (
        d1.size
        and d2.size
        and p == 2
        and (mode == 1 or (mode == 0 and (r1 > 25 or r2 > 25)))
        and d1.shape[-1]
    ):
        out_shape = batch + (r1, r2)
        if nb == 1:
            return _euclidean_dist(x1, x2).view(out_shape)
        e1 = x1.expand(batch + d1.shape[-2:]).contiguous().view(nb, r1, d1.shape[-1])
        e2 = x2.expand(batch + d2.shape[-2:]).contiguous().view(nb, r2, d2.shape[-1])
        return _euclidean_dist(e1, e2).view(out_shape)
    res = _cdist_values(d1, d2, float(p))
    out = _make(np.asarray(res, dtype=d1.dtype))
    if needs_grad(x1, x2):
        record(CdistBackward0, out, (x1, x2), {"x1": x1, "x2": x2}, {"p": float(p)}, "result")
    return out


# --- pdist --------------------------------------------------------------------------------------
def _pdist_pairs(n: int):
    """Row indices ``(i, j)``, ``i < j``, in PyTorch's order (row-major upper triangle)."""
    return np.triu_indices(n, 1)


def _pdist_backward(n, grad):
    x, res, p = n.saved("self"), n.saved("result"), n._attrs["p"]
    i, j = _pdist_pairs(x._data.shape[0])
    # ATen's _pdist_backward: cdist's per-pair formula, added to row i and taken from row j.
    g, xd = grad._data, x._data
    each = _cdist_grad(
        g[:, None, None], xd[i][:, None], xd[j][:, None], res._data[:, None, None], p
    )
    each = each[:, 0]
    out = np.zeros_like(xd)
    np.add.at(out, i, each)
    np.subtract.at(out, j, each)
    out = _make(out)
    if grad_state.enabled:  # create_graph: PyTorch has no formula for a second derivative
        record(PdistBackwardBackward0, out, (grad, x, res))
    return out


def _no_pdist_double_backward(n, grad):
    raise NotImplementedError("the derivative for '_pdist_backward' is not implemented.")


PdistBackward0 = node_class(
    "PdistBackward0", _pdist_backward, saved=("self", "result"), attrs=("p",)
)
PdistBackwardBackward0 = node_class("PdistBackwardBackward0", _no_pdist_double_backward)


def pdist(input, p=2):
    """``torch.pdist``: the p-norm distance between every pair of rows (``i < j``)."""
    x = input._data
    if x.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {x.ndim}D")
    if x.dtype.kind != "f":
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    p = float(p)
    i, j = _pdist_pairs(x.shape[0])
    out = _make(np.asarray(_cdist_values(x[i][:, None], x[j][:, None], p)[:, 0, 0], dtype=x.dtype))
    if needs_grad(input):
        record(PdistBackward0, out, (input,), {"self": input}, {"p": p}, "result")
    return out
