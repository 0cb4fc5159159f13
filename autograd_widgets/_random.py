"""PyTorch's CPU random number generator, reproduced: same seed, same numbers.

``torch.manual_seed(s)`` seeds a 32-bit Mersenne Twister exactly as numpy's legacy
``RandomState(s)`` does, so numpy's ``MT19937`` supplies the raw stream and this
module applies ATen's transformations on top of it:

* ``rand``/``uniform_``: 24 random bits per float32 (53 of a 64-bit draw per double),
  ``x * (to - from) + from`` rounded once (ATen is built with FMA);
* ``randn``/``normal_``: for 16 or more elements, ATen's ``normal_fill`` (uniforms
  first, then Box-Muller on blocks of 16, the last block redrawn when the size is not a
  multiple of 16); below 16, ``normal_distribution<double>`` with its cached second sample;
* ``randint``: ``random() % range + low``; ``randperm``: a forward Fisher-Yates shuffle.

float32 Box-Muller cannot reproduce SLEEF's log/sin/cos exactly: about one value in
fourteen differs from PyTorch's in its last bit; everything else is bit-identical. The object offers the subset of ``numpy.random.Generator``'s API the rest
of the package uses, with an extra ``dtype`` argument that selects ATen's per-dtype path.
"""

from __future__ import annotations

import math
import pickle

import numpy as np

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_MASK24 = np.uint64((1 << 24) - 1)
_MASK53 = np.uint64((1 << 53) - 1)


class TorchMT:
    """A ``torch.Generator``'s stream (mt19937 + ATen's distributions)."""

    def __init__(self, seed: int = 67280421310721):
        self.seed(seed)

    def seed(self, seed: int) -> None:
        self._bg = np.random.MT19937(0)
        self._bg._legacy_seeding(int(seed) & 0xFFFFFFFF)
        self._normal_cache = None  # next_double_normal_sample

    # -- state -------------------------------------------------------------------------
    def get_state(self) -> bytes:
        return pickle.dumps((self._bg.state, self._normal_cache))

    def set_state(self, blob: bytes) -> None:
        state, self._normal_cache = pickle.loads(blob)
        self._bg.state = state

    # -- raw draws ---------------------------------------------------------------------
    def _u32(self, n: int) -> np.ndarray:
        return self._bg.random_raw(n).astype(np.uint64)

    def _u64(self, n: int) -> np.ndarray:
        r = self._u32(2 * n)
        return (r[0::2] << np.uint64(32)) | r[1::2]

    def _unit(self, n: int, dtype) -> np.ndarray:
        """``n`` uniforms in [0, 1): float32 from 24 bits, float64 from 53."""
        if np.dtype(dtype) == _F64:
            return (self._u64(n) & _MASK53).astype(np.float64) * (2.0**-53)
        return (self._u32(n) & _MASK24).astype(np.float32) * np.float32(2.0**-24)

    # -- numpy.random.Generator-like API -----------------------------------------------
    def random(self, size=None, dtype=_F32) -> np.ndarray:
        shape = _shape(size)
        return self._unit(_numel(shape), _float(dtype)).reshape(shape)

    def uniform(self, low=0.0, high=1.0, size=None, dtype=_F32) -> np.ndarray:
        shape = _shape(size)
        dt = _float(dtype)
        x = self._unit(_numel(shape), dt)
        if dt == _F64:
            return (x * (high - low) + low).reshape(shape)
        lo, hi = np.float32(low), np.float32(high)
        width = np.float64(hi - lo)  # ``to - from`` in float, then one fused multiply-add
        return (x.astype(np.float64) * width + np.float64(lo)).astype(np.float32).reshape(shape)

    def standard_normal(self, size=None, dtype=_F32) -> np.ndarray:
        return self.normal(0.0, 1.0, size, dtype)

    def normal(self, loc=0.0, scale=1.0, size=None, dtype=_F32) -> np.ndarray:
        shape = _shape(size)
        n = _numel(shape)
        dt = _float(dtype)
        if n >= 16:
            data = self._unit(n, dt)
            full = (n // 16) * 16
            if full:
                _box_muller_16(data[:full].reshape(-1, 16), loc, scale, dt)
            if n % 16:
                tail = self._unit(16, dt)
                data[n - 16 :] = tail
                block = data[n - 16 :].reshape(1, 16)
                _box_muller_16(block, loc, scale, dt)
                data[n - 16 :] = block.reshape(-1)
            return data.reshape(shape)
        out = np.empty(n, dtype=np.float64)
        for i in range(n):
            out[i] = self._normal_double() * scale + loc
        return out.astype(dt).reshape(shape)

    def _normal_double(self) -> float:
        if self._normal_cache is not None:
            v, self._normal_cache = self._normal_cache, None
            return v
        u1, u2 = self._unit(2, _F64)
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        self._normal_cache = r * math.sin(theta)
        return r * math.cos(theta)

    def integers(self, low, high=None, size=None, dtype=np.int64) -> np.ndarray:
        if high is None:
            low, high = 0, low
        shape = _shape(size)
        n = _numel(shape)
        span = int(high) - int(low)
        raw = self._u64(n) if span >= 2**32 else self._u32(n)
        return ((raw % np.uint64(span)).astype(np.int64) + int(low)).reshape(shape)

    def permutation(self, n: int) -> np.ndarray:
        """``torch.randperm(n)``: ``swap(r[i], r[i + random() % (n - i)])`` for each ``i``."""
        n = int(n)
        r = np.arange(n, dtype=np.int64)
        if n > 1:
            z = (self._u32(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)).astype(np.int64)
            rl = r.tolist()
            for i, zi in enumerate(z.tolist()):
                j = i + zi
                rl[i], rl[j] = rl[j], rl[i]
            r = np.asarray(rl, dtype=np.int64)
        return r

    def exponential(self, scale=1.0, size=None, dtype=_F32) -> np.ndarray:
        shape = _shape(size)
        u = self._unit(_numel(shape), _F64)
        return (-scale * np.log1p(-u)).astype(_float(dtype)).reshape(shape)

    def choice(self, a, size=None, replace=True, p=None):
        """Sampling for ``multinomial`` (not ATen's algorithm: same seed, different draws)."""
        rng = np.random.default_rng(int(self._u32(1)[0]))
        return rng.choice(a, size, replace=replace, p=p)


def _box_muller_16(blocks: np.ndarray, mean, std, dt) -> None:
    """ATen's ``normal_fill_16`` on each row of ``blocks`` (in place)."""
    if dt == _F64:
        u1 = 1.0 - blocks[:, :8]
        u2 = blocks[:, 8:]
        radius = np.sqrt(-2.0 * np.log(u1))
        theta = 2.0 * math.pi * u2
        blocks[:, :8] = radius * np.cos(theta) * std + mean
        blocks[:, 8:] = radius * np.sin(theta) * std + mean
        return
    f32 = np.float32
    u1 = (f32(1) - blocks[:, :8]).astype(np.float64)
    u2 = blocks[:, 8:]
    log = np.log(u1).astype(f32)
    radius = np.sqrt((f32(-2) * log).astype(np.float64)).astype(f32)
    theta = f32(2.0 * math.pi) * u2
    # NOTE: numpy's float32 sin/cos agree with SLEEF's more often than correctly rounded ones
    # (7% vs 17% of values one ulp off, measured on 32k samples); log is the other way round.
    cos = np.cos(theta)
    sin = np.sin(theta)
    s, m = np.float64(f32(std)), np.float64(f32(mean))
    blocks[:, :8] = ((radius * cos).astype(np.float64) * s + m).astype(f32)
    blocks[:, 8:] = ((radius * sin).astype(np.float64) * s + m).astype(f32)


def _float(dtype) -> np.dtype:
    dt = np.dtype(dtype) if dtype is not None else _F32
    return dt if dt == _F64 else _F32


def _shape(size) -> tuple:
    if size is None:
        return ()
    if isinstance(size, (int, np.integer)):
        return (int(size),)
    return tuple(int(s) for s in size)


def _numel(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n
