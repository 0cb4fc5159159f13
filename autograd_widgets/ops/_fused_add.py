"""``x + alpha * y`` rounded as ATen's CPU ``add``/``sub`` kernels round it (``alpha != 1``).

ATen computes ``self + alpha * other`` with one fused multiply-add in the tensor's
type: ``alpha`` is first converted to that type (float32 for float32 tensors), and
the product and sum are rounded once. numpy's ``x + y * alpha`` rounds twice, which
differs from PyTorch in the last bit for 10-20% of float32 elements.

float32: the product of two float32 numbers is exact in float64 (48 of 53 bits), so
the fused result is the exact sum ``x + p`` rounded to float32. Rounding that sum to
float64 first and then to float32 is *not* always the same (double rounding: an exact
sum just off a float32 halfway point can land on it in float64, and then ties to even).
Rounding to float64 *to odd* instead (Boldo & Melquiond, "Emulation of FMA and
correctly rounded sums: proved algorithms using rounding to odd", 2008) makes the
second rounding exact whenever float64 has at least two more bits than float32,
which it has: we take the float64 sum and its exact error (Knuth's TwoSum), and
where the sum was inexact and came out even, move it one float64 step toward the
exact value.

float64: Dekker's product and TwoSum (``_random.fma``).

float16: ATen converts ``alpha`` to float16, then (a) in full SIMD vectors computes
in float32 (``x + alpha16 * y``: the product is exact in float32, so one float32
rounding, then one to float16) and (b) in the leftover elements of each inner loop
uses float16 arithmetic (``alpha16 * y`` rounded to float16, then the sum). The
vector length is 32 float16 on AVX-512 CPUs, 16 on AVX2. We follow (a) and (b) for
a contiguous result taken as one flat loop, or per row of the last dimension when
the operands broadcast (what TensorIterator does when the dimensions cannot be
merged); other layouts may differ in the last bit of a few trailing elements.

Known gap: when an operand is broadcast (stride 0: a Python number, a 0-d tensor, a
size-1 dimension), ATen's scalar loop over the elements left after the last full pair
of SIMD vectors rounds some of them twice, in a pattern its compiler chose (measured:
about 12 of the up to 31 trailing elements of each inner loop). We round every element
once, so those few elements can differ from PyTorch's in the last bit. Same-shape
operands (``p.add_(grad, alpha=-lr)``) match bit for bit.
"""

from __future__ import annotations

import numpy as np

from ..core._random import _FMA_FLAT, _fma_f32_blocks, fma, fma_f32
from . import _f32_math

_F16_VECTOR = None  # float16 elements per ATen SIMD vector (found on first use)


def _f16_vector() -> int:
    global _F16_VECTOR
    if _F16_VECTOR is None:
        try:
            from numpy._core._multiarray_umath import __cpu_features__ as feats
        except ImportError:  # numpy 1.x
            from numpy.core._multiarray_umath import __cpu_features__ as feats
        _F16_VECTOR = 32 if feats.get("AVX512F") and feats.get("AVX512BW") else 16
    return _F16_VECTOR


def _fma_f32(a, b, c) -> np.ndarray:
    """``a * b + c`` in float32 rounded once (``core._random.fma_f32``: ~10x numpy's cost),
    or rounded twice by numpy's float32 kernels under ``set_float32_math("numpy")``."""
    if _f32_math._numpy_kernels:
        with np.errstate(all="ignore"):
            return np.asarray(np.multiply(a, b, dtype=np.float32) + c, dtype=np.float32)
    return fma_f32(a, b, c)


def _fma32(x, y, alpha32) -> np.ndarray:
    """``x + alpha32 * y`` in float32 with one rounding (``x``, ``y`` float32 or numbers)."""
    return _fma_f32(y, alpha32, x)


def add_scaled(x, y, alpha):
    """``x + alpha * y`` for floating ``x`` and ``y`` of one dtype, rounded as ATen does.

    Returns ``None`` for dtypes this module does not cover (the caller's plain numpy
    expression is then used).
    """
    dt = np.result_type(x, y)
    if dt == np.float32:
        return _fma32(x, y, np.float32(alpha))
    if dt == np.float64:
        with np.errstate(all="ignore"):
            return np.asarray(fma(y, np.float64(alpha), x))
    if dt == np.float16:
        return _add_scaled_f16(np.asarray(x), np.asarray(y), np.float16(alpha))
    return None


def add_scaled_(x: np.ndarray, y, alpha) -> None:
    """``x += alpha * y`` in place (``param.add_(grad, alpha=-lr)``), rounded as
    :func:`add_scaled`; float32 arrays of one shape skip the temporary result."""
    if (
        x.dtype == np.float32
        and type(y) is np.ndarray
        and y.dtype == np.float32
        and y.shape == x.shape
        and x.flags.c_contiguous
        and y.flags.c_contiguous
    ):
        a32 = np.float32(alpha)
        if _f32_math._numpy_kernels:  # numpy's two roundings: x + (y * alpha), as _fma_f32
            with np.errstate(all="ignore"):
                np.add(x, np.multiply(y, a32), out=x)
            return
        if x.size >= _FMA_FLAT:
            flat = x.reshape(-1)
            with np.errstate(all="ignore"):
                _fma_f32_blocks(flat, y.reshape(-1), a32, flat)  # reads each block first
            return
    x[...] = add_scaled(x, y, alpha)


def _add_scaled_f16(x: np.ndarray, y: np.ndarray, alpha16) -> np.ndarray:
    with np.errstate(all="ignore"):
        vector = _fma32(x.astype(np.float32), y.astype(np.float32), alpha16).astype(np.float16)
        scalar = x + (y * alpha16)  # float16 arithmetic, each step rounded to float16
    out = vector
    if out.ndim == 0:
        return scalar
    width = _f16_vector()
    if x.shape == y.shape or x.ndim == 0 or y.ndim == 0:
        flat_out, flat_scalar = out.reshape(-1), np.broadcast_to(scalar, out.shape).reshape(-1)
        n = flat_out.size
        tail = n % width
        if tail:
            flat_out[n - tail :] = flat_scalar[n - tail :]
        return flat_out.reshape(out.shape)
    row = out.shape[-1]
    tail = row % width
    if tail:
        out[..., row - tail :] = np.broadcast_to(scalar, out.shape)[..., row - tail :]
    return out


def lerp(start: np.ndarray, end: np.ndarray, weight) -> np.ndarray:
    """``torch.lerp``'s values as ATen's ``lerp_vec`` computes them, for real floats.

    With ``small = |weight| < 0.5``: ``fma(small ? weight : weight - 1, end - start,
    small ? start : end)``, one rounding for the multiply-add (in float32 for float16).
    ``weight`` is an array of the inputs' dtype or a Python number (converted to it).
    """
    dt = start.dtype
    ct = np.float64 if dt == np.float64 else np.float32  # ATen's opmath type
    with np.errstate(all="ignore"):
        s, e = start.astype(ct, copy=False), end.astype(ct, copy=False)
        w = np.asarray(weight, dtype=ct)
        small = np.abs(w) < 0.5
        coeff = np.where(small, w, w - ct(1))
        diff = e - s
        base = np.where(small, s, e)
        if ct is np.float64:
            res = fma(coeff, diff, base)
        else:
            res = _fma_f32(coeff, diff, base)
    return np.asarray(res).astype(dt, copy=False)


def addcmul(x: np.ndarray, t1: np.ndarray, t2: np.ndarray, value) -> np.ndarray:
    """``x + value * t1 * t2`` as ATen's addcmul kernel rounds it, for real floats of one
    dtype: ``value * t1`` rounded, then one fused multiply-add with ``t2`` and ``x`` (in
    float32 for float16, then rounded to float16)."""
    dt = x.dtype
    with np.errstate(all="ignore"):
        if dt == np.float64:
            return np.asarray(fma(np.float64(value) * t1, t2, x))
        ct = np.float32
        st1 = ct(value) * t1.astype(ct, copy=False)
        res = _fma_f32(st1, t2.astype(ct, copy=False), x.astype(ct, copy=False))
    return res.astype(dt, copy=False)


def addcdiv(x: np.ndarray, t1: np.ndarray, t2: np.ndarray, value) -> np.ndarray:
    """``x + value * t1 / t2`` as ATen's addcdiv kernel computes it: left to right,
    ``(value * t1) / t2``, then the sum (no fused step: the division comes last)."""
    dt = x.dtype
    ct = np.float64 if dt == np.float64 else np.float32
    with np.errstate(all="ignore"):
        q = (ct(value) * t1.astype(ct, copy=False)) / t2.astype(ct, copy=False)
        return (x.astype(ct, copy=False) + q).astype(dt, copy=False)
