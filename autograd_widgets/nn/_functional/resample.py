"""``conv_transpose2d/3d`` and ``interpolate`` (nearest / bilinear), composed from ops.

A transposed convolution is a convolution of the zero-stuffed, re-padded input with the
spatially flipped, channel-swapped kernel; it ends in the convolution's ``ConvolutionBackward0``
as PyTorch's does. Interpolation gathers source rows/columns with ``index_select`` and
blends them with fixed weights (separable, one axis at a time).
"""

from __future__ import annotations

import math

import numpy as np

from ...core.tensor import Tensor
from ...ops import shape as _shape
from .conv import _convnd, _tuple

_make = Tensor._make


def _stuff(x, axis, s):
    """Insert ``s - 1`` zeros between neighbours along ``axis``."""
    if s == 1:
        return x
    n = x.shape[axis]
    zshape = list(x.shape)
    zshape.insert(axis + 1, s - 1)
    z = _make(np.zeros(zshape, dtype=x._data.dtype))
    y = _shape.cat([x.unsqueeze(axis + 1), z], axis + 1)
    shape = list(x.shape)
    shape[axis] = n * s
    return y.reshape(shape).narrow(axis, 0, (n - 1) * s + 1)


def _pad_axis(x, axis, lo, hi):
    if lo < 0:
        x = x.narrow(axis, -lo, x.shape[axis] + lo)
        lo = 0
    if hi < 0:
        x = x.narrow(axis, 0, x.shape[axis] + hi)
        hi = 0
    parts = []
    for width in (lo, None, hi):
        if width is None:
            parts.append(x)
        elif width > 0:
            zs = list(x.shape)
            zs[axis] = width
            parts.append(_make(np.zeros(zs, dtype=x._data.dtype)))
    return _shape.cat(parts, axis) if len(parts) > 1 else x


def _conv_transposend(input, weight, bias, stride, padding, output_padding, groups, dilation, n):
    s, p = _tuple(stride, n, "stride"), _tuple(padding, n, "padding")
    op, d = _tuple(output_padding, n, "output_padding"), _tuple(dilation, n, "dilation")
    unbatched = input.dim() == n + 1
    x = input.unsqueeze(0) if unbatched else input
    cin = weight.shape[0]
    k = weight.shape[2:]
    for ax in range(n):
        x = _stuff(x, 2 + ax, s[ax])
        edge = d[ax] * (k[ax] - 1) - p[ax]
        x = _pad_axis(x, 2 + ax, edge, edge + op[ax])
    # (Cin, Cout/g, *k) -> (Cout, Cin/g, *k), flipped in space.
    g = groups
    w = weight.reshape(g, cin // g, *weight.shape[1:]).transpose(1, 2)
    w = w.reshape(g * weight.shape[1], cin // g, *k).flip(*range(2, 2 + n))
    out = _convnd(x, w, bias, 1, 0, d, g, n)
    return out.squeeze(0) if unbatched else out


def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """``torch.nn.functional.conv_transpose2d``."""
    return _conv_transposend(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 2
    )


def conv_transpose3d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """``torch.nn.functional.conv_transpose3d``."""
    return _conv_transposend(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 3
    )


def _nearest_index(n_in, n_out, scale):
    idx = np.floor(np.arange(n_out, dtype=np.float32) * np.float32(scale)).astype(np.int64)
    return np.minimum(idx, n_in - 1)


def _linear_weights(n_in, n_out, scale, align_corners):
    dst = np.arange(n_out, dtype=np.float32)
    if align_corners:
        src = dst * np.float32((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
    else:
        src = np.maximum((dst + np.float32(0.5)) * np.float32(scale) - np.float32(0.5), 0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    lam = (src - i0).astype(np.float32)
    return i0, i1, lam


def interpolate(
    input,
    size=None,
    scale_factor=None,
    mode="nearest",
    align_corners=None,
    recompute_scale_factor=None,
    antialias=False,
):
    """``torch.nn.functional.interpolate`` for ``nearest``, ``linear`` and ``bilinear``."""
    if mode not in ("nearest", "bilinear", "linear"):
        raise NotImplementedError(
            f"interpolate(mode='{mode}') is not supported by autograd_widgets"
        )
    if mode == "nearest" and align_corners is not None:
        raise ValueError(
            "align_corners option can only be set with the interpolating modes: linear | "
            "bilinear | bicubic | trilinear"
        )
    nsp = input.dim() - 2
    in_sizes = input.shape[2:]
    if size is not None:
        out_sizes = (size,) * nsp if isinstance(size, int) else tuple(size)
        scales = [i / o for i, o in zip(in_sizes, out_sizes)]
    else:
        sf = (scale_factor,) * nsp if not isinstance(scale_factor, (tuple, list)) else scale_factor
        out_sizes = tuple(int(math.floor(i * f)) for i, f in zip(in_sizes, sf))
        scales = [
            (i / o) if recompute_scale_factor else 1.0 / f
            for i, o, f in zip(in_sizes, out_sizes, sf)
        ]
    x = input
    for k in range(nsp):
        axis = 2 + k
        n_in, n_out = in_sizes[k], out_sizes[k]
        if mode == "nearest":
            idx = _make(_nearest_index(n_in, n_out, scales[k]))
            x = x.index_select(axis, idx)
        else:
            i0, i1, lam = _linear_weights(n_in, n_out, scales[k], bool(align_corners))
            shape = [1] * x.dim()
            shape[axis] = n_out
            lam_t = _make(lam.reshape(shape).astype(x._data.dtype))
            a = x.index_select(axis, _make(i0))
            b = x.index_select(axis, _make(i1))
            x = a * (1 - lam_t) + b * lam_t
    return x
