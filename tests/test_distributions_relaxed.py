"""FisherSnedecor, Kumaraswamy, ContinuousBernoulli, RelaxedBernoulli (LogitRelaxedBernoulli),
RelaxedOneHotCategorical (ExpRelaxedCategorical) and MixtureSameFamily against PyTorch,
with ContinuousBernoulli's KL pairs.

As in ``test_distributions``: values, printing, shapes and errors must agree with PyTorch's;
gradients against PyTorch's and finite differences. All but FisherSnedecor (two gamma draws)
sample from PyTorch's own stream, so their seeded samples are PyTorch's; FisherSnedecor is
checked by a two-sample KS test against PyTorch's sampler.
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
f64 = torch.float64
x3 = torch.tensor([0.3, 1.5, 4.0], dtype=f64)
u3 = torch.tensor([0.1, 0.5, 0.95], dtype=f64)
l3 = torch.tensor([-1.0, 0.0, 3.0], dtype=f64)
fs = D.FisherSnedecor(torch.tensor([1.0, 4.0, 10.0], dtype=f64), torch.tensor([2.0, 5.0, 12.0], dtype=f64))
ku = D.Kumaraswamy(torch.tensor([0.5, 2.0, 5.0], dtype=f64), torch.tensor([3.0, 0.7, 2.0], dtype=f64))
cb = D.ContinuousBernoulli(torch.tensor([0.2, 0.4995, 0.9], dtype=f64))
cbl = D.ContinuousBernoulli(logits=l3)
temp = torch.tensor(0.5, dtype=f64)
rb = D.RelaxedBernoulli(temp, torch.tensor([0.2, 0.5, 0.9], dtype=f64))
lrb = D.relaxed_bernoulli.LogitRelaxedBernoulli(temp, logits=l3)
p = torch.tensor([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]], dtype=f64)
rc = D.RelaxedOneHotCategorical(temp, p)
erc = D.relaxed_categorical.ExpRelaxedCategorical(temp, logits=p.log())
simplex = torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], dtype=f64)
mix = D.MixtureSameFamily(D.Categorical(probs=torch.tensor([0.3, 0.7], dtype=f64)),
                          D.Normal(torch.tensor([-1.0, 2.0], dtype=f64), torch.tensor([0.5, 1.5], dtype=f64)))
mixb = D.MixtureSameFamily(D.Categorical(logits=torch.tensor([[0.0, 1.0, -1.0], [2.0, 0.0, 0.0]], dtype=f64)),
                           D.Independent(D.Normal(torch.zeros(2, 3, 2, dtype=f64) + torch.arange(3.0, dtype=f64).unsqueeze(-1),
                                                  torch.ones(2, 3, 2, dtype=f64)), 1))
gmm = D.MixtureSameFamily(D.Categorical(torch.tensor([0.3, 0.7])), D.Normal(torch.tensor([-1.0, 2.0]), torch.tensor([0.5, 1.5])))
gmm2d = D.MixtureSameFamily(D.Categorical(torch.tensor([0.25, 0.75])),
                            D.Independent(D.Normal(torch.tensor([[0.0, 1.0], [2.0, -1.0]]), torch.tensor([[1.0, 0.5], [0.3, 2.0]])), 1))
"""

VALUE_CASES = [
    # FisherSnedecor
    "fs.log_prob(x3), fs.mean, fs.mode, fs.variance, fs.batch_shape",
    "repr(fs), repr(D.FisherSnedecor(2.0, 3.0)), repr(fs.support), fs.expand((2, 3)).log_prob(x3), fs.has_rsample",
    "D.FisherSnedecor(3.0, 6.0).log_prob(torch.tensor(1.0)), D.FisherSnedecor(3.0, 6.0).mean, D.FisherSnedecor(3.0, 6.0).batch_shape",
    "D.FisherSnedecor(torch.tensor([3.0]), 6.0).rsample((4,)).shape, fs.sample().dtype",
    # Kumaraswamy
    "ku.log_prob(u3), ku.cdf(u3), ku.icdf(u3), ku.entropy(), ku.mean, ku.mode, ku.variance",
    "repr(ku), repr(D.Kumaraswamy(1.0, 2.0)), repr(ku.support), ku.expand((2, 3)).log_prob(u3), ku.has_rsample",
    "D.Kumaraswamy(2.0, 3.0).log_prob(torch.tensor(0.4)), D.Kumaraswamy(2.0, 3.0).mode, D.Kumaraswamy(2.0, 3.0).variance",
    # ContinuousBernoulli
    "cb.log_prob(u3), cb.cdf(u3), cb.icdf(u3), cb.entropy(), cb.mean, cb.variance, cb.stddev",
    "cbl.log_prob(u3), cbl.cdf(u3), cbl.icdf(u3), cbl.entropy(), cbl.mean, cbl.variance, cbl.probs",
    "cb.logits, cb.param_shape, cb._cont_bern_log_norm(), cb._log_normalizer(l3), cb.cdf(torch.tensor([0.0, 0.5, 1.0], dtype=f64))",
    "repr(cb), repr(cbl), repr(D.ContinuousBernoulli(0.3)), repr(cb.support), cb.expand((2, 3)).log_prob(u3)",
    "D.ContinuousBernoulli(0.3).log_prob(torch.tensor(0.6)), D.ContinuousBernoulli(1.0).probs, D.ContinuousBernoulli(0.0).log_prob(torch.tensor(0.5))",
    "D.ContinuousBernoulli(torch.tensor([0.2, 0.7]), lims=(0.1, 0.9)).mean, D.ContinuousBernoulli(1.5).probs",
    "D.ExponentialFamily.entropy(cbl), cbl.entropy()",
    # RelaxedBernoulli / LogitRelaxedBernoulli
    "rb.log_prob(u3), rb.temperature, rb.probs, rb.logits, rb.batch_shape, repr(rb.support)",
    "lrb.log_prob(l3), lrb.probs, lrb.param_shape, repr(lrb), repr(lrb.support), lrb.has_rsample, rb.has_rsample",
    "repr(rb), repr(D.RelaxedBernoulli(temp, 0.3)), rb.expand((2, 3)).log_prob(u3), lrb.expand((2, 3)).log_prob(l3)",
    # RelaxedOneHotCategorical / ExpRelaxedCategorical
    "rc.log_prob(simplex), rc.temperature, rc.probs, rc.logits, rc.batch_shape, rc.event_shape",
    "erc.log_prob(simplex.log()), erc.param_shape, repr(erc), repr(erc.support), repr(rc.support)",
    "repr(rc), rc.expand((4, 2)).log_prob(simplex), rc.expand((4, 2)).batch_shape, erc.expand((3, 2)).batch_shape",
    # MixtureSameFamily
    "mix.log_prob(x3.unsqueeze(-1)).shape, mix.log_prob(x3), mix.cdf(x3), mix.mean, mix.variance",
    "mix.batch_shape, mix.event_shape, repr(mix), repr(mix.support), mix.has_rsample",
    "mixb.log_prob(torch.tensor([[0.5, 1.0], [2.0, -1.0]], dtype=f64)), mixb.mean, mixb.variance",
    "mixb.batch_shape, mixb.event_shape, repr(mixb), repr(mixb.support)",
    "mix.expand((3,)).log_prob(x3), mix.expand((3,)).batch_shape, mixb.expand((4, 2)).log_prob(torch.zeros(2, dtype=f64)).shape",
    "mix.mixture_distribution.probs, mix.component_distribution.loc",
    # (float32, as a GMM/MDN script builds them: logsumexp's float32 rounding shows here)
    "gmm.log_prob(torch.tensor([-2.0, 0.0, 1.5])), gmm.cdf(torch.tensor([-1.0, 0.5, 3.0])), gmm.mean, gmm.variance, repr(gmm)",
    "gmm2d.log_prob(torch.tensor([[0.0, 0.0], [2.0, -1.0], [1.0, 1.0]])), gmm2d.mean, gmm2d.variance, repr(gmm2d)",
    "gmm2d.batch_shape, gmm2d.event_shape, gmm2d.expand((3, 2)).log_prob(torch.tensor([0.5, 0.5])).shape",
    # KL divergences of ContinuousBernoulli
    "D.kl_divergence(cb, cbl), D.kl_divergence(cbl, cb), D.kl_divergence(D.Beta(x3, u3 + 1), cb)",
    "D.kl_divergence(D.Uniform(u3 * 0.5, u3 * 0.5 + 0.3), cb), D.kl_divergence(D.Uniform(-u3, u3), cb)",
    "D.kl_divergence(cb, D.Exponential(x3)), D.kl_divergence(cb, D.Normal(l3, x3)), D.kl_divergence(cb, D.Uniform(-x3, x3 + 1))",
    "D.kl_divergence(cb, D.Uniform(0.0, 2.0)), D.kl_divergence(cb, D.Pareto(x3, x3))",
    "D.kl_divergence(D.Normal(l3, x3), cb), D.kl_divergence(D.Exponential(x3), cb), D.kl_divergence(D.Gamma(x3, u3), cb)",
    "D.kl_divergence(D.Laplace(l3, x3), cb), D.kl_divergence(D.Gumbel(l3, x3), cb), D.kl_divergence(D.Pareto(x3, x3), cb)",
]  # fmt: skip

SAMPLE_CASES = [
    "ku.sample((3,))",
    "ku.rsample()",
    "cb.sample((3,))",
    "cbl.rsample((2,))",
    "D.ContinuousBernoulli(torch.tensor([0.3, 0.8])).rsample((4,))",
    "rb.sample((3,))",
    "D.RelaxedBernoulli(torch.tensor(0.3), logits=torch.tensor([0.0, 2.0])).rsample((4,))",
    "lrb.rsample((2,))",
    "rc.sample((2,))",
    "D.RelaxedOneHotCategorical(torch.tensor(2.0), torch.tensor([0.2, 0.3, 0.5])).rsample((3,))",
    "erc.rsample()",
    "mix.sample((5,))",
    "mixb.sample((3,))",
    "gmm2d.sample((3,))",
]


# --- gradients ---------------------------------------------------------------------------------
GRAD_CASES = [
    ("FisherSnedecor log_prob and moments", "a=[1.0, 4.0, 10.0]; b=[5.0, 6.0, 12.0]",
     "(D.FisherSnedecor(a, b).log_prob(torch.tensor([0.3, 1.5, 4.0], dtype=f64)) + D.FisherSnedecor(a, b).mean + D.FisherSnedecor(a, b).variance).sum()"),
    ("Kumaraswamy log_prob, cdf, icdf, entropy, moments", "a=[0.5, 2.0, 5.0]; b=[3.0, 0.7, 2.0]",
     "(D.Kumaraswamy(a, b).log_prob(torch.tensor([0.1, 0.5, 0.95], dtype=f64)) + D.Kumaraswamy(a, b).cdf(torch.tensor([0.1, 0.5, 0.95], dtype=f64))"
     " + D.Kumaraswamy(a, b).icdf(torch.tensor([0.2, 0.5, 0.7], dtype=f64)) + D.Kumaraswamy(a, b).entropy() + D.Kumaraswamy(a, b).mean + D.Kumaraswamy(a, b).variance).sum()"),
    ("Kumaraswamy rsample", "a=[0.5, 2.0, 5.0]; b=[3.0, 0.7, 2.0]", "D.Kumaraswamy(a, b).rsample((3,)).sum()"),
    ("ContinuousBernoulli log_prob, cdf, entropy (VAE likelihood)", "q=[0.2, 0.3, 0.9]",
     "(D.ContinuousBernoulli(q).log_prob(torch.tensor([0.1, 0.5, 0.95], dtype=f64)) + D.ContinuousBernoulli(q).cdf(torch.tensor([0.1, 0.5, 0.95], dtype=f64))"
     " + D.ContinuousBernoulli(q).entropy() + D.ContinuousBernoulli(q).mean + D.ContinuousBernoulli(q).variance).sum()"),
    ("ContinuousBernoulli near 1/2 (Taylor branch)", "q=[0.4995, 0.5, 0.5008]",
     "(D.ContinuousBernoulli(q).log_prob(torch.tensor([0.1, 0.5, 0.95], dtype=f64)) + D.ContinuousBernoulli(q).mean + D.ContinuousBernoulli(q).variance).sum()"),
    ("ContinuousBernoulli rsample and KL (logits)", "l=[-1.0, 0.3, 3.0]",
     "D.ContinuousBernoulli(logits=l).rsample((3,)).sum() + D.kl_divergence(D.ContinuousBernoulli(logits=l), D.ContinuousBernoulli(torch.tensor(0.3, dtype=f64))).sum()"
     " + D.kl_divergence(D.ContinuousBernoulli(logits=l), D.Normal(torch.tensor(0.5, dtype=f64), 2.0)).sum()"),
    ("RelaxedBernoulli rsample and log_prob", "l=[-1.0, 0.3, 3.0]; t=0.7",
     "(lambda d: (d.log_prob(d.rsample((2,))) + d.rsample()).sum())(D.RelaxedBernoulli(t, logits=l))"),
    ("RelaxedOneHotCategorical rsample (Gumbel-softmax)", "l=[[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]]; t=0.7",
     "(D.RelaxedOneHotCategorical(t, logits=l).rsample((3,)) * torch.tensor([1.0, 2.0, 3.0], dtype=f64)).sum()"),
    ("RelaxedOneHotCategorical log_prob", "l=[[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]]; t=0.7",
     "D.RelaxedOneHotCategorical(t, logits=l).log_prob(torch.tensor([0.2, 0.3, 0.5], dtype=f64)).sum()"),
    ("MixtureSameFamily log_prob (GMM)", "w=[0.0, 1.0, -0.5]; m=[-1.0, 0.5, 2.0]; s=[0.5, 1.0, 1.5]",
     "D.MixtureSameFamily(D.Categorical(logits=w), D.Normal(m, s)).log_prob(torch.tensor([0.3, -1.0, 2.5, 4.0], dtype=f64)).sum()"),
    ("MixtureSameFamily moments and cdf", "w=[0.0, 1.0, -0.5]; m=[-1.0, 0.5, 2.0]; s=[0.5, 1.0, 1.5]",
     "(lambda d: d.mean + d.variance + d.cdf(torch.tensor(0.7, dtype=f64)))(D.MixtureSameFamily(D.Categorical(logits=w), D.Normal(m, s)))"),
]  # fmt: skip

TRIGAMMA = {"FisherSnedecor log_prob and moments",
            "Kumaraswamy log_prob, cdf, icdf, entropy, moments"}  # fmt: skip

globals().update(oracle_tests(SETUP, VALUE_CASES, SAMPLE_CASES, GRAD_CASES, TRIGAMMA))


# --- sampling ----------------------------------------------------------------------------------
def test_fisher_snedecor_samples_follow_pytorchs_distribution():
    torch = require_torch()
    n = 20000
    make = "D.FisherSnedecor(torch.tensor([1.0, 5.0, 20.0]), torch.tensor([3.0, 8.0, 30.0]))"
    near_miss = "D.FisherSnedecor(torch.tensor([1.3, 6.5, 30.0]), torch.tensor([3.0, 8.0, 30.0]))"
    ours = _samples(aw, make, n, seed=7)
    theirs = _samples(torch, make, n, seed=8)
    other = _samples(torch, near_miss, n, seed=9)
    bound = 1.95 * math.sqrt(2 / n)
    for k in range(3):
        assert _ks_statistic(ours[:, k], theirs[:, k]) < bound
        assert _ks_statistic(ours[:, k], other[:, k]) > bound


def test_fisher_snedecor_rsample_reaches_both_parameters():
    a = aw.tensor([4.0, 8.0], dtype=aw.float64, requires_grad=True)
    b = aw.tensor([6.0, 9.0], dtype=aw.float64, requires_grad=True)
    aw.manual_seed(3)
    x = aw.distributions.FisherSnedecor(a, b).rsample((30000,))
    assert x.shape == (30000, 2) and x.grad_fn is not None
    x.mean(0).sum().backward()
    # E[x] = b / (b - 2) does not depend on a: its gradient averages to 0; in b: -2 / (b-2)^2
    np.testing.assert_allclose(a.grad.numpy(), [0.0, 0.0], atol=0.01)
    np.testing.assert_allclose(b.grad.numpy(), [-2 / 16, -2 / 49], rtol=0.1)


def test_relaxed_samples_approach_the_discrete_ones():
    """At a low temperature RelaxedBernoulli is nearly 0/1 with P(1) = probs, and
    RelaxedOneHotCategorical nearly one-hot with the categorical's frequencies."""
    D = aw.distributions
    aw.manual_seed(4)
    s = D.RelaxedBernoulli(aw.tensor(0.05), aw.tensor([0.2, 0.7])).sample((20000,)).numpy()
    assert ((s < 0.01) | (s > 0.99)).mean() > 0.9
    np.testing.assert_allclose((s > 0.5).mean(0), [0.2, 0.7], atol=0.015)
    probs = aw.tensor([0.1, 0.6, 0.3])
    oh = D.RelaxedOneHotCategorical(aw.tensor(0.05), probs).sample((20000,)).numpy()
    assert (oh.max(-1) > 0.99).mean() > 0.85
    np.testing.assert_allclose(np.bincount(oh.argmax(-1), minlength=3) / 20000, probs, atol=0.015)


ERROR_CASES = [
    "D.FisherSnedecor(0.0, 1.0)",
    "D.FisherSnedecor(1.0, torch.tensor([1.0, -2.0]))",
    "D.FisherSnedecor(1.0, 2.0).log_prob(torch.tensor([-1.0]))",
    "D.Kumaraswamy(0.0, 1.0)",
    "D.Kumaraswamy(1.0, -1.0)",
    "D.Kumaraswamy(1.0, 2.0).log_prob(torch.tensor([1.5]))",
    "D.ContinuousBernoulli()",
    "D.ContinuousBernoulli(0.3, 0.0)",
    "D.ContinuousBernoulli(1.5, validate_args=True)",
    "D.ContinuousBernoulli(torch.tensor([0.5, -0.1]), validate_args=False)",
    "D.ContinuousBernoulli(logits=float('nan'))",
    "D.ContinuousBernoulli(0.3).log_prob(torch.tensor([1.5]))",
    "D.RelaxedBernoulli(torch.tensor(0.5))",
    "D.RelaxedBernoulli(torch.tensor(0.5), 1.5)",
    "D.RelaxedBernoulli(torch.tensor(0.5), 0.5).log_prob(torch.tensor([1.5]))",
    "D.RelaxedOneHotCategorical(torch.tensor(0.5))",
    "D.RelaxedOneHotCategorical(torch.tensor(0.5), torch.tensor([0.5, -0.5]))",
    "D.RelaxedOneHotCategorical(torch.tensor(0.5), torch.tensor([0.5, 0.5])).log_prob(torch.tensor([0.5, 0.6]))",
    "D.MixtureSameFamily(D.Normal(0.0, 1.0), D.Normal(torch.zeros(2), 1.0))",
    "D.MixtureSameFamily(D.Categorical(torch.ones(2)), 'normal')",
    "D.MixtureSameFamily(D.Categorical(torch.ones(3)), D.Normal(torch.zeros(2), 1.0))",
    "D.MixtureSameFamily(D.Categorical(torch.ones(3, 2)), D.Normal(torch.zeros(4, 2), 1.0))",
    "D.MixtureSameFamily(D.Categorical(torch.ones(2)), D.Gamma(torch.ones(2), 1.0)).log_prob(torch.tensor([-1.0]))",
    "D.MixtureSameFamily(D.Categorical(torch.ones(2)), D.Normal(torch.zeros(2), 1.0)).rsample()",
    "D.kl_divergence(D.ContinuousBernoulli(0.3), D.Beta(1.0, 2.0))",
    "D.kl_divergence(D.ContinuousBernoulli(0.3), D.Gamma(1.0, 2.0))",
]


@pytest.mark.parametrize("code", ERROR_CASES)
def test_errors_match_pytorch(code):
    _raises_like_torch(code)
