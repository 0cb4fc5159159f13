"""Fractional max pooling (Graham, 2014): ``F.fractional_max_pool2d/3d`` and their
``*_with_indices`` spellings, one ``FractionalMaxPool2DBackward0``/``3D`` node.

Each plane draws one number ``u`` in [0, 1) per pooled dimension (``_random_samples``, shape
(N, C, 2 or 3), drawn with ``torch.rand`` when not given); window ``i`` of a dimension starts
at ``int((i + u) * alpha) - int(u * alpha)`` with ``alpha = (in - k) / (out - 1)``, the last
window ending at the input's end. As in ATen the starts are computed in the input's dtype
(float32 inputs round like PyTorch's), and a window's first maximum wins (its last NaN, if any).
"""

from __future__ import annotations

import numpy as np

from ...autograd.node import node_class
from ...core import _creation
from ...ops._core import Tensor, needs_grad, record, scalar_type_name
from ._common import double_node
from .pooling import max_backward, scatter_to_indices

_make = Tensor._make

__all__ = [
    "fractional_max_pool2d",
    "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices",
]


def _fractional_backward(n, grad):
    ind = n.saved("result1")
    gx = scatter_to_indices(n, grad, ind)
    dims = len(n.in_shape) - 2
    return max_backward(n, grad, gx, ind, dims, _DOUBLE[dims])


_DOUBLE = {
    d: double_node(f"FractionalMaxPool{d}DBackwardBackward0", saved=("indices",)) for d in (2, 3)
}
_NODE = {
    d: node_class(
        f"FractionalMaxPool{d}DBackward0",
        _fractional_backward,
        saved=("self", "result1"),
        attrs=("kernel_size", "output_size"),
        fields=("unbatched", "in_shape", "unique"),
    )
    for d in (2, 3)
}
FractionalMaxPool2DBackward0, FractionalMaxPool3DBackward0 = _NODE[2], _NODE[3]
FractionalMaxPool2DBackwardBackward0 = _DOUBLE[2]
FractionalMaxPool3DBackwardBackward0 = _DOUBLE[3]


def _starts(sample: np.ndarray, size: int, out: int, k: int) -> np.ndarray:
    """Window starts per plane (rows of ``sample``): ATen's ``generate_intervals``."""
    dt = sample.dtype.type
    seq = np.zeros(sample.shape + (out,), np.int64)
    if out > 1:
        alpha = dt(size - k) / dt(out - 1)
        i = np.arange(out).astype(sample.dtype)
        seq = ((i + sample[:, None]) * alpha).astype(np.int64) - (sample * alpha).astype(np.int64)[
            :, None
        ]
    if out > 0:
        seq[:, -1] = size - k
    return seq


def _tuple(v, n: int, what: str, op: str) -> tuple:
    v = (v,) * n if isinstance(v, int) else tuple(v)
    if len(v) == 1:
        v = v * n
    if len(v) != n:
        ints = "Int or tuple of Ints" if n == 2 else "Int or tuple of three Ints"
        raise RuntimeError(f"{op}: {what} must either be a single {ints}")
    return tuple(int(x) for x in v)


_NAMES = {2: ("height", "width"), 3: ("time", "height", "width")}


def _check(x: np.ndarray, n: int, k: tuple, out: tuple, samples: Tensor) -> str:
    op = "fractional_max_pool2d()" if n == 2 else "fractional_max_pool3d_out()"
    if x.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"{op}: Expected {n + 1}D or {n + 2}D tensor, but got: {list(x.shape)}")
    for i in range(1, x.ndim):
        if x.shape[i] == 0:
            raise RuntimeError(
                f"{op}: Expected input to have non-zero size for non-batch dimensions, but got"
                f"{list(x.shape)} with dimension {i} being empty."
            )
    sizes = x.shape[-n:]
    # NOTE: ATen's 3-d check is strict (one cell of slack), its 2-d one is not.
    slack = 1 if n == 3 else 0
    for name, o, kk, size in zip(_NAMES[n], out, k, sizes):
        if o + kk - 1 + slack > size:
            raise RuntimeError(f"{op}: pool {name} {kk} too large relative to input {name} {size}")
    s = samples._data
    batch = x.shape[0] if x.ndim == n + 2 else 1
    if s.shape[0] < batch:
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
    if s.shape[1] != x.shape[-n - 1]:
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    if s.shape[2] != n:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {n}; got {s.shape[2]}.")
    if s.dtype != x.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    return op


def _fractional(input, kernel_size, output_size, output_ratio, samples, n: int):
    name = f"fractional_max_pool{n}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        if n == 2 and len(output_ratio) > 2:
            raise ValueError(
                f"{name} requires output_ratio to either be a single Int or tuple of Ints."
            )
        ratio = (output_ratio,) * n if not isinstance(output_ratio, (tuple, list)) else output_ratio
        output_size = [int(input.size(i - n) * ratio[i]) for i in range(n)]
    if samples is None:
        batch = 1 if input.dim() == n + 1 else input.size(0)
        samples = _creation.rand(batch, input.size(-n - 1), n, dtype=input.dtype)
    k = _tuple(kernel_size, n, "kernel_size", name)
    out = _tuple(output_size, n, "output_size", name)
    x = input._data
    if x.dtype.kind != "f":
        raise NotImplementedError(
            f"\"{name}_out_frame\" not implemented for '{scalar_type_name(x.dtype)}'"
        )
    _check(x, n, k, out, samples)
    unbatched = x.ndim == n + 1
    xb = x[None] if unbatched else x
    N, C = xb.shape[:2]
    sizes = xb.shape[2:]
    s = samples._data[:N].reshape(N * C, n)
    # NOTE: ATen pairs the samples with the dims in this order: 2-d (w, h), 3-d (t, h, w).
    order = (1, 0) if n == 2 else (0, 1, 2)
    # Per dim: the cells each window covers, (planes, out, k).
    cells = [
        _starts(s[:, order[i]], sizes[i], out[i], k[i])[:, :, None] + np.arange(k[i])
        for i in range(n)
    ]
    flat_idx = np.zeros((N * C,) + out + k, np.int64)
    for i in range(n):
        shape = [N * C] + [1] * (2 * n)
        shape[1 + i], shape[1 + n + i] = out[i], k[i]
        flat_idx = flat_idx * sizes[i] + cells[i].reshape(shape)
    win_idx = flat_idx.reshape((N * C,) + out + (-1,))
    planes = xb.reshape(N * C, -1)
    win = np.take_along_axis(planes, win_idx.reshape(N * C, -1), axis=1).reshape(win_idx.shape)
    arg = win.argmax(axis=-1)
    isnan = np.isnan(win)
    if isnan.any():  # ATen keeps a window's last NaN (``val > max || isnan(val)``)
        has_nan = isnan.any(axis=-1)
        arg = np.where(has_nan, win.shape[-1] - 1 - isnan[..., ::-1].argmax(axis=-1), arg)
    res = np.take_along_axis(win, arg[..., None], axis=-1)[..., 0]
    ind = np.take_along_axis(win_idx, arg[..., None], axis=-1)[..., 0]
    res, ind = res.reshape((N, C) + out), ind.reshape((N, C) + out)
    if unbatched:
        res, ind = res[0], ind[0]
    t, indices = _make(np.ascontiguousarray(res)), _make(ind)
    if needs_grad(input):
        record(
            _NODE[n],
            t,
            (input,),
            {"self": input, "result1": indices},
            {"kernel_size": k, "output_size": out},
            fields={"unbatched": unbatched, "in_shape": xb.shape, "unique": False},
        )
    return t, indices


def _spellings(n: int) -> tuple:
    """``fractional_max_pool{n}d`` and its ``_with_indices`` spelling."""

    def with_indices(
        input,
        kernel_size,
        output_size=None,
        output_ratio=None,
        return_indices=False,
        _random_samples=None,
    ):
        return _fractional(input, kernel_size, output_size, output_ratio, _random_samples, n)

    def pool(
        input,
        kernel_size,
        output_size=None,
        output_ratio=None,
        return_indices=False,
        _random_samples=None,
    ):
        res = _fractional(input, kernel_size, output_size, output_ratio, _random_samples, n)
        return res if return_indices else res[0]

    name = f"fractional_max_pool{n}d"
    with_indices.__name__ = with_indices.__qualname__ = f"{name}_with_indices"
    with_indices.__doc__ = f"``F.{name}_with_indices``: ``(values, indices)``."
    pool.__name__ = pool.__qualname__ = name
    pool.__doc__ = f"``F.{name}``: the values, or ``(values, indices)`` with ``return_indices``."
    return pool, with_indices


fractional_max_pool2d, fractional_max_pool2d_with_indices = _spellings(2)
fractional_max_pool3d, fractional_max_pool3d_with_indices = _spellings(3)
