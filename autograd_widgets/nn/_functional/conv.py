"""Convolution and pooling on numpy: im2col with ``sliding_window_view`` plus one matmul.

numpy has no convolution primitive, so ``conv2d`` gathers every receptive field
into a matrix (im2col) and multiplies it by the flattened kernel; the backward
pass multiplies by the same matrix and scatters the column gradients back
(col2im). ``conv1d`` is ``conv2d`` with a height of one. The nodes carry
PyTorch's names: ``ConvolutionBackward0``, ``MaxPool2DWithIndicesBackward0``,
``AvgPool2DBackward0``.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ...autograd.node import node_class
from ...ops._core import Tensor, needs_grad, record
from ._common import no_double_backward as _no_double_backward
from .sparse import pad

_make = Tensor._make

__all__ = ["conv1d", "conv2d", "conv3d", "max_pool2d", "avg_pool2d", "max_pool1d", "avg_pool1d"]


def _tuple(v, n: int, name: str = "") -> tuple:
    if isinstance(v, (list, tuple)):
        if len(v) == 1:
            return tuple(v) * n
        if len(v) != n:
            raise RuntimeError(
                f"expected {name} to be a single integer value or a list of {n} values"
            )
        return tuple(int(x) for x in v)
    return (int(v),) * n


# --- convolution ------------------------------------------------------------------------------
def _im2col(xp: np.ndarray, k, stride, dilation, out) -> np.ndarray:
    """(N, C, *S) -> (N, C, *out, *k) strided view of every receptive field (any number of
    spatial dims: ``len(k)``)."""
    n = len(k)
    ek = tuple(d * (kk - 1) + 1 for d, kk in zip(dilation, k))
    win = sliding_window_view(xp, ek, axis=tuple(range(2, 2 + n)))
    win = win[
        (slice(None),) * 2
        + tuple(slice(None, None, s) for s in stride)
        + tuple(slice(None, None, d) for d in dilation)
    ]
    return win[(slice(None),) * 2 + tuple(slice(None, o) for o in out)]


def _conv_backward(n, grad):
    _no_double_backward(grad, "convolution")
    a = n._attrs
    w = n.saved("weight")
    g, wd = grad._data, w._data
    N, O, out = g.shape[0], g.shape[1], g.shape[2:]
    k, nsp, groups = wd.shape[2:], len(out), a["groups"]
    og, cg = O // groups, wd.shape[1]
    # (N, O, *out) -> (N * prod(out), O): one row per output position, as the forward's cols.
    gm = g.transpose(0, *range(2, 2 + nsp), 1).reshape(-1, O)
    gx = gw = gb = None
    if n.next_functions[1][0] is not None:
        gw = np.concatenate(
            [
                (gm[:, i * og : (i + 1) * og].T @ n.cols[i]).reshape(og, cg, *k)
                for i in range(groups)
            ]
        )
        gw = _make(gw.astype(wd.dtype, copy=False))
    if n.next_functions[2][0] is not None:
        gb = _make(g.sum(axis=(0, *range(2, 2 + nsp))).astype(g.dtype, copy=False))
    if n.next_functions[0][0] is not None:
        stride, dil = a["stride"], a["dilation"]
        gxp = np.zeros((N, cg * groups, *n.padded), dtype=g.dtype)
        # (N, *out, cg, *k) -> (N, cg, *k, *out): each kernel offset adds one strided slab (col2im).
        order = (0, nsp + 1, *range(nsp + 2, 2 * nsp + 2), *range(1, nsp + 1))
        for i in range(groups):
            gc = gm[:, i * og : (i + 1) * og] @ wd[i * og : (i + 1) * og].reshape(og, -1)
            gc = gc.reshape(N, *out, cg, *k).transpose(order)
            dst = gxp[:, i * cg : (i + 1) * cg]
            for off in np.ndindex(*k):
                dst[
                    (slice(None),) * 2
                    + tuple(
                        slice(o * d, o * d + s * (L - 1) + 1, s)
                        for o, d, s, L in zip(off, dil, stride, out)
                    )
                ] += gc[(slice(None),) * 2 + off]
        crop = tuple(slice(lo, P - hi) for (lo, hi), P in zip(n.pads, n.padded))
        gx = _make(np.ascontiguousarray(gxp[(slice(None),) * 2 + crop]))
    return gx, gw, gb


ConvolutionBackward0 = node_class(
    "ConvolutionBackward0",
    _conv_backward,
    saved=("input", "weight"),
    attrs=(
        "stride",
        "padding",
        "dilation",
        "transposed",
        "output_padding",
        "groups",
        "bias_sym_sizes_opt",
    ),
    fields=("cols", "pads", "padded"),
)


def _conv_pads(padding, k, dilation, stride, dims):
    """((lo, hi) per spatial dim, the value PyTorch saves) from an int/tuple or 'same'/'valid'."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * dims, "valid"
        if padding != "same":
            raise ValueError(
                f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}"
            )
        if any(s != 1 for s in stride):
            raise ValueError("padding='same' is not supported for strided convolutions")
        tot = [d * (kk - 1) for d, kk in zip(dilation, k)]
        return tuple((t // 2, t - t // 2) for t in tot), "same"
    p = _tuple(padding, dims, "padding")
    return tuple((q, q) for q in p), p


def _convnd(input, weight, bias, stride, padding, dilation, groups, dims):
    x, w = input._data, weight._data
    name = f"conv{dims}d"
    if x.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(
            f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {name}, but got "
            f"input of size: {list(x.shape)}"
        )
    if isinstance(padding, str) and padding == "same":
        dil = _tuple(dilation, dims, "dilation")
        total = [d * (k - 1) for d, k in zip(dil, w.shape[2:])]
        if any(t % 2 for t in total):
            # Odd total padding: PyTorch pads the extra cell on the right with F.pad first.

            extra = []
            for t in reversed(total):
                extra += [0, t % 2]
            if any(s != 1 for s in _tuple(stride, dims, "stride")):
                raise ValueError("padding='same' is not supported for strided convolutions")
            left = tuple(t // 2 for t in total)
            return _convnd(pad(input, extra), weight, bias, stride, left, dilation, groups, dims)
    if x.ndim == dims + 1:
        # Unbatched input: PyTorch adds the batch dim and squeezes it off (SqueezeBackward1).
        return _convnd(
            input.unsqueeze(0), weight, bias, stride, padding, dilation, groups, dims
        ).squeeze(0)
    stride_t, dil_t = _tuple(stride, dims, "stride"), _tuple(dilation, dims, "dilation")
    pads, pad_attr = _conv_pads(padding, w.shape[2:], dil_t, stride_t, dims)
    N, C, sizes = x.shape[0], x.shape[1], x.shape[2:]
    O, cg, k = w.shape[0], w.shape[1], w.shape[2:]
    if C != cg * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
            f"{list(input.shape)} to have {cg * groups} channels, but got {C} channels instead"
        )
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(sizes, pads))
    ek = tuple(d * (kk - 1) + 1 for d, kk in zip(dil_t, k))
    if any(p < e for p, e in zip(padded, ek)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, ek))}). "
            "Kernel size can't be greater than actual input size"
        )
    dt = np.result_type(x.dtype, w.dtype)
    xp = np.pad(x, ((0, 0), (0, 0), *pads)) if any(map(any, pads)) else x
    out_sz = tuple((p - e) // s + 1 for p, e, s in zip(padded, ek, stride_t))
    win = _im2col(xp, k, stride_t, dil_t, out_sz)
    og, rows, kn = O // groups, N * int(np.prod(out_sz)), cg * int(np.prod(k))
    # (N, cg, *out, *k) -> (N * prod(out), cg * prod(k)): one receptive field per row.
    order = (0, *range(2, 2 + dims), 1, *range(2 + dims, 2 + 2 * dims))
    cols, outs = [], []
    for i in range(groups):
        c = win[:, i * cg : (i + 1) * cg].transpose(order).reshape(rows, kn)
        cols.append(c)
        outs.append(c @ w[i * og : (i + 1) * og].reshape(og, -1).T)
    out = outs[0] if groups == 1 else np.concatenate(outs, axis=1)
    if bias is not None:
        out += bias._data
    res = out.reshape(N, *out_sz, O).transpose(0, dims + 1, *range(1, dims + 1))
    t = _make(np.ascontiguousarray(res).astype(dt, copy=False))
    if needs_grad(input, weight, bias):
        attrs = {
            "stride": stride_t,
            "padding": pad_attr,
            "dilation": dil_t,
            "transposed": False,
            "output_padding": (0,) * dims,
            "groups": groups,
            "bias_sym_sizes_opt": None if bias is None else list(bias.shape),
        }
        record(
            ConvolutionBackward0,
            t,
            (input, weight, bias),
            {"input": input, "weight": weight},
            attrs,
            fields={"cols": cols, "pads": pads, "padded": padded},
        )
    return t


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``torch.nn.functional.conv2d`` (im2col + matmul); one ``ConvolutionBackward0`` node."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 2)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``torch.nn.functional.conv1d`` (the same im2col over one spatial dim)."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 1)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``torch.nn.functional.conv3d`` (the same im2col over depth, height and width)."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 3)


# --- pooling ----------------------------------------------------------------------------------
def _pool_out(size, k, s, p, d, ceil):
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)) // s + 1
    if ceil and (out - 1) * s >= size + p:
        out -= 1
    return out


def _pool_setup(input, kernel_size, stride, padding, dilation, ceil_mode, name, max_pool):
    x = input._data
    if x.ndim not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    k = _tuple(kernel_size, 2, "kernel_size")
    s = (
        k
        if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0)
        else _tuple(stride, 2, "stride")
    )
    p, d = _tuple(padding, 2, "padding"), _tuple(dilation, 2, "dilation")
    for i in range(2):
        if max_pool and p[i] > (d[i] * (k[i] - 1) + 1) // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={p[i]}, "
                f"kernel_size={k[i]} and dilation={d[i]}"
            )
        if not max_pool and p[i] > k[i] // 2:
            raise RuntimeError(
                f"pad should be at most half of kernel size, but got pad={p[i]} and kernel_size={k[i]}"
            )
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    N, C, H, W = x.shape
    OH = _pool_out(H, k[0], s[0], p[0], d[0], ceil_mode)
    OW = _pool_out(W, k[1], s[1], p[1], d[1], ceil_mode)
    if OH <= 0 or OW <= 0:
        raise RuntimeError(
            f"Given input size: ({C}x{H}x{W}). Calculated output size: ({C}x{OH}x{OW}). Output size "
            "is too small"
        )
    eh = max(0, (OH - 1) * s[0] + d[0] * (k[0] - 1) + 1 - (H + 2 * p[0]))
    ew = max(0, (OW - 1) * s[1] + d[1] * (k[1] - 1) + 1 - (W + 2 * p[1]))
    return x, k, s, p, d, (OH, OW), (eh, ew), unbatched


def _max_pool_backward(n, grad):
    _no_double_backward(grad, "max_pool2d")
    idx = n.saved("result1")._data
    g = grad._data
    if n.unbatched:
        g, idx = g[None], idx[None]
    N, C, H, W = n.in_shape
    base = (np.arange(N * C, dtype=np.int64) * (H * W)).reshape(N, C, 1, 1)
    flat = (idx + base).ravel()
    if n.unique:
        gx = np.zeros(N * C * H * W, dtype=g.dtype)
        gx[flat] = g.ravel()
    else:
        gx = np.bincount(flat, weights=g.ravel(), minlength=N * C * H * W).astype(g.dtype)
    gx = gx.reshape(N, C, H, W)
    return _make(gx[0] if n.unbatched else gx)


MaxPool2DWithIndicesBackward0 = node_class(
    "MaxPool2DWithIndicesBackward0",
    _max_pool_backward,
    saved=("self", "result1"),
    attrs=("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
    fields=("unbatched", "in_shape", "unique"),
)


def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """``torch.nn.functional.max_pool2d`` with PyTorch's flat indices into each input plane."""
    x, k, s, p, d, (OH, OW), (eh, ew), unbatched = _pool_setup(
        input, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d", True
    )
    N, C, H, W = x.shape
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    xp = (
        np.pad(x, ((0, 0), (0, 0), (p[0], p[0] + eh), (p[1], p[1] + ew)), constant_values=fill)
        if (any(p) or eh or ew)
        else x
    )
    win = _im2col(xp, k, s, d, (OH, OW)).reshape(N, C, OH, OW, k[0] * k[1])
    arg = win.argmax(axis=-1)
    out = np.take_along_axis(win, arg[..., None], axis=-1)[..., 0]
    if np.isnan(x).any() if x.dtype.kind == "f" else False:
        nan_arg = np.isnan(win).argmax(axis=-1)
        has_nan = np.isnan(win).any(axis=-1)
        arg = np.where(has_nan, nan_arg, arg)
        out = np.where(has_nan, np.nan, out)
    rows = np.arange(OH).reshape(OH, 1) * s[0] - p[0] + (arg // k[1]) * d[0]
    cols = np.arange(OW).reshape(1, OW) * s[1] - p[1] + (arg % k[1]) * d[1]
    indices = (rows * W + cols).astype(np.int64)
    if unbatched:
        out, indices = out[0], indices[0]
    res = _make(np.ascontiguousarray(out))
    ind = _make(indices)
    if needs_grad(input):
        unique = all(s[i] >= d[i] * (k[i] - 1) + 1 for i in range(2))
        record(
            MaxPool2DWithIndicesBackward0,
            res,
            (input,),
            {"self": input, "result1": ind},
            {
                "kernel_size": list(k),
                "stride": list(s),
                "padding": list(p),
                "dilation": list(d),
                "ceil_mode": ceil_mode,
            },
            fields={"unbatched": unbatched, "in_shape": (N, C, H, W), "unique": unique},
        )
    return (res, ind) if return_indices else res


_AVG_POOL_ATTRS = (
    "kernel_size",
    "stride",
    "padding",
    "ceil_mode",
    "count_include_pad",
    "divisor_override",
)


def _avg_pool_backward(n, grad):
    _no_double_backward(grad, "avg_pool2d")
    a = n._attrs
    g = grad._data
    if n.unbatched:
        g = g[None]
    g = g / n.divisor
    N, C, H, W = n.in_shape
    (kh, kw), (sh, sw), (ph, pw) = a["kernel_size"], a["stride"], a["padding"]
    eh, ew = n.extra
    OH, OW = g.shape[2:]
    gxp = np.zeros((N, C, H + 2 * ph + eh, W + 2 * pw + ew), dtype=g.dtype)
    for i in range(kh):
        for j in range(kw):
            gxp[:, :, i : i + sh * (OH - 1) + 1 : sh, j : j + sw * (OW - 1) + 1 : sw] += g
    gx = np.ascontiguousarray(gxp[:, :, ph : ph + H, pw : pw + W])
    return _make(gx[0] if n.unbatched else gx)


AvgPool2DBackward0 = node_class(
    "AvgPool2DBackward0",
    _avg_pool_backward,
    saved=("self",),
    attrs=_AVG_POOL_ATTRS,
    fields=("divisor", "unbatched", "in_shape", "extra"),
)


def avg_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """``torch.nn.functional.avg_pool2d``; divisors near the border follow PyTorch's rules."""
    x, k, s, p, _, (OH, OW), (eh, ew), unbatched = _pool_setup(
        input, kernel_size, stride, padding, 1, ceil_mode, "avg_pool2d", False
    )
    N, C, H, W = x.shape
    pads = ((p[0], p[0] + eh), (p[1], p[1] + ew))
    xp = np.pad(x, ((0, 0), (0, 0)) + pads) if (any(p) or eh or ew) else x
    sums = _im2col(xp, k, s, (1, 1), (OH, OW)).sum(axis=(-2, -1))
    if divisor_override:
        divisor = np.asarray(divisor_override, dtype=x.dtype)
    else:
        # Count, per window, the cells inside the (padded, if counted) input: PyTorch's divisor.
        mask = np.zeros((H + 2 * p[0] + eh, W + 2 * p[1] + ew), dtype=x.dtype)
        if count_include_pad:
            mask[: H + 2 * p[0], : W + 2 * p[1]] = 1
        else:
            mask[p[0] : p[0] + H, p[1] : p[1] + W] = 1
        divisor = _im2col(mask[None, None], k, s, (1, 1), (OH, OW)).sum(axis=(-2, -1))[0, 0]
    out = (sums / divisor).astype(x.dtype, copy=False)
    res = _make(out[0] if unbatched else out)
    if needs_grad(input):
        record(
            AvgPool2DBackward0,
            res,
            (input,),
            {"self": input},
            {
                "kernel_size": list(k),
                "stride": list(s),
                "padding": list(p),
                "ceil_mode": ceil_mode,
                "count_include_pad": count_include_pad,
                "divisor_override": divisor_override,
            },
            fields={
                "divisor": divisor,
                "unbatched": unbatched,
                "in_shape": (N, C, H, W),
                "extra": (eh, ew),
            },
        )
    return res


def _one(v):
    return v[0] if isinstance(v, (tuple, list)) else v


def max_pool1d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """``max_pool1d`` as ATen does it: a ``(1, k)`` max_pool2d on ``unsqueeze(-2)``."""
    k = _one(kernel_size)
    s = k if stride is None or stride == [] else _one(stride)
    res = max_pool2d(
        input.unsqueeze(-2),
        (1, k),
        (1, s),
        (0, _one(padding)),
        (1, _one(dilation)),
        ceil_mode=ceil_mode,
        return_indices=return_indices,
    )
    if return_indices:
        return res[0].squeeze(-2), res[1].squeeze(-2)
    return res.squeeze(-2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """``avg_pool1d`` as ATen does it: a ``(1, k)`` avg_pool2d on ``unsqueeze(-2)``."""
    k = _one(kernel_size)
    s = k if stride is None or stride == [] else _one(stride)
    out = avg_pool2d(
        input.unsqueeze(-2), (1, k), (1, s), (0, _one(padding)), ceil_mode, count_include_pad
    )
    return out.squeeze(-2)


# --- avg_pool3d over the depth only (local_response_norm's window across channels) ------------------
def _avg_pool_depth_backward(n, grad):
    _no_double_backward(grad, "avg_pool3d")
    size = n._attrs["kernel_size"][0]
    g = grad._data / grad._data.dtype.type(size)
    depth = g.shape[2]
    gx = np.zeros(n.in_shape, dtype=g.dtype)
    for i in range(size):
        gx[:, :, i : i + depth] += g
    return _make(gx)


AvgPool3DBackward0 = node_class(
    "AvgPool3DBackward0",
    _avg_pool_depth_backward,
    saved=("self",),
    attrs=_AVG_POOL_ATTRS,
    fields=("in_shape",),
)


def _avg_pool_depth(input, size: int):
    """``avg_pool3d(input, (size, 1, 1), stride=1)`` on a 5-d input: a moving mean along dim 2,
    as ``local_response_norm`` calls it (PyTorch's node, ``AvgPool3DBackward0``)."""
    x = input._data
    depth = x.shape[2] - size + 1
    acc = x[:, :, :depth].copy()
    for i in range(1, size):
        acc += x[:, :, i : i + depth]
    res = _make(acc / x.dtype.type(size))
    if needs_grad(input):
        record(
            AvgPool3DBackward0,
            res,
            (input,),
            {"self": input},
            {
                "kernel_size": [size, 1, 1],
                "stride": [1, 1, 1],
                "padding": [0, 0, 0],
                "ceil_mode": False,
                "count_include_pad": True,
                "divisor_override": None,
            },
            fields={"in_shape": x.shape},
        )
    return res
