"""``add``/``sub``/``rsub`` with ``alpha`` round ``x + alpha * y`` once, like ATen's fused
multiply-add: compared bit for bit with PyTorch (``ops/_fused_add.py``)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets.ops import _fused_add
from tests._oracle import require_torch

SHAPES = [(1,), (7,), (16,), (33,), (1000,), (5, 33), (2, 3, 50)]
ALPHAS = [0.1, -2.7, 3, 0.3333, 1e-4, 2.5e3]


def _random(rng, shape, dtype):
    mag = 10.0 ** rng.integers(-3, 4, shape)
    return np.asarray((rng.standard_normal(shape) * mag).astype(dtype))


class _NumpyWithTorchSqrt:
    """numpy, but ``sqrt`` is PyTorch's: its float32 sqrt is MKL's, which is not correctly
    rounded, and how often it differs from numpy's depends on the CPU (a few elements in
    1000 on an Intel Xeon, 17% of them on an AMD EPYC Zen 4)."""

    def __init__(self, torch):
        self._torch = torch

    def __getattr__(self, name):
        return getattr(np, name)

    def sqrt(self, x):
        return self._torch.sqrt(self._torch.from_numpy(np.ascontiguousarray(x))).numpy()


@pytest.fixture
def torch_sqrt(monkeypatch):
    """Optimizers take their square roots from PyTorch, so that everything else in a step
    can be compared bit for bit on any CPU."""
    torch = require_torch()
    from autograd_widgets.optim import adam, adam_variants, rmsprop

    for module in (adam, adam_variants, rmsprop):
        monkeypatch.setattr(module, "np", _NumpyWithTorchSqrt(torch))
    return torch


def _bits_equal(theirs, ours) -> bool:
    t, o = theirs.numpy(), ours.numpy()
    return t.dtype == o.dtype and t.shape == o.shape and t.tobytes() == o.tobytes()


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("fn", ["add", "sub"])
def test_alpha_matches_pytorch_bit_for_bit(dtype, fn):
    torch = require_torch()
    rng = np.random.default_rng(7)
    for shape in SHAPES:
        a, b = _random(rng, shape, dtype), _random(rng, shape, dtype)
        for alpha in ALPHAS:
            theirs = getattr(torch, fn)(torch.from_numpy(a), torch.from_numpy(b), alpha=alpha)
            ours = getattr(aw, fn)(aw.from_numpy(a), aw.from_numpy(b), alpha=alpha)
            assert _bits_equal(theirs, ours), (shape, alpha)
            t_in, o_in = torch.from_numpy(a.copy()), aw.from_numpy(a.copy())
            getattr(t_in, fn + "_")(torch.from_numpy(b), alpha=alpha)
            getattr(o_in, fn + "_")(aw.from_numpy(b), alpha=alpha)
            assert _bits_equal(t_in, o_in), (shape, alpha)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_alpha_with_a_zero_dim_first_operand(dtype):
    torch = require_torch()
    rng = np.random.default_rng(3)
    a, b = _random(rng, (), dtype), _random(rng, (40,), dtype)
    for alpha in ALPHAS:
        for fn in ("add", "sub"):
            theirs = getattr(torch, fn)(torch.from_numpy(a), torch.from_numpy(b), alpha=alpha)
            ours = getattr(aw, fn)(aw.from_numpy(a), aw.from_numpy(b), alpha=alpha)
            assert _bits_equal(theirs, ours), (fn, alpha)


def test_float32_uses_round_to_odd_not_double_rounding():
    """An exact sum just below a float32 halfway point rounds to that point in float64;
    rounding again to float32 then ties to even. ATen's single rounding does not."""
    torch = require_torch()
    a = np.full(20, 1 + 2**-23, np.float32)
    alpha = 2**-24 * (1 - 2**-23)  # a float32 number
    naive = (a.astype(np.float64) + a.astype(np.float64) * alpha).astype(np.float32)
    theirs = torch.add(torch.from_numpy(a), torch.from_numpy(a), alpha=alpha)
    ours = aw.add(aw.from_numpy(a), aw.from_numpy(a), alpha=alpha)
    assert not np.array_equal(naive, theirs.numpy())  # the case really is a double rounding
    assert _bits_equal(theirs, ours)


def test_float32_result_is_the_correctly_rounded_exact_value():
    """Checked with exact rational arithmetic: the nearest float32, ties to even."""
    from fractions import Fraction

    rng = np.random.default_rng(0)
    a = rng.standard_normal(3000).astype(np.float32)
    b = (rng.standard_normal(3000) * 10.0 ** rng.integers(-9, 1, 3000)).astype(np.float32)
    alpha = np.float32(0.37)
    ours = _fused_add.add_scaled(a, b, alpha)
    for x, y, r in zip(a.tolist(), b.tolist(), ours.tolist()):
        exact = Fraction(x) + Fraction(y) * Fraction(float(alpha))
        r32 = np.float32(r)
        lo, hi = np.nextafter(r32, np.float32(-np.inf)), np.nextafter(r32, np.float32(np.inf))
        err = abs(Fraction(r) - exact)
        assert err <= abs(Fraction(float(lo)) - exact)
        assert err <= abs(Fraction(float(hi)) - exact)
        if err in (abs(Fraction(float(lo)) - exact), abs(Fraction(float(hi)) - exact)):
            assert r32.view(np.int32) % 2 == 0  # a tie goes to the even neighbour


def test_autograd_through_alpha_is_unchanged():
    torch = require_torch()
    for m in (torch, aw):
        x = m.tensor([1.5, -2.0, 3.25], requires_grad=True)
        y = m.tensor([0.5, 4.0, -1.0], requires_grad=True)
        m.sub(x, y, alpha=0.3).sum().backward()
        if m is torch:
            expected = (x.grad.tolist(), y.grad.tolist())
    assert (x.grad.tolist(), y.grad.tolist()) == expected


# --- lerp: ATen's two-sided formula with one fused multiply-add, and its argument checks ---
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("weight", [0.3, 0.7, -0.2, 1.5, 0.5, "tensor"])
def test_lerp_values_match_pytorch_bit_for_bit(dtype, weight):
    torch = require_torch()
    rng = np.random.default_rng(11)
    for shape in [(1000,), (7,), (3, 45)]:
        a, b = _random(rng, shape, dtype), _random(rng, shape, dtype)
        if weight == "tensor":
            w = ((rng.random(shape) - 0.3) * 2).astype(dtype)
            theirs = torch.lerp(torch.from_numpy(a), torch.from_numpy(b), torch.from_numpy(w))
            ours = aw.lerp(aw.from_numpy(a), aw.from_numpy(b), aw.from_numpy(w))
        else:
            theirs = torch.lerp(torch.from_numpy(a), torch.from_numpy(b), weight)
            ours = aw.lerp(aw.from_numpy(a), aw.from_numpy(b), weight)
        assert _bits_equal(theirs, ours), shape
        t_in, o_in = torch.from_numpy(a.copy()), aw.from_numpy(a.copy())
        w_t = torch.from_numpy(w) if weight == "tensor" else weight
        w_o = aw.from_numpy(w) if weight == "tensor" else weight
        t_in.lerp_(torch.from_numpy(b), w_t)
        o_in.lerp_(aw.from_numpy(b), w_o)
        assert _bits_equal(t_in, o_in), shape


@pytest.mark.parametrize(
    "call",
    [
        "lerp(ones(2, 3), ones(4, 3), 0.5)",
        "lerp(ones(2, 3), ones(2, 3), ones(4))",
        "lerp(ones(3), ones(2, 3), ones(4, 1, 1, 2))",
        "lerp(ones(3, dtype=int64), ones(4, dtype=int64), 0.5)",
        "lerp(ones(3, dtype=int64), ones(3, dtype=int64), 0.5)",
        "lerp(ones(3, dtype=int64), ones(3, dtype=int64), ones(3, dtype=int64))",
        "lerp(ones(3), ones(3, dtype=float64), 0.5)",
        "lerp(ones(3), ones(3), ones(3, dtype=float64))",
        "lerp(ones(3, dtype=float64), ones(3), ones(4))",
        "lerp(ones(3), 2.0, 0.5)",
        "lerp(ones(3), ones(3), 1j)",
        "ones(3).lerp_(ones(3), ones(2, 3))",
    ],
)
def test_lerp_errors_match_pytorch(call):
    torch = require_torch()
    outcomes = []
    for m in (torch, aw):
        try:
            eval(call, {n: getattr(m, n) for n in ("lerp", "ones", "int64", "float64")})
            outcomes.append(("ok", ""))
        except Exception as exc:  # noqa: BLE001
            outcomes.append((type(exc).__name__, str(exc)))
    assert outcomes[0][0] != "ok"
    assert outcomes[1] == outcomes[0]


def test_lerp_out_and_gradients_match_pytorch():
    torch = require_torch()
    results = []
    for m in (torch, aw):
        s = m.tensor([1.0, -2.0, 0.5], requires_grad=True)
        e = m.tensor([[3.0, 4.0, -1.0], [0.0, 1.0, 2.0]], requires_grad=True)
        w = m.tensor([0.25, 0.75, 1.5], requires_grad=True)
        out = m.lerp(s, e, w)
        (out * m.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
        dest = m.empty(3)
        m.lerp(m.tensor([0.0, 1.0, 2.0]), m.tensor([4.0, 4.0, 4.0]), 0.25, out=dest)
        results.append(
            (out.tolist(), s.grad.tolist(), e.grad.tolist(), w.grad.tolist(), dest.tolist())
        )
        results[-1] += (type(out.grad_fn).__name__,)
    assert results[1] == results[0]


# --- addcmul / addcdiv: ATen's order (addcmul fuses its last step, addcdiv divides last) ------
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("fn", ["addcmul", "addcdiv"])
def test_addcmul_addcdiv_match_pytorch_bit_for_bit(dtype, fn):
    torch = require_torch()
    rng = np.random.default_rng(5)
    for shape in [(1000,), (7,), (3, 45)]:
        x, a = _random(rng, shape, dtype), _random(rng, shape, dtype)
        b = (rng.random(shape) + 0.1).astype(dtype)
        for value in [1, -0.01, 0.3, -1.7]:
            args_t = [torch.from_numpy(v) for v in (x, a, b)]
            args_o = [aw.from_numpy(v) for v in (x, a, b)]
            theirs = getattr(torch, fn)(*args_t, value=value)
            ours = getattr(aw, fn)(*args_o, value=value)
            assert _bits_equal(theirs, ours), (shape, value)
            t_in, o_in = args_t[0].clone(), args_o[0].clone()
            getattr(t_in, fn + "_")(*args_t[1:], value=value)
            getattr(o_in, fn + "_")(*args_o[1:], value=value)
            assert _bits_equal(t_in, o_in), (shape, value)


@pytest.mark.parametrize("name", ["Adam", "AdamW", "NAdam", "RAdam", "Adamax"])
def test_adam_moments_match_pytorch_bit_for_bit(name, torch_sqrt):
    # exp_avg.lerp_(grad, 1 - beta1) is one fused multiply-add in ATen; numpy's m += w * (g - m)
    # rounded twice and differed in ~47% of elements after five steps.
    torch = torch_sqrt
    rng = np.random.default_rng(0)
    p0 = rng.standard_normal(1000).astype(np.float32)
    pt, pa = torch.tensor(p0, requires_grad=True), aw.tensor(p0, requires_grad=True)
    ot = getattr(torch.optim, name)([pt], lr=1e-2, foreach=False)
    oa = getattr(aw.optim, name)([pa], lr=1e-2)
    for _ in range(5):
        g = rng.standard_normal(1000).astype(np.float32)
        pt.grad, pa.grad = torch.tensor(g), aw.tensor(g)
        ot.step()
        oa.step()
    for key in ("exp_avg", "exp_avg_sq", "exp_inf"):
        if key in ot.state[pt]:
            assert _bits_equal(ot.state[pt][key], oa.state[pa][key]), key
    # (parameters too, given PyTorch's square roots: see torch_sqrt)
    assert _bits_equal(pt.detach(), pa.detach())


_OPTIMIZERS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-3}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1}),
    ("Adadelta", {"lr": 1.0, "weight_decay": 0.1}),
    ("ASGD", {"lr": 0.01, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
]


@pytest.mark.parametrize(("name", "kwargs"), _OPTIMIZERS)
def test_optimizer_steps_round_as_pytorch(name, kwargs, torch_sqrt):
    # param.add_(grad, alpha=-lr), grad.add(param, alpha=wd), addcmul_/addcdiv_ state updates:
    # written in numpy with two roundings they differed from PyTorch in 15-40% of elements
    # after five steps (plain SGD included). Now none, given PyTorch's square roots.
    torch = torch_sqrt
    rng = np.random.default_rng(0)
    p0 = rng.standard_normal(1000).astype(np.float32)
    pt, pa = torch.tensor(p0, requires_grad=True), aw.tensor(p0, requires_grad=True)
    ot = getattr(torch.optim, name)([pt], foreach=False, **kwargs)
    oa = getattr(aw.optim, name)([pa], **kwargs)
    for _ in range(5):
        g = rng.standard_normal(1000).astype(np.float32)
        pt.grad, pa.grad = torch.tensor(g), aw.tensor(g)
        ot.step()
        oa.step()
    assert _bits_equal(pt.detach(), pa.detach())


def test_numpy_float32_math_mode_rounds_twice_and_fast():
    # set_float32_math("numpy") trades the fused rounding for numpy's speed, as it does for
    # exp/tanh/...; the default comes back with "torch".
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((2, 1000)).astype(np.float32)
    exact = aw.add(aw.from_numpy(x), aw.from_numpy(y), alpha=0.3).numpy()
    aw.set_float32_math("numpy")
    try:
        fast = aw.add(aw.from_numpy(x), aw.from_numpy(y), alpha=0.3).numpy()
    finally:
        aw.set_float32_math("torch")
    assert np.array_equal(fast, x + y * np.float32(0.3))
    assert not np.array_equal(fast, exact)
    again = aw.add(aw.from_numpy(x), aw.from_numpy(y), alpha=0.3).numpy()
    assert np.array_equal(again, exact)


@pytest.mark.parametrize("threads", [1, 2])
def test_fma_f32_blocks_equal_the_direct_rounding(threads):
    """Large operands take the blocked float64 route; risky sums (float32 halfway points,
    subnormal range), zeros, inf and NaN must come out as the direct rounding to odd gives."""
    from autograd_widgets.core import _random as R

    rng = np.random.default_rng(3)
    n = 3 * R._FMA_BLOCK + 17
    ones = np.ones(n, np.float32)
    halfway = ones.copy()
    halfway[::3] = np.float32(1 + 2**-23)
    tiny = (rng.standard_normal(n) * 1e-38).astype(np.float32)
    tiny[::7], tiny[::11], tiny[::13] = 0, np.inf, np.nan
    small = (rng.standard_normal(n) * 1e-20).astype(np.float32)
    g = rng.standard_normal(n).astype(np.float32)
    # (1 + 2**-23) * 2**-24 * (1 - 2**-23) = 2**-24 - 2**-70: added to 1 + 2**-23, float64
    # rounds to the float32 halfway point 1 + 2**-23 + 2**-24 and float32 then to even (up),
    # where one rounding goes down. The same one scale lower lands on a subnormal halfway.
    up = np.float32(1 + 2**-23)
    down, odd = np.float32(2**-24 * (1 - 2**-23)), np.float32(2**-127 + 2**-149)
    double_rounding = [
        (np.where(np.arange(n) % 5 == 0, up, g), down, np.where(np.arange(n) % 5 == 0, up, g)),
        (np.full(n, up * np.float32(2**-100)), np.float32(2**-26) * down, np.full(n, odd)),
    ]
    cases = [
        *double_rounding,
        (g, np.float32(-0.01), rng.standard_normal(n).astype(np.float32)),
        (halfway, np.full(n, 2.0**-24, np.float32), ones),
        (small, small[::-1].copy(), tiny),
        (np.zeros(n, np.float32), g, np.zeros(n, np.float32)),
        (np.float32(-0.01), g, halfway),  # the number first
        (np.float32(3.0), np.float32(0.1), g),  # both factors numbers
        (small, tiny, np.float32(1e-38)),  # the addend a number
    ]
    before = aw.get_num_threads()
    aw.set_num_threads(threads)
    try:
        for a, b, c in cases:
            with np.errstate(all="ignore"):
                want = R._fma_f32_direct(a, b, c)
                got = R.fma_f32(a, b, c)
            assert np.array_equal(got.view(np.uint32), want.view(np.uint32))
        for a, b, c in double_rounding:  # (a check of the check)
            with np.errstate(all="ignore"):
                twice = (a.astype(np.float64) * b + c).astype(np.float32)
            assert not np.array_equal(twice, R.fma_f32(a, b, c))
    finally:
        aw.set_num_threads(before)


@pytest.mark.parametrize("mode", ["torch", "numpy"])
@pytest.mark.parametrize("n", [100, 1 << 15])
def test_add_scaled_in_place_equals_the_new_array(mode, n):
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    before = aw.get_float32_math()
    aw.set_float32_math(mode)
    try:
        want = _fused_add.add_scaled(x, y, -0.01)
        _fused_add.add_scaled_(x, y, -0.01)
    finally:
        aw.set_float32_math(before)
    assert np.array_equal(x.view(np.uint32), want.view(np.uint32))
