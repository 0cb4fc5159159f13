"""Counting ops: ``histogram``, ``histc`` and ``bincount``, bin for bin as PyTorch's CPU kernels.

None of them has a derivative. PyTorch records a ``NotImplemented`` node for
``histogram`` and ``bincount`` when an input requires grad (backward through it
raises), and gives ``histc`` no graph at all; so do we.

Which bin an element falls in follows ATen's ``histogramdd`` kernel rather than
``np.histogram``, because the two disagree on elements that sit on a bin edge up
to rounding: ATen computes ``(x - left) * bins / (right - left)`` in the input's
dtype and truncates it (``histc``), then, for ``histogram`` with a bin count,
corrects that guess against the edges themselves; with explicit edges it
searches them. The rightmost bin includes its right edge; elements outside the
edges, and NaN, are left out.
"""

from __future__ import annotations

import numpy as np

from ..core._creation import linspace
from ..core._dtype import from_numpy_dtype
from ._core import Tensor, grad_state, not_implemented_for, record_multi
from .pointwise import NotImplemented_
from .reduction import _return_type

_make = Tensor._make

histogram_result = _return_type("histogram", ("hist", "bin_edges"))

_LINEAR, _LOCAL_SEARCH, _BINARY_SEARCH = "linear", "local search", "binary search"


def _g(v: float) -> str:
    """A double as C++ streams print it (``2``, ``0.5``, ``inf``, ``nan``)."""
    return f"{v:g}"


def _bin_index(x: np.ndarray, edges: np.ndarray, algorithm: str) -> np.ndarray:
    """ATen's bin of each ``x`` (all already inside ``[edges[0], edges[-1]]``)."""
    n_edges = edges.shape[0]
    if algorithm == _BINARY_SEARCH:
        pos = np.searchsorted(edges, x, side="right") - 1
    else:
        left, right = edges[0], edges[-1]
        scale = x.dtype.type(n_edges - 1)
        pos = ((x - left) * scale / (right - left)).astype(np.int64)
        if algorithm == _LOCAL_SEARCH:
            # upper_bound over edges[pos - 1 : pos + 2], as the kernel's local search.
            lo = np.maximum(pos - 1, 0)
            hi = np.minimum(pos + 2, n_edges)
            count = np.zeros_like(pos)
            for k in range(3):
                idx = lo + k
                count += (idx < hi) & (edges[np.minimum(idx, n_edges - 1)] <= x)
            pos = lo + count - 1
    pos[pos == n_edges - 1] -= 1  # the rightmost bin includes its right edge
    return pos


def _fill(data, edges, weight, algorithm) -> np.ndarray:
    """Per-bin sums of ``weight`` (or counts), accumulated in the input's dtype."""
    x = data.reshape(-1)
    hist = np.zeros(edges.shape[0] - 1, dtype=data.dtype)
    if edges.shape[0] < 2:
        return hist
    inside = (x >= edges[0]) & (x <= edges[-1])  # also drops NaN
    pos = _bin_index(x[inside], edges, algorithm)
    w = weight.reshape(-1)[inside] if weight is not None else data.dtype.type(1)
    np.add.at(hist, pos, w)  # in element order, in the input's dtype, as the CPU kernel
    return hist


def _outer_edges(data: np.ndarray, range_) -> tuple[float, float]:
    """ATen's ``select_outer_bin_edges`` for ``histogram`` with a bin count."""
    if range_ is not None:
        lo, hi = (float(v) for v in range_)
    elif data.size:
        lo, hi = float(data.min()), float(data.max())
    else:
        lo, hi = 0.0, 1.0
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(
            f"torch.histogramdd: dimension 0's range [{_g(lo)}, {_g(hi)}] is not finite"
        )
    if lo > hi:
        raise RuntimeError(
            f"torch.histogramdd: min should not exceed max, but got min {_g(lo)} max {_g(hi)} "
            "for dimension 0"
        )
    if lo == hi:  # widen an empty range as NumPy does (and avoid dividing by zero)
        lo, hi = lo - 0.5, hi + 0.5
    return lo, hi


def _linspace(lo: float, hi: float, steps: int, dt: np.dtype) -> np.ndarray:
    return linspace(lo, hi, steps, dtype=from_numpy_dtype(dt))._data


def _check_bins(n: int) -> None:
    if n <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {n} for dimension 0")


def _check_weight(data: np.ndarray, weight) -> None:
    if weight is None:
        return
    w = weight._data  # PyTorch flattens both: only the element counts must agree
    if w.size != data.size:
        raise RuntimeError(
            "torch.histogramdd: if weight tensor is provided it should have the same shape as the "
            "input tensor excluding its innermost dimension, but got input with shape "
            f"{[data.size, 1]} and weight with shape {[w.size]}"
        )
    if w.dtype != data.dtype:
        raise RuntimeError(
            "torch.histogramdd: if weight tensor is provided, input tensor and weight tensor "
            f"should have the same dtype, but got input({_c_name(data.dtype)}), and "
            f"weight({_c_name(w.dtype)})"
        )


def _c_name(dt: np.dtype) -> str:
    return {"float32": "float", "float64": "double", "float16": "c10::Half"}.get(dt.name, dt.name)


def histogram(input, bins=100, *, range=None, weight=None, density=False):  # noqa: A002
    """``torch.histogram``: ``(hist, bin_edges)`` of a float tensor, flattened.

    ``bins`` is a bin count (equal bins over ``range``, by default the data's
    ``[min, max]``) or a 1-d tensor of increasing edges. ``weight`` gives each element
    its weight instead of 1; ``density=True`` scales ``hist`` so that it integrates to
    1 over the edges. Mirrors PyTorch's CPU kernel bin for bin.
    """
    data = input._data
    if data.dtype.kind != "f":
        raise not_implemented_for("histogramdd", data.dtype)
    if isinstance(bins, Tensor):
        edges = bins._data
        if edges.ndim != 1:
            raise RuntimeError(
                "torch.histogramdd: bins tensor should have one dimension, but got "
                f"{edges.ndim} dimensions in the bins tensor for dimension 0"
            )
        _check_bins(edges.shape[0] - 1)
        if edges.dtype != data.dtype:
            raise RuntimeError(
                "torch.histogramdd: input tensor and bins tensors should have the same dtype, "
                f"but got input with dtype {_c_name(data.dtype)} and bins for dimension 0 with "
                f"dtype {_c_name(edges.dtype)}"
            )
        edges, algorithm = edges.copy(), _BINARY_SEARCH
    else:
        _check_bins(int(bins))
        edges = None
    _check_weight(data, weight)
    if edges is None:
        lo, hi = _outer_edges(data, range)
        edges, algorithm = _linspace(lo, hi, int(bins) + 1, data.dtype), _LOCAL_SEARCH
    hist = _fill(data, edges, None if weight is None else weight._data, algorithm)
    if density:
        total = data.dtype.type(hist.sum(dtype=data.dtype))
        with np.errstate(divide="ignore", invalid="ignore"):
            hist = hist / total / np.diff(edges)
    result = histogram_result(_make(hist), _make(edges))
    _record_not_implemented("histogram", list(result), (input, bins, weight))
    return result


def _record_not_implemented(op, outs, inputs) -> None:
    """PyTorch's ``NotImplemented`` node, with an edge to each input that requires grad."""
    needing = tuple(t for t in inputs if isinstance(t, Tensor) and t._requires_grad)
    if needing and grad_state.enabled:
        record_multi(NotImplemented_, outs, needing, fields={"op": op})


def histc(input, bins=100, min=0, max=0):  # noqa: A002
    """``torch.histc``: counts in ``bins`` equal bins over ``[min, max]`` (the data's own
    range when both are 0); elements outside are ignored. No graph, as in PyTorch."""
    data = input._data
    if data.dtype.kind != "f":
        raise not_implemented_for("histogram_cpu", data.dtype)
    lo, hi = float(min), float(max)
    if lo == hi and data.size:
        lo, hi = float(data.min()), float(data.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{_g(lo)}, {_g(hi)}] is not finite")
    if lo >= hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    _check_bins(int(bins))
    edges = _linspace(lo, hi, int(bins) + 1, data.dtype)
    return _make(_fill(data, edges, None, _LINEAR))


def bincount(input, weights=None, minlength=0):
    """``torch.bincount``: how often each non-negative integer occurs (or the sum of its
    ``weights``); the result has ``max(input) + 1`` bins, at least ``minlength``."""
    d = input._data
    if d.dtype.kind not in "iu":
        raise not_implemented_for("bincount_cpu", d.dtype)
    if d.ndim != 1 or (d.size and d.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return _make(np.bincount(d, minlength=minlength).astype(np.int64))
    w = weights._data
    if w.ndim != 1 or w.shape[0] != d.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    # float32 weights give float32 sums; every other dtype sums in double, as ATen.
    dt = np.dtype(np.float32) if w.dtype == np.float32 else np.dtype(np.float64)
    n = max(int(d.max()) + 1 if d.size else 0, minlength)
    res = np.zeros(n, dtype=dt)
    np.add.at(res, d, w.astype(dt))
    out = _make(res)
    _record_not_implemented("bincount", [out], (weights,))
    return out


__all__ = ["histogram", "histc", "bincount"]

# ``Tensor.<name>`` for these names: the function itself (ops/__init__.py attaches them).
TENSOR_METHODS = """
bincount histc histogram
""".split()
