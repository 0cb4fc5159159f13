"""float32 tanh by table + float64 arithmetic (ops/_f32_tanh.py) must round exactly as the
float64 route ``np.tanh(x.astype(float64)).astype(float32)`` does, on every input.

The route is only taken on x86 CPUs without AVX-512 (``_f32_math._tanh_arithmetic``);
these tests call it directly, and force it on for the tensor path, whatever the CPU.
The full check (every float32) is bench/check_f32_tanh.py.
"""

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets import _threads
from autograd_widgets.ops import _f32_math, _f32_tanh

B = _f32_tanh.BLOCK


def reference(x):
    with np.errstate(all="ignore"):
        return np.tanh(np.asarray(x, np.float32).astype(np.float64)).astype(np.float32)


def assert_same(got, x):
    want = reference(x)
    assert got.dtype == np.float32 and got.shape == want.shape
    nan = np.isnan(want)
    assert np.array_equal(np.isnan(got), nan)
    bad = np.flatnonzero((got.view(np.int32) != want.view(np.int32)) & ~nan)
    assert bad.size == 0, (np.ravel(x)[bad][:5], np.ravel(got)[bad][:5], np.ravel(want)[bad][:5])


def around(value, ulps):
    """Every float32 within ``ulps`` of ``value``, both signs."""
    b = int(np.float32(value).view(np.uint32))
    lo, hi = max(b - ulps, 0), b + ulps
    pos = np.arange(lo, hi, dtype=np.uint32)
    return np.concatenate([pos, pos | np.uint32(1 << 31)]).view(np.float32)


SPECIAL = np.array(
    [
        0.0,
        -0.0,
        np.inf,
        -np.inf,
        np.nan,
        1e-45,
        -1e-45,
        1.1754942e-38,
        -1e-40,
        2.0**-12,
        -(2.0**-12),
        2.0**-11,
        9.0109,
        9.011,
        -9.0109,
        9.5,
        -9.5,
        9.500001,
        9.75,
        10.0,
        4096.0,
        -4096.5,
        1e6,
        16777216.0,
        1e30,
        -3.4028235e38,
        0.5,
        -0.5,
        1.0,
        1 / 1024,
        1.5 / 1024,
    ],
    np.float32,
)


def test_special_values():
    got = _f32_tanh.tanh_f64_rounded(SPECIAL)
    assert_same(got, SPECIAL)
    assert np.signbit(got[1]) and not np.signbit(got[0])  # tanh(-0.0) = -0.0
    assert got[5] == SPECIAL[5] and got[8] == SPECIAL[8]  # subnormal and tiny x: tanh = x
    assert np.all(np.abs(got[15:23]) == 1)


def test_millions_of_values():
    rng = np.random.default_rng(17)
    x = np.concatenate(
        [
            rng.standard_normal(1_000_000, dtype=np.float32),
            rng.standard_normal(1_000_000, dtype=np.float32) * np.float32(3),
            rng.uniform(-9.6, 9.6, 1_000_000).astype(np.float32),
            (
                np.exp(rng.uniform(np.log(1e-9), np.log(1e-2), 500_000))
                * rng.choice([-1, 1], 500_000)
            ).astype(np.float32),
            # every float32 near grid points (k/1024), where tanh starts to round to +-1 or
            # stops rounding to x, and near the clip bound
            *(around(v, 20_000) for v in (1 / 1024, 0.5 / 1024, 1.0, 2.0, 9.0109, 2.0**-12, 9.5)),
        ]
    )
    assert_same(_f32_tanh.tanh_f64_rounded(x), x)


def test_every_float32_in_a_stride_of_all():
    x = np.arange(0, 1 << 32, 4099, dtype=np.uint64).astype(np.uint32).view(np.float32)
    assert_same(_f32_tanh.tanh_f64_rounded(x), x)


def test_midpoint_fallback(monkeypatch):
    """Flag ~3% of the elements as near a midpoint: libm's float64 tanh answers for them."""
    ulps = 1 << 23
    monkeypatch.setattr(_f32_tanh, "_ZIV_ADD", np.int64((1 << 28) + ulps))
    monkeypatch.setattr(_f32_tanh, "_ZIV_LIMIT", 2 * ulps)
    x = np.random.default_rng(3).standard_normal(3 * B + 5).astype(np.float32)
    assert_same(_f32_tanh.tanh_f64_rounded(x), x)


def test_unflagged_elements_round_right_without_libm(monkeypatch):
    """With the fallback off, every element the midpoint test does not flag (all but ~2 per
    million) already rounds as the float64 route: the double result alone decides them."""
    x = np.random.default_rng(5).standard_normal(10_000_000, dtype=np.float32) * np.float32(3)
    s = _f32_tanh._Scratch(x.size)
    out = np.empty_like(x)
    monkeypatch.setattr(_f32_tanh, "_ZIV_LIMIT", -1)  # no element goes to libm
    with np.errstate(all="ignore"):
        _f32_tanh._block(out, x, s)
    near = s.idx.view(np.int64) <= 2 * _f32_tanh._ZIV_ULPS
    assert 2 <= near.sum() <= 200  # ~2 per million
    assert np.array_equal(out[~near], reference(x[~near]))


@pytest.mark.parametrize(
    "shape", [(), (0,), (0, 5), (1,), (B - 1,), (B,), (B + 1,), (3 * B + 7,), (5, B // 3, 7)]
)
def test_shapes_and_block_edges(shape):
    x = (np.random.default_rng(len(shape)).standard_normal(shape) * 4).astype(np.float32)
    got = _f32_tanh.tanh_f64_rounded(x)
    assert got.shape == x.shape
    assert_same(got, x)


def test_non_contiguous_input_and_output():
    x = (np.random.default_rng(9).standard_normal((300, 400)) * 4).astype(np.float32)
    assert_same(_f32_tanh.tanh_f64_rounded(x[:, ::3]), x[:, ::3])
    assert_same(_f32_tanh.tanh_f64_rounded(x.T), x.T)
    out = np.zeros((400, 300), np.float32).T
    _f32_tanh.tanh_into(out, x)
    assert_same(out, x)


@pytest.fixture
def forced(monkeypatch):
    monkeypatch.setattr(_f32_math, "_tanh_arithmetic", True)
    monkeypatch.setattr(_f32_math, "_TANH_MIN", 1000)


@pytest.mark.parametrize("threads", [1, 3])
def test_tensor_tanh_takes_the_route_in_threads(forced, monkeypatch, threads):
    monkeypatch.setattr(_threads, "MIN_PER_THREAD", 500)
    monkeypatch.setattr(_threads, "BIG", 1000)
    monkeypatch.setattr(_f32_math, "_LIBM_GRAIN", 500)
    calls = []
    real = _f32_tanh.tanh_into
    monkeypatch.setattr(_f32_tanh, "tanh_into", lambda o, x: calls.append(x.shape) or real(o, x))
    old = aw.get_num_threads()
    aw.set_num_threads(threads)
    try:
        x = (np.random.default_rng(4).standard_normal((7, 3001, 5)) * 3).astype(np.float32)
        for arr in (x, x[:, ::2], np.asfortranarray(x)):
            assert_same(aw.from_numpy(arr).tanh().numpy(), arr)
    finally:
        aw.set_num_threads(old)
    assert len(calls) >= (3 if threads == 1 else 6)


def test_small_and_float64_tensors_keep_numpys_route(forced, monkeypatch):
    monkeypatch.setattr(_f32_tanh, "tanh_into", lambda o, x: pytest.fail("route taken"))
    x = np.linspace(-3, 3, 999, dtype=np.float32)
    assert_same(aw.from_numpy(x).tanh().numpy(), x)  # below _TANH_MIN
    wide = np.linspace(-3, 3, 5000)
    assert aw.from_numpy(wide).tanh().numpy().tobytes() == np.tanh(wide).tobytes()


def test_route_only_without_avx512():
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as feats
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_features__ as feats
    if feats.get("AVX512_SKX"):
        assert not _f32_tanh.faster_than_libm()
    assert _f32_math._tanh_arithmetic == _f32_tanh.faster_than_libm()
