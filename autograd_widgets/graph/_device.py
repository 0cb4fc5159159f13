"""Previews and statistics of a torch tensor that lives off the CPU (a GPU, ``mps``...).

Copying a whole tensor to the CPU to print six numbers of it would cost a
training loop on a GPU dearly (a live widget rebuilds up to ten times a second).
So, like PyTorch's own ``repr``, the summary is cut on the device: the edge items
of every long dimension (``edgeitems`` at each end) and, when there are many
elements, the statistics as four scalars reduced on the device. At most
``(2 * edgeitems) ** ndim`` values cross to the CPU, or the whole tensor when it
has no more than :data:`~._tensors.PREVIEW_THRESHOLD` elements.
"""

from __future__ import annotations

import numpy as np

from ..core import _printing
from . import _tensors as T


def _threshold() -> float:
    return min(_printing._OPTS.threshold, T.PREVIEW_THRESHOLD)  # as :func:`~._tensors.preview`


def summary_values(t) -> tuple[np.ndarray, tuple[bool, ...]]:
    """The edges of ``t`` as a small numpy array, and per axis whether it was cut."""

    edge = _printing._OPTS.edgeitems
    d = t.detach()
    if d.numel() <= _threshold():
        return _cpu_numpy(d), (False,) * d.dim()
    if not edge:  # printed as "[...]": nothing to copy
        return np.empty((0,) * d.dim()), (True,) * d.dim()
    cut = tuple(int(s) > 2 * edge for s in d.shape)
    for axis, is_cut in enumerate(cut):
        if is_cut:
            d = _cat_edges(d, axis, int(d.shape[axis]), edge)
    return _cpu_numpy(d), cut


def _cat_edges(d, axis: int, size: int, edge: int):
    import torch

    return torch.cat([d.narrow(axis, 0, edge), d.narrow(axis, size - edge, edge)], axis)


def _cpu_numpy(d) -> np.ndarray:
    d = d.cpu()
    try:
        return d.numpy()
    except (TypeError, RuntimeError):  # bfloat16 and other dtypes numpy lacks
        return d.float().numpy()


def device_stats(t) -> tuple[dict | None, bool, bool]:
    """``(stats, has_nan, has_inf)`` reduced on the device: a few scalars are copied."""
    import torch

    d = t.detach()
    if d.numel() == 0 or d.is_complex():
        return None, False, False
    is_float = d.is_floating_point()
    nan = bool(torch.isnan(d).any()) if is_float else False
    inf = bool(torch.isinf(d).any()) if is_float else False
    f = d[torch.isfinite(d)] if is_float else d.reshape(-1)
    if f.numel() == 0:
        return None, nan, inf
    # float64 where the device has it (mps does not): the statistics of float16 overflow
    wide = torch.float32 if f.device.type == "mps" else torch.float64
    f = f.to(wide)
    values = torch.stack([f.min(), f.max(), f.mean(), f.square().sum().sqrt()]).cpu().tolist()
    stats = dict(zip(("min", "max", "mean", "norm"), (T._finite(v) for v in values)))
    return stats, nan, inf


def device_info(t) -> tuple:
    """``(preview, stats, has_nan, has_inf)`` like :func:`~._tensors.array_info`."""
    small, cut = summary_values(t)
    stats, nan, inf = device_stats(t)
    try:
        text = _layout(small, cut)
    except Exception:  # noqa: BLE001 - a dtype the printer does not know
        text = np.array2string(small)
    return "tensor(" + text + ")", stats, nan, inf


def _layout(small: np.ndarray, cut: tuple) -> str:
    """What ``repr`` prints inside ``tensor(...)``, from values already cut to their edges."""

    if small.size == 0:
        return "[...]" if any(cut) else "[]"
    opts = _printing._OPTS
    fmt = _printing._Formatter(small, small.dtype.kind in "fc", opts.precision, opts.sci_mode)
    return _printing._layout(small, cut, 7, fmt.formatter(), fmt.width, opts)
