"""Threads for large elementwise work, and the float32 rounding setting (issue 17).

Cutting elementwise work across threads must not change a single bit; the thresholds
are lowered here so small arrays are cut too (into uneven slices).
"""

import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets import _threads
from autograd_widgets.ops import _f32_math


@pytest.fixture
def cut_small(monkeypatch):
    """Cut work of 1,000+ elements into up to 3 slices."""
    monkeypatch.setattr(_threads, "MIN_PER_THREAD", 500)
    monkeypatch.setattr(_threads, "BIG", 1000)
    monkeypatch.setattr(_f32_math, "_LIBM_GRAIN", 500)
    old = aw.get_num_threads()
    aw.set_num_threads(3)
    yield
    aw.set_num_threads(old)


class _CountingPool:
    def __init__(self, pool):
        self.pool, self.submitted = pool, 0

    def submit(self, *args):
        self.submitted += 1
        return self.pool.submit(*args)


@pytest.fixture
def pool_spy(monkeypatch):
    """Counts the slices handed to pool threads."""
    spy = _CountingPool(None)
    real = _threads._executor

    def executor(size):
        spy.pool = real(size)
        return spy

    monkeypatch.setattr(_threads, "_executor", executor)
    return spy


def _step(a_np, b_np):
    a = aw.from_numpy(a_np.copy()).requires_grad_(True)
    b = aw.from_numpy(b_np.copy()).requires_grad_(True)
    t = (a * b).tanh()
    s = ((t * 2.5).sigmoid() + (a - b).exp() / (b + 3.0)).mean()
    s.backward()
    return [x.detach().numpy().copy() for x in (t, s, a.grad, b.grad)]


@pytest.mark.parametrize(
    "shape_a, shape_b",
    [((37, 1, 64), (1, 41, 64)), ((1, 53, 97), (53, 97)), ((4099,), (4099,))],
)
def test_threaded_results_are_bit_identical(cut_small, pool_spy, shape_a, shape_b):
    rng = np.random.default_rng(0)
    a = (rng.standard_normal(shape_a) * 3).astype(np.float32)
    b = rng.standard_normal(shape_b).astype(np.float32)
    threaded = _step(a, b)
    assert pool_spy.submitted >= 10  # forward and backward ops were cut
    pool_spy.submitted = 0
    aw.set_num_threads(1)
    single = _step(a, b)
    assert pool_spy.submitted == 0
    for x, y in zip(threaded, single):
        assert x.dtype == y.dtype and x.shape == y.shape
        assert x.tobytes() == y.tobytes()


def test_elementwise_cuts_and_broadcasts(cut_small):
    calls = []

    def fn(o, x, y):
        calls.append(o.shape)
        np.add(x, y, out=o)

    x = np.arange(3 * 700, dtype=np.float64).reshape(3, 700)
    y = np.arange(700, dtype=np.float64)
    out = _threads.elementwise(fn, np.empty((3, 700)), x, y)
    assert len(calls) == 3
    assert np.array_equal(out, x + y)
    calls.clear()
    out = _threads.elementwise(fn, np.empty((1, 1, 2100)), x.reshape(1, 1, 2100), 1.0)
    assert len(calls) == 3 and np.array_equal(out.ravel(), x.ravel() + 1)


def test_errors_in_a_slice_reach_the_caller(cut_small):
    def fn(o, x):
        with np.errstate(divide="raise"):
            np.divide(1.0, x, out=o)

    x = np.ones(3000)
    x[-1] = 0.0  # in the last slice, run by a pool thread
    with pytest.raises(FloatingPointError):
        _threads.elementwise(fn, np.empty(3000), x)


def test_caller_errstate_reaches_the_threads(cut_small):
    x = np.full(3000, 1000.0, dtype=np.float32)
    with np.errstate(over="raise"):
        assert np.isinf(aw.from_numpy(x).exp().numpy()).all()  # evaluated with over="ignore"
        with pytest.raises(FloatingPointError):
            _threads.binary(np.multiply, x, np.float32(1e38))


def test_set_num_threads_checks_like_torch():
    old = aw.get_num_threads()
    try:
        aw.set_num_threads(2)
        assert aw.get_num_threads() == 2
        for bad, msg in [
            (0, "set_num_threads expects a positive integer"),
            (-1, "set_num_threads expects a positive integer"),
            (1.5, "set_num_threads expects an int, but got float"),
            ("2", "set_num_threads expects an int, but got str"),
            (True, "set_num_threads expects an int, but got bool"),
        ]:
            with pytest.raises(RuntimeError, match=msg):
                aw.set_num_threads(bad)
    finally:
        aw.set_num_threads(old)


def test_default_threads_follow_omp_num_threads(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert _threads._default_threads() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "")
    assert _threads._default_threads() >= 1


@pytest.mark.parametrize("op", ["exp", "log", "sin", "cos", "tanh", "sigmoid"])
def test_float32_math_setting(op):
    rng = np.random.default_rng(1)
    x = np.abs(rng.standard_normal(20_000)).astype(np.float32) + np.float32(0.01)
    exact = getattr(aw.from_numpy(x), op)().numpy()
    wide = x.astype(np.float64)
    if op == "sigmoid":
        want = np.float32(1) / (np.float32(1) + np.exp(-wide).astype(np.float32))
    else:
        want = getattr(np, op)(wide).astype(np.float32)
    assert np.array_equal(exact, want)  # the default: evaluated in double, rounded once
    assert aw.get_float32_math() == "torch"
    try:
        aw.set_float32_math("numpy")
        assert aw.get_float32_math() == "numpy"
        fast = getattr(aw.from_numpy(x), op)().numpy()
        assert fast.dtype == np.float32
        np.testing.assert_allclose(fast, exact, rtol=1e-6)
        if op != "sigmoid":
            assert np.array_equal(fast, getattr(np, op)(x))  # numpy's float32 kernel
        assert aw.from_numpy(wide).tanh().numpy().tobytes() == np.tanh(wide).tobytes()
        edge = np.array([1e30, -1.0, 0.0], dtype=np.float32)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # overflow, log of -1 and of 0: no numpy warning
            getattr(aw.from_numpy(edge), op)()
    finally:
        aw.set_float32_math("torch")
    with pytest.raises(ValueError, match="mode must be one of"):
        aw.set_float32_math("fast")


def test_one_minus_square_blocks_round_once(cut_small):
    rng = np.random.default_rng(2)
    r = np.tanh(rng.standard_normal((3, 50_000))).astype(np.float32)
    want = (1.0 - r.astype(np.float64) ** 2).astype(np.float32)
    assert np.array_equal(_f32_math.one_minus_square_f32(r), want)
    assert np.array_equal(_f32_math.one_minus_square_f32(r[:, ::2]), want[:, ::2])


@pytest.mark.parametrize(
    "sa, sb",
    [((64, 256), (256,)), ((256, 1, 64), (1, 128, 64)), ((0, 3), (1, 3)), ((1,), (0,)), ((), (2,))],
)
def test_broadcast_shape_is_numpys(sa, sb):
    assert _threads._broadcast_shape(sa, sb) == np.broadcast_shapes(sa, sb)
    assert _threads._broadcast_shape(sb, sa) == np.broadcast_shapes(sa, sb)
