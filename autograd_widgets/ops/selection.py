"""Selecting and counting: topk, median, kthvalue, mode, unique, searchsorted, isin.

Histograms and ``bincount`` live in :mod:`._histogram`.

The differentiable ones (``topk``, ``median``, ``kthvalue``) route the gradient back to the
selected positions, with PyTorch's ``grad_fn`` names; the counting ones return integer
tensors and take no part in autograd.
"""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from . import _topk_order
from ._core import Tensor, needs_grad, record, wrap_dim
from .indexing import scatter
from .pointwise import NotImplemented_
from .reduction import _return_type

_make = Tensor._make

__all__ = [
    "topk",
    "kthvalue",
    "median",
    "nanmedian",
    "mode",
    "unique",
    "unique_consecutive",
    "searchsorted",
    "bucketize",
    "isin",
    "heaviside",
]

# ``Tensor.<name>`` for these names: the function itself (ops/__init__.py attaches them).
TENSOR_METHODS = """
topk kthvalue median nanmedian mode unique unique_consecutive heaviside
""".split()

_TOPK = _return_type("topk")
_KTHVALUE = _return_type("kthvalue")
_MEDIAN = _return_type("median")
_MODE = _return_type("mode")


def _scatter_back(n, grad):
    """Gradient of a selection along ``dim``: ``grad`` goes back to the chosen indices."""
    a = n._attrs
    dim, shape = a["dim"], a["self_sym_sizes"]
    idx = n.saved("indices")
    if not a.get("keepdim", True):
        grad = grad.unsqueeze(dim)
        idx = idx.unsqueeze(dim)

    zeros = _make(np.zeros(shape, dtype=grad._data.dtype))
    return scatter(zeros, dim, idx, grad)


TopkBackward0 = node_class(
    "TopkBackward0", _scatter_back, saved=("indices",), attrs=("dim", "self_sym_sizes")
)
KthvalueBackward0 = node_class(
    "KthvalueBackward0",
    _scatter_back,
    saved=("indices",),
    attrs=("dim", "keepdim", "self_sym_sizes"),
)
MedianBackward1 = node_class(
    "MedianBackward1",
    _scatter_back,
    saved=("indices",),
    attrs=("dim", "keepdim", "self_sym_sizes"),
)


def _median_all_backward(n, grad):
    # PyTorch spreads the gradient evenly over every element equal to the median.
    self, result = n.saved("self"), n.saved("result")
    mask = (self == result).to(grad.dtype)
    return mask * (grad / mask.sum())


MedianBackward0 = node_class("MedianBackward0", _median_all_backward, saved=("self", "result"))


def _order(d, axis, descending):
    """Stable argsort along ``axis``; NaN counts as the largest value, as in PyTorch."""
    if not descending:
        return np.argsort(d, axis=axis, kind="stable")
    if d.dtype.kind == "b":
        key = ~d
    elif d.dtype.kind == "f":
        key = np.where(np.isnan(d), -np.inf, -d)
    else:
        key = -d.astype(np.int64)
    return np.argsort(key, axis=axis, kind="stable")


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):  # noqa: A002
    """``torch.topk``: the ``k`` largest (or smallest) elements along ``dim``."""
    d = input._data
    nd = d.ndim
    raw, dim = dim, wrap_dim(dim, nd or 1)
    axis = dim if nd else None
    size = d.shape[dim] if nd else 1
    if k < 0 or k > size:
        raise RuntimeError("selected index k out of range")
    if d.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    if nd == 0:
        idx = np.zeros((), dtype=np.int64)
        vals = d.copy()
    else:
        idx = _topk_indices(d, axis, k, largest, sorted)
        vals = np.take_along_axis(d, idx, axis=axis)
    values, indices = _make(vals), _make(idx)
    if needs_grad(input):
        record(
            TopkBackward0,
            values,
            (input,),
            {"indices": indices},
            {"dim": dim, "self_sym_sizes": d.shape},
            shown={"dim": raw} if raw < 0 else None,
        )
    return _TOPK(values, indices)


def _topk_indices(d, axis, k, largest, sorted_):  # noqa: A002
    """Each row's top ``k`` indices, tied values in ATen's order (``_topk_order``)."""
    rows = np.moveaxis(d, axis, -1)
    shape = rows.shape
    rows = rows.reshape(-1, shape[-1])
    order = _order(rows, 1, largest)
    idx = order[:, :k].astype(np.int64)
    if k and rows.shape[0]:
        # ATen's std::nth_element leaves an unsorted result in its own order; ties likewise
        redo = (
            np.ones(rows.shape[0], dtype=bool)
            if not sorted_
            else _topk_order.needs_aten_order(rows, order, k)
        )
        for r in np.flatnonzero(redo):
            idx[r] = _topk_order.row_order(rows[r].tolist(), k, largest, sorted_)
    return np.moveaxis(idx.reshape(shape[:-1] + (k,)), -1, axis)


def _kth(d, k, axis):
    order = np.argsort(d, axis=axis, kind="stable")
    return np.take(order, [k], axis=axis).astype(np.int64)


def kthvalue(input, k, dim=-1, keepdim=False):
    """``torch.kthvalue``: the ``k``-th smallest element along ``dim`` (1-based)."""
    d = input._data
    dim = wrap_dim(dim, d.ndim or 1)
    size = d.shape[dim] if d.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    return _select(
        input, _kth(d, k - 1, dim) if d.ndim else None, dim, keepdim, KthvalueBackward0, _KTHVALUE
    )


def _select(input, idx, dim, keepdim, cls, rtype):
    d = input._data
    if d.ndim == 0:
        values, indices = _make(d.copy()), _make(np.zeros((), dtype=np.int64))
    else:
        vals = np.take_along_axis(d, idx, axis=dim)
        if not keepdim:
            vals, idx = vals.squeeze(dim), idx.squeeze(dim)
        values, indices = _make(vals), _make(idx)
    if needs_grad(input):
        record(
            cls,
            values,
            (input,),
            {"indices": indices},
            {"dim": dim, "keepdim": keepdim, "self_sym_sizes": d.shape},
        )
    return rtype(values, indices)


def median(input, dim=None, keepdim=False):
    """``torch.median``: the lower of the two middle values for an even count."""
    d = input._data
    if dim is None:
        flat = d.reshape(-1)
        if flat.size == 0:
            return _make(np.asarray(np.nan, dtype=d.dtype))
        if d.dtype.kind == "f" and np.isnan(flat).any():
            res = np.asarray(np.nan, dtype=d.dtype)
        else:
            res = np.sort(flat, kind="stable")[(flat.size - 1) // 2]
        out = _make(np.asarray(res, dtype=d.dtype))
        if needs_grad(input):
            record(MedianBackward0, out, (input,), {"self": input}, None, "result")
        return out
    dim = wrap_dim(dim, d.ndim or 1)
    if d.ndim == 0:
        return _select(input, None, dim, keepdim, MedianBackward1, _MEDIAN)
    k = (d.shape[dim] - 1) // 2
    return _select(input, _kth(d, k, dim), dim, keepdim, MedianBackward1, _MEDIAN)


def nanmedian(input, dim=None, keepdim=False):
    if dim is None:
        flat = input._data.reshape(-1)
        flat = flat[~np.isnan(flat)] if flat.dtype.kind == "f" else flat
        if flat.size == 0:
            return _make(np.asarray(np.nan, dtype=input._data.dtype))
        return _make(np.asarray(np.sort(flat)[(flat.size - 1) // 2], dtype=input._data.dtype))
    return median(input, dim, keepdim)


def mode(input, dim=-1, keepdim=False):
    """``torch.mode``: the most frequent value along ``dim`` (the smallest on ties)."""
    d = input._data
    dim = wrap_dim(dim, d.ndim or 1)
    if d.ndim == 0:
        return _MODE(_make(d.copy()), _make(np.zeros((), dtype=np.int64)))
    moved = np.moveaxis(d, dim, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    vals = np.empty(flat.shape[0], dtype=d.dtype)
    idxs = np.empty(flat.shape[0], dtype=np.int64)
    for r, row in enumerate(flat):
        u, counts = np.unique(row, return_counts=True)
        v = u[np.argmax(counts)]
        vals[r] = v
        idxs[r] = np.nonzero(row == v)[0][-1]
    shape = moved.shape[:-1]
    vals, idxs = vals.reshape(shape), idxs.reshape(shape)
    if keepdim:
        vals, idxs = np.expand_dims(vals, dim), np.expand_dims(idxs, dim)
    return _MODE(_make(vals), _make(idxs))


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """``torch.unique`` (always sorted, as PyTorch's CPU kernel is)."""
    d = input._data
    res = np.unique(d, return_inverse=return_inverse, return_counts=return_counts, axis=dim)
    if not (return_inverse or return_counts):
        return _make(res)
    out = [_make(res[0])]
    i = 1
    if return_inverse:
        inv = res[i].astype(np.int64)
        out.append(_make(inv.reshape(d.shape) if dim is None else inv.reshape(-1)))
        i += 1
    if return_counts:
        out.append(_make(res[i].astype(np.int64)))
    return tuple(out)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """``torch.unique_consecutive``: collapse runs of equal consecutive elements."""
    if dim is not None:
        raise NotImplementedError(
            "unique_consecutive(dim=...) is not supported by autograd_widgets"
        )
    d = input._data.reshape(-1)
    if d.size == 0:
        starts = np.zeros(0, dtype=np.int64)
    else:
        starts = np.concatenate([[0], np.nonzero(d[1:] != d[:-1])[0] + 1])
    vals = _make(d[starts])
    if not (return_inverse or return_counts):
        return vals
    out = [vals]
    if return_inverse:
        inv = np.cumsum(np.isin(np.arange(d.size), starts)) - 1
        out.append(_make(inv.astype(np.int64).reshape(input._data.shape)))
    if return_counts:
        out.append(_make(np.diff(np.append(starts, d.size)).astype(np.int64)))
    return tuple(out)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """``torch.searchsorted`` along the last dimension."""
    seq = sorted_sequence._data
    vals = input._data if isinstance(input, Tensor) else np.asarray(input)
    s = side or ("right" if right else "left")
    if seq.ndim <= 1:
        res = np.searchsorted(seq, vals, side=s)
    else:
        res = np.stack(
            [
                np.searchsorted(a, v, side=s)
                for a, v in zip(seq.reshape(-1, seq.shape[-1]), vals.reshape(-1, vals.shape[-1]))
            ]
        ).reshape(vals.shape)
    return _make(np.asarray(res, dtype=np.int32 if out_int32 else np.int64))


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """``torch.bucketize``: the bucket index of each element for the 1-D ``boundaries``."""
    d = input._data if isinstance(input, Tensor) else np.asarray(input)
    res = np.searchsorted(boundaries._data, d, side="right" if right else "left")
    return _make(np.asarray(res, dtype=np.int32 if out_int32 else np.int64))


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """``torch.isin``: whether each element occurs in ``test_elements``."""
    e = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    t = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return _make(np.isin(e, t, invert=invert))


def heaviside(input, values):
    """``torch.heaviside``: 0 below zero, 1 above, ``values`` at zero. No derivative: with a
    gradient wanted it records PyTorch's ``NotImplemented`` node, which raises in backward."""
    if not isinstance(values, Tensor):
        raise TypeError(
            "heaviside(): argument 'values' (position 2) must be Tensor, not "
            f"{type(values).__name__}"
        )
    if input._data.dtype != values._data.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    out = _make(np.heaviside(input._data, values._data).astype(input._data.dtype))
    if needs_grad(input, values):
        ins = tuple(t for t in (input, values) if t._requires_grad)
        record(NotImplemented_, out, ins, fields={"op": "heaviside"})
    return out
