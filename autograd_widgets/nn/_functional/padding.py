"""``F.pad``'s non-constant modes: reflect, replicate (one node each, per 1/2/3-d) and circular.

Reflection and replication map every output position along a padded dimension to one
input position, so the forward gathers along each dimension with an index array and
the backward sums the gradient back with the same map (a 0/1 matrix product). Circular
padding is composed as ATen composes it: copies into slices of a new tensor
(``CopySlices`` <- ``SliceBackward0``).
"""

from __future__ import annotations

import numpy as np

from ...autograd.node import node_class
from ...ops._core import Tensor, needs_grad, record
from ...ops._shown import torch_int
from ._common import double_node, linear_backward

_make = Tensor._make

_SUPPORTED = (
    "Supported combinations for non-constant padding:\n"
    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
)


def check_mode(mode: str, pad: list, ndim: int, value) -> None:
    """The checks ATen's ``pad`` makes before it picks a non-constant kernel."""
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    k = len(pad) // 2
    if ndim not in (k + 1, k + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {ndim}D input tensor.\n{_SUPPORTED}"
        )


def _index_map(n: int, lo: int, hi: int, mode: str) -> np.ndarray:
    """Input position of each output position along one dimension of size ``n``."""
    i = np.arange(-lo, n + hi)
    if mode == "replicate":
        return np.clip(i, 0, n - 1)
    i = np.abs(i)
    return np.where(i > n - 1, 2 * (n - 1) - i, i)


def _pairs(pad) -> list:
    """``[(dim_from_the_end, lo, hi), ...]``: F.pad's widths, last dimension first."""
    return [(i + 1, pad[2 * i], pad[2 * i + 1]) for i in range(len(pad) // 2)]


def _pad_backward(n, grad):
    g = grad._data
    for back, lo, hi in reversed(_pairs(n._attrs["padding"])):
        axis = g.ndim - back
        size = n.in_shape[axis]
        idx = _index_map(size, lo, hi, n.mode)
        onehot = np.zeros((idx.size, size), dtype=g.dtype)
        onehot[np.arange(idx.size), idx] = 1
        g = np.moveaxis(np.tensordot(g, onehot, axes=([axis], [0])), -1, axis)
    pad = n._attrs["padding"]
    return linear_backward(
        n,
        grad,
        np.ascontiguousarray(g),
        DOUBLE[n.mode, len(pad) // 2],
        lambda gg: reflect_or_replicate(gg, list(pad), n.mode),
        attrs={"padding": pad},
        shown={"padding": pad},
    )


def _declare(kind: str, d: int):
    return node_class(
        f"{kind}Pad{d}DBackward0",
        _pad_backward,
        saved=("self",),
        attrs=("padding",),
        fields=("mode", "in_shape"),
    )


_KINDS = (("reflect", "Reflection"), ("replicate", "Replication"))
NODES = {(mode, d): _declare(kind, d) for mode, kind in _KINDS for d in (1, 2, 3)}
DOUBLE = {
    (mode, d): double_node(f"{kind}Pad{d}DBackwardBackward0", attrs=("padding",))
    for mode, kind in _KINDS
    for d in (1, 2, 3)
}
ReflectionPad1DBackward0 = NODES["reflect", 1]
ReflectionPad2DBackward0 = NODES["reflect", 2]
ReflectionPad3DBackward0 = NODES["reflect", 3]
ReplicationPad1DBackward0 = NODES["replicate", 1]
ReplicationPad2DBackward0 = NODES["replicate", 2]
ReplicationPad3DBackward0 = NODES["replicate", 3]


def _check_input(x: np.ndarray, k: int) -> None:
    """Every dimension but an optional batch one must be non-empty."""
    dims = x.shape[1:] if x.ndim == k + 2 else x.shape
    if 0 in dims:
        raise RuntimeError(
            f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and "
            f"other non-zero dimensions for input, but got: {list(x.shape)}"
        )


_AXIS_NAMES = {1: "W", 2: "H", 3: "D"}


def _check_widths(x: np.ndarray, pad: list, mode: str) -> None:
    for back, lo, hi in _pairs(pad):
        size = x.shape[-back]
        if mode == "reflect" and (lo >= size or hi >= size):
            raise RuntimeError(
                f"Argument #{2 + 2 * back}: Padding size should be less than the corresponding "
                f"input dimension, but got: padding ({lo}, {hi}) at dimension {x.ndim - back} of "
                f"input {list(x.shape)}"
            )
    for back, lo, hi in _pairs(pad):
        size = x.shape[-back]
        if size + lo + hi < 1:
            name = _AXIS_NAMES[back]
            raise RuntimeError(
                f"input ({name}: {size}) is too small. Calculated output {name}: {size + lo + hi}"
            )


def reflect_or_replicate(input: Tensor, pad: list, mode: str) -> Tensor:
    x = input._data
    k = len(pad) // 2
    _check_input(x, k)
    _check_widths(x, pad, mode)
    res = x
    for back, lo, hi in _pairs(pad):
        res = np.take(res, _index_map(x.shape[-back], lo, hi, mode), axis=x.ndim - back)
    out = _make(np.ascontiguousarray(res))
    if needs_grad(input):
        record(
            NODES[mode, k],
            out,
            (input,),
            {"self": input},
            {"padding": tuple(pad)},
            fields={"mode": mode, "in_shape": x.shape},
            shown={"padding": torch_int(tuple(pad))},
        )
    return out


def circular(input: Tensor, pad: list) -> Tensor:
    """ATen's circular pad: copy the (cropped) input into the middle of a new tensor, then
    fill each padded side of each dimension from the opposite end of the result."""
    x = input._data
    widths = _pairs(pad)
    for back, lo, hi in widths:
        if lo > x.shape[-back] or hi > x.shape[-back]:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if x.shape[-back] + lo + hi <= 0:
            raise RuntimeError("Negative padding value is resulting in an empty dimension")
    shape = list(x.shape)
    for back, lo, hi in widths:
        shape[-back] += lo + hi
    out = _make(np.empty(shape, dtype=x.dtype))
    dst, src = out, input
    for back, lo, hi in widths:
        axis = x.ndim - back
        n = x.shape[axis] - max(-lo, 0) - max(-hi, 0)
        dst = dst.narrow(axis, max(lo, 0), n)
        src = src.narrow(axis, max(-lo, 0), n)
    dst.copy_(src)
    for back, lo, hi in widths:
        axis = x.ndim - back
        size = shape[axis]
        if lo > 0:
            out.narrow(axis, 0, lo).copy_(out.narrow(axis, size - lo - max(hi, 0), lo))
        if hi > 0:
            out.narrow(axis, size - hi, hi).copy_(out.narrow(axis, max(lo, 0), hi))
    return out
