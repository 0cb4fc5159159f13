"""``conv_transpose1d/2d/3d`` (composed from ops) and ``interpolate`` (one upsample kernel).

A transposed convolution is a convolution of the zero-stuffed, re-padded input with the
spatially flipped, channel-swapped kernel; it ends in the convolution's ``ConvolutionBackward0``
as PyTorch's does. ``interpolate`` follows PyTorch's argument handling and calls the kernel
in ``upsample.py`` (or adaptive average pooling for ``area``), as ``torch.nn.functional`` does.
"""

from __future__ import annotations

import warnings

import numpy as np

from ...core.tensor import Tensor
from ...ops import shape as _shape
from .adaptive import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d
from .conv import _convnd, _tuple
from .upsample import upsample as _kernel

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


def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """``torch.nn.functional.conv_transpose1d``."""
    return _conv_transposend(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 1
    )


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


_SPATIAL = {"linear": 3, "bilinear": 4, "trilinear": 5}
_KERNEL = dict(_SPATIAL, bicubic=4)


def _per_dim(value, spatial, names):
    """``size`` or ``scale_factor`` as one value per spatial dim, checked as PyTorch does."""
    if not isinstance(value, (list, tuple)):
        return [value] * len(spatial)
    if len(value) != len(spatial):
        what, got, fmt, letter = names
        raise ValueError(
            f"Input and {what} must have the same number of spatial dimensions, but got "
            f"input with spatial dimensions of {spatial} and {got} {value}. "
            "Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
            f"{fmt} in ({letter}1, {letter}2, ...,{letter}K) format."
        )
    return list(value)


def interpolate(
    input,
    size=None,
    scale_factor=None,
    mode="nearest",
    align_corners=None,
    recompute_scale_factor=None,
    antialias=False,
):
    """``torch.nn.functional.interpolate``: PyTorch's argument handling, then its kernel.

    ``antialias=True``, ``lanczos`` and 5-d ``area`` are not supported yet
    (``NotImplementedError``).
    """
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError(
                "align_corners option can only be set with the interpolating modes: "
                "linear | bilinear | bicubic | trilinear"
            )
    elif align_corners is None:
        align_corners = False
    spatial = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        scale_factors = None
        output_size = _per_dim(size, spatial, ("output", "output size of", "output size", "o"))
    elif scale_factor is not None:
        output_size = None
        names = ("scale_factor", "scale_factor of shape", "scale_factor", "s")
        scale_factors = [float(s) for s in _per_dim(scale_factor, spatial, names)]
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor:
        output_size = [int(n * s) for n, s in zip(spatial, scale_factors)]
        scale_factors = None
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.dim() == 4):
        raise ValueError(
            "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and "
            "requires a 4-D tensor as input"
        )
    nd = input.dim()
    if mode in ("nearest", "nearest-exact") and nd in (3, 4, 5):
        return _kernel(input, mode, output_size, scale_factors, False)
    if mode == "area" and nd in (3, 4, 5):
        pool = {3: adaptive_avg_pool1d, 4: adaptive_avg_pool2d, 5: adaptive_avg_pool3d}[nd]
        return pool(input, output_size)
    if _KERNEL.get(mode) == nd:
        if antialias:
            raise NotImplementedError(
                "interpolate(antialias=True) is not supported by autograd_widgets"
            )
        return _kernel(input, mode, output_size, scale_factors, align_corners)
    if mode == "lanczos" and nd == 4:
        raise NotImplementedError(
            f"interpolate(mode='{mode}') on a {nd}D input is not supported by autograd_widgets"
        )
    need = _SPATIAL.get(mode)
    if need is not None and nd in (3, 4, 5):
        raise NotImplementedError(f"Got {nd}D input, but {mode} mode needs {need}D input")
    raise NotImplementedError(
        "Input Error: Only 3D, 4D and 5D input Tensors supported"
        f" (got {nd}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | "
        f"lanczos | area | nearest-exact (got {mode})"
    )


def _deprecated(name):
    msg = f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead."
    warnings.warn(msg, stacklevel=3)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """``torch.nn.functional.upsample`` (deprecated): ``interpolate`` with a warning."""
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """``torch.nn.functional.upsample_nearest`` (deprecated): nearest ``interpolate``."""
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """``torch.nn.functional.upsample_bilinear`` (deprecated): ``align_corners=True``."""
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
