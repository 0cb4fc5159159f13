"""float32 ``tanh`` rounded as the float64 route rounds it, without libm's float64 tanh.

``tanh_f64_rounded(x)`` returns the same float32 values as
``np.tanh(x.astype(np.float64)).astype(np.float32)`` (``_f32_math`` says why that rounding
is wanted) from float64 *arithmetic* only, which numpy runs with SIMD on every x86 CPU,
whereas its float64 ``tanh`` has SIMD code only with AVX-512 and calls libm element by
element on AVX2 machines. Used on those machines only (``_f32_math.f64_rounded``); on
AVX-512 numpy's own float64 tanh is faster.

The method, per block of 2^16 elements (~17 numpy calls on scratch arrays kept per thread,
~4 MB):

1. ``x`` is clipped to [-9.5, 9.5] (tanh rounds to +-1 in float32 from 9.011 on; NaN
   stays NaN) and split as ``x = k/1024 + l`` with ``k`` an integer, ``|l| <= 2^-11``,
   both exact in float32: adding ``M = 12288 + 9.5`` (its float32 ulp is 2^-10) rounds
   ``x`` to the grid, and the sum's bit pattern minus ``M``'s is ``k + 9728``, the table
   index.
2. ``T = tanh(k/1024)``: a table of 19457 doubles, built once (in long double where numpy
   has it, so its entries are all but correctly rounded).
3. ``tanh(l) ~= l / w`` with ``w = 1 + l^2/3`` (the [1/2] Pade approximant; relative
   error ``l^4/45 <= 2^-49.5``), ``l^2/3`` in float32 (error ``<= 2^-46`` in ``w``).
4. The addition formula ``tanh(h + l) = (T + tanh l) / (1 + T tanh l)``, multiplied out by
   ``w``: ``r = (T w + l) / (w + T l)`` in float64, then rounded once to float32.
   ``T`` for ``k = 0`` is stored as -0.0, so ``x = -0.0`` gives -0.0; tiny and subnormal
   ``x`` give ``r = x`` exactly.
5. ``r``'s relative error is below 2^-45.5 (at most ~150 double ulps; libm's tanh is
   within 2 ulps). Whenever ``r`` lies within ``_ZIV_ULPS`` (512) double ulps of a
   midpoint between two floats, the two roundings could differ, so those elements (about
   2 in a million: the 29 low bits of ``r`` are within 512 of 2^28) are recomputed with
   ``np.tanh`` in float64. Every other element rounds as the float64 route does.

tests/test_f32_tanh.py compares it with the float64 route on millions of values; the
exhaustive check (every float32 in chosen ranges, 10^8 random ones) is in bench/README.md.
"""

from __future__ import annotations

import platform
import threading

import numpy as np

try:  # numpy 2
    from numpy._core import umath as _um
except ImportError:  # numpy 1.x
    from numpy.core import umath as _um

_P = 1024  # grid points per unit
_CLIP = np.float32(9.5)
_NCLIP = np.float32(-9.5)
_KMAX = int(9.5 * _P)  # 9728
_M = np.float32(12288.0 + 9.5)  # in [2^13, 2^14): float32 ulp 2^-10 = 1/_P
_SUB = np.int32(int(_M.view(np.int32)) - _KMAX)  # bits(x + _M) - _SUB = k + _KMAX
_THIRD = np.float32(1.0 / 3.0)
_ONE = np.float64(1.0)
_ZIV_ULPS = 512
_ZIV_ADD = np.int64((1 << 28) + _ZIV_ULPS)  # (bits + add) mod 2^29 <= 2*ulps: near a midpoint
_LOW29 = np.int64((1 << 29) - 1)
_ZIV_LIMIT = 2 * _ZIV_ULPS

BLOCK = 1 << 16  # elements per block (fastest of 2^13..2^17 on AVX2 and AVX-512: fewer calls)


def _table() -> np.ndarray:
    k = np.arange(-_KMAX, _KMAX + 1)
    wide = np.longdouble if np.finfo(np.longdouble).nmant > 52 else np.float64
    t = np.tanh(k.astype(wide) / wide(_P)).astype(np.float64)
    t[_KMAX] = -0.0  # k = 0: T w + l keeps the sign of l = -0.0
    return t


_TAB = _table()
_local = threading.local()


def faster_than_libm() -> bool:
    """True on x86 CPUs where numpy's float64 tanh has no SIMD code (no AVX512_SKX).

    There numpy calls libm per element and this route is ~1.6x faster; with AVX-512 numpy's
    own float64 tanh is ~2x faster than it. Elsewhere (ARM, ...) not measured: libm's route.
    """
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    try:
        try:
            from numpy._core._multiarray_umath import __cpu_features__ as feats
        except ImportError:  # numpy 1.x
            from numpy.core._multiarray_umath import __cpu_features__ as feats
    except ImportError:
        return False
    return not feats.get("AVX512_SKX", False)


class _Scratch:
    __slots__ = ("n", "xc", "y", "lv", "idx", "T", "sw", "pr")

    def __init__(self, n: int):
        self.n = n
        self.xc = np.empty(n, np.float32)
        self.y = np.empty(n, np.float32)
        self.lv = np.empty((2, n), np.float32)  # rows: l, l^2/3
        self.idx = np.empty(n, np.int64)  # then the midpoint test
        self.T = np.empty(n)
        self.sw = np.empty((2, n))  # rows: l, w
        self.pr = np.empty((2, n))  # rows: den, num


def _scratch(n: int) -> _Scratch:
    s = getattr(_local, "scratch", None)
    if s is None or s.n < n:
        s = _local.scratch = _Scratch(n)
    return s


def _block(out: np.ndarray, x: np.ndarray, s: _Scratch) -> None:
    n = x.shape[0]
    xc, y, lv = s.xc[:n], s.y[:n], s.lv[:, :n]
    idx, T, sw, pr = s.idx[:n], s.T[:n], s.sw[:, :n], s.pr[:, :n]
    _um.clip(x, _NCLIP, _CLIP, out=xc)
    _um.add(xc, _M, out=y)  # x rounded to the 1/1024 grid, plus _M
    _um.subtract(y.view(np.int32), _SUB, out=idx)  # k + _KMAX
    _um.subtract(y, _M, out=y)  # h = k/1024 (exact)
    l, v = lv[0], lv[1]
    _um.subtract(xc, y, out=l)  # l = x - h (exact)
    _TAB.take(idx, out=T, mode="clip")
    _um.multiply(l, l, out=v)
    _um.multiply(v, _THIRD, out=v)
    np.copyto(sw, lv)  # to double: l, l^2/3
    w = sw[1]
    _um.add(w, _ONE, out=w)  # w = 1 + l^2/3 (exact in double)
    _um.multiply(T, sw, out=pr)  # [T l, T w]
    _um.add(pr, sw[::-1], out=pr)  # [w + T l, T w + l]
    r = pr[1]
    _um.true_divide(r, pr[0], out=r)
    np.copyto(out, r, casting="same_kind")  # the one rounding
    zi = idx.view(np.int64)  # the index is spent: its room holds the midpoint test
    _um.add(r.view(np.int64), _ZIV_ADD, out=zi)
    _um.bitwise_and(zi, _LOW29, out=zi)
    if _um.minimum.reduce(zi) <= _ZIV_LIMIT:  # near a midpoint: ask libm (~2 per million)
        near = np.flatnonzero(zi <= _ZIV_LIMIT)
        out[near] = np.tanh(x[near].astype(np.float64)).astype(np.float32)


def tanh_into(out: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``out[...] = tanh(x)`` for float32 ``x``, rounded as the float64 route (any shape)."""
    if out.shape != x.shape:
        x = np.broadcast_to(x, out.shape)
    if x.size == 0:
        return out
    fx = x.reshape(-1) if x.flags.c_contiguous else np.ascontiguousarray(x).reshape(-1)
    if out.flags.c_contiguous:
        fo, back = out.reshape(-1), None
    else:
        fo, back = np.empty(out.size, np.float32), out
    n = fx.shape[0]
    s = _scratch(min(n, BLOCK))
    with np.errstate(all="ignore"):
        for lo in range(0, n, BLOCK):
            hi = min(lo + BLOCK, n)
            _block(fo[lo:hi], fx[lo:hi], s)
    if back is not None:
        back[...] = fo.reshape(back.shape)
    return out


def tanh_f64_rounded(x: np.ndarray) -> np.ndarray:
    """``np.tanh(x.astype(float64)).astype(float32)`` for a float32 array, bit for bit."""
    x = np.asarray(x)
    return tanh_into(np.empty(x.shape, np.float32), x)
