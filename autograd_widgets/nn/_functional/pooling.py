"""Max and average pooling over two or three spatial dims (``max_pool2d/3d``, ``avg_pool2d/3d``).

Each window is a strided view (``_im2col`` of ``conv.py``); the 1-d pools are 2-d pools of
height one, as in ATen. The nodes carry PyTorch's names: ``MaxPool2DWithIndicesBackward0``,
``MaxPool3DWithIndicesBackward0``, ``AvgPool2DBackward0``, ``AvgPool3DBackward0``, and their
double backward nodes (``...BackwardBackward0``, see ``_common.linear_backward``).
"""

from __future__ import annotations

import numpy as np

from ...autograd.node import node_class
from ...ops._core import Tensor, needs_grad, record
from ._common import double_node, linear_backward
from .conv import _im2col

_make = Tensor._make

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d"]

_COUNT = {2: "two", 3: "three"}


def _pool_arg(v, n, name, what, omitted=False):
    """An int or an ``n``-list, or PyTorch's error naming the op (``max_pool3d: ...``)."""
    if omitted and (v is None or (isinstance(v, (list, tuple)) and len(v) == 0)):
        return None
    if isinstance(v, (list, tuple)):
        if len(v) not in (1, n):
            if what == "dilation":
                head = "must be either"
            else:
                head = "must" if name == "avg_pool3d" else "must either"
                head += " be omitted," if omitted else " be"
            raise RuntimeError(
                f"{name}: {what} {head} a single int, or a tuple of {_COUNT[n]} ints"
            )
        return tuple(int(x) for x in v) * (n if len(v) == 1 else 1)
    return (int(v),) * n


def _shown(v, n):
    """The value PyTorch's node shows: an int expanded, a list as given, no stride as ``()``."""
    if v is None:
        return ()
    return tuple(v) if isinstance(v, (list, tuple)) else (v,) * n


def _pool_out(size, k, s, p, d, ceil):
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)) // s + 1
    if ceil and (out - 1) * s >= size + p:
        out -= 1
    return out


def _pool_setup(
    input, kernel_size, stride, padding, dilation, ceil_mode, n, max_pool, divisor_override=None
):
    """Check the arguments as ATen does; returns the batched array and the window geometry."""
    name = f"{'max' if max_pool else 'avg'}_pool{n}d"
    k = _pool_arg(kernel_size, n, name, "kernel_size")
    s = _pool_arg(stride, n, name, "stride", omitted=True) or k
    p = _pool_arg(padding, n, name, "padding")
    d = _pool_arg(dilation, n, name, "dilation")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    x = input._data
    if x.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input")
    if any(v == 0 for v in s):
        raise RuntimeError("stride should not be zero")
    for i in range(n):
        if p[i] > (d[i] * (k[i] - 1) + 1) // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={p[i]}, "
                f"kernel_size={k[i]} and dilation={d[i]}"
            )
    unbatched = x.ndim == n + 1
    if unbatched:
        x = x[None]
    C, sizes = x.shape[1], x.shape[2:]
    if n == 3 and not max_pool and any(L < kk for L, kk in zip(sizes, k)):
        raise RuntimeError(
            "input image (T: {} H: {} W: {}) smaller than kernel size (kT: {} kH: {} kW: {})".format(
                *sizes, *k
            )
        )
    out = tuple(_pool_out(*a, ceil_mode) for a in zip(sizes, k, s, p, d))
    if any(o <= 0 for o in out):
        raise RuntimeError(
            f"Given input size: ({'x'.join(map(str, (C, *sizes)))}). Calculated output size: "
            f"({'x'.join(map(str, (C, *out)))}). Output size is too small"
        )
    # ceil_mode's last window may run past the padding: that many more cells on the high side.
    extra = tuple(
        max(0, (o - 1) * ss + dd * (kk - 1) + 1 - (L + 2 * pp))
        for o, ss, dd, kk, L, pp in zip(out, s, d, k, sizes, p)
    )
    return x, k, s, p, d, out, extra, unbatched


def gather_at(t, indices, dims: int):
    """``t``'s cells at ``indices`` (flat into each plane of the last ``dims`` dims): the max
    pools' double backward, made of differentiable ops (``MaxPool...BackwardBackward0``)."""
    flat = t.flatten(-dims) if dims > 1 else t
    return flat.gather(-1, indices.flatten(-dims) if dims > 1 else indices).view(indices.shape)


def _max_pool_backward(n, grad):
    ind = n.saved("result1")
    gx = scatter_to_indices(n, grad, ind)
    dims = len(n.in_shape) - 2
    return max_backward(n, grad, gx, ind, dims, _MAX_POOL_DOUBLE[dims])


def scatter_to_indices(n, grad, ind) -> np.ndarray:
    """The output gradient summed into the input cells ``ind`` names (flat in each plane);
    ``n`` has the fields ``unbatched``, ``in_shape`` and ``unique`` (no cell named twice)."""
    idx = ind._data
    g = grad._data
    if n.unbatched:
        g, idx = g[None], idx[None]
    N, C = n.in_shape[:2]
    plane = int(np.prod(n.in_shape[2:]))
    base = (np.arange(N * C, dtype=np.int64) * plane).reshape((N, C) + (1,) * (idx.ndim - 2))
    flat = (idx + base).ravel()
    if n.unique:
        gx = np.zeros(N * C * plane, dtype=g.dtype)
        gx[flat] = g.ravel()
    else:
        gx = np.bincount(flat, weights=g.ravel(), minlength=N * C * plane).astype(g.dtype)
    gx = gx.reshape(n.in_shape)
    return gx[0] if n.unbatched else gx


def max_backward(n, grad, gx, indices, dims, double_cls):
    """A max pool's input gradient ``gx`` (scattered to ``indices``, flat into each plane of
    the last ``dims`` dims), whose double backward gathers ``ggI`` back at ``indices``."""
    again = lambda gg: gather_at(gg, indices, dims)  # noqa: E731
    return linear_backward(n, grad, gx, double_cls, again, {"indices": indices})


_MAX_POOL_DOUBLE = {
    dims: double_node(f"MaxPool{dims}DWithIndicesBackwardBackward0", saved=("indices",))
    for dims in (2, 3)
}
MaxPool2DWithIndicesBackwardBackward0 = _MAX_POOL_DOUBLE[2]
MaxPool3DWithIndicesBackwardBackward0 = _MAX_POOL_DOUBLE[3]
_MAX_POOL_NODE = {
    dims: node_class(
        f"MaxPool{dims}DWithIndicesBackward0",
        _max_pool_backward,
        saved=("self", "result1"),
        attrs=("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
        fields=("unbatched", "in_shape", "unique"),
    )
    for dims in (2, 3)
}
MaxPool2DWithIndicesBackward0 = _MAX_POOL_NODE[2]
MaxPool3DWithIndicesBackward0 = _MAX_POOL_NODE[3]


def _max_poolnd(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, n):
    x, k, s, p, d, out, extra, unbatched = _pool_setup(
        input, kernel_size, stride, padding, dilation, ceil_mode, n, True
    )
    sizes = x.shape[2:]
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    pads = ((0, 0), (0, 0)) + tuple((pp, pp + e) for pp, e in zip(p, extra))
    xp = np.pad(x, pads, constant_values=fill) if any(p) or any(extra) else x
    win = _im2col(xp, k, s, d, out)
    win = win.reshape(win.shape[: 2 + n] + (-1,))
    arg = win.argmax(axis=-1)
    res = np.take_along_axis(win, arg[..., None], axis=-1)[..., 0]
    if x.dtype.kind == "f" and np.isnan(x).any():
        # ATen's loop keeps the last NaN of a window (``val > max || isnan(val)``).
        isnan = np.isnan(win)
        has_nan = isnan.any(axis=-1)
        arg = np.where(has_nan, win.shape[-1] - 1 - isnan[..., ::-1].argmax(axis=-1), arg)
        res = np.where(has_nan, np.nan, res).astype(x.dtype, copy=False)
    # Window offset -> input coordinate per spatial dim -> flat index into the input plane.
    offsets = np.unravel_index(arg, k)
    indices = np.zeros(arg.shape, dtype=np.int64)
    for i in range(n):
        start = (np.arange(out[i]) * s[i] - p[i]).reshape((-1,) + (1,) * (n - 1 - i))
        indices = indices * sizes[i] + start + offsets[i] * d[i]
    if unbatched:
        res, indices = res[0], indices[0]
    t, ind = _make(np.ascontiguousarray(res)), _make(indices)
    if needs_grad(input):
        record(
            _MAX_POOL_NODE[n],
            t,
            (input,),
            {"self": input, "result1": ind},
            {
                "kernel_size": _shown(kernel_size, n),
                "stride": _shown(None if stride == [] else stride, n),
                "padding": _shown(padding, n),
                "dilation": _shown(dilation, n),
                "ceil_mode": ceil_mode,
            },
            fields={
                "unbatched": unbatched,
                "in_shape": x.shape,
                "unique": all(s[i] >= d[i] * (k[i] - 1) + 1 for i in range(n)),
            },
        )
    return (t, ind) if return_indices else t


def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """``torch.nn.functional.max_pool2d`` with PyTorch's flat indices into each input plane."""
    return _max_poolnd(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2)


def max_pool3d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """``torch.nn.functional.max_pool3d``: indices are flat into each ``(D, H, W)`` volume."""
    return _max_poolnd(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 3)


_AVG_POOL_ATTRS = (
    "kernel_size",
    "stride",
    "padding",
    "ceil_mode",
    "count_include_pad",
    "divisor_override",
)


def _avg_pool_backward(n, grad):
    dims = len(n.k)
    g = grad._data
    if n.unbatched:
        g = g[None]
    g = g / n.divisor
    out, sizes = g.shape[2:], n.in_shape[2:]
    full = tuple(L + 2 * p + e for L, p, e in zip(sizes, n.p, n.extra))
    gxp = np.zeros(n.in_shape[:2] + full, dtype=g.dtype)
    # Every kernel offset adds the output gradient to one strided slab of the padded input.
    for off in np.ndindex(*n.k):
        gxp[
            (slice(None),) * 2
            + tuple(slice(o, o + s * (L - 1) + 1, s) for o, s, L in zip(off, n.s, out))
        ] += g
    crop = tuple(slice(p, p + L) for p, L in zip(n.p, sizes))
    gx = np.ascontiguousarray(gxp[(slice(None),) * 2 + crop])
    a = n._attrs
    return linear_backward(
        n,
        grad,
        gx[0] if n.unbatched else gx,
        _AVG_POOL_DOUBLE[dims],
        lambda gg: _avg_poolnd(
            gg, n.k, n.s, n.p, a["ceil_mode"], a["count_include_pad"], a["divisor_override"], dims
        ),
        attrs=dict(a),
    )


_AVG_POOL_DOUBLE = {
    dims: double_node(f"AvgPool{dims}DBackwardBackward0", attrs=_AVG_POOL_ATTRS) for dims in (2, 3)
}
AvgPool2DBackwardBackward0 = _AVG_POOL_DOUBLE[2]
AvgPool3DBackwardBackward0 = _AVG_POOL_DOUBLE[3]
_AVG_POOL_NODE = {
    dims: node_class(
        f"AvgPool{dims}DBackward0",
        _avg_pool_backward,
        saved=("self",),
        attrs=_AVG_POOL_ATTRS,
        fields=("divisor", "unbatched", "in_shape", "extra", "k", "s", "p"),
    )
    for dims in (2, 3)
}
AvgPool2DBackward0 = _AVG_POOL_NODE[2]
AvgPool3DBackward0 = _AVG_POOL_NODE[3]


def _avg_poolnd(
    input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, n
):
    x, k, s, p, _, out, extra, unbatched = _pool_setup(
        input, kernel_size, stride, padding, 1, ceil_mode, n, False, divisor_override
    )
    sizes, ones = x.shape[2:], (1,) * n
    axes = tuple(range(-n, 0))
    pads = tuple((pp, pp + e) for pp, e in zip(p, extra))
    xp = np.pad(x, ((0, 0), (0, 0)) + pads) if any(p) or any(extra) else x
    sums = _im2col(xp, k, s, ones, out).sum(axis=axes)
    if divisor_override:
        divisor = np.asarray(divisor_override, dtype=x.dtype)
    else:
        # Count, per window, the cells inside the (padded, if counted) input: PyTorch's divisor.
        mask = np.zeros(tuple(L + 2 * pp + e for L, pp, e in zip(sizes, p, extra)), dtype=x.dtype)
        if count_include_pad:
            mask[tuple(slice(0, L + 2 * pp) for L, pp in zip(sizes, p))] = 1
        else:
            mask[tuple(slice(pp, pp + L) for L, pp in zip(sizes, p))] = 1
        divisor = _im2col(mask[None, None], k, s, ones, out).sum(axis=axes)[0, 0]
    res = (sums / divisor).astype(x.dtype, copy=False)
    t = _make(res[0] if unbatched else res)
    if needs_grad(input):
        record(
            _AVG_POOL_NODE[n],
            t,
            (input,),
            {"self": input},
            {
                "kernel_size": _shown(kernel_size, n),
                "stride": _shown(None if stride == [] else stride, n),
                "padding": _shown(padding, n),
                "ceil_mode": ceil_mode,
                "count_include_pad": count_include_pad,
                "divisor_override": divisor_override,
            },
            fields={
                "divisor": divisor,
                "unbatched": unbatched,
                "in_shape": x.shape,
                "extra": extra,
                "k": k,
                "s": s,
                "p": p,
            },
        )
    return t


def _avg_pool_function(n):
    """``avg_pool{n}d`` with PyTorch's signature (2-d and 3-d differ only in ``n``)."""

    def avg_pool(
        input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
        divisor_override=None,
    ):  # fmt: skip
        return _avg_poolnd(
            input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, n
        )

    avg_pool.__name__ = avg_pool.__qualname__ = f"avg_pool{n}d"
    avg_pool.__doc__ = (
        f"``torch.nn.functional.avg_pool{n}d``; divisors near the border follow PyTorch's rules."
    )
    return avg_pool


avg_pool2d = _avg_pool_function(2)
avg_pool3d = _avg_pool_function(3)


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
