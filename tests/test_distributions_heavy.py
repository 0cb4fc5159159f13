"""StudentT, Cauchy, HalfNormal, HalfCauchy, Chi2 and Gumbel against PyTorch, with the
``AbsTransform`` and ``PowerTransform`` they and their relatives are built from.

As in ``test_distributions``: each case runs with ``torch`` bound to PyTorch and to
autograd_widgets after ``manual_seed(0)``; values, printing, shapes and errors must agree;
gradients of ``log_prob``/``cdf``/``entropy``/``kl_divergence``/``rsample`` against PyTorch's
and finite differences. Cauchy and Gumbel draw from PyTorch's own stream (seeded samples
equal); StudentT and Chi2 use the gamma sampler and are checked by their distribution.
"""

import math

import numpy as np
import pytest

import autograd_widgets as aw
from tests._distribution_oracle import _ks_statistic, _samples, oracle_tests
from tests._oracle import require_torch
from tests.test_distributions import _raises_like_torch

pytestmark = pytest.mark.oracle

SETUP = """
D = torch.distributions
T = D.transforms
f64 = torch.float64
df = torch.tensor([0.8, 2.0, 5.0], dtype=f64)
loc = torch.tensor([0.5, -1.0, 2.0], dtype=f64)
scale = torch.tensor([1.0, 0.3, 2.5], dtype=f64)
x3 = torch.tensor([0.3, 1.5, 4.0], dtype=f64)
u3 = torch.tensor([0.1, 0.5, 0.95], dtype=f64)
st = D.StudentT(df, loc, scale)
st32 = D.StudentT(torch.tensor([3.0, 1.5]), 1.0, torch.tensor([2.0, 0.5]))
ca = D.Cauchy(loc, scale)
hn = D.HalfNormal(scale)
hc = D.HalfCauchy(scale)
chi = D.Chi2(df)
gu = D.Gumbel(loc, scale)
gu32 = D.Gumbel(torch.tensor([0.0, 1.0]), 2.0)
"""

VALUE_CASES = [
    # StudentT
    "st.log_prob(x3), st.entropy(), st.mean, st.mode, st.variance, st.stddev",
    "st32.log_prob(torch.tensor([0.5, -2.0])), st32.entropy(), st32.mean, st32.variance",
    "D.StudentT(4.0).log_prob(torch.tensor(1.5)), D.StudentT(4.0).batch_shape, D.StudentT(2.5, 1.0, 3.0).variance",
    "repr(st32), repr(D.StudentT(3.0)), repr(st), repr(st.support), st.has_rsample",
    "[repr(c) for c in D.StudentT.arg_constraints.values()], st.expand((2, 3)).log_prob(x3), st.expand((2, 3)).batch_shape",
    "D.StudentT(torch.tensor([1.0, 3.0])).rsample((4, 2)).shape, D.StudentT(df).sample().dtype, st32.sample().dtype",
    # Cauchy
    "ca.log_prob(x3), ca.cdf(x3), ca.icdf(u3), ca.entropy(), ca.mean, ca.mode, ca.variance",
    "D.Cauchy(0.0, 1.0).log_prob(torch.tensor([0.0, 2.0])), D.Cauchy(0.0, 1.0).mean, D.Cauchy(0.0, 1.0).cdf(torch.tensor(1.0))",
    "repr(ca), repr(D.Cauchy(0.0, 1.0)), ca.expand((2, 3)).batch_shape, ca.expand((2, 3)).log_prob(x3), ca.stddev",
    # HalfNormal
    "hn.log_prob(x3), hn.cdf(x3), hn.icdf(u3), hn.entropy(), hn.mean, hn.mode, hn.variance, hn.stddev",
    "repr(hn), repr(D.HalfNormal(1.0)), repr(hn.support), hn.batch_shape, hn.expand((2, 3)).log_prob(x3)",
    "D.HalfNormal(scale, validate_args=False).log_prob(-x3), D.HalfNormal(2.0).log_prob(torch.tensor([0.0, 1.0])), hn.scale",
    "[repr(c) for c in D.HalfNormal.arg_constraints.values()], hn.has_rsample, type(hn.expand((2, 3))).__name__",
    # HalfCauchy
    "hc.log_prob(x3), hc.cdf(x3), hc.icdf(u3), hc.entropy(), hc.mean, hc.mode, hc.variance",
    "repr(hc), repr(D.HalfCauchy(1.0)), hc.expand((2, 3)).log_prob(x3), hc.scale, D.HalfCauchy(1.0).log_prob(torch.tensor(0.5))",
    "D.HalfCauchy(scale, validate_args=False).log_prob(-x3)",
    # Chi2
    "chi.log_prob(x3), chi.entropy(), chi.mean, chi.mode, chi.variance, chi.df",
    "repr(chi), repr(D.Chi2(3.0)), D.Chi2(3.0).batch_shape, chi.expand((2, 3)).df, type(chi.expand((2, 3))).__name__",
    "D.Chi2(4.0).log_prob(torch.tensor(2.0)), D.Chi2(torch.tensor([1.0, 4.0])).concentration, chi.rate",
    # Gumbel
    "gu.log_prob(x3), gu.cdf(x3), gu.icdf(u3), gu.entropy(), gu.mean, gu.mode, gu.variance, gu.stddev",
    "gu32.log_prob(torch.tensor([0.3, -1.0])), gu32.cdf(torch.tensor([0.3, -1.0])), gu32.mean, gu32.entropy()",
    "repr(gu), repr(D.Gumbel(0.0, 1.0)), repr(gu.support), gu.batch_shape, gu.expand((2, 3)).log_prob(x3)",
    "gu.expand((2, 3)).loc, D.Gumbel(1.0, 2.0).log_prob(torch.tensor(0.5)), D.Gumbel(1.0, 2.0).icdf(torch.tensor(0.3))",
    # the transforms
    "T.PowerTransform(2.0)(x3), T.PowerTransform(scale).inv(x3), T.PowerTransform(scale).log_abs_det_jacobian(x3, x3.pow(scale))",
    "repr(T.PowerTransform(2.0)), repr(T.AbsTransform()), T.AbsTransform()(-x3), T.AbsTransform().inv(x3)",
    "T.PowerTransform(torch.tensor([2.0, -1.0])).sign, T.PowerTransform(scale).forward_shape((2, 1)), T.PowerTransform(2.0) == T.PowerTransform(2.0)",
    "repr(T.PowerTransform(2.0).domain), repr(T.AbsTransform().codomain), T.AbsTransform() == T.AbsTransform(), T.PowerTransform(2.0).bijective",
    "D.TransformedDistribution(D.Exponential(scale), T.PowerTransform(0.5)).log_prob(x3)",
    # KL divergences
    "D.kl_divergence(ca, D.Cauchy(x3, u3)), D.kl_divergence(hn, D.HalfNormal(u3)), D.kl_divergence(gu, D.Gumbel(x3, u3))",
    "D.kl_divergence(gu, D.Normal(x3, u3)), D.kl_divergence(D.Normal(x3, u3), gu), D.kl_divergence(D.Exponential(u3), gu)",
    "D.kl_divergence(D.Gamma(x3, u3), gu), D.kl_divergence(D.Uniform(-x3, x3), gu), D.kl_divergence(gu, D.Uniform(-x3, x3))",
    "D.kl_divergence(gu, D.Exponential(x3)), D.kl_divergence(gu, D.Gamma(x3, u3)), D.kl_divergence(gu, D.Beta(x3, u3))",
    "D.kl_divergence(chi, D.Chi2(x3)), D.kl_divergence(chi, D.Gamma(x3, u3))",
]  # fmt: skip

SAMPLE_CASES = [
    "ca.sample((3,))",
    "ca.rsample()",
    "D.Cauchy(torch.tensor([0.0, 1.0]), 2.0).sample((4,))",
    "hc.sample((2,))",
    "D.HalfCauchy(torch.tensor([0.5, 1.0, 3.0])).rsample((2,))",
    "gu.sample((3,))",
    "gu32.rsample((4,))",
    "D.Gumbel(0.0, 1.0).sample((5,))",
    "hn.sample((3,))",
    "D.HalfNormal(torch.tensor([0.5, 1.0])).rsample((3,))",
]


# --- gradients ---------------------------------------------------------------------------------
GRAD_CASES = [
    ("StudentT log_prob and entropy", "d=[0.8, 2.0, 5.0]; a=[0.5, -1.0, 2.0]; s=[1.0, 0.3, 2.5]",
     "(D.StudentT(d, a, s).log_prob(torch.tensor([0.3, 1.5, 4.0], dtype=f64)) + D.StudentT(d, a, s).entropy()).sum()"),
    ("StudentT moments", "d=[0.8, 2.0, 5.0]; a=[0.5, -1.0, 2.0]; s=[1.0, 0.3, 2.5]",
     "D.StudentT(d, a, s).variance[2] + D.StudentT(d, a, s).mean[2]"),
    ("Cauchy log_prob, cdf, icdf, entropy", "a=[0.5, -1.0, 2.0]; s=[1.0, 0.3, 2.5]",
     "(D.Cauchy(a, s).log_prob(torch.tensor([0.3, 1.5, 4.0], dtype=f64)) + D.Cauchy(a, s).cdf(torch.tensor([0.3, 1.5, 4.0], dtype=f64))"
     " + D.Cauchy(a, s).icdf(torch.tensor([0.1, 0.5, 0.95], dtype=f64)) + D.Cauchy(a, s).entropy()).sum()"),
    ("Cauchy rsample", "a=[0.5, -1.0, 2.0]; s=[1.0, 0.3, 2.5]", "D.Cauchy(a, s).rsample((4,)).atan().sum()"),
    ("Cauchy KL", "a=[0.5, -1.0]; s=[1.0, 0.3]; t=[2.0, 0.7]",
     "D.kl_divergence(D.Cauchy(a, s), D.Cauchy(torch.zeros(2, dtype=f64), t)).sum()"),
    ("HalfNormal log_prob, cdf, icdf, entropy, moments", "s=[1.0, 0.3, 2.5]",
     "(D.HalfNormal(s).log_prob(torch.tensor([0.3, 1.5, 4.0], dtype=f64)) + D.HalfNormal(s).cdf(torch.tensor([0.3, 1.5, 4.0], dtype=f64))"
     " + D.HalfNormal(s).icdf(torch.tensor([0.1, 0.5, 0.95], dtype=f64)) + D.HalfNormal(s).entropy() + D.HalfNormal(s).mean + D.HalfNormal(s).variance).sum()"),
    ("HalfNormal rsample and KL", "s=[1.0, 0.3, 2.5]; t=[2.0, 0.7, 1.0]",
     "D.HalfNormal(s).rsample((3,)).sum() + D.kl_divergence(D.HalfNormal(s), D.HalfNormal(t)).sum()"),
    ("HalfCauchy log_prob, cdf, icdf, rsample", "s=[1.0, 0.3, 2.5]",
     "(D.HalfCauchy(s).log_prob(torch.tensor([0.3, 1.5, 4.0], dtype=f64)) + D.HalfCauchy(s).cdf(torch.tensor([0.3, 1.5, 4.0], dtype=f64))"
     " + D.HalfCauchy(s).icdf(torch.tensor([0.1, 0.5, 0.95], dtype=f64)) + D.HalfCauchy(s).entropy()).sum() + D.HalfCauchy(s).rsample().atan().sum()"),
    ("Chi2 log_prob and entropy", "d=[0.8, 2.0, 5.0]",
     "(D.Chi2(d).log_prob(torch.tensor([0.3, 1.5, 4.0], dtype=f64)) + D.Chi2(d).entropy()).sum()"),
    ("Gumbel log_prob, cdf, icdf, entropy, moments", "a=[0.5, -1.0, 2.0]; s=[1.0, 0.3, 2.5]",
     "(D.Gumbel(a, s).log_prob(torch.tensor([0.3, 1.5, 4.0], dtype=f64)) + D.Gumbel(a, s).cdf(torch.tensor([0.3, 1.5, 4.0], dtype=f64))"
     " + D.Gumbel(a, s).icdf(torch.tensor([0.1, 0.5, 0.95], dtype=f64)) + D.Gumbel(a, s).entropy() + D.Gumbel(a, s).mean + D.Gumbel(a, s).variance).sum()"),
    ("Gumbel rsample (Gumbel-max)", "a=[0.5, -1.0, 2.0]; s=[1.0, 0.3, 2.5]",
     "D.Gumbel(a, s).rsample((3,)).pow(2).sum()"),
    ("Gumbel KL with Gumbel and Normal", "a=[0.5, -1.0]; s=[1.0, 0.3]",
     "(D.kl_divergence(D.Gumbel(a, s), D.Gumbel(torch.tensor([0.0, 1.0], dtype=f64), s * 2))"
     " + D.kl_divergence(D.Gumbel(a, s), D.Normal(a.flip(0), 1.5 * s)) + D.kl_divergence(D.Normal(a.flip(0), s), D.Gumbel(a, s))).sum()"),
    ("KL of Exponential, Gamma, Uniform to Gumbel", "a=[0.5, -1.0]; s=[1.0, 0.3]; r=[2.0, 0.5]",
     "(D.kl_divergence(D.Exponential(r), D.Gumbel(a, s)) + D.kl_divergence(D.Gamma(r, s), D.Gumbel(a, s))"
     " + D.kl_divergence(D.Uniform(a - r, a + r), D.Gumbel(a, s))).sum()"),
]  # fmt: skip

GRAD_SETUP_EXTRA = "\nT = D.transforms"
# Through digamma's derivative: PyTorch's trigamma is good to about 1e-9 (see
# test_distributions_more); finite differences check ours exactly.
TRIGAMMA = {"StudentT log_prob and entropy", "Chi2 log_prob and entropy",
            "KL of Exponential, Gamma, Uniform to Gumbel"}  # fmt: skip

globals().update(
    oracle_tests(SETUP, VALUE_CASES, SAMPLE_CASES, GRAD_CASES, TRIGAMMA, GRAD_SETUP_EXTRA)
)


# --- sampling by the gamma: the distribution of the samples ------------------------------------


# Each: ours against PyTorch's sampler (both seeded) and, as a control that the test can
# fail, against a near miss (another parameter) that a wrong sampler could produce.
KS_CASES = [
    ("D.StudentT(torch.tensor([1.5, 3.0, 30.0]), torch.tensor([0.0, 1.0, -2.0]), torch.tensor([1.0, 0.5, 2.0]))",
     "D.StudentT(torch.tensor([2.5, 5.0, 1.0]), torch.tensor([0.0, 1.0, -2.0]), torch.tensor([1.0, 0.5, 2.0]))"),
    ("D.Chi2(torch.tensor([0.5, 3.0, 40.0]))", "D.Chi2(torch.tensor([0.6, 3.4, 43.0]))"),
]  # fmt: skip


@pytest.mark.parametrize(("make", "near_miss"), KS_CASES)
def test_gamma_based_samples_follow_pytorchs_distribution(make, near_miss):
    torch = require_torch()
    n = 20000
    ours = _samples(aw, make, n, seed=7)
    theirs = _samples(torch, make, n, seed=8)
    other = _samples(torch, near_miss, n, seed=9)
    bound = 1.95 * math.sqrt(2 / n)  # the 0.1% critical value of the statistic
    for k in range(ours.shape[1]):
        assert _ks_statistic(ours[:, k], theirs[:, k]) < bound
        assert _ks_statistic(ours[:, k], other[:, k]) > bound  # the test has the power to fail
    aw.manual_seed(7)
    again = eval(make, {"torch": aw, "D": aw.distributions}).sample((n,))
    assert (again.numpy() == ours.reshape(again.shape)).all()


def test_studentt_rsample_is_differentiable_and_unbiased():
    """d E[x] / d loc = 1 and d E[x^2] / d scale = 2 scale df / (df - 2), on average."""
    D = aw.distributions
    aw.manual_seed(11)
    a = aw.tensor([0.5, -1.0], dtype=aw.float64, requires_grad=True)
    s = aw.tensor([1.0, 2.0], dtype=aw.float64, requires_grad=True)
    d = D.StudentT(aw.tensor([6.0, 10.0], dtype=aw.float64), a, s)
    x = d.rsample((40000,))
    assert x.shape == (40000, 2) and x.dtype == aw.float64
    ((x - a.detach()) ** 2).mean(0).sum().backward()
    np.testing.assert_allclose(s.grad.numpy(), [2 * 6 / 4, 2 * 2.0 * 10 / 8], rtol=0.05)
    assert D.StudentT(3.0).sample().grad_fn is None


ERROR_CASES = [
    "D.StudentT(-1.0)",
    "D.StudentT(torch.tensor([1.0, 2.0]), 0.0, torch.tensor([1.0, 0.0]))",
    "D.StudentT(3.0, float('nan'))",
    "D.StudentT(3.0).log_prob(torch.tensor(float('nan')))",
    "D.Cauchy(0.0, -1.0)",
    "D.Cauchy(torch.zeros(2), torch.ones(3))",
    "D.Cauchy(0.0, 1.0).log_prob(0.5)",
    "D.HalfNormal(0.0)",
    "D.HalfNormal(torch.tensor([1.0, -1.0]))",
    "D.HalfNormal(1.0).log_prob(torch.tensor([-1.0]))",
    "D.HalfCauchy(-2.0)",
    "D.HalfCauchy(1.0).log_prob(torch.tensor([0.5, -0.5]))",
    "D.Chi2(0.0)",
    "D.Chi2(torch.tensor([1.0, -1.0]))",
    "D.Chi2(2.0).log_prob(torch.tensor([-1.0]))",
    "D.Gumbel(0.0, -1.0)",
    "D.Gumbel(torch.tensor([0.0, float('nan')]), 1.0)",
    "D.kl_divergence(D.Cauchy(0.0, 1.0), D.Normal(0.0, 1.0))",
    "D.kl_divergence(D.HalfNormal(1.0), D.HalfCauchy(1.0))",
    "D.transforms.PowerTransform(2.0, cache_size=3)",
]


@pytest.mark.parametrize("code", ERROR_CASES)
def test_errors_match_pytorch(code):
    _raises_like_torch(code)
