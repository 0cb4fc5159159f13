"""Rearranging blocks of pixels: ``pixel_shuffle``/``pixel_unshuffle``, ``unfold``/``fold``.

One node each, as in PyTorch (``PixelShuffleBackward0``, ``Im2ColBackward0``...). Each
op's backward is its partner op (unshuffle for shuffle, col2im for im2col), called as an
op, so double backward records the partner's node in turn.
"""

from __future__ import annotations

import numpy as np

from ...autograd.node import node_class
from ...ops._core import Tensor, needs_grad, record
from .conv import _im2col, _tuple

_make = Tensor._make

__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "unfold", "fold"]


# --- pixel_shuffle / pixel_unshuffle ---------------------------------------------------------------
def _pixel_shuffle_backward(n, grad):
    return pixel_unshuffle(grad, n._attrs["upscale_factor"])


PixelShuffleBackward0 = node_class(
    "PixelShuffleBackward0",
    _pixel_shuffle_backward,
    attrs=("upscale_factor",),
)


def _pixel_unshuffle_backward(n, grad):
    return pixel_shuffle(grad, n._attrs["downscale_factor"])


PixelUnshuffleBackward0 = node_class(
    "PixelUnshuffleBackward0",
    _pixel_unshuffle_backward,
    attrs=("downscale_factor",),
)


def _check_pixel(input, factor, name, word):
    d = input._data
    if d.ndim < 3:
        raise RuntimeError(
            f"{name} expects input to have at least 3 dimensions, but got input with {d.ndim} "
            "dimension(s)"
        )
    if factor <= 0:
        raise RuntimeError(f"{name} expects a positive {word}, but got {factor}")
    return d


# --- channel_shuffle ----------------------------------------------------------------------------------
def _channel_shuffle_backward(n, grad):
    # Shuffling by g groups is undone by shuffling by C / g groups.
    return channel_shuffle(grad, grad._data.shape[1] // n._attrs["groups"])


ChannelShuffleBackward0 = node_class(
    "ChannelShuffleBackward0", _channel_shuffle_backward, attrs=("groups",)
)


def channel_shuffle(input, groups):
    """``F.channel_shuffle``: ``(N, g * k, *)`` to ``(N, k * g, *)``, channel ``i * k + j`` moving
    to ``j * g + i``."""
    d = input._data
    if d.ndim <= 2:
        raise RuntimeError(
            f"channel_shuffle expects input with > 2 dims, but got input with sizes {list(d.shape)}"
        )
    g = int(groups)
    if g <= 0:
        raise RuntimeError(
            f"Number of groups to divide channels in must be positive. Value of groups:{g}"
        )
    c = d.shape[1]
    if c % g:
        raise RuntimeError(
            f"Number of channels must be divisible by groups. Got {c} channels and {g} groups."
        )
    split = d.reshape((d.shape[0], g, c // g) + d.shape[2:])
    out = _make(np.ascontiguousarray(split.swapaxes(1, 2)).reshape(d.shape))
    if needs_grad(input):
        record(ChannelShuffleBackward0, out, (input,), None, {"groups": g})
    return out


def pixel_shuffle(input, upscale_factor):
    """``F.pixel_shuffle``: ``(*, C r², H, W)`` to ``(*, C, H r, W r)``."""
    r = int(upscale_factor)
    d = _check_pixel(input, r, "pixel_shuffle", "upscale_factor")
    *batch, c, h, w = d.shape
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
            f"of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}"
        )
    nb = len(batch)
    x = d.reshape(*batch, c // (r * r), r, r, h, w)
    x = x.transpose(*range(nb), nb, nb + 3, nb + 1, nb + 4, nb + 2)
    out = _make(np.ascontiguousarray(x).reshape(*batch, c // (r * r), h * r, w * r))
    if needs_grad(input):
        record(PixelShuffleBackward0, out, (input,), None, {"upscale_factor": r})
    return out


def pixel_unshuffle(input, downscale_factor):
    """``F.pixel_unshuffle``: ``(*, C, H r, W r)`` to ``(*, C r², H, W)``."""
    r = int(downscale_factor)
    d = _check_pixel(input, r, "pixel_unshuffle", "downscale_factor")
    *batch, c, h, w = d.shape
    for size, what, axis in ((h, "height", -2), (w, "width", -1)):
        if size % r:
            raise RuntimeError(
                f"pixel_unshuffle expects {what} to be divisible by downscale_factor, but "
                f"input.size({axis})={size} is not divisible by {r}"
            )
    nb = len(batch)
    x = d.reshape(*batch, c, h // r, r, w // r, r)
    x = x.transpose(*range(nb), nb, nb + 2, nb + 4, nb + 1, nb + 3)
    out = _make(np.ascontiguousarray(x).reshape(*batch, c * r * r, h // r, w // r))
    if needs_grad(input):
        record(PixelUnshuffleBackward0, out, (input,), None, {"downscale_factor": r})
    return out


# --- unfold (im2col) / fold (col2im) -----------------------------------------------------------------
def _blocks(size, k, dilation, padding, stride):
    return tuple(
        (size[i] + 2 * padding[i] - dilation[i] * (k[i] - 1) - 1) // stride[i] + 1 for i in range(2)
    )


def _im2col_backward(n, grad):
    a = n._attrs
    hw = (a["self_sym_argsize_minus_2"], a["self_sym_argsize_minus_1"])
    return fold(grad, hw, a["kernel_size"], a["dilation"], a["padding"], a["stride"])


def _col2im_backward(n, grad):
    a = n._attrs
    return unfold(grad, a["kernel_size"], a["dilation"], a["padding"], a["stride"])


Im2ColBackward0 = node_class(
    "Im2ColBackward0",
    _im2col_backward,
    attrs=(
        "dilation",
        "kernel_size",
        "padding",
        "self_sym_argsize_minus_1",
        "self_sym_argsize_minus_2",
        "stride",
    ),
)
Col2ImBackward0 = node_class(
    "Col2ImBackward0", _col2im_backward, attrs=("dilation", "kernel_size", "padding", "stride")
)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """``F.unfold`` (im2col): ``(N, C, H, W)`` to ``(N, C kh kw, L)``, every sliding block."""
    d = input._data
    if d.ndim not in (3, 4):
        raise RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
            f"dimensions for input, but got: {list(d.shape)}"
        )
    k, dil = _tuple(kernel_size, 2), _tuple(dilation, 2)
    pad, st = _tuple(padding, 2), _tuple(stride, 2)
    x = d if d.ndim == 4 else d[None]
    n, c, h, w = x.shape
    oh, ow = _blocks((h, w), k, dil, pad, st)
    if oh < 1 or ow < 1:
        raise RuntimeError(
            f"Given input with spatial size ({h}, {w}), kernel_size={k}, dilation={dil}, "
            f"padding={pad}, calculated shape of the array of sliding blocks as ({oh}, {ow}), "
            "but its components must be at least one."
        )
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    win = _im2col(xp, k, st, dil, (oh, ow))  # (N, C, OH, OW, kh, kw)
    cols = win.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * k[0] * k[1], oh * ow)
    out = _make(np.ascontiguousarray(cols if d.ndim == 4 else cols[0]))
    if needs_grad(input):
        attrs = {"dilation": dil, "kernel_size": k, "padding": pad, "stride": st}
        attrs.update(self_sym_argsize_minus_1=w, self_sym_argsize_minus_2=h)
        record(Im2ColBackward0, out, (input,), None, attrs)
    return out


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """``F.fold`` (col2im): sum ``(N, C kh kw, L)`` blocks back into ``(N, C, H, W)``."""
    d = input._data
    if d.ndim not in (2, 3):
        raise RuntimeError(
            "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
            f"non-zero dimensions for input, but got: {list(d.shape)}"
        )
    size, k = _tuple(output_size, 2), _tuple(kernel_size, 2)
    dil, pad, st = _tuple(dilation, 2), _tuple(padding, 2), _tuple(stride, 2)
    x = d if d.ndim == 3 else d[None]
    n, ckk, length = x.shape
    if ckk % (k[0] * k[1]):
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
            f"but got input.size(1)={ckk} and kernel_size={k}."
        )
    oh, ow = _blocks(size, k, dil, pad, st)
    if oh * ow != length:
        raise RuntimeError(
            f"Given output_size={size}, kernel_size={k}, dilation={dil}, padding={pad}, "
            f"stride={st}, expected size of input's dimension 2 to match the calculated number "
            f"of sliding blocks {oh} * {ow} = {oh * ow}, but got input.size(2)={length}."
        )
    c = ckk // (k[0] * k[1])
    cols = x.reshape(n, c, k[0], k[1], oh, ow)
    res = np.zeros((n, c, size[0] + 2 * pad[0], size[1] + 2 * pad[1]), dtype=d.dtype)
    for i in range(k[0]):
        for j in range(k[1]):
            r0, c0 = i * dil[0], j * dil[1]
            res[:, :, r0 : r0 + st[0] * oh : st[0], c0 : c0 + st[1] * ow : st[1]] += cols[
                :, :, i, j
            ]
    res = res[:, :, pad[0] : pad[0] + size[0], pad[1] : pad[1] + size[1]]
    out = _make(np.ascontiguousarray(res if d.ndim == 3 else res[0]))
    if needs_grad(input):
        attrs = {"dilation": dil, "kernel_size": k, "padding": pad, "stride": st}
        record(Col2ImBackward0, out, (input,), None, attrs)
    return out
