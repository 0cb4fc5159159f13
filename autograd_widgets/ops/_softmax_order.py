"""float32 softmax and log_softmax over the last dim, rounded as ATen rounds them.

``F.cross_entropy`` and attention both end in ATen's ``_vec_softmax_lastdim`` /
``_vec_log_softmax_lastdim`` (``aten/src/ATen/native/cpu/SoftMaxKernel.cpp``), and
numpy's ``e / e.sum()`` gives other last bits in 40-70% of the elements (a loss
prints other digits, ``KLDivLoss`` of a distribution with itself prints ``-7e-09``
where PyTorch prints 0). What the kernels do, per row of the last dim:

* the row's max, then ``exp(x - max)`` by SLEEF's ``expf_u10`` (not MKL's ``exp``,
  which ``torch.exp`` uses): :func:`sleef_expf`, its polynomial with the same
  fused multiply-adds;
* the sum in ``vec::reduce_all``'s order: one accumulator vector of ``_lanes()``
  floats over the row's full vectors, the tail added to its first lanes, then a
  butterfly across the lanes (:func:`_row_sums`); a row shorter than a vector is
  summed left to right;
* softmax multiplies by ``1 / sum``; log_softmax takes SLEEF's ``logf_u1`` of the
  sum (:func:`sleef_logf`) and computes ``(x - max) - log_sum``;
* backward: softmax ``(g - sum(g * y)) * y``, log_softmax ``g - exp(y) * sum(g)``
  (one fused multiply-add), the sums in the same order.

Checked bit for bit against torch 2.13 on AVX-512 (16 lanes); AVX2 kernels use 8.
The price is ~60 numpy calls per softmax: a (4, 10) log_softmax takes ~100-150 us where
numpy's formula took ~10 us; (64, 1000) about 1-2 ms. ``set_float32_math("numpy")`` keeps
numpy's formulas, as do other dims and float64 (known gaps: ATen's ``_vec_softmax`` /
``_vec_logsoftmax`` for an inner dim sum along it in order, and float64 needs SLEEF's
double-precision exp).
"""

from __future__ import annotations

import numpy as np

_f32 = np.float32
_f64 = np.float64
_LANES = None  # floats per ATen vector (found on first use)


def _lanes() -> int:
    """16 where ATen dispatches its AVX-512 kernels (it needs AVX512 F/BW/VL/DQ), else 8."""
    global _LANES
    if _LANES is None:
        try:
            from numpy._core._multiarray_umath import __cpu_features__ as feats
        except ImportError:  # numpy 1.x
            from numpy.core._multiarray_umath import __cpu_features__ as feats
        _LANES = 16 if feats.get("AVX512_SKX") else 8
    return _LANES


# SLEEF's constants for expf (ln 2 split in two so that q * L2U is exact) and logf.
_R_LN2 = _f32(1.442695040888963407359924681001892137426645954152985934135449406931)
_L2U = _f32(0.693145751953125)
_L2L = _f32(1.428606765330187045e-06)
_EXP_POLY = tuple(
    _f32(c)
    for c in (
        0.000198527617612853646278381,
        0.00139304355252534151077271,
        0.00833336077630519866943359,
        0.0416664853692054748535156,
        0.166666671633720397949219,
        0.5,
    )
)
_F32_TINY = _f32(2.0**-126)  # the smallest normal float32
_LN2_HI, _LN2_LO = _f32(0.69314718246459960938), _f32(-1.904654323148236017e-09)
_LOG_POLY = (_f32(0.3027294874), _f32(0.3996108174), _f32(0.6666694880))


def _fma(a, b, c) -> np.ndarray:
    """``a * b + c`` for float32 operands, rounded to float32 once (as the FMA instruction).

    NOTE: the product is exact in float64 and the sum rounds to float64 first, so the result
    could be rounded twice where that float64 sum falls exactly halfway between two float32
    numbers (29 given bits: about 2**-29 per operation, never met in the checks against torch).
    ``core._random.fma_f32`` rules that out but costs 5-10x more calls, and a small softmax
    (one cross_entropy of a mini-batch) runs about 30 of these.
    """
    out = np.multiply(a, b, dtype=_f64)
    out += c
    return out.astype(_f32)


def _fma64(u: np.ndarray, s64: np.ndarray, c, t64: np.ndarray) -> np.ndarray:
    """``fma(u, s, c)`` into ``u`` (float32), with ``s64`` = ``s`` widened once and ``t64``
    a float64 scratch array: the product in float64 (exact), the sum rounded once to float64
    and then to float32 by the output cast (``_fma``'s rounding, in two numpy calls)."""
    np.multiply(u, s64, out=t64)
    np.add(t64, c, out=u)
    return u


def sleef_expf(d: np.ndarray) -> np.ndarray:
    """SLEEF's ``xexpf`` (``Sleef_expf16_u10``, built with FMA) on float32 ``d``."""
    d = np.asarray(d, dtype=_f32)
    if not d.size:
        return d.copy()
    with np.errstate(all="ignore"):
        inside = -104 <= d.min() and d.max() <= 100  # (False with a NaN)
        q = np.rint(d * _R_LN2)
        if not inside:
            q[~(np.abs(q) < 2**30)] = 0  # (such inputs are overwritten at the end)
        # fma(q, -L2U, d): q * L2U is exact in float32 (|q| <= 150 has 8 bits, L2U 15), so the
        # subtraction is the one rounding
        s = d - q * _L2U
        t64 = np.multiply(q, -_L2L, dtype=_f64)  # (dtype: numpy 1.26 keeps a scalar's float32)
        np.add(t64, s, out=s)  # fma(q, -L2L, s)
        s64 = s.astype(_f64)
        u = np.multiply(s64, _f64(_EXP_POLY[0]))
        u = np.add(u, _f64(_EXP_POLY[1]), out=np.empty_like(d))
        for c in _EXP_POLY[2:]:
            _fma64(u, s64, _f64(c), t64)
        np.multiply((s * s).astype(_f64), u, out=t64)
        np.add(t64, s64, out=u)  # fma(s * s, u, s)
        u += _f32(1)
        # SLEEF's ldexp in two steps (vldexp2): for -104 <= d <= 100 the first step is exact
        # (a normal result), so it is one correctly rounded scaling, as np.ldexp's
        u = np.ldexp(u, q.astype(np.int32))
        if not inside:
            u[d < -104] = 0
            u[d > 100] = np.inf
            nan = np.isnan(d)
            u[nan] = d[nan]
        return u


def sleef_logf(d: np.ndarray) -> np.ndarray:
    """SLEEF's ``xlogf_u1`` (``Sleef_logf16_u10``, its AVX-512 branch) on float32 ``d``."""
    d = np.asarray(d, dtype=_f32)
    if not d.size:
        return d.copy()
    with np.errstate(all="ignore"):
        normal = _F32_TINY <= d.min() and d.max() < np.inf  # (False with a NaN)
        if normal:
            # e = getexp(d / 0.75), m = getmant(d) in [0.75, 1.5), from the bits: the
            # exponent goes up by one where the significand is 1.5 or more
            bits = d.view(np.int32)
            k = ((bits + 0x400000) >> 23) - 127
            m = (bits - (k << 23)).view(_f32)
            e = k.astype(_f32)
        else:
            e = (np.frexp(d * _f32(1 / 0.75))[1] - 1).astype(_f32)
            mant, _ = np.frexp(d)  # d = mant * 2**exp2, mant in [0.5, 1)
            m = mant * _f32(2)
            m[m >= _f32(1.5)] *= _f32(0.5)
        # s = (ln 2 as a float pair) * e; the product's rounding error is exact in float64
        e64 = e.astype(_f64)
        sx = _LN2_HI * e
        sy = (_f64(_LN2_HI) * e64 - sx).astype(_f32)  # fma(LN2_HI, e, -sx), exact
        sy = np.add(_f64(_LN2_LO) * e64, sy, out=sy)  # fma(LN2_LO, e, ...)
        # x = (m - 1) / (m + 1) as a float pair: dfdiv(dfadd2(-1, m), dfadd2(1, m))
        nx = m - _f32(1)
        v = nx + _f32(1)
        ny = (_f32(-1) - (nx - v)) + (m - v)
        dx = m + _f32(1)
        v = dx - _f32(1)
        dy = (_f32(1) - (dx - v)) + (m - v)
        t = _f32(1) / dx
        xx = nx * t
        t64 = t.astype(_f64)
        u = (t64 * nx - xx).astype(_f32)  # fma(t, nx, -xx): exact (a product's error)
        w = (t64 * -dx + 1).astype(_f32)  # fma(-dx, t, 1): exact (t is 1/dx rounded)
        v = np.add(-dy * t64, w, out=w)  # fma(-dy, t, w)
        yy = np.add(ny * t64, u, out=u)  # fma(ny, t, u)
        xy = np.add(xx.astype(_f64) * v, yy, out=yy)  # fma(xx, v, yy)
        x2 = xx * xx
        x64 = x2.astype(_f64)
        p = np.add(x64 * _f64(_LOG_POLY[0]), _f64(_LOG_POLY[1]), out=np.empty_like(x2))
        np.add(p * x64, _f64(_LOG_POLY[2]), out=p)
        # s += 2x (pair + pair), then s += x^3 p (pair + float)
        ax, ay = xx * _f32(2), xy * _f32(2)
        s2 = sx + ax
        s2y = (((sx - s2) + ax) + sy) + ay
        w = (x2 * xx) * p
        s3 = s2 + w
        out = s3 + (((s2 - s3) + w) + s2y)
        if not normal:
            out[np.isposinf(d)] = np.inf
            out[(d < 0) | np.isnan(d)] = np.nan
            out[d == 0] = -np.inf
        return out


def _row_sums(a: np.ndarray) -> np.ndarray:
    """``vec::reduce_all(+)`` of each row of the 2-d float32 ``a``, in ATen's order."""
    rows, n = a.shape
    lanes = _lanes()
    if n < lanes:  # one partial vector: its elements left to right
        acc = a[:, 0].copy()
        for j in range(1, n):
            acc += a[:, j]
        return acc
    full = n - n % lanes
    # numpy adds along a non-inner axis in order: the accumulator vector's sequential adds
    acc = np.add.reduce(a[:, :full].reshape(rows, full // lanes, lanes), axis=1)
    if full < n:
        acc[:, : n - full] += a[:, full:]
    step = lanes // 2
    while step:  # the butterfly across lanes (vec_reduce_all's shuffles)
        acc = acc + acc[:, np.arange(lanes) ^ step]
        step //= 2
    return acc[:, 0]


def _rows(d: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(d).reshape(-1, d.shape[-1])


def softmax_lastdim(d: np.ndarray) -> np.ndarray:
    """``_vec_softmax_lastdim`` on float32 ``d`` (at least 1-d, not empty)."""
    x = _rows(d)
    with np.errstate(invalid="ignore"):
        e = sleef_expf(x - x.max(axis=1, keepdims=True))
        inv = _f32(1) / _row_sums(e)
    return (e * inv[:, None]).reshape(d.shape)


def log_softmax_lastdim(d: np.ndarray) -> np.ndarray:
    """``_vec_log_softmax_lastdim`` on float32 ``d`` (at least 1-d, not empty)."""
    x = _rows(d)
    with np.errstate(invalid="ignore"):
        shifted = x - x.max(axis=1, keepdims=True)
        log_sum = sleef_logf(_row_sums(sleef_expf(shifted)))
        return (shifted - log_sum[:, None]).reshape(d.shape)


def softmax_backward_lastdim(g: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``_vec_host_softmax_backward_lastdim`` (softmax): ``(g - sum(g * y)) * y``."""
    g2, y2 = _rows(g), _rows(y)
    with np.errstate(invalid="ignore", over="ignore"):
        return ((g2 - _row_sums(g2 * y2)[:, None]) * y2).reshape(g.shape)


def log_softmax_backward_lastdim(g: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``_vec_host_softmax_backward_lastdim`` (log_softmax): ``g - exp(y) * sum(g)``, fused."""
    g2, y2 = _rows(g), _rows(y)
    with np.errstate(invalid="ignore", over="ignore"):
        return _fma(-sleef_expf(y2), _row_sums(g2)[:, None], g2).reshape(g.shape)
