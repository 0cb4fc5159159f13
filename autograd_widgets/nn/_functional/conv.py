"""Convolution on numpy: im2col with ``sliding_window_view`` plus one matmul.

numpy has no convolution primitive, so ``conv2d`` gathers every receptive field
into a matrix (im2col) and multiplies it by the flattened kernel; the backward
pass multiplies by the same matrix and scatters the column gradients back
(col2im). The same code serves one, two or three spatial dims; the node is PyTorch's
``ConvolutionBackward0``. Pooling is in ``pooling.py``.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ...autograd.node import node_class
from ...ops._core import Tensor, needs_grad, record
from ._common import no_double_backward as _no_double_backward
from .sparse import pad

_make = Tensor._make

__all__ = ["conv1d", "conv2d", "conv3d"]


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
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
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
                raise RuntimeError("padding='same' is not supported for strided convolutions")
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
            "bias_sym_sizes_opt": None if bias is None else tuple(bias.shape),
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
