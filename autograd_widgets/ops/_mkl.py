"""How the LAPACK and BLAS that PyTorch's CPU wheels carry (Intel MKL) round on this CPU.

MKL picks its kernels by CPU vendor: on Intel processors with FMA its ``getrf`` and large
``gemm`` kernels fuse each multiply-add (one rounding), while on AMD processors it takes a
path that rounds the product and the sum separately (seen on Zen 1; an Intel Xeon with
AVX-512 fuses). Ops that copy those kernels' arithmetic bit for bit (LU, affine_grid's
batched product) ask :func:`fuses` which of the two to follow.
"""

from __future__ import annotations

import functools

import numpy as np

from ..core._random import fma, fma_f32


@functools.lru_cache(maxsize=1)
def fuses() -> bool:
    """True when MKL's kernels fuse multiply-adds here: an Intel CPU with FMA (Linux's
    ``/proc/cpuinfo`` tells; elsewhere the unfused arithmetic is kept)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            head = f.read(1 << 16)
    except OSError:
        return False
    vendor = flags = ""
    for line in head.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "vendor_id" and not vendor:
            vendor = value.strip()
        elif key == "flags" and not flags:
            flags = value
    return vendor == "GenuineIntel" and "fma" in flags.split()


def subtract_product(c: np.ndarray, a: np.ndarray, b: np.ndarray, fused: bool) -> np.ndarray:
    """``c - a * b`` in ``c``'s float dtype: one rounding when ``fused``, else two.

    NaN and inf come out as the unfused arithmetic gives them (a NaN keeps its sign, as the
    hardware passes a NaN operand through). Fused float32 goes through ``fma_f32`` (float64,
    rounded to odd), fused float64 through Dekker's exact product (``fma``).
    """
    plain = c - a * b
    if not fused:
        return plain
    with np.errstate(all="ignore"):
        if c.dtype == np.float64:
            out = fma(-a, b, c)
        else:
            out = fma_f32(-a, b, c)
        return np.where(np.isfinite(out), out, plain)
