"""Exactness check of the float32 tanh route (autograd_widgets/ops/_f32_tanh.py).

Compares ``_f32_tanh.tanh_f64_rounded`` with the float64 route it replaces,
``np.tanh(x.astype(float64)).astype(float32)``, on

* every float32 bit pattern (``--all``; 2^32 values, ~1-2 minutes of one core), or every
  ``--stride``-th one otherwise, plus every float32 within 2^16 ulps of the grid points
  k/1024 for chosen k, of 9.011 (where tanh starts rounding to 1), of 2^-12 (where it
  stops rounding to x), and of the clip bound 9.5;
* ``--random`` million random float32 from normal(0, 1), normal(0, 3), uniform(-9.5, 9.5)
  and log-uniform magnitudes 1e-8..1e-2 of both signs.

NaN results compare equal when both are NaN (the route keeps the sign of a NaN input, as
PyTorch does; numpy's float64 tanh returns +NaN). Also reports how far the route's
double result is from tanh in long double (in double ulps) on a sample, against the
bound its midpoint test assumes.

Run under the SIMD level the route serves (AVX2):
    NPY_DISABLE_CPU_FEATURES=X86_V4 python bench/check_f32_tanh.py --all --random 100
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from autograd_widgets.ops import _f32_tanh  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import numpy_simd  # noqa: E402

CHUNK = 1 << 22


def compare(x: np.ndarray) -> np.ndarray:
    """Indices where the route and the float64 route differ (NaN == NaN)."""
    got = _f32_tanh.tanh_f64_rounded(x)
    with np.errstate(all="ignore"):  # signalling NaN bit patterns
        want = np.tanh(x.astype(np.float64)).astype(np.float32)
    diff = got.view(np.int32) != want.view(np.int32)
    if diff.any():
        diff &= ~(np.isnan(got) & np.isnan(want))
    return np.flatnonzero(diff)


class Tally:
    def __init__(self):
        self.tested = 0
        self.bad: list[float] = []

    def run(self, x: np.ndarray) -> None:
        for lo in range(0, x.size, CHUNK):
            part = x[lo : lo + CHUNK]
            where = compare(part)
            self.tested += part.size
            self.bad.extend(part[where].tolist())


def bit_range(lo: int, hi: int, stride: int = 1):
    """float32 values with bit patterns lo, lo+stride, ... < hi (as uint32), in chunks."""
    step = CHUNK * stride
    for start in range(lo, hi, step):
        yield np.arange(start, min(start + step, hi), stride, dtype=np.uint32).view(np.float32)


def around(value: float, ulps: int = 1 << 16):
    b = int(np.float32(value).view(np.uint32))
    for sign in (0, 1 << 31):
        yield from bit_range(max(b - ulps, 0) | sign, (b + ulps) | sign)


def double_error_ulps(n: int = 2_000_000) -> float:
    """Largest |route's double result - tanh in long double|, in double ulps, on a sample."""
    if np.finfo(np.longdouble).nmant <= 52:
        return float("nan")
    rng = np.random.default_rng(7)
    x = np.concatenate(
        [
            rng.uniform(-9.5, 9.5, n).astype(np.float32),
            rng.standard_normal(n).astype(np.float32),
            (np.exp(rng.uniform(np.log(1e-6), np.log(1e-2), n)) * rng.choice([-1, 1], n)).astype(
                np.float32
            ),
        ]
    )
    s = _f32_tanh._Scratch(x.size)
    out = np.empty_like(x)
    with np.errstate(all="ignore"):
        _f32_tanh._block(out, x, s)
    r = s.pr[1].copy()  # the block's double result
    exact = np.tanh(x.astype(np.longdouble))
    ulp = np.spacing(np.abs(r))
    return float(np.max(np.abs((r.astype(np.longdouble) - exact) / ulp)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--all", action="store_true", help="every float32 bit pattern")
    ap.add_argument("--stride", type=int, default=61, help="bit-pattern stride without --all")
    ap.add_argument("--random", type=int, default=100, help="millions of random values")
    args = ap.parse_args()
    print(f"numpy {np.__version__}, SIMD {numpy_simd()}")
    t0 = time.time()
    results = {}
    tally = Tally()
    for x in bit_range(0, 1 << 32, 1 if args.all else args.stride):
        tally.run(x)
    results["all float32 bit patterns" if args.all else f"every {args.stride}th bit pattern"] = (
        tally
    )
    tally = Tally()
    for k in (0, 1, 2, 3, 511, 512, 1023, 1024, 4095, 9216, 9217, 9727):
        for x in around(k / 1024):
            tally.run(x)
    for v in (9.0109, 2.0**-12, 9.5):
        for x in around(v):
            tally.run(x)
    results["+-2^16 ulps around grid points and boundaries"] = tally
    rng = np.random.default_rng(2026)
    tally = Tally()
    per = max(1, args.random * 1_000_000 // 4)
    for make in (
        lambda n: rng.standard_normal(n, dtype=np.float32),
        lambda n: rng.standard_normal(n, dtype=np.float32) * np.float32(3),
        lambda n: rng.uniform(-9.5, 9.5, n).astype(np.float32),
        lambda n: (
            np.exp(rng.uniform(np.log(1e-8), np.log(1e-2), n)) * rng.choice([-1, 1], n)
        ).astype(np.float32),
    ):
        for lo in range(0, per, CHUNK):
            tally.run(make(min(CHUNK, per - lo)))
    results[f"{per * 4:,} random"] = tally
    for name, t in results.items():
        print(f"{name}: {t.tested:,} values, {len(t.bad)} mismatches {t.bad[:10]}")
    print(
        f"largest error of the double result: {double_error_ulps():.1f} ulps "
        f"(midpoint test margin: {_f32_tanh._ZIV_ULPS} ulps)"
    )
    print(f"{time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
