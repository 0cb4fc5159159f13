"""Seeded sampling paths found by the sweep16 programs, against PyTorch's own numbers.

Each case is one expression evaluated with ``torch`` and with ``autograd_widgets`` bound
to ``torch``, after ``manual_seed(0)`` and with ``g`` a ``Generator`` seeded 3; the
expression ends with ``torch.rand(2)`` where what matters is how much of the stream a
call used. Values, dtypes, error types and messages must be equal.
"""

from __future__ import annotations

import importlib
import warnings

import pytest

import autograd_widgets as aw
import autograd_widgets.nn.functional as aw_F
from tests._oracle import require_torch

pytestmark = pytest.mark.oracle

CASES = [
    # Tensor.cauchy_ / log_normal_ / geometric_: ATen's double distributions, one per element
    "torch.empty(200, dtype=torch.float64).cauchy_()",
    "torch.empty(50).cauchy_(0.5, 3)",
    "torch.empty(5, dtype=torch.float16).cauchy_()",
    "torch.empty(3).cauchy_(generator=g)",
    "torch.empty(6, 5).t().cauchy_()",
    "torch.empty(2, dtype=torch.long).cauchy_()",
    "torch.empty(2, dtype=torch.uint8).cauchy_()",
    "torch.empty(2).cauchy_(sigma=0)",
    "torch.empty(2).cauchy_(sigma=-1.5)",
    "torch.empty(201, dtype=torch.float64).log_normal_(0.1, 0.7)",
    "torch.empty(7).log_normal_()",
    "torch.empty(3, dtype=torch.float16).log_normal_()",
    "(torch.randn(1), torch.empty(3, dtype=torch.float64).log_normal_())",
    "torch.empty(2, dtype=torch.long).log_normal_()",
    "torch.empty(2).log_normal_(std=0)",
    "torch.empty(300, dtype=torch.float64).geometric_(0.2)",
    "torch.empty(30, 2).t().geometric_(0.37)",
    "torch.empty(4).geometric_(p=0.5, generator=g)",
    "torch.empty(3, dtype=torch.long).geometric_(0.5)",
    "torch.empty(3, dtype=torch.int32).geometric_(0.9)",
    "torch.empty(4, dtype=torch.uint8).geometric_(0.01)",
    "torch.empty(2, dtype=torch.float16).geometric_(0.001)",
    "torch.empty(2, dtype=torch.bool).geometric_(0.5)",
    "torch.empty(2).geometric_(0)",
    "torch.empty(2).geometric_(1)",
    "torch.empty(2).geometric_(1.5)",
    "torch.empty(3).geometric_()",
    "torch.zeros(2, requires_grad=True).clone().cauchy_().grad_fn.name()",
    "torch.zeros(2, requires_grad=True).clone().log_normal_().grad_fn.name()",
    "torch.zeros(2, requires_grad=True).clone().geometric_(0.5).grad_fn.name()",
    "torch.zeros(2, requires_grad=True).geometric_(0.5)",
    # dropout with p=1 multiplies by zero and draws nothing (ATen's _dropout_impl)
    "(torch.nn.Dropout(1.0)(torch.ones(3)), torch.rand(2))",
    "(F.dropout(torch.ones(3), 1.0, inplace=True), torch.rand(2))",
    "(F.dropout2d(torch.ones(1, 2, 2, 2), 1.0), torch.rand(2))",
    "(F.dropout3d(torch.ones(2, 1, 1, 2), 1.0), torch.rand(2))",
    "(F.dropout1d(torch.ones(2, 3), 1.0), torch.rand(2))",
    "(torch.nn.Dropout3d(0.5)(torch.ones(1, 2, 1, 1, 2)), torch.rand(2))",
    "(F.dropout(torch.ones(4, requires_grad=True), 1.0).grad_fn.name(), torch.rand(2))",
    # the noise is empty_like(input).bernoulli_(): drawn in the input's memory order
    "F.dropout(torch.ones(4, 6).t(), 0.5)",
    "F.dropout(torch.ones(4, 3).t() + 1, 0.5)",
    "F.dropout(torch.ones(4, 6).t()[:, ::2], 0.5)",
    "F.dropout(torch.ones(2, 3, 4).permute(2, 0, 1), 0.3)",
    "F.dropout(torch.ones(3, 1).expand(3, 4), 0.5)",
    "F.alpha_dropout(torch.ones(4, 6).t(), 0.5, True)",
    "F.alpha_dropout(torch.ones(2, 3, 4).permute(2, 0, 1), 0.5, True)",
    "torch.nn.Dropout(0.4)(torch.ones(5, 3).t())",
    # *_like keep the input's order of strides (preserve_format): numbers in memory order
    *(
        f"(lambda r: (r, r.stride(), r.is_contiguous()))({f})"
        for f in (
            "torch.rand_like(torch.zeros(2, 3).t())",
            "torch.randn_like(torch.zeros(2, 3, dtype=torch.float64).t())",
            "torch.randn_like(torch.zeros(4, 5).t())",
            "torch.randint_like(torch.zeros(2, 3).t(), 10)",
            "torch.rand_like(torch.zeros(2, 3, 4).permute(2, 0, 1))",
            "torch.rand_like(torch.zeros(4, 6).t()[:, ::2])",
            "torch.rand_like(torch.zeros(3, 1).expand(3, 4))",
            "torch.empty_like(torch.zeros(2, 3).t()).uniform_()",
            "torch.zeros_like(torch.zeros(2, 3).t())",
            "torch.ones_like(torch.zeros(2, 3, 4).permute(1, 2, 0))",
            "torch.full_like(torch.zeros(2, 3).t(), 7.0)",
            "torch.rand_like(torch.zeros(2, 3))",
            "torch.randn_like(torch.zeros(4, 5, dtype=torch.float64))",
            "torch.randn_like(torch.zeros(5, 4, dtype=torch.float64).t())",
            "torch.empty_like(torch.zeros(4, 5).t()).normal_()",
        )
    ),
    # clone keeps the order of strides too (then in-place samplers fill in memory order)
    "(lambda c: (c.stride(), c.is_contiguous(), c.contiguous().stride()))(torch.ones(2, 3).t().clone())",
    "torch.arange(6.).reshape(2, 3).t().clone().view(-1)",
    "torch.ones(2, 3, 4).permute(2, 0, 1).clone().stride()",
    "torch.ones(4, 6).t()[:, ::2].clone().stride()",
    "torch.zeros(4, 6).t().clone().uniform_()",
    "F.dropout(torch.ones(4, 6).t().clone(), 0.5, inplace=True)",
    "torch.multinomial(torch.ones(3, 4).t(), 2)",
    "torch.multinomial(torch.rand(5, 3).t(), 1)",
    "torch.multinomial(torch.ones(3, 4).t(), 3, replacement=True)",
]


def _plain(value, module):
    if isinstance(value, module.Tensor):
        return (str(value.dtype), value.tolist())
    if isinstance(value, tuple):
        return tuple(_plain(v, module) for v in value)
    return value


def _run(module, functional, code):
    module.manual_seed(0)
    namespace = {"torch": module, "F": functional, "g": module.Generator().manual_seed(3)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = eval(code, namespace)
        except Exception as exc:  # the error itself is what we compare
            value = (type(exc).__name__, str(exc))
    return _plain(value, module), [str(w.message) for w in caught]


@pytest.mark.parametrize("code", CASES)
def test_sampling_matches_pytorch(code):
    torch = require_torch()
    torch_F = importlib.import_module("torch.nn.functional")
    assert _run(aw, aw_F, code) == _run(torch, torch_F, code)


# --- get_rng_state / set_rng_state: ATen's CPUGeneratorImplState, byte for byte ------------
STATE_CASES = [
    "",
    "torch.rand(1)",
    "torch.rand(624)",
    "torch.rand(625)",
    "torch.rand(3, dtype=torch.float64)",
    "torch.randn(1)",  # the cached second Box-Muller sample: normal_y, normal_is_valid
    "torch.randn(2)",
    "torch.randn(40)",
    "torch.manual_seed(-1)",
    "torch.manual_seed(2**63 + 7)",
    "torch.manual_seed(2**64 - 1); torch.rand(5)",
]


def _state_after(module, setup):
    module.manual_seed(0)
    exec(setup, {"torch": module})
    return module.get_rng_state().numpy().tobytes(), module.initial_seed()


@pytest.mark.parametrize("setup", STATE_CASES)
def test_rng_state_bytes_match_pytorch(setup):
    torch = require_torch()
    assert _state_after(aw, setup) == _state_after(torch, setup)


@pytest.mark.parametrize("setup", STATE_CASES)
def test_pytorch_rng_state_loads_and_continues_the_stream(setup):
    torch = require_torch()
    state, seed = _state_after(torch, setup)
    want = (torch.randn(1).item(), torch.rand(700).tolist(), torch.randn(3).tolist())
    aw.manual_seed(123)
    aw.set_rng_state(aw.tensor(list(state), dtype=aw.uint8))
    assert aw.initial_seed() == seed
    assert (aw.randn(1).item(), aw.rand(700).tolist(), aw.randn(3).tolist()) == want


GENERATOR_CASES = [
    "torch.set_rng_state(torch.get_rng_state()[:5048])",
    "torch.set_rng_state(torch.zeros(10, dtype=torch.uint8))",
    "torch.set_rng_state(torch.zeros(5056))",
    "torch.set_rng_state(torch.zeros(5056, dtype=torch.uint8))",
    "torch.set_rng_state([1, 2])",
    "(torch.manual_seed(7), torch.manual_seed(9), torch.set_rng_state(torch.manual_seed(7)"
    ".get_state()), torch.initial_seed())[-1]",
    "torch.Generator().get_state()[:30]",
    "torch.Generator().initial_seed()",
    *(
        f"(torch.Generator().manual_seed({s}).initial_seed(), torch.manual_seed({s}) and "
        "torch.initial_seed(), torch.rand(2))"
        for s in ("-1", "2**64 - 1", "2**63", "-2**63", "-2**63 - 1", "2**64", "1.5", "'3'", "True")
    ),
    "str(g.device)",
    "repr(g.device)",
    "repr(g)[:25]",
    "(lambda c: (torch.rand(2, generator=c), torch.rand(2, generator=g)))(g.clone_state())",
]


@pytest.mark.parametrize("code", GENERATOR_CASES)
def test_generator_matches_pytorch(code):
    torch = require_torch()
    torch_F = importlib.import_module("torch.nn.functional")
    assert _run(aw, aw_F, code) == _run(torch, torch_F, code)


# --- torch.poisson: ATen's sample_poisson (multiplication below 10, Hoermann's rejection) ---
POISSON_CASES = [
    "(torch.poisson(torch.linspace(0, 9.9, 500)), torch.rand(2))",
    "(torch.poisson(torch.linspace(10, 5000, 1000, dtype=torch.float64)), torch.rand(2))",
    "(torch.poisson(torch.tensor([1e7, 1e12, 3e15])), torch.rand(2))",
    "(torch.poisson(torch.arange(12.).reshape(3, 4).t() * 3), torch.rand(2))",
    "(torch.poisson(torch.full((4,), 12.0, dtype=torch.float16)), torch.rand(2))",
    "(torch.poisson(torch.full((5,), 4.0), generator=g), torch.rand(2))",
    "(torch.poisson(torch.zeros(3)), torch.rand(2))",
    "torch.poisson(torch.tensor([1.0, float('nan')]))",
    "torch.poisson(torch.tensor([-1.0]))",
    "(torch.distributions.Poisson(torch.tensor([2.0, 30.0])).sample((3,)), torch.rand(2))",
]


# --- torch.binomial: ATen's sample_binomial (inversion below count * p = 10, BTRS above) ----
POISSON_CASES += [
    "(torch.binomial(torch.full((50,), 8.0), torch.linspace(0, 1, 50)), torch.rand(2))",
    "(torch.binomial(torch.linspace(10, 5000, 300, dtype=torch.float64), "
    "torch.rand(300, dtype=torch.float64)), torch.rand(2))",
    "(torch.binomial(torch.randint(1, 3000, (2000,)).float(), torch.rand(2000)), torch.rand(2))",
    "(torch.binomial(torch.tensor([[10.0], [200.0]]).expand(2, 3), "
    "torch.tensor([0.2, 0.5, 0.9]).expand(2, 3)), torch.rand(2))",
    "(torch.binomial(torch.tensor([5.0, 5.0]), torch.tensor([float('nan'), 0.5]))"
    ".nan_to_num(-1.0), torch.rand(2))",
    "(torch.binomial(torch.tensor([0.0, 5.0, -1.0]), torch.tensor([0.5, 0.0, 0.5])), torch.rand(2))",
    "(torch.binomial(torch.tensor([5.5, 40.5]), torch.tensor([0.5, 0.5])), torch.rand(2))",
    "(torch.binomial(torch.full((4,), 30.0), torch.full((4,), 0.4), generator=g), torch.rand(2))",
    "(torch.distributions.Binomial(torch.tensor([10.0, 100.0]), torch.tensor([0.3, 0.6]))"
    ".sample((3,)), torch.rand(2))",
    "torch.distributions.Binomial(20, logits=torch.tensor([0.0, 1.0])).sample((2,))",
]


# --- Gamma / Dirichlet / Beta: ATen's sample_gamma (Marsaglia-Tsang on the shared normals) ----
POISSON_CASES += [
    "(torch.distributions.Gamma(torch.linspace(0.05, 20, 400), 1.0).sample(), torch.rand(2))",
    "(torch.distributions.Gamma(torch.linspace(0.01, 50, 400, dtype=torch.float64), 1.0)"
    ".sample(), torch.rand(2))",
    "(torch.distributions.Gamma(torch.tensor([1e-3, 1e-8, 0.5]), 1.0).sample(), torch.rand(2))",
    "(torch.randn(1), torch.distributions.Gamma(torch.tensor([2.0, 3.0]), 1.0).sample(), "
    "torch.randn(1))",
    "torch.distributions.Gamma(torch.tensor([2.0, 0.5]), torch.tensor([1.0, 3.0])).rsample((3,))",
    "torch.distributions.Beta(torch.tensor([2.0, 0.5]), torch.tensor([3.0, 0.5])).sample((3,))",
    "torch.distributions.Dirichlet(torch.tensor([1.0, 2.0, 3.0])).sample((2,))",
    "torch.distributions.Dirichlet(torch.rand(50, 7) * 3).sample()",
    "torch.distributions.Dirichlet(torch.tensor([0.3, 2.0], dtype=torch.float64)).sample((2,))",
    "torch.distributions.Chi2(torch.tensor([3.0])).sample((3,))",
    "torch.distributions.StudentT(torch.tensor([4.0])).sample((3,))",
]


@pytest.mark.parametrize("code", POISSON_CASES)
def test_poisson_matches_pytorch(code):
    torch = require_torch()
    importlib.import_module("torch.distributions")
    torch_F = importlib.import_module("torch.nn.functional")
    assert _run(aw, aw_F, code) == _run(torch, torch_F, code)
