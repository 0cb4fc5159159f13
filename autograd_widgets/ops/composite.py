"""Ops PyTorch builds from other ops, built the same way here (so their graphs match).

``meshgrid`` is views + expand, ``diff`` is narrow + sub, ``repeat_interleave`` is
expand + clone (int repeats) or index_select, ``column_stack``/``dstack`` are cat;
``dist`` has one node (``DistBackward0``). ``cdist`` is in :mod:`._cdist`.
"""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from ._core import Tensor, wrap_dim

_make = Tensor._make

__all__ = [
    "meshgrid",
    "repeat_interleave",
    "diff",
    "column_stack",
    "dstack",
    "rot90",
    "dist",
    "cosine_similarity",
    "cov",
    "corrcoef",
]


def meshgrid(*tensors, indexing=None):
    """``torch.meshgrid``; ``indexing`` defaults to ``"ij"`` (PyTorch warns when it is omitted)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    ts = list(tensors)
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t.numel() for t in ts)
    n = len(ts)
    grids = []
    for i, t in enumerate(ts):
        view = [1] * n
        view[i] = -1
        grids.append(t.view(view).expand(shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """``torch.repeat_interleave``: repeat each element ``repeats`` times along ``dim``."""
    if repeats is None:  # repeat_interleave(counts) -> indices
        r = input._data
        return _make(np.repeat(np.arange(r.size, dtype=np.int64), r))
    if isinstance(repeats, Tensor) and repeats.dim() == 0:
        repeats = repeats.reshape(1)
    if not isinstance(repeats, Tensor):
        # ATen's int overload: unsqueeze, expand, contiguous copy, flatten (no index_select).
        if repeats < 0:
            raise RuntimeError("Repeats must be non-negative")
        x = input.flatten() if dim is None else input
        dim = wrap_dim(0 if dim is None else dim, input.dim())
        x = x.unsqueeze(dim + 1)
        shape = list(x.shape)
        shape[dim + 1] = repeats
        return x.expand(shape).clone().flatten(dim, dim + 1)
    if dim is None:
        input = input.flatten()
        dim = 0
    dim = wrap_dim(dim, input.dim())
    n = input.shape[dim]
    reps = repeats._data
    if reps.size == 1:
        reps = np.broadcast_to(reps.reshape(1), (n,))
    index = _make(np.repeat(np.arange(n, dtype=np.int64), reps))
    return input.index_select(dim, index)


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """``torch.diff``: ``n``-th forward difference along ``dim``."""
    from .shape import cat

    raw, dim = dim, wrap_dim(dim, input.dim())  # ATen narrows and cats with the dim as given
    if prepend is not None or append is not None:
        parts = [p for p in (prepend, input, append) if p is not None]
        input = cat(parts, raw)
    for _ in range(n):
        length = input.shape[dim]
        input = input.narrow(raw, 1, length - 1) - input.narrow(raw, 0, length - 1)
        if input._data.dtype == np.bool_:
            input = input != 0
    return input


def column_stack(tensors):
    from .shape import cat

    cols = [t.reshape(-1, 1) if t.dim() <= 1 else t for t in tensors]
    return cat(cols, 1)


def dstack(tensors):
    from .shape import cat

    out = []
    for t in tensors:
        if t.dim() == 0:
            t = t.reshape(1, 1, 1)
        elif t.dim() == 1:
            t = t.reshape(1, -1, 1)
        elif t.dim() == 2:
            t = t.unsqueeze(-1)
        out.append(t)
    return cat(out, 2)


def rot90(input, k=1, dims=(0, 1)):
    """``torch.rot90``: rotate by 90 degrees ``k`` times in the plane ``dims``."""
    d0, d1 = (wrap_dim(d, input.dim()) for d in dims)
    k %= 4
    if k == 1:
        return input.flip(d1).transpose(d0, d1)
    if k == 2:
        return input.flip(d0, d1)
    if k == 3:
        return input.flip(d0).transpose(d0, d1)
    return input.clone()


def _dist_backward(n, grad):
    """ATen's ``norm_backward`` on ``self - other`` (differentiable), then unbroadcast."""
    from ._core import unbroadcast
    from .pointwise import abs as _abs
    from .pointwise import sign, where

    self, other, r, p = n.saved("self"), n.saved("other"), n.saved("result"), n._attrs["p"]
    diff = self - other
    zero = _make(np.zeros((), dtype=diff._data.dtype))
    if p == 0:
        g = diff * 0
    elif p == 1:
        g = grad * sign(diff)
    elif p == float("inf") or p == float("-inf"):
        mask = _abs(diff) == r
        g = grad * sign(diff) * mask / mask.sum()
    elif p == 2:
        g = where(r == 0, zero, grad * diff / r)
    else:
        g = where(r == 0, zero, grad * diff * _abs(diff) ** (p - 2) / r ** (p - 1))
    return unbroadcast(g, self._data.shape), unbroadcast(-g, other._data.shape)


DistBackward0 = node_class(
    "DistBackward0", _dist_backward, saved=("self", "other", "result"), attrs=("p",)
)


def dist(input, other, p=2):
    """``torch.dist``: the p-norm of ``input - other``, one ``DistBackward0`` as in PyTorch."""
    from ._core import needs_grad, record

    with _no_grad():
        res = (input - other).norm(p)
    out = _make(res._data)
    if needs_grad(input, other):
        record(
            DistBackward0, out, (input, other), {"self": input, "other": other}, {"p": p}, "result"
        )
    return out


def _no_grad():
    from ..autograd import no_grad

    return no_grad()


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    from ..nn.functional import cosine_similarity as _cs

    return _cs(x1, x2, dim, eps)


def cov(input, *, correction=1, fweights=None, aweights=None):
    """``torch.cov``: rows are variables, columns observations (no weights)."""
    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov(fweights=, aweights=) is not supported by autograd_widgets")
    x = input if input.dim() == 2 else input.reshape(1, -1)
    n = x.shape[1]
    xc = x - x.mean(1, keepdim=True)
    c = (xc @ xc.t().conj() if hasattr(xc, "conj") else xc @ xc.t()) / max(n - correction, 0)
    return c.squeeze() if input.dim() < 2 else c


def corrcoef(input):
    """``torch.corrcoef``: Pearson correlation coefficients of the rows."""
    c = cov(input)
    if c.dim() == 0:
        return c / c
    d = c.diagonal()
    stddev = d.sqrt()
    c = c / stddev.unsqueeze(1)
    c = c / stddev.unsqueeze(0)
    return c.clamp(-1, 1)
