"""float32 exp/log/sin/cos/tanh/sigmoid with PyTorch's rounding, and the setting that trades it.

PyTorch evaluates these functions in float32 with SLEEF's vector code, which is all but
correctly rounded. numpy's own float32 kernels are not (about 1 ulp): on float32
tanh they differ from the correctly rounded value in ~30% of elements, so a
float32 training loop would print losses that differ from PyTorch's in the last digit.
Evaluating in float64 and rounding once to float32 agrees with PyTorch in ~99% of
elements, which is what keeps the conformance tests and the tutorials' printed
outputs identical to PyTorch's. That is the default, ``"torch"``.

The price is numpy's float64 kernel. On AVX-512 numpy has SIMD code for float64 tanh
and exp (~7x slower than float32's); on AVX2 it has none and calls libm element by
element (~6x slower again: 14.5 ms for 2M tanh, against 2.4 ms in float32). Large
evaluations are split across ``torch.set_num_threads`` threads (``_threads``).
On x86 CPUs without AVX-512, large float32 ``tanh`` takes ``_f32_tanh`` instead: a table
and float64 arithmetic that give the same float32 values bit for bit (every float32
checked, bench/README.md "float32 math"), ~1.6x faster than libm there. For the other
functions no cheaper exact route was found, so the trade-off is a setting: ``set_float32_math("numpy")`` uses numpy's float32 kernels
(fast, last-bit differences from PyTorch), ``"torch"`` restores the default. The
environment variable ``AUTOGRAD_WIDGETS_FLOAT32_MATH`` sets it at import.
"""

from __future__ import annotations

import os

import numpy as np

from .. import _threads
from . import _f32_tanh

MODES = ("torch", "numpy")
_CHUNK = 1 << 15  # elements per float64 scratch block: 256 KB, stays in the L2 cache
# Fewest elements worth a thread for a float64 exp/tanh/...: 2-7 ns each (AVX-512 SIMD to
# libm), so 0.1-0.2 ms of work against a hand-off of ~20-50 us.
_LIBM_GRAIN = 1 << 15

_numpy_kernels = False  # True in "numpy" mode (read on every call: a plain global)
# float32 tanh by table + float64 arithmetic (_f32_tanh) where libm would be called per
# element (x86 without AVX-512), from this many elements on: below, its ~17 numpy calls
# per block cost more than they save (the two cross at ~8K elements).
_tanh_arithmetic = _f32_tanh.faster_than_libm()
_TANH_MIN = 1 << 14


def set_float32_math(mode: str) -> None:
    """How float32 ``exp, log, sin, cos, tanh, sigmoid`` are rounded (not in PyTorch).

    Parameters
    ----------
    mode : {"torch", "numpy"}
        ``"torch"`` (the default): evaluated in float64 and rounded once, which agrees
        with PyTorch's float32 results in ~99% of elements (and in every printed
        tutorial output). ``"numpy"``: numpy's float32 kernels, 2-7x faster on large
        tensors, but 10-40% of the elements differ from the default in the last bit
        (exp 39%, tanh 32%, log 19%, cos 17%, sin 11% of normal(0, 3) inputs). The same
        switch covers ATen's fused multiply-adds in float32 and float16 (``add``/``sub``
        with ``alpha``, ``lerp``, ``addcmul``, and the optimizers' updates built on them):
        one rounding, emulated through float64 (~10x numpy's cost: an SGD step on 235K
        parameters takes ~0.9 ms instead of ~0.1 ms), against numpy's two roundings
        (last-bit differences in 10-25% of elements). float64 tensors are the same in
        both modes.
    """
    global _numpy_kernels
    if mode not in MODES:
        raise ValueError(f"set_float32_math: mode must be one of {MODES}, got {mode!r}")
    _numpy_kernels = mode == "numpy"


def get_float32_math() -> str:
    """The current :func:`set_float32_math` mode."""
    return "numpy" if _numpy_kernels else "torch"


def f64_rounded(np_fn, d: np.ndarray) -> np.ndarray:
    """``np_fn`` of a large float32 array, evaluated in double, rounded once to float32.

    numpy casts each buffer-sized block to double and writes float32 straight back (no
    double-size temporary); large arrays are cut across threads. Errors are ignored
    by the caller's ``np.errstate``. Large tanh on x86 without AVX-512: ``_f32_tanh``
    (same values).
    """
    out = np.empty_like(d)
    if np_fn is np.tanh and _tanh_arithmetic and d.size >= _TANH_MIN:
        fn = _f32_tanh.tanh_into  # same values, without libm's per-element float64 tanh
    else:
        fn = lambda o, x: np_fn(x, out=o, dtype=np.float64)  # noqa: E731
    if _threads.parts_for(d.size, _LIBM_GRAIN) == 1:
        return fn(out, d)
    return _threads.elementwise(fn, out, d, grain=_LIBM_GRAIN)


def _one_minus_square_block(out: np.ndarray, r: np.ndarray) -> None:
    flat_r, flat_out = r.reshape(-1), out.reshape(-1)
    n = flat_r.size
    wide = np.empty(min(n, _CHUNK), np.float64)
    for lo in range(0, n, _CHUNK):
        w = wide[: min(_CHUNK, n - lo)]
        np.copyto(w, flat_r[lo : lo + _CHUNK])
        np.multiply(w, w, out=w)  # exact: a float32's square fits in a double
        np.subtract(1.0, w, out=w)
        np.copyto(flat_out[lo : lo + _CHUNK], w, casting="same_kind")  # the one rounding


def one_minus_square_f32(r: np.ndarray) -> np.ndarray:
    """``1 - r * r`` for float32 ``r``, rounded once (ATen's fused multiply-add).

    Computed through double blocks that stay in the cache, in threads when large: the
    same values as ``(1.0 - r.astype(float64) ** 2).astype(float32)``.
    """
    out = np.empty(r.shape, r.dtype)
    if not r.flags.c_contiguous:
        r = np.ascontiguousarray(r)
    return _threads.elementwise(_one_minus_square_block, out, r)


def _from_environment() -> None:
    mode = os.environ.get("AUTOGRAD_WIDGETS_FLOAT32_MATH", "").strip().lower()
    if mode:
        set_float32_math(mode)


_from_environment()
