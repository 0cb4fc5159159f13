"""Convolution on numpy: im2col with ``sliding_window_view`` plus one matmul.

numpy has no convolution primitive, so ``conv2d`` gathers every receptive field
into a matrix (im2col) and multiplies it by the flattened kernel; the backward
pass multiplies by the same matrix and scatters the column gradients back
(col2im). The same code serves one, two or three spatial dims; the node is PyTorch's
``ConvolutionBackward0``. Under ``create_graph=True`` the backward's results are the outputs
of a ``ConvolutionBackwardBackward0`` node whose formula (PyTorch's
``_convolution_double_backward``) reuses the same three kernels, recording them again when
differentiated further, so every order works. Pooling is in ``pooling.py``.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ...autograd.node import node_class
from ...ops._core import Tensor, grad_state, needs_grad, record, record_multi
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
_CONV_ATTRS = ("stride", "padding", "dilation", "transposed", "output_padding", "groups")


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


# --- the three numpy kernels: forward, and the vjps for input and weight -------------------------
def _columns(x, k, geo):
    """im2col of array ``x`` for a kernel of spatial size ``k``: one matrix per group,
    ``(N * prod(out), cg * prod(k))``, one receptive field per row; and the output size."""
    stride, dil, groups, pads = geo["stride"], geo["dilation"], geo["groups"], geo["pads"]
    nsp, N, cg = len(stride), x.shape[0], x.shape[1] // groups
    xp = np.pad(x, ((0, 0), (0, 0), *pads)) if any(map(any, pads)) else x
    ek = tuple(d * (kk - 1) + 1 for d, kk in zip(dil, k))
    out_sz = tuple((p - e) // s + 1 for p, e, s in zip(xp.shape[2:], ek, stride))
    win = _im2col(xp, k, stride, dil, out_sz)
    rows, kn = N * int(np.prod(out_sz)), cg * int(np.prod(k))
    # (N, cg, *out, *k) -> (N * prod(out), cg * prod(k))
    order = (0, *range(2, 2 + nsp), 1, *range(2 + nsp, 2 + 2 * nsp))
    cols = [win[:, i * cg : (i + 1) * cg].transpose(order).reshape(rows, kn) for i in range(groups)]
    return cols, out_sz


def _conv_np(x, w, geo):
    """The convolution of arrays (no bias) -> (output, im2col columns per group)."""
    groups, O = geo["groups"], w.shape[0]
    cols, out_sz = _columns(x, w.shape[2:], geo)
    og = O // groups
    outs = [c @ w[i * og : (i + 1) * og].reshape(og, -1).T for i, c in enumerate(cols)]
    out = outs[0] if groups == 1 else np.concatenate(outs, axis=1)
    nsp = len(out_sz)
    return out.reshape(x.shape[0], *out_sz, O).transpose(0, nsp + 1, *range(1, nsp + 1)), cols


def _rows(g):
    """(N, O, *out) -> (N * prod(out), O): one row per output position, as the columns."""
    return g.transpose(0, *range(2, g.ndim), 1).reshape(-1, g.shape[1])


def _grad_weight_np(g, cols, w_shape, groups):
    """The weight's vjp: each group's output-gradient rows times its input columns."""
    gm, og = _rows(g), w_shape[0] // groups
    return np.concatenate(
        [
            (gm[:, i * og : (i + 1) * og].T @ cols[i]).reshape(og, *w_shape[1:])
            for i in range(groups)
        ]
    )


def _grad_input_np(g, w, geo):
    """The input's vjp: columns from the output gradient, scattered back (col2im)."""
    stride, dil, groups, pads = geo["stride"], geo["dilation"], geo["groups"], geo["pads"]
    N, out = g.shape[0], g.shape[2:]
    k, nsp, cg, og = w.shape[2:], len(out), w.shape[1], w.shape[0] // groups
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(geo["in_shape"][2:], pads))
    gm = _rows(g)
    gxp = np.zeros((N, cg * groups, *padded), dtype=g.dtype)
    # (N, *out, cg, *k) -> (N, cg, *k, *out): each kernel offset adds one strided slab (col2im).
    order = (0, nsp + 1, *range(nsp + 2, 2 * nsp + 2), *range(1, nsp + 1))
    for i in range(groups):
        gc = gm[:, i * og : (i + 1) * og] @ w[i * og : (i + 1) * og].reshape(og, -1)
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
    crop = tuple(slice(lo, P - hi) for (lo, hi), P in zip(pads, padded))
    return np.ascontiguousarray(gxp[(slice(None),) * 2 + crop])


# --- backward and double backward ----------------------------------------------------------------
def conv_backward(grad, input, weight, geo, mask, cols=None):
    """``(grad_input, grad_weight, grad_bias)`` of a convolution, ``None`` where ``mask`` says.

    The vjp is bilinear: the input's needs only ``grad`` and ``weight``, the weight's only
    ``grad`` and ``input`` (or its im2col ``cols``). Under ``create_graph`` the three results
    are the outputs of one ``ConvolutionBackwardBackward0`` node, as in PyTorch.
    """
    g = grad._data
    nsp = g.ndim - 2
    gx = gw = gb = None
    if mask[0]:
        gx = _make(_grad_input_np(g, weight._data, geo).astype(g.dtype, copy=False))
    if mask[1]:
        if cols is None:
            cols = _columns(input._data, geo["w_shape"][2:], geo)[0]
        gw = _grad_weight_np(g, cols, geo["w_shape"], geo["groups"])
        gw = _make(gw.astype(geo["w_dtype"], copy=False))
    if mask[2]:
        gb = _make(g.sum(axis=(0, *range(2, 2 + nsp))).astype(g.dtype, copy=False))
    if grad_state.enabled and needs_grad(grad, input, weight):
        record_multi(
            ConvolutionBackwardBackward0,
            [gx, gw, gb],
            (grad, input, weight),
            {"grad_output": grad, "input": input, "weight": weight},
            {k: geo[k] for k in ConvolutionBackwardBackward0.saved_attr_names},
            fields={"geo": geo},
        )
    return gx, gw, gb


def _conv_backward(n, grad):
    mask = [f is not None for f, _ in n.next_functions]
    # The saved input is only needed to record the double backward node.
    x = n.saved("input") if grad_state.enabled else None
    return conv_backward(grad, x, n.saved("weight"), n.geo, mask, n.cols)


ConvolutionBackward0 = node_class(
    "ConvolutionBackward0",
    _conv_backward,
    saved=("input", "weight"),
    attrs=_CONV_ATTRS + ("bias_sym_sizes_opt",),
    fields=("cols", "geo"),
)


def _conv_double_backward(n, grads):
    """PyTorch's ``_convolution_double_backward``: given the gradients ``ggI, ggW, ggb`` of
    the first backward's results, ``gO' = conv(ggI, W) + conv(x, ggW) + ggb``, and the
    bilinear vjp gives ``x' = vjp_input(gO, ggW)``, ``W' = vjp_weight(ggI, gO)``."""
    ggi, ggw, ggb = grads
    gO, x, w = (n.saved(k) for k in ("grad_output", "input", "weight"))
    need = [f is not None for f, _ in n.next_functions]
    geo = n.geo
    g_go = None
    if need[0]:
        terms = []
        if ggi is not None:
            terms.append(_conv_core(ggi, w, None, geo))
        if ggw is not None and x is not None:
            terms.append(_conv_core(x, ggw, None, geo))
        if ggb is not None:
            shape = (1, -1) + (1,) * (gO.dim() - 2)
            terms.append(ggb.reshape(shape).expand_as(gO) if not terms else ggb.reshape(shape))
        if terms:
            g_go = terms[0]
            for t in terms[1:]:
                g_go = g_go + t
    mask = (need[1] and ggw is not None, need[2] and ggi is not None, False)
    g_x = g_w = None
    if mask[0] or mask[1]:
        g_x, g_w, _ = conv_backward(gO, ggi, ggw, geo, mask)
    return g_go, g_x, g_w


ConvolutionBackwardBackward0 = node_class(
    "ConvolutionBackwardBackward0",
    _conv_double_backward,
    saved=("grad_output", "input", "weight"),
    attrs=_CONV_ATTRS,
    fields=("geo",),
    all_grads=True,
)
ConvolutionBackwardBackward0.materialize_grads = False


def _conv_pads(padding, k, dilation, stride, dims):
    """(lo, hi) per spatial dim from an int/tuple or 'same'/'valid'."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * dims
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        tot = [d * (kk - 1) for d, kk in zip(dilation, k)]
        return tuple((t // 2, t - t // 2) for t in tot)
    return tuple((q, q) for q in _tuple(padding, dims, "padding"))


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
    pads = _conv_pads(padding, w.shape[2:], dil_t, stride_t, dims)
    C, sizes = x.shape[1], x.shape[2:]
    cg, k = w.shape[1], w.shape[2:]
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
    geo = {
        "stride": stride_t,
        "padding": tuple(lo for lo, _ in pads),
        "dilation": dil_t,
        "transposed": False,
        "output_padding": (0,) * dims,
        "groups": groups,
        "pads": pads,
    }
    return _conv_core(input, weight, bias, geo)


def _conv_core(input, weight, bias, geo):
    """Convolve checked arguments; ``geo`` holds the geometry (and the node's attributes:
    PyTorch shows ``padding='same'`` or ``'valid'`` as the numbers it became)."""
    x, w = input._data, weight._data
    out, cols = _conv_np(x, w, geo)
    if bias is not None:
        out += bias._data.reshape((-1,) + (1,) * (x.ndim - 2))
    dt = np.result_type(x.dtype, w.dtype)
    t = _make(np.ascontiguousarray(out).astype(dt, copy=False))
    if needs_grad(input, weight, bias):
        geo = {**geo, "in_shape": x.shape, "w_shape": w.shape, "w_dtype": w.dtype}
        attrs = {k: geo[k] for k in _CONV_ATTRS}
        # PyTorch shows (0,) for a convolution without bias.
        attrs["bias_sym_sizes_opt"] = (0,) if bias is None else tuple(bias.shape)
        record(
            ConvolutionBackward0,
            t,
            (input, weight, bias),
            {"input": input, "weight": weight},
            attrs,
            fields={"cols": cols, "geo": geo},
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
