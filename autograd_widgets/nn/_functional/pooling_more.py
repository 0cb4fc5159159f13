"""Pooling built on the max/avg pools: ``max_unpool1d/2d/3d``, ``lp_pool1d/2d/3d``,
``adaptive_max_pool1d`` and the ``*_with_indices`` spellings.

``max_unpool`` scatters each value to the flat index its ``max_pool`` reported, one
``MaxUnpool2DBackward0``/``MaxUnpool3DBackward0`` node (the 1-d form is the 2-d one on a
trailing unit dim, as in PyTorch). ``lp_pool`` is PyTorch's composite:
``(sign(avg) * relu(|avg|) * kernel_volume) ** (1/p)`` over ``avg_pool(x ** p)``.
"""

from __future__ import annotations

import math

import numpy as np

from ...autograd.node import node_class
from ...ops import pointwise as _pw
from ...ops._core import Tensor, needs_grad, record, scalar_type_name
from .adaptive import adaptive_max_pool2d, adaptive_max_pool3d
from .pooling import avg_pool1d, avg_pool2d, avg_pool3d, max_pool1d, max_pool2d, max_pool3d

_make = Tensor._make

__all__ = [
    "adaptive_max_pool1d",
    "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices",
    "max_pool1d_with_indices",
    "max_pool2d_with_indices",
    "max_pool3d_with_indices",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
]


# --- the *_with_indices spellings -----------------------------------------------------------------
def max_pool1d_with_indices(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """``F.max_pool1d_with_indices``: ``max_pool1d`` returning ``(values, indices)``."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """``F.max_pool2d_with_indices``: ``max_pool2d`` returning ``(values, indices)``."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """``F.max_pool3d_with_indices``: ``max_pool3d`` returning ``(values, indices)``."""
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    """``F.adaptive_max_pool1d_with_indices``: ATen's 1-d pool, a unit-height 2-d pool."""
    if input.dim() not in (2, 3):
        raise RuntimeError(
            f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument "
            "#1 'self' (while checking arguments for adaptive_max_pool1d)"
        )
    n = output_size[0] if isinstance(output_size, (tuple, list)) else output_size
    values, indices = adaptive_max_pool2d(input.unsqueeze(-2), (1, n), True)
    return values.squeeze(-2), indices.squeeze(-2)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    """``F.adaptive_max_pool2d_with_indices``: ``(values, indices)``."""
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    """``F.adaptive_max_pool3d_with_indices``: ``(values, indices)``."""
    return adaptive_max_pool3d(input, output_size, True)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """``F.adaptive_max_pool1d`` (``SqueezeBackward1`` over ``AdaptiveMaxPool2DBackward0``)."""
    values, indices = adaptive_max_pool1d_with_indices(input, output_size)
    return (values, indices) if return_indices else values


# --- max_unpool -----------------------------------------------------------------------------------
def _unpool_backward(n, grad):
    # The gradient of a scatter is the gather at the same indices (differentiable again).
    idx = n.saved("indices")
    dims = n.dims
    flat = grad.flatten(-dims).gather(-1, idx.flatten(-dims))
    return flat.view(idx.shape)


_UNPOOL_NODE = {
    dims: node_class(
        f"MaxUnpool{dims}DBackward0", _unpool_backward, saved=("indices",), fields=("dims",)
    )
    for dims in (2, 3)
}
MaxUnpool2DBackward0 = _UNPOOL_NODE[2]
MaxUnpool3DBackward0 = _UNPOOL_NODE[3]


def _max_unpool(input, indices, out_size, n):
    x, idx = input._data, indices._data
    if idx.dtype != np.int64:
        raise RuntimeError(
            f"elements in indices should be type int64 but got: {scalar_type_name(idx.dtype)}"
        )
    if x.ndim not in (n + 1, n + 2):
        raise RuntimeError(
            f"Input to max_unpooling{n}d should be a {n + 1}d or {n + 2}d Tensor, but got a "
            f"tensor with {x.ndim} dimensions."
        )
    if x.shape != idx.shape:
        raise RuntimeError(
            "Expected shape of indices to be same as that of the input tensor "
            f"({list(x.shape)}) but got indices tensor with shape: {list(idx.shape)}"
        )
    lead = x.shape[:-n]
    plane = int(np.prod(out_size))
    flat_x = x.reshape(-1, int(np.prod(x.shape[-n:])))
    flat_i = idx.reshape(flat_x.shape)
    bad = (flat_i < 0) | (flat_i >= plane)
    if bad.any():
        size = "x".join(str(s) for s in out_size)
        raise RuntimeError(
            f"Found an invalid max index: {int(flat_i[bad][0])} (output volumes are of size {size})"
        )
    out = np.zeros((flat_x.shape[0], plane), dtype=x.dtype)
    rows = np.arange(flat_x.shape[0])[:, None]
    # ATen writes in order; a repeated index keeps its first value here (reversed writes).
    out[rows, flat_i[:, ::-1]] = flat_x[:, ::-1]
    t = _make(out.reshape(lead + tuple(out_size)))
    if needs_grad(input):
        record(_UNPOOL_NODE[n], t, (input,), {"indices": indices}, fields={"dims": n})
    return t


def _unpool_output_size(input, kernel_size, stride, padding, output_size):
    n = len(kernel_size)
    sizes = tuple(input.shape)[-n:]
    default = [(sizes[d] - 1) * stride[d] + kernel_size[d] - 2 * padding[d] for d in range(n)]
    if output_size is None:
        ret = default
    else:
        if len(output_size) == n + 2:
            output_size = output_size[2:]
        if len(output_size) != n:
            raise ValueError(
                "output_size should be a sequence containing "
                f"{n} or {n + 2} elements, but it has a length of '{len(output_size)}'"
            )
        for d in range(n):
            lo, hi = default[d] - stride[d], default[d] + stride[d]
            if not (lo < output_size[d] < hi):
                raise ValueError(
                    f'invalid output_size "{output_size}" (dim {d} must be between {lo} and {hi})'
                )
        ret = output_size
    for d in range(n):
        if ret[d] < 0:
            raise ValueError(
                "max_unpooling: output_size must contain non-negative spatial "
                f"dimensions, but got output_size[{d}]={ret[d]}"
            )
    return list(ret)


def _geometry(kernel_size, stride, padding, n):
    def tup(v):
        return tuple(v) if isinstance(v, (list, tuple)) else (v,) * n

    k = tup(kernel_size)
    return k, (k if stride is None else tup(stride)), tup(padding)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """``F.max_unpool1d``: the 2-d unpool on a trailing unit dim (``SqueezeBackward1``)."""
    k, s, p = _geometry(kernel_size, stride, padding, 1)
    size = _unpool_output_size(input, k, s, p, output_size) + [1]
    return _max_unpool(input.unsqueeze(-1), indices.unsqueeze(-1), size, 2).squeeze(-1)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """``F.max_unpool2d``: each value back at its flat index in an ``output_size`` plane."""
    k, s, p = _geometry(kernel_size, stride, padding, 2)
    return _max_unpool(input, indices, _unpool_output_size(input, k, s, p, output_size), 2)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """``F.max_unpool3d``: each value back at its flat index in an ``output_size`` volume."""
    k, s, p = _geometry(kernel_size, stride, padding, 3)
    return _max_unpool(input, indices, _unpool_output_size(input, k, s, p, output_size), 3)


# --- lp_pool --------------------------------------------------------------------------------------
def _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, n, max_pool, avg_pool):
    k = tuple(kernel_size) if isinstance(kernel_size, (list, tuple)) else (kernel_size,) * n
    if isinstance(norm_type, (int, float)):
        if norm_type == math.inf:
            return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -math.inf:
            return -max_pool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if stride is not None:
        out = avg_pool(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = avg_pool(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    volume = kernel_size if n == 1 else int(np.prod(k))
    return (_pw.sign(out) * _pw.relu(out.abs())).mul(volume).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """``F.lp_pool1d``: the power-average pool, composed as PyTorch composes it."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1, max_pool1d, avg_pool1d)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """``F.lp_pool2d``: the power-average pool, composed as PyTorch composes it."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2, max_pool2d, avg_pool2d)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """``F.lp_pool3d``: the power-average pool, composed as PyTorch composes it."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3, max_pool3d, avg_pool3d)
