"""``torch.testing.assert_close`` for tensors and nested sequences of them."""

from __future__ import annotations

import numpy as np

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
