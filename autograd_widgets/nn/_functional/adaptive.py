"""Adaptive pooling: ``adaptive_avg_pool1d/2d/3d`` and ``adaptive_max_pool2d/3d``.

Output cell ``i`` of ``n`` over a length ``L`` covers ``[floor(i*L/n), ceil((i+1)*L/n))``,
as in ATen. A ``(1, 1)`` (or ``(1, 1, 1)``) average is a ``mean`` over the last dims (PyTorch's graph shows
``MeanBackward1`` there too); the 1-d variants go through the 2-d ones with a unit height.
"""

from __future__ import annotations

import numpy as np

from ...autograd.node import node_class
from ...ops._core import Tensor, needs_grad, record
from ._common import double_node, linear_backward
from .pooling import max_backward

_make = Tensor._make


def _out_sizes(output_size, sizes):
    if isinstance(output_size, int):
        output_size = (output_size,) * len(sizes)
    return tuple(s if o is None else int(o) for o, s in zip(output_size, sizes))


def _bins(length, n):
    return [((i * length) // n, -(-((i + 1) * length) // n)) for i in range(n)]


def _cells(sizes, out):
    """``(output index, input slices)`` for every output cell over the last ``len(out)`` dims."""
    bins = [_bins(L, o) for L, o in zip(sizes, out)]
    for idx in np.ndindex(*out):
        yield idx, tuple(slice(*bins[i][j]) for i, j in enumerate(idx))


def _check(input, name, n=2):
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(
            f"{name}(): Expected {n + 1}D or {n + 2}D tensor, but got: {list(input.shape)}"
        )


def _avg_backward(n, grad):
    shape = n.in_shape
    g = grad._data
    out = g.shape[len(shape) - len(n.out) :]
    gx = np.zeros(shape, dtype=g.dtype)
    for idx, sl in _cells(shape[-len(out) :], out):
        count = int(np.prod([s.stop - s.start for s in sl]))
        gx[(..., *sl)] += g[(..., *(slice(i, i + 1) for i in idx))] / count
    dims = len(n.out)
    sizes = {f"grad_output_sym_argsize_minus_{i + 1}": o for i, o in enumerate(reversed(n.out))}
    return linear_backward(
        n, grad, gx, _AVG_DOUBLE[dims], lambda gg: _adaptive_avg(gg, n.out, dims), attrs=sizes
    )


_AVG_DOUBLE = {
    dims: double_node(
        f"AdaptiveAvgPool{dims}DBackwardBackward0",
        attrs=tuple(f"grad_output_sym_argsize_minus_{i}" for i in range(1, dims + 1)),
    )
    for dims in (2, 3)
}
AdaptiveAvgPool2DBackwardBackward0 = _AVG_DOUBLE[2]
AdaptiveAvgPool3DBackwardBackward0 = _AVG_DOUBLE[3]
_AVG_NODE = {
    dims: node_class(
        f"AdaptiveAvgPool{dims}DBackward0",
        _avg_backward,
        saved=("self",),
        fields=("in_shape", "out"),
    )
    for dims in (2, 3)
}
AdaptiveAvgPool2DBackward0 = _AVG_NODE[2]
AdaptiveAvgPool3DBackward0 = _AVG_NODE[3]


def _adaptive_avg(input, output_size, n):
    _check(input, f"adaptive_avg_pool{n}d", n)
    d = input._data
    out = _out_sizes(output_size, d.shape[-n:])
    axes = tuple(range(-n, 0))
    if out == (1,) * n:
        return input.mean(tuple(reversed(axes)), keepdim=True)
    res = np.empty(d.shape[:-n] + out, dtype=d.dtype)
    for idx, sl in _cells(d.shape[-n:], out):
        res[(..., *idx)] = d[(..., *sl)].mean(axis=axes)
    t = _make(res)
    if needs_grad(input):
        record(_AVG_NODE[n], t, (input,), {"self": input}, fields={"in_shape": d.shape, "out": out})
    return t


def adaptive_avg_pool2d(input, output_size):
    """``torch.nn.functional.adaptive_avg_pool2d``."""
    return _adaptive_avg(input, output_size, 2)


def adaptive_avg_pool3d(input, output_size):
    """``torch.nn.functional.adaptive_avg_pool3d``."""
    return _adaptive_avg(input, output_size, 3)


def adaptive_avg_pool1d(input, output_size):
    """``torch.nn.functional.adaptive_avg_pool1d`` (a unit-height 2-d pool, as in ATen)."""
    if input.dim() not in (2, 3):
        raise RuntimeError(
            f"adaptive_avg_pool1d(): Expected 2D or 3D tensor, but got: {list(input.shape)}"
        )
    n = output_size[0] if isinstance(output_size, (tuple, list)) else output_size
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, n)).squeeze(-2)


def _max_backward(n, grad):
    shape, dims = n.in_shape, len(n.out)
    ind = n.saved("result1")
    idx = ind._data
    g = grad._data
    lead = shape[:-dims]
    gx = np.zeros(lead + (int(np.prod(shape[-dims:])),), dtype=g.dtype)
    flat_g = g.reshape(lead + (-1,))
    flat_i = idx.reshape(lead + (-1,))
    rows = np.indices(flat_i.shape)[:-1]
    np.add.at(gx, (*rows, flat_i), flat_g)
    return max_backward(n, grad, gx.reshape(shape), ind, dims, _MAX_DOUBLE[dims])


_MAX_DOUBLE = {
    dims: double_node(f"AdaptiveMaxPool{dims}DBackwardBackward0", saved=("indices",))
    for dims in (2, 3)
}
AdaptiveMaxPool2DBackwardBackward0 = _MAX_DOUBLE[2]
AdaptiveMaxPool3DBackwardBackward0 = _MAX_DOUBLE[3]
_MAX_NODE = {
    dims: node_class(
        f"AdaptiveMaxPool{dims}DBackward0",
        _max_backward,
        saved=("self", "result1"),
        fields=("in_shape", "out"),
    )
    for dims in (2, 3)
}
AdaptiveMaxPool2DBackward0 = _MAX_NODE[2]
AdaptiveMaxPool3DBackward0 = _MAX_NODE[3]


def _adaptive_max(input, output_size, return_indices, n):
    _check(input, f"adaptive_max_pool{n}d", n)
    d = input._data
    sizes = d.shape[-n:]
    out = _out_sizes(output_size, sizes)
    res = np.empty(d.shape[:-n] + out, dtype=d.dtype)
    ind = np.empty(d.shape[:-n] + out, dtype=np.int64)
    for idx, sl in _cells(sizes, out):
        win_shape = tuple(s.stop - s.start for s in sl)
        win = d[(..., *sl)].reshape(d.shape[:-n] + (-1,))
        k = win.argmax(-1)
        res[(..., *idx)] = np.take_along_axis(win, k[..., None], -1)[..., 0]
        # Offset in the window -> flat index into the input's spatial volume.
        flat = np.zeros(k.shape, dtype=np.int64)
        for L, s, off in zip(sizes, sl, np.unravel_index(k, win_shape)):
            flat = flat * L + s.start + off
        ind[(..., *idx)] = flat
    t, indices = _make(res), _make(ind)
    if needs_grad(input):
        record(
            _MAX_NODE[n],
            t,
            (input,),
            {"self": input, "result1": indices},
            fields={"in_shape": d.shape, "out": out},
        )
    return (t, indices) if return_indices else t


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """``torch.nn.functional.adaptive_max_pool2d``."""
    return _adaptive_max(input, output_size, return_indices, 2)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """``torch.nn.functional.adaptive_max_pool3d``."""
    return _adaptive_max(input, output_size, return_indices, 3)
