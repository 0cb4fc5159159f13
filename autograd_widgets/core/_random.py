"""PyTorch's CPU random number generator, reproduced: same seed, same numbers.

``torch.manual_seed(s)`` seeds a 32-bit Mersenne Twister exactly as numpy's legacy
``RandomState(s)`` does, so numpy's ``MT19937`` supplies the raw stream and this
module applies ATen's transformations on top of it:

* ``rand``/``uniform_``: 24 random bits per float32 (53 of a 64-bit draw per double),
  ``x * (to - from) + from`` rounded once (ATen is built with FMA);
* ``randn``/``normal_``: for 16 or more elements, ATen's ``normal_fill`` (uniforms
  first, then Box-Muller on blocks of 16, the last block redrawn when the size is not a
  multiple of 16); below 16, ``normal_distribution<double>`` with its cached second sample;
* ``random_``/``randint``: ``random() % range + low`` (64-bit draws from 2**28 up), and
  ``random_()`` alone the dtype's whole exactly-representable range (``random_range``);
* ``randperm``: a forward Fisher-Yates shuffle;
* ``multinomial``: a binary search in the normalised cumulative distribution with
  replacement; without it (or for one sample) ``argmax``/``topk`` of ``p / Exp(1)``.

float32 Box-Muller cannot reproduce SLEEF's log/sin/cos exactly: about one value in
fourteen differs from PyTorch's in its last bit; everything else is bit-identical. The
object offers the subset of ``numpy.random.Generator``'s API the rest of the package uses,
with an extra ``dtype`` argument that selects ATen's per-dtype path.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ._dtype import not_implemented_for

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_I64 = np.dtype(np.int64)
_DIGITS = {np.dtype(np.float16): 11, _F32: 24, _F64: 53}  # std::numeric_limits<T>::digits
_MASK24 = np.uint64((1 << 24) - 1)
_MASK53 = np.uint64((1 << 53) - 1)
_MT_N = 624
# ATen's CPUGeneratorImplState (THGeneratorState legacy_pod, then the float normal cache):
# ``torch.get_rng_state()`` is its 5056 bytes, little-endian, C padding included.
_STATE = np.dtype(
    {
        "names": [
            "the_initial_seed",
            "left",
            "seeded",
            "next",
            "state",
            "normal_x",
            "normal_y",
            "normal_rho",
            "normal_is_valid",
            "next_float_normal_sample",
            "is_next_float_normal_sample_valid",
        ],
        "formats": [
            "<u8",
            "<i4",
            "<i4",
            "<u8",
            ("<u8", 624),
            "<f8",
            "<f8",
            "<f8",
            "<i4",
            "<f4",
            "u1",
        ],
        "offsets": [0, 8, 12, 16, 24, 5016, 5024, 5032, 5040, 5048, 5052],
        "itemsize": 5056,
    }
)


class TorchMT:
    """A ``torch.Generator``'s stream (mt19937 + ATen's distributions)."""

    def __init__(self, seed: int = 67280421310721):
        self.seed(seed)

    def seed(self, seed: int) -> None:
        self.initial_seed = int(seed) % 2**64  # mt19937's seed_, a uint64_t
        self._bg = np.random.MT19937(0)
        self._bg._legacy_seeding(self.initial_seed & 0xFFFFFFFF)
        self._normal_cache = None  # next_double_normal_sample

    # -- state -------------------------------------------------------------------------
    def get_state(self) -> bytes:
        """``CPUGeneratorImplState``'s bytes, as ``torch.get_rng_state()`` returns them."""
        st = self._bg.state["state"]
        key, pos = np.asarray(st["key"], dtype=np.uint32), int(st["pos"])
        if pos >= _MT_N:  # the next draw regenerates: mt19937 says left_ = 1
            left, nxt = 1, 0 if self._is_fresh(key) else _MT_N
        else:  # ``pos`` words of this block used: next_ = pos, left_ = N + 1 - pos
            left, nxt = _MT_N + 1 - pos, pos
        blob = np.zeros((), dtype=_STATE)
        blob["the_initial_seed"] = self.initial_seed
        blob["left"], blob["seeded"], blob["next"] = left, 1, nxt
        blob["state"] = key
        if self._normal_cache is not None:
            blob["normal_y"], blob["normal_is_valid"] = self._normal_cache, 1
        return blob.tobytes()

    def _is_fresh(self, key: np.ndarray) -> bool:
        """Whether ``key`` is the seeding's own (``next_ = 0``), not a used-up block (``N``)."""
        seeded = np.random.MT19937(0)
        seeded._legacy_seeding(self.initial_seed & 0xFFFFFFFF)
        return bool(np.array_equal(seeded.state["state"]["key"], key))

    def set_state(self, blob: bytes) -> None:
        """Load ``get_state()``'s bytes (``CPUGeneratorImpl::set_state``'s checks)."""
        if len(blob) != _STATE.itemsize:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {_STATE.itemsize} but found the "
                f"input RNG state size to be {len(blob)}"
            )
        st = np.frombuffer(blob, dtype=_STATE)[0]
        left, nxt = int(st["left"]), int(st["next"]) & 0xFFFFFFFF
        if not (st["seeded"] & 0xFF) or not 0 < left <= _MT_N or nxt > _MT_N:
            raise RuntimeError("Invalid mt19937 state")
        # numpy's MT19937 draws key[pos] and regenerates at pos == N, as mt19937 does
        # when ``left_`` reaches 0; the two agree for every state mt19937 itself produces
        pos = _MT_N if left == 1 else _MT_N + 1 - left
        key = (st["state"] & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        self._bg.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        self.initial_seed = int(st["the_initial_seed"])
        self._normal_cache = float(st["normal_y"]) if st["normal_is_valid"] else None

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
            return fma(x, float(high) - float(low), float(low)).reshape(shape)
        lo, hi = np.float32(low), np.float32(high)
        width = np.float64(hi - lo)  # ``to - from`` in float, then one fused multiply-add
        return (x.astype(np.float64) * width + np.float64(lo)).astype(np.float32).reshape(shape)

    def standard_normal(self, size=None, dtype=_F32) -> np.ndarray:
        return self.normal(0.0, 1.0, size, dtype)

    def normal(self, loc=0.0, scale=1.0, size=None, dtype=_F32, serial=False) -> np.ndarray:
        """``normal_``: ``normal_fill`` for 16 or more values (unless ``serial``: ATen's
        path for a non-contiguous tensor), else ``normal_distribution<double>`` each."""
        shape = _shape(size)
        n = _numel(shape)
        dt = _float(dtype)
        if n >= 16 and not serial:
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
            out[i] = self._normal_double()
        return fma(out, float(scale), float(loc)).astype(dt).reshape(shape)

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
        """``torch.empty(size, dtype=dtype).random_(low, high)``, the way ``randint`` draws.

        ``high=None`` is the dtype's largest value (inclusive); bad bounds raise PyTorch's
        errors (``random_range``).
        """
        bounds = random_range(dtype, int(low), None if high is None else int(high))
        if bounds is None:
            return self.random_int64(size, dtype)
        return self.random_span(*bounds, size, dtype)

    def random_span(self, span: int, base: int, size=None, dtype=np.int64) -> np.ndarray:
        """``random_(from, to)``: ``raw % span + base``, wrapped to int64, cast to ``dtype``.

        ATen draws 64 bits per element when ``span >= 2**28`` (any dtype: it bounds the
        modulo bias), 32 bits otherwise.
        """
        shape = _shape(size)
        n = _numel(shape)
        dt = np.dtype(dtype)
        raw = self._u64(n) if span >= 2**28 else self._u32(n)
        # uint64 arithmetic wraps as C++'s does; the bits are then read as int64
        vals = (raw % np.uint64(span) + np.uint64(base % 2**64)).view(np.int64)
        return vals.astype(dt).reshape(shape)

    def random_full(self, size=None, dtype=np.int64) -> np.ndarray:
        """``random_()``: ATen's ``uniform_int_distribution``, the dtype's whole range.

        Integers draw ``[0, max]``; floats every integer they hold exactly, ``[0, 2**digits]``;
        bool the lowest bit. int64 and double take 64-bit draws, the others 32-bit ones.
        """
        shape = _shape(size)
        n = _numel(shape)
        dt = np.dtype(dtype)
        if dt == np.bool_:
            return (self._u32(n) & np.uint64(1)).astype(np.bool_).reshape(shape)
        raw = self._u64(n) if dt in (_I64, _F64) else self._u32(n)
        if dt.kind == "f":
            modulus = (1 << _DIGITS[dt]) + 1
        else:
            modulus = int(np.iinfo(dt).max) + 1
        return (raw % np.uint64(modulus)).astype(dt).reshape(shape)

    def random_int64(self, size=None, dtype=np.int64) -> np.ndarray:
        """``random_(-2**63, None)``: 64 random bits read as int64, then cast."""
        shape = _shape(size)
        return self._u64(_numel(shape)).view(np.int64).astype(dtype).reshape(shape)

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
        """``exponential_distribution<double>``: ``-1 / lambda * log1p(-u)``, then cast."""
        shape = _shape(size)
        u = self._unit(_numel(shape), _F64)
        return (-scale * _libm(math.log1p, -u)).astype(_float(dtype)).reshape(shape)

    def cauchy(self, median=0.0, sigma=1.0, size=None, dtype=_F32) -> np.ndarray:
        """``cauchy_distribution<double>``: ``median + sigma * tan(pi * (u - 0.5))``, then cast."""
        shape = _shape(size)
        u = self._unit(_numel(shape), _F64)
        t = _libm(math.tan, math.pi * (u - 0.5))
        return fma(t, float(sigma), float(median)).astype(_float_any(dtype)).reshape(shape)

    def log_normal(self, mean=1.0, std=2.0, size=None, dtype=_F32) -> np.ndarray:
        """``lognormal_distribution<double>``: ``exp`` of ``normal_distribution<double>``'s
        draw (one by one, with its cached second sample), then cast."""
        shape = _shape(size)
        n = _numel(shape)
        out = np.empty(n, dtype=np.float64)
        for i in range(n):
            out[i] = self._normal_double()
        x = _libm(math.exp, fma(out, float(std), float(mean)))
        return x.astype(_float_any(dtype)).reshape(shape)

    def geometric(self, p, size=None, dtype=_F32) -> np.ndarray:
        """``geometric_distribution<double>``: ``ceil(log(u) / log1p(-p))``, then cast (an
        integer dtype takes the count as C++'s ``static_cast`` does, for counts it holds)."""
        shape = _shape(size)
        u = self._unit(_numel(shape), _F64)
        with np.errstate(divide="ignore"):
            k = np.ceil(_libm(_log_or_inf, u) / math.log1p(-float(p)))
        dt = np.dtype(dtype)
        if dt.kind in "iu":
            k = k.astype(np.int64)
        return k.astype(dt).reshape(shape)

    def poisson(self, rates: np.ndarray) -> np.ndarray:
        """``torch.poisson``: ATen's ``sample_poisson`` for each rate in C order (float64).

        Below 10 it multiplies uniforms until the product drops to ``exp(-rate)``; from 10 on,
        Hoermann's transformed rejection. Each draw is a ``uniform_real_distribution<double>``
        of the stream; they are drawn ahead in blocks and the stream is then moved on by
        exactly the number used.
        """
        flat = rates.ravel().tolist()
        out = np.empty(len(flat), dtype=np.float64)
        saved = self._bg.state
        need = int(sum(min(r, 1e6) + 2 if r < 10 else 3 for r in flat)) + 8
        pool = _UniformPool(self, need)
        for i, lam in enumerate(flat):
            out[i] = _sample_poisson(lam, pool)
        self._bg.state = saved  # replay: exactly the draws sample_poisson made
        self._u64(pool.used)
        return out.reshape(rates.shape)

    def binomial(self, counts: np.ndarray, probs: np.ndarray) -> np.ndarray:
        """``torch.binomial``: ATen's ``sample_binomial`` for each (count, prob) pair in C
        order (float64): inversion below ``count * p = 10``, BTRS rejection above, on
        ``min(p, 1 - p)``; uniforms drawn ahead and replayed as in :meth:`poisson`."""
        pairs = list(zip(counts.ravel().tolist(), probs.ravel().tolist()))
        out = np.empty(len(pairs), dtype=np.float64)
        saved = self._bg.state
        pool = _UniformPool(self, 4 * len(pairs) + 8)
        for i, (count, prob) in enumerate(pairs):
            out[i] = _sample_binomial(count, prob, pool)
        self._bg.state = saved
        self._u64(pool.used)
        return out.reshape(counts.shape)

    def standard_gamma(self, alpha: np.ndarray) -> np.ndarray:
        """``torch._standard_gamma``: ATen's ``sample_gamma`` for each ``alpha`` in C order,
        in ``alpha``'s dtype (Marsaglia-Tsang; ``alpha < 1`` boosted by a uniform's power).

        Its normals are ``normal_distribution<double>``'s, sharing the generator's cached
        second Box-Muller sample with ``randn``; uniforms come from a pool as in
        :meth:`poisson`.
        """
        dt = np.dtype(alpha.dtype)
        flat = alpha.ravel().tolist()
        out = np.empty(len(flat), dtype=np.float64)
        saved = self._bg.state
        pool = _UniformPool(self, 4 * len(flat) + 8)
        tiny = float(np.finfo(dt).tiny)  # ATen: max(numeric_limits<scalar_t>::min(), sample)
        scalar = float if dt == _F64 else dt.type  # a double's steps need no numpy scalars
        for i, a in enumerate(flat):
            out[i] = max(tiny, _sample_gamma(a, pool, self, scalar))
        self._bg.state = saved
        self._u64(pool.used)
        return out.astype(dt).reshape(alpha.shape)

    def _pool_normal(self, pool) -> float:
        """``normal_distribution<double>(0, 1)`` on ``pool``'s uniforms (and the cache)."""
        if self._normal_cache is not None:
            v, self._normal_cache = self._normal_cache, None
            return v
        u1, u2 = pool.next(), pool.next()
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        self._normal_cache = r * math.sin(theta)
        return r * math.cos(theta)

    def choice(self, a, size=None, replace=True, p=None):
        """Sampling for ``multinomial`` (not ATen's algorithm: same seed, different draws)."""
        rng = np.random.default_rng(int(self._u32(1)[0]))
        return rng.choice(a, size, replace=replace, p=p)


def in_memory_order(d: np.ndarray, draw):
    """``draw(shape)`` laid out the way ATen's TensorIterator walks ``d``: in memory order.

    A transposed or otherwise permuted array is filled along its memory layout (the smallest
    stride innermost), so one seed puts the same numbers in the same places as PyTorch; the
    result has ``d``'s order of strides (as ``empty_like(d)``: ``infer_dense_strides``).
    """
    if type(d) is not np.ndarray or d.flags.c_contiguous or d.ndim < 2:
        return draw(d.shape)
    strides = [abs(st) if n > 1 else 0 for st, n in zip(d.strides, d.shape)]
    perm = sorted(range(d.ndim), key=lambda i: -strides[i])  # stable: ties keep their order
    data = draw(tuple(d.shape[i] for i in perm))
    return np.transpose(data, np.argsort(perm))


class _UniformPool:
    """Doubles of ``rng``'s stream drawn ahead in blocks; ``used`` counts the ones taken."""

    def __init__(self, rng: TorchMT, block: int):
        self.rng, self.block, self.used = rng, max(int(block), 16), 0
        self.values: list[float] = []

    def next(self) -> float:
        if self.used == len(self.values):
            self.values += self.rng._unit(self.block, _F64).tolist()
        self.used += 1
        return self.values[self.used - 1]


def _sample_poisson(lam: float, pool: _UniformPool) -> float:
    """ATen's ``sample_poisson(lambda, generator)`` (``Distributions.cpp``), in double."""
    if not lam >= 0:
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    if lam >= 10:  # transformed rejection method (Hoermann, 1993)
        slam, loglam = math.sqrt(lam), math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = pool.next() - 0.5
            v = pool.next()
            us = 0.5 - abs(u)
            k = _int64_cast(math.floor((2 * a / us + b) * u + lam + 0.43))
            if us >= 0.07 and v <= vr:
                return float(k)
            if k < 0 or (us < 0.013 and v > us):
                continue
            lhs = _log_or_inf(v) + math.log(invalpha) - math.log(a / (us * us) + b)
            if lhs <= -lam + k * loglam - math.lgamma(k + 1.0):
                return float(k)
    if lam == 0:
        return 0.0
    enlam = math.exp(-lam)  # multiply uniforms until the product drops to exp(-lambda)
    x, prod = 0, 1.0
    while True:
        prod *= pool.next()
        if prod > enlam:
            x += 1
        else:
            return float(x)


_THIRD_F = float(np.float32(1.0) / np.float32(3.0))  # ATen's 1.0f / 3.0f
_C0331_F = float(np.float32(0.0331))  # 0.0331f


def _sample_gamma(alpha: float, pool: _UniformPool, rng: TorchMT, scalar) -> float:
    """ATen's ``sample_gamma<scalar_t, double>`` (``Distributions.h``); ``scalar`` is
    ``scalar_t`` (``np.float32`` or ``np.float64``), whose rounding the float steps keep."""
    scale = 1.0
    if alpha < 1.0:  # boost alpha for a higher acceptance probability
        if alpha == 0.0:
            return 0.0
        scale *= math.pow(1 - pool.next(), float(scalar(1.0) / scalar(alpha)))
        alpha = float(scalar(alpha) + scalar(1.0))
    d = float(scalar(alpha) - scalar(_THIRD_F))
    c = 1.0 / math.sqrt(9.0 * d)
    while True:  # Marsaglia and Tsang (2000)
        while True:
            x = rng._pool_normal(pool)
            y = 1.0 + c * x
            if y > 0:
                break
        v = y * y * y
        u = 1 - pool.next()
        xx = x * x
        if u < 1.0 - _C0331_F * xx * xx or _log_or_inf(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return float(scalar(scale * d * v))


def _sample_binomial(count: float, prob: float, pool: _UniformPool) -> float:
    """ATen's ``sample_binomial`` (``Distributions.h``), in double."""
    if count <= 0 or prob <= 0:
        return 0.0
    if prob >= 1:
        return count
    if not (math.isfinite(count) and prob < 1):  # NaN p (ATen: NAN); a NaN/inf count never ends
        return math.nan
    if prob <= 0.5:
        if count * prob >= 10:
            return _btrs(count, prob, pool)
        return _binomial_inversion(count, prob, pool)
    q = 1.0 - prob
    if count * q >= 10:
        return count - _btrs(count, q, pool)
    return count - _binomial_inversion(count, q, pool)


def _binomial_inversion(count: float, prob: float, pool: _UniformPool) -> float:
    """Count geometric waiting times (``ceil(log(u) / log1p(-p))``) until they pass ``count``."""
    geom_sum, num_geom = 0.0, 0.0
    logprob = math.log1p(-prob)
    while True:
        geom_sum += math.ceil(_log_or_inf(pool.next()) / logprob)
        if geom_sum > count:
            return num_geom
        num_geom += 1


# Stirling's approximation's tail, log(k!) - (k + 1/2) log(k + 1) + ..., for k <= 9 (ATen's)
_STIRLING_TAIL = (
    0.0810614667953272,
    0.0413406959554092,
    0.0276779256849983,
    0.02079067210376509,
    0.0166446911898211,
    0.0138761288230707,
    0.0118967099458917,
    0.0104112652619720,
    0.00925546218271273,
    0.00833056343336287,
)


def _stirling_approx_tail(k: float) -> float:
    if k <= 9:
        return _STIRLING_TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _btrs(count: float, prob: float, pool: _UniformPool) -> float:
    """Hoermann's BTRS transformed rejection, as ATen writes it (``btrs``)."""
    stddev = math.sqrt(count * prob * (1 - prob))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * prob
    c = count * prob + 0.5
    v_r = 0.92 - 4.2 / b
    r = prob / (1 - prob)
    alpha = (2.83 + 5.1 / b) * stddev
    m = math.floor((count + 1) * prob)
    while True:
        u = pool.next() - 0.5
        v = pool.next()
        us = 0.5 - abs(u)
        k = math.floor((2 * a / us + b) * u + c)
        if k < 0 or k > count:
            continue
        if us >= 0.07 and v <= v_r:
            return float(k)
        v = _log_or_inf(v * alpha / (a / (us * us) + b))
        upperbound = (
            (m + 0.5) * math.log((m + 1) / (r * (count - m + 1)))
            + (count + 1) * math.log((count - m + 1) / (count - k + 1))
            + (k + 0.5) * math.log(r * (count - k + 1) / (k + 1))
            + _stirling_approx_tail(m)
            + _stirling_approx_tail(count - m)
            - _stirling_approx_tail(k)
            - _stirling_approx_tail(count - k)
        )
        if v <= upperbound:
            return float(k)


def _int64_cast(x: float) -> int:
    """C's ``(int64_t)`` of a double on x86-64: out of range (or inf) gives ``INT64_MIN``."""
    return int(x) if -(2.0**63) <= x < 2.0**63 else -(2**63)


def _box_muller_16(blocks: np.ndarray, mean, std, dt) -> None:
    """ATen's ``normal_fill_16`` on each row of ``blocks`` (in place)."""
    if dt == _F64:
        u1 = 1.0 - blocks[:, :8]
        u2 = blocks[:, 8:]
        radius = np.sqrt(-2.0 * _libm(math.log, u1))
        theta = 2.0 * math.pi * u2
        blocks[:, :8] = fma(radius * np.cos(theta), std, mean)
        blocks[:, 8:] = fma(radius * np.sin(theta), std, mean)
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


# c10's names of the dtypes (``caffe2::TypeMeta``), as the range errors print them
_CPP_NAMES = {
    "float16": "c10::Half",
    "float32": "float",
    "float64": "double",
    "int8": "signed char",
    "int16": "short int",
    "int32": "int",
    "int64": "long int",
    "uint8": "unsigned char",
    "bool": "bool",
}
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def random_range(dtype, low: int, high: int | None):
    """ATen's ``random_from_to_impl`` arguments: ``(span, base)`` of ``random_(low, high)``.

    ``high=None`` means the dtype's largest value inclusive; ``None`` is returned for
    ``random_(-2**63, None)``, the whole int64 range (``TorchMT.random_int64``). Float
    dtypes first move the bounds to integers they hold exactly, as ATen does.
    """
    dt = np.dtype(dtype)
    if high is not None:
        if low >= high:
            raise RuntimeError(
                f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
            )
        if dt.kind == "f":
            low, high = _update_from(low, dt), _update_to(high, dt)
            if low >= high:
                raise RuntimeError(
                    "random_ expects 'from' casted to dtype to be less than 'to' casted to "
                    f"dtype, but got from={low} >= to={high}"
                )
        _check_in_range(low, high - 1, dt)
        return high - low, low
    if low == _INT64_MIN:
        if dt not in (_I64, _F64, _F32):
            raise not_implemented_for("random_full_64_bits_range_kernel_cpu", dt)
        return None
    if dt.kind == "f":
        to_inc = min(1 << _DIGITS[dt], _INT64_MAX)
        low = _update_from(low, dt)
        if low >= to_inc:
            raise RuntimeError(
                "random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' "
                f"casted to dtype, but got from={low} > to_inc={to_inc}"
            )
    else:
        to_inc = 1 if dt == np.bool_ else int(np.iinfo(dt).max)
    _check_in_range(low, to_inc, dt)
    return to_inc - low + 1, low


def _as_int64(value: int, dt) -> int:
    """``static_cast<int64_t>(static_cast<scalar_t>(value))``; overflow gives x86's INT64_MIN."""
    with np.errstate(over="ignore"):
        cast = dt.type(value)
    return int(cast) if np.isfinite(cast) and abs(float(cast)) < 2.0**63 else _INT64_MIN


def _update_from(low: int, dt) -> int:
    """ATen's ``update_from``: round ``from`` up where the float dtype cannot hold it."""
    plus_1 = _as_int64(low + 1, dt)
    if plus_1 < low:
        n = abs(low + 1).bit_length() - 1
        low = plus_1 + (1 << (n - _DIGITS[dt] + 1))
    return low


def _update_to(high: int, dt) -> int:
    """ATen's ``update_to``: round ``to`` down where the float dtype cannot hold it."""
    minus_1 = _as_int64(high - 1, dt)
    if minus_1 >= high:
        n = abs(high - 1).bit_length() - 1
        high = minus_1 - (1 << (n - _DIGITS[dt] + 1))
    return high


def _check_in_range(low: int, to_inc: int, dt) -> None:
    name = _CPP_NAMES[dt.name]
    if dt.kind == "f":
        lo, hi = float(np.finfo(dt).min), float(np.finfo(dt).max)
    elif dt == np.bool_:
        lo, hi = 0, 1
    else:
        lo, hi = int(np.iinfo(dt).min), int(np.iinfo(dt).max)
    for value, what in ((low, "from"), (to_inc, "to - 1")):
        if not lo <= value <= hi:
            raise RuntimeError(f"{what} is out of bounds for {name}")
    if dt.kind == "f":
        digits = _DIGITS[dt]
        for value, what, line in ((low, "from", 110), (to_inc, "to - 1", 111)):
            if not -(1 << digits) <= value <= 1 << digits:
                warnings.warn(
                    f"{what} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision "
                    f"limitations {name} can support discrete uniform distribution only within "
                    "this range. This warning will become an error in version 1.7 release, "
                    "please fix the code in advance (Triggered internally at "
                    f"/__w/pytorch/pytorch/aten/src/ATen/native/DistributionTemplates.h:{line}.)",
                    UserWarning,
                    stacklevel=4,
                )


def cpp_double(x) -> str:
    """A double as C++'s ``ostream`` prints it in ATen's messages (6 significant digits)."""
    return f"{float(x):g}"


def check_std(std, tensor: bool = False) -> None:
    """ATen's check on ``normal``'s standard deviation (a number, or a tensor's values)."""
    if tensor:
        if not (np.asarray(std) >= 0).all():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif not std >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {cpp_double(std)}")


def fma(a, b, c) -> np.ndarray:
    """``a * b + c`` on float64 with one rounding, as ATen's kernels compute it (built with FMA).

    Dekker's exact product and Knuth's exact sum carry the two rounding errors; adding them
    back rounds once except in rare double-rounding ties (never seen on a million samples).
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.float64(b) if np.ndim(b) == 0 else np.asarray(b, dtype=np.float64)
    c = np.float64(c) if np.ndim(c) == 0 else np.asarray(c, dtype=np.float64)
    with np.errstate(all="ignore"):
        p = a * b
        a_hi, a_lo = _split(a)
        b_hi, b_lo = _split(b)
        p_err = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
        s = p + c
        c_part = s - p
        s_err = (p - (s - c_part)) + (c - c_part)
        out = s + (s_err + p_err)
    return np.where(np.isfinite(out), out, p + c)  # inf/nan: no error terms to add


def sum_to_odd(a: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``a + p`` (float64) rounded *to odd*: where the sum is inexact, the float64 neighbour
    of the exact sum whose last bit is 1. Rounding that to float32 (or float16) is then the
    correctly rounded exact sum (Boldo & Melquiond 2008: the wider format has at least
    two more bits); rounding the nearest float64 again could round twice.
    """
    with np.errstate(all="ignore"):
        s = a + p
        b = s - a
        err = (a - (s - b)) + (p - b)  # Knuth's TwoSum: a + p == s + err exactly
        fix = (err != 0) & ((s.view(np.int64) & 1) == 0)
        if fix.any():
            s = np.where(fix, np.nextafter(s, np.where(err > 0, np.inf, -np.inf)), s)
    return s


_F32_NORMAL = 897 << 52  # float64 exponent field of 2**-126, float32's smallest normal
_F32_NORMAL_SHIFTED = np.uint64(_F32_NORMAL << 1)  # the same, sign bit shifted out
_F32_TINY = 2.0**-126  # float32's smallest normal
_LOW29, _HALF29 = np.uint64((1 << 29) - 1), np.uint64(1 << 28)
_ONE, _TWO = np.uint64(1), np.uint64(2)


def fma_f32(a, b, c) -> np.ndarray:
    """``a * b + c`` for float32 operands (arrays or numbers), rounded once to float32.

    The product is exact in float64, and the float64 sum rounds once; rounding that to
    float32 is then the single rounding, except where the float64 sum is exactly halfway
    between two float32 numbers or below float32's normal range. There (found from the
    bits, a few numpy passes) the sum is rounded to odd instead (``sum_to_odd``'s rule,
    with Knuth's TwoSum for its error), which makes the float32 rounding exact.
    """
    with np.errstate(all="ignore"):
        flat = _flat_operands(a, b, c)
        if flat is not None:  # large: blocks that stay in the cache
            # NOTE: one thread. Its many short numpy calls hold the GIL between them, so two
            # threads took 1.2-1.7x longer than one (2-vCPU Intel Xeon, 200K and 2M elements).
            out = np.empty(flat[0], np.float32)
            _fma_f32_blocks(out.reshape(-1), *flat[1:])
            return out
        return _fma_f32_direct(a, b, c)


_FMA_BLOCK = 1 << 15  # elements per float64 scratch block (256 KB: stays in L2)
_FMA_FLAT = 1 << 14  # fewest elements that take the blocked route


def _flat_operands(a, b, c):
    """``(shape, a, b, c)`` flattened, for a large result whose operands are all numbers or
    contiguous arrays of its full shape; None otherwise (the direct path handles it)."""
    if max(getattr(a, "size", 1), getattr(b, "size", 1), getattr(c, "size", 1)) < _FMA_FLAT:
        return None  # (checked first: this runs on every optimizer step of small tensors)
    shapes = [np.shape(v) for v in (a, b, c)]
    shape = max(shapes, key=len)
    flat = []
    for v, sh in zip((a, b, c), shapes):
        if sh == ():
            flat.append(v)
        elif sh == shape and type(v) is np.ndarray and v.flags.c_contiguous:
            flat.append(v.reshape(-1))
        else:
            return None
    return (shape, *flat)


def _fma_f32_blocks(out, a, b, c) -> None:
    """``fma_f32`` of flat operands into ``out``, a cache-sized block at a time.

    Each block takes the plain float64 route (product, sum, one rounding to float32) in
    scratch arrays made once; only a block with a risky sum (a float32 halfway point, or
    below float32's normal range: rare) goes through ``_fma_f32_direct``'s rounding to odd.
    ``out`` may be ``c`` itself (an in-place update): a block is written only after its
    operands have been read for the last time.

    NOTE: float32 operands are widened by a copy into float64 scratch first. numpy's
    mixed-dtype loops (``np.multiply(f32, f32, dtype=float64)``) cast through small
    buffers and took 2-3x as long per element (AMD EPYC Zen 4, 32K-element blocks).
    """
    n = out.shape[0]
    m = min(_FMA_BLOCK, n)
    s, t, u, flag = np.empty(m), np.empty(m), np.empty(m, np.uint64), np.empty(m, bool)
    a, b, c = (v if np.ndim(v) else np.float64(v) for v in (a, b, c))
    if not np.ndim(a):  # the number second: ``a * b`` is exact, so the order is free
        a, b = b, a
    for lo in range(0, n, _FMA_BLOCK):
        hi = min(lo + _FMA_BLOCK, n)
        k = hi - lo
        pa, pb, pc = (v[lo:hi] if np.ndim(v) else v for v in (a, b, c))
        sk, tk, uk, fk = s[:k], t[:k], u[:k], flag[:k]
        if np.ndim(pa):
            np.copyto(sk, pa)
            if np.ndim(pb):
                np.copyto(tk, pb)
                np.multiply(sk, tk, out=sk)  # exact: 48 of float64's 53 bits
            else:
                np.multiply(sk, pb, out=sk)
        else:
            sk.fill(pa * pb)
        if np.ndim(pc):
            np.copyto(tk, pc)
            np.add(sk, tk, out=sk)
        else:
            np.add(sk, pc, out=sk)
        bits = sk.view(np.uint64)
        np.bitwise_and(bits, _LOW29, out=uk)
        np.equal(uk, _HALF29, out=fk)  # the 29 bits float32 drops are 1000...0
        risky = fk.any()
        if not risky:
            np.abs(sk, out=tk)
            if tk.min() <= _F32_TINY:  # (zero too: then look closer, from the bits)
                np.left_shift(bits, _ONE, out=uk)
                np.subtract(uk, _TWO, out=uk)  # zero wraps round to the top: never risky
                np.less(uk, _F32_NORMAL_SHIFTED - _TWO, out=fk)  # 0 < |sum| < 2**-126
                risky = fk.any()
        if risky:
            out[lo:hi] = _fma_f32_direct(pa, pb, pc)
        else:
            np.copyto(out[lo:hi], sk, casting="unsafe")


def _fma_f32_direct(a, b, c) -> np.ndarray:
    p = np.multiply(a, b, dtype=np.float64)
    s = np.add(p, c, dtype=np.float64)
    if s.ndim == 0:
        s = s.reshape(1)
        return _round_odd_where_needed(s, p, c).reshape(()).astype(np.float32)
    return _round_odd_where_needed(s, p, c).astype(np.float32)


def _round_odd_where_needed(s, p, c) -> np.ndarray:
    bits = s.view(np.uint64)
    # a float32 halfway point: the 29 low mantissa bits are 1000...0; or 0 < |s| < 2**-126
    risky = (bits << np.uint64(35)) == np.uint64(1 << 63)
    risky |= (bits << np.uint64(1)) - np.uint64(2) < np.uint64(2 * _F32_NORMAL - 2)
    if not risky.any():
        return s
    b = s - c
    err = (c - (s - b)) + (p - b)  # TwoSum: p + c == s + err exactly
    fix = risky & (err != 0) & ((bits & np.uint64(1)) == 0)
    if fix.any():
        s = np.where(fix, np.nextafter(s, np.where(err > 0, np.inf, -np.inf)), s)
    return s


def _libm(fn, x: np.ndarray) -> np.ndarray:
    """``fn`` (a ``math`` function: the C library's, as ATen's ``std::log``) on each element.

    NOTE: numpy's own float64 log/log1p (SIMD) differ from the C library's in the last bit
    for 0.2% / 9% of inputs; ``math``'s are the ones ATen's double kernels call.
    """
    flat = np.fromiter(map(fn, x.ravel().tolist()), dtype=np.float64, count=x.size)
    return flat.reshape(x.shape)


def _split(x):
    t = np.float64(134217729.0) * x  # 2**27 + 1: x = hi + lo, each half fits 26 bits
    hi = t - (t - x)
    return hi, x - hi


def _log_or_inf(x: float) -> float:
    """C's ``log``: ``log(0)`` is ``-inf`` (``math.log`` raises)."""
    return math.log(x) if x > 0 else -math.inf


def _float_any(dtype) -> np.dtype:
    """``dtype`` as numpy holds it; float16 stays float16 (a cast from the double draw)."""
    return np.dtype(dtype) if dtype is not None else _F32


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
