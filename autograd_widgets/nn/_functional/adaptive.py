"""Adaptive pooling: ``adaptive_avg_pool1d/2d`` and ``adaptive_max_pool2d``.

Output cell ``i`` of ``n`` over a length ``L`` covers ``[floor(i*L/n), ceil((i+1)*L/n))``,
as in ATen. A ``(1, 1)`` average is a ``mean`` over the last two dims (PyTorch's graph shows
``MeanBackward1`` there too); the 1-d variants go through the 2-d ones with a unit height.
"""

from __future__ import annotations

import numpy as np

from ...autograd.node import node_class
from ...ops._core import Tensor, needs_grad, record

_make = Tensor._make


def _size2(output_size, hw):
    if isinstance(output_size, int):
        output_size = (output_size, output_size)
    return tuple(s if o is None else int(o) for o, s in zip(output_size, hw))


def _bins(length, n):
    return [((i * length) // n, -(-((i + 1) * length) // n)) for i in range(n)]


def _cells(d, out_hw):
    H, W = d.shape[-2:]
    return [
        (i, j, hs, he, ws, we)
        for i, (hs, he) in enumerate(_bins(H, out_hw[0]))
        for j, (ws, we) in enumerate(_bins(W, out_hw[1]))
    ]


def _check(input, name):
    if input.dim() not in (3, 4):
        raise RuntimeError(f"{name}(): Expected 3D or 4D tensor, but got: {list(input.shape)}")


def _avg_backward(n, grad):
    shape = n.in_shape
    g = grad._data
    gx = np.zeros(shape, dtype=g.dtype)
    for i, j, hs, he, ws, we in _cells(gx, g.shape[-2:]):
        gx[..., hs:he, ws:we] += g[..., i : i + 1, j : j + 1] / ((he - hs) * (we - ws))
    return _make(gx)


AdaptiveAvgPool2DBackward0 = node_class(
    "AdaptiveAvgPool2DBackward0", _avg_backward, saved=("self",), fields=("in_shape",)
)


def adaptive_avg_pool2d(input, output_size):
    """``torch.nn.functional.adaptive_avg_pool2d``."""
    _check(input, "adaptive_avg_pool2d")
    d = input._data
    out_hw = _size2(output_size, d.shape[-2:])
    if out_hw == (1, 1):
        return input.mean((-1, -2), keepdim=True)
    res = np.empty(d.shape[:-2] + out_hw, dtype=d.dtype)
    for i, j, hs, he, ws, we in _cells(d, out_hw):
        res[..., i, j] = d[..., hs:he, ws:we].mean(axis=(-1, -2))
    out = _make(res)
    if needs_grad(input):
        record(
            AdaptiveAvgPool2DBackward0, out, (input,), {"self": input}, fields={"in_shape": d.shape}
        )
    return out


def adaptive_avg_pool1d(input, output_size):
    """``torch.nn.functional.adaptive_avg_pool1d`` (a unit-height 2-d pool, as in ATen)."""
    if input.dim() not in (2, 3):
        raise RuntimeError(
            f"adaptive_avg_pool1d(): Expected 2D or 3D tensor, but got: {list(input.shape)}"
        )
    n = output_size[0] if isinstance(output_size, (tuple, list)) else output_size
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, n)).squeeze(-2)


def _max_backward(n, grad):
    shape = n.in_shape
    idx = n.saved("result1")._data
    g = grad._data
    gx = np.zeros(shape[:-2] + (shape[-2] * shape[-1],), dtype=g.dtype)
    flat_g = g.reshape(g.shape[:-2] + (-1,))
    flat_i = idx.reshape(idx.shape[:-2] + (-1,))
    lead = np.indices(flat_i.shape)[:-1]
    np.add.at(gx, (*lead, flat_i), flat_g)
    return _make(gx.reshape(shape))


AdaptiveMaxPool2DBackward0 = node_class(
    "AdaptiveMaxPool2DBackward0", _max_backward, saved=("self", "result1"), fields=("in_shape",)
)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """``torch.nn.functional.adaptive_max_pool2d``."""
    _check(input, "adaptive_max_pool2d")
    d = input._data
    H, W = d.shape[-2:]
    out_hw = _size2(output_size, (H, W))
    res = np.empty(d.shape[:-2] + out_hw, dtype=d.dtype)
    ind = np.empty(d.shape[:-2] + out_hw, dtype=np.int64)
    for i, j, hs, he, ws, we in _cells(d, out_hw):
        win = d[..., hs:he, ws:we].reshape(d.shape[:-2] + (-1,))
        k = win.argmax(-1)
        res[..., i, j] = np.take_along_axis(win, k[..., None], -1)[..., 0]
        ind[..., i, j] = (hs + k // (we - ws)) * W + ws + k % (we - ws)
    out, indices = _make(res), _make(ind)
    if needs_grad(input):
        record(
            AdaptiveMaxPool2DBackward0,
            out,
            (input,),
            {"self": input, "result1": indices},
            fields={"in_shape": d.shape},
        )
    return (out, indices) if return_indices else out
