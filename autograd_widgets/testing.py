"""``torch.testing.assert_close`` for tensors and nested sequences of them."""

from __future__ import annotations

import collections.abc
import math
import warnings

import numpy as np

from ._sampling import randint
from .core._creation import empty
from .core._dtype import bool_, finfo, iinfo, int64
from .core.tensor import Tensor

_TOL = {"float16": (1e-3, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}


def assert_close(
    actual, expected, *, rtol=None, atol=None, equal_nan=False, check_dtype=True, msg=None, **kwargs
):
    if isinstance(actual, (list, tuple)):
        for a, e in zip(actual, expected, strict=True):
            assert_close(
                a, e, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype, msg=msg
            )
        return
    a = actual._data if isinstance(actual, Tensor) else np.asarray(actual)
    e = expected._data if isinstance(expected, Tensor) else np.asarray(expected)
    if (
        check_dtype
        and isinstance(actual, Tensor)
        and isinstance(expected, Tensor)
        and a.dtype != e.dtype
    ):
        raise AssertionError(
            f"The values for attribute 'dtype' do not match: {actual.dtype} != {expected.dtype}."
        )
    if a.shape != e.shape:
        raise AssertionError(
            f"The values for attribute 'shape' do not match: {list(a.shape)} != {list(e.shape)}."
        )
    r, t = _TOL.get(a.dtype.name, (0.0, 0.0))
    rtol = r if rtol is None else rtol
    atol = t if atol is None else atol
    ok = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if not ok.all():
        n = int((~ok).sum())
        diff = np.abs(a.astype(np.float64) - e.astype(np.float64))
        raise AssertionError(
            msg
            or f"Tensor-likes are not close!\n\nMismatched elements: {n} / {a.size} "
            f"({100.0 * n / max(a.size, 1):.1f}%)\nGreatest absolute difference: {np.nanmax(diff)}"
        )


# --- make_tensor ----------------------------------------------------------------------------------


def _ranges(dtype):
    """``(lowest inclusive, highest exclusive, default low, default high)`` for ``dtype``."""
    if dtype is bool_:
        return 0, 2, 0, 2
    if dtype.is_floating_point:
        info = finfo(dtype)
        return info.min, info.max, -9, 9
    info = iinfo(dtype)
    # randint cannot draw int64's maximum (its bounds are int64 themselves)
    return info.min, info.max + (1 if dtype is not int64 else 0), -9, 10


def _low_high(dtype, low, high):
    """PyTorch's checks and clamping of ``low``/``high`` (integers: both rounded up)."""
    lowest, highest, default_low, default_high = _ranges(dtype)
    low = default_low if low is None else low
    high = default_high if high is None else high
    if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        raise ValueError(f"`low` and `high` cannot be NaN, but got {low=} and {high=}")
    if low == high and dtype.is_floating_point:
        warnings.warn(
            "Passing `low==high` to `torch.testing.make_tensor` for floating or complex types is "
            "deprecated since 2.1 and will be removed in 2.3. Use `torch.full(...)` instead.",
            FutureWarning,
            stacklevel=3,
        )
    elif low >= high:
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    elif high < lowest or low >= highest:
        raise ValueError(
            f"The value interval specified by `low` and `high` is [{low}, {high}), but {dtype} "
            f"only supports [{lowest}, {highest})"
        )
    low, high = min(max(low, lowest), highest), min(max(high, lowest), highest)
    if not dtype.is_floating_point:
        return math.ceil(low), math.ceil(high)
    return low, high


def make_tensor(
    *shape,
    dtype,
    device,
    low=None,
    high=None,
    requires_grad=False,
    noncontiguous=False,
    exclude_zero=False,
    memory_format=None,
):
    """``torch.testing.make_tensor``: values drawn uniformly from ``[low, high)``.

    Defaults: bool ``[0, 2)``, unsigned ``[0, 10)``, signed integers ``[-9, 10)``, floats
    ``[-9, 9)``; bounds outside the dtype's range are clamped. Draws with ``randint`` or
    ``uniform_``, so a seeded call gives PyTorch's values. ``noncontiguous`` returns every
    other column of a tensor twice as wide; ``exclude_zero`` replaces zeros by 1 (integers)
    or the dtype's smallest normal number.
    """
    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = shape[0]
    shape = tuple(shape)
    if noncontiguous and memory_format is not None:
        raise ValueError(
            "The parameters `noncontiguous` and `memory_format` are mutually exclusive, but got "
            f"{noncontiguous=} and {memory_format=}"
        )
    floating = getattr(dtype, "is_floating_point", None)
    if floating is None or getattr(dtype, "is_complex", False):
        raise TypeError(
            f"The requested dtype '{dtype}' is not supported by torch.testing.make_tensor(). To "
            "request support, file an issue at: https://github.com/pytorch/pytorch/issues"
        )
    if requires_grad and not floating:
        raise ValueError(
            "`requires_grad=True` is not supported for boolean and integral dtypes, but got "
            f"dtype={dtype}"
        )
    noncontiguous = noncontiguous and math.prod(shape) > 1
    if noncontiguous:
        shape = (*shape[:-1], 2 * shape[-1])
    low, high = _low_high(dtype, low, high)
    if floating:
        result = empty(shape, device=device, dtype=dtype)
        if high - low >= finfo(dtype).max:  # uniform_ needs high - low to be finite
            result.uniform_(low / 2, high / 2).mul_(2)
        else:
            result.uniform_(low, high)
    else:
        result = randint(low, high, shape, device=device, dtype=dtype)
    if noncontiguous:
        result = result[..., 1::2]
    elif memory_format is not None:
        result = result.clone(memory_format=memory_format)
    if exclude_zero:
        result[result == 0] = finfo(dtype).tiny if floating else 1
    if floating:
        result.requires_grad = requires_grad
    return result
