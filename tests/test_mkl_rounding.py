"""``ops._mkl``: the multiply-add rounding that LU and affine_grid copy from PyTorch's MKL."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from autograd_widgets.ops import _mkl


def _nearest(e: Fraction, dtype):
    """The ``dtype`` number nearest to ``e`` (ties to even), from exact comparisons."""
    r = dtype(float(e))
    best = r
    for cand in (np.nextafter(r, dtype(-np.inf)), np.nextafter(r, dtype(np.inf))):
        d_c, d_b = abs(Fraction(float(cand)) - e), abs(Fraction(float(best)) - e)
        if d_c < d_b or (
            d_c == d_b and int(cand.view(np.uint32 if dtype == np.float32 else np.uint64)) % 2 == 0
        ):
            best = cand
    return best


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_rounds_once_and_unfused_twice(dtype):
    rng = np.random.default_rng(7)
    a, b, c = (rng.standard_normal(2000).astype(dtype) for _ in range(3))
    fused = _mkl.subtract_product(c, a, b, True)
    exact = [
        Fraction(float(z)) - Fraction(float(x)) * Fraction(float(y)) for x, y, z in zip(a, b, c)
    ]
    # the exact value rounded once to dtype, ties to even
    once = np.array([_nearest(e, dtype) for e in exact], dtype=dtype)
    assert fused.dtype == dtype
    assert np.array_equal(fused, once)
    assert np.array_equal(_mkl.subtract_product(c, a, b, False), c - a * b)
    assert not np.array_equal(fused, c - a * b)  # the two roundings do differ somewhere


def test_nan_keeps_its_sign_and_inf_follows_plain_arithmetic():
    c = np.array([1.0, np.inf, 2.0])
    a = np.array([np.nan, 1.0, 3.0])
    b = np.array([2.0, 1.0, np.inf])
    out = _mkl.subtract_product(c, a, b, True)
    assert np.isnan(out[0]) and not np.signbit(out[0])
    with np.errstate(invalid="ignore"):
        assert np.array_equal(out, c - a * b, equal_nan=True)


def test_fuses_follows_the_cpu_vendor():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            info = f.read()
    except OSError:
        assert _mkl.fuses() is False
        return
    intel = "GenuineIntel" in info
    fma = any(line.startswith("flags") and " fma " in line + " " for line in info.splitlines())
    assert _mkl.fuses() is (intel and fma)
