"""VonMises against PyTorch: log-densities through the Abramowitz-Stegun Bessel
polynomials (checked against ``torch.special.i0``/``i1`` as well), the circular moments,
and the rejection sampler, whose seeded draws are PyTorch's (and follow the density)."""

import math

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets.distributions.von_mises import _log_modified_bessel_fn
from tests._distribution_oracle import oracle_tests
from tests._oracle import require_torch
from tests.test_distributions import _raises_like_torch

pytestmark = pytest.mark.oracle

SETUP = """
D = torch.distributions
f64 = torch.float64
vm = D.VonMises(torch.tensor([0.5, -2.0, 3.0, 0.0], dtype=f64), torch.tensor([0.01, 1.0, 3.75, 20.0], dtype=f64))
vm32 = D.VonMises(torch.tensor([1.0, -1.0]), torch.tensor([0.5, 8.0]))
x4 = torch.tensor([0.1, 0.2, 3.1, 7.0], dtype=f64)
"""

VALUE_CASES = [
    "vm.log_prob(x4), vm.mean, vm.mode, vm.variance, vm.stddev, vm.batch_shape",
    "vm32.log_prob(torch.tensor([0.0, -1.2])), vm32.variance, vm32.log_prob(torch.tensor([[7.0], [-9.0]]))",
    "repr(vm), repr(D.VonMises(0.0, 1.0)), repr(vm.support), vm.has_rsample, D.VonMises(0.0, 1.0).batch_shape",
    "vm.expand((2, 4)).batch_shape, vm.expand((2, 4)).log_prob(x4), type(vm.expand((2, 4))).__name__",
    "D.VonMises(1.0, 2.0).log_prob(torch.tensor(0.5)), D.VonMises(1.0, 2.0).variance",
    "D.VonMises(torch.zeros(3, dtype=f64), torch.tensor([1e-6, 1e-3, 200.0], dtype=f64)).log_prob(torch.ones(3, dtype=f64))",
]  # fmt: skip

SAMPLE_CASES = [
    "vm.sample((3,))",
    "vm32.sample((4,))",
    "D.VonMises(0.0, 1.0).sample((5,))",
    "D.VonMises(torch.tensor([2.0, -3.0]), torch.tensor([1e-6, 50.0])).sample((3,))",
]

GRAD_CASES = [
    ("VonMises log_prob (both branches of the Bessel fit)", "a=[0.5, -2.0, 3.0]; k=[0.3, 2.0, 9.0]",
     "D.VonMises(a, k).log_prob(torch.tensor([0.1, 0.2, 3.1], dtype=f64)).sum()"),
    ("VonMises variance", "k=[0.3, 2.0, 9.0]", "D.VonMises(torch.zeros(3, dtype=f64), k).variance.sum()"),
]  # fmt: skip

globals().update(oracle_tests(SETUP, VALUE_CASES, SAMPLE_CASES, GRAD_CASES))


@pytest.mark.parametrize("order", [0, 1])
def test_bessel_fit_against_torch_special(order):
    """The fit is good to about 2e-7 relative (Abramowitz & Stegun's bound) against
    torch.special's accurate i0/i1 (through i0e/i1e for the large arguments)."""
    torch = require_torch()
    x = np.concatenate([np.geomspace(1e-4, 3.7, 200), np.linspace(3.75, 700.0, 400)])
    got = _log_modified_bessel_fn(aw.tensor(x), order).numpy()
    t = torch.tensor(x)
    scaled = torch.special.i0e(t) if order == 0 else torch.special.i1e(t)
    want = (scaled.log() + t).numpy()  # log I(x) = log(I(x) e^-x) + x
    np.testing.assert_allclose(np.exp(got - want), 1.0, atol=5e-7)


def test_bessel_derivative_is_the_next_order():
    """d/dx log I0(x) = I1(x) / I0(x): the fit's gradient agrees with torch.special's
    ratio to the fit's accuracy."""
    torch = require_torch()
    x = aw.tensor([0.2, 1.0, 3.0, 4.0, 10.0, 60.0], dtype=aw.float64, requires_grad=True)
    _log_modified_bessel_fn(x, 0).sum().backward()
    t = torch.tensor(x.detach().numpy())
    ratio = (torch.special.i1e(t) / torch.special.i0e(t)).numpy()
    np.testing.assert_allclose(x.grad.numpy(), ratio, rtol=2e-5)


def test_samples_follow_the_density():
    """Histogram of 40000 draws against the density integrated over each bin; a draw from
    the wrong concentration fails the same bound."""
    aw.manual_seed(12)
    D = aw.distributions
    d = D.VonMises(aw.tensor(1.0, dtype=aw.float64), aw.tensor(2.0, dtype=aw.float64))
    s = d.sample((40000,)).numpy()
    assert s.dtype == np.float64 and (s >= -math.pi).all() and (s < math.pi).all()
    edges = np.linspace(-math.pi, math.pi, 25)
    grid = np.linspace(-math.pi, math.pi, 24 * 200 + 1)
    density = d.log_prob(aw.tensor(grid)).exp().numpy()
    cells = density[:-1].reshape(24, 200).mean(1) * (2 * math.pi / 24)
    freq = np.histogram(s, edges)[0] / s.size
    assert np.abs(freq - cells).max() < 0.006
    wrong = D.VonMises(aw.tensor(1.0, dtype=aw.float64), aw.tensor(2.4, dtype=aw.float64))
    wrong_density = wrong.log_prob(aw.tensor(grid)).exp().numpy()
    wrong_cells = wrong_density[:-1].reshape(24, 200).mean(1) * (2 * math.pi / 24)
    assert np.abs(freq - wrong_cells).max() > 0.006


ERROR_CASES = [
    "D.VonMises(0.0, 0.0)",
    "D.VonMises(torch.tensor([0.0, float('nan')]), 1.0)",
    "D.VonMises(0.0, 1.0).log_prob(torch.tensor(float('nan')))",
    "D.VonMises(0.0, 1.0).rsample()",
    "D.VonMises(0.0, 1.0).entropy()",
    "D.kl_divergence(D.VonMises(0.0, 1.0), D.VonMises(0.0, 2.0))",
]


@pytest.mark.parametrize("code", ERROR_CASES)
def test_errors_match_pytorch(code):
    _raises_like_torch(code)
