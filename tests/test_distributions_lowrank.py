"""LowRankMultivariateNormal against PyTorch, with its KL pairs with MultivariateNormal.

As in ``test_distributions``: values, printing, shapes and errors must agree with PyTorch's;
gradients against PyTorch's and finite differences; the seeded samples are PyTorch's (the
same standard normals).
"""

import numpy as np
import pytest

import autograd_widgets as aw
from tests._distribution_oracle import oracle_tests
from tests.test_distributions import _raises_like_torch

pytestmark = pytest.mark.oracle

SETUP = """
D = torch.distributions
f64 = torch.float64
loc = torch.tensor([[0.0, 1.0, -1.0], [1.0, -1.0, 0.5]], dtype=f64)
W = torch.tensor([[1.0, 0.2], [0.3, -0.8], [-0.5, 0.4]], dtype=f64)
d = torch.tensor([0.5, 1.0, 2.0], dtype=f64)
lr = D.LowRankMultivariateNormal(loc, W, d)
lr1 = D.LowRankMultivariateNormal(torch.zeros(3, dtype=f64), W[:, :1], d)
lrb = D.LowRankMultivariateNormal(torch.zeros(3, dtype=f64), W.expand(4, 1, 3, 2), d)
cov = torch.tensor([[2.0, 0.5, 0.1], [0.5, 1.0, -0.3], [0.1, -0.3, 1.5]], dtype=f64)
mvn = D.MultivariateNormal(torch.tensor([0.5, 0.0, -0.5], dtype=f64), cov)
x = torch.tensor([0.5, 0.2, -0.1], dtype=f64)
"""

VALUE_CASES = [
    "lr.log_prob(x), lr.entropy(), lr.mean, lr.mode, lr.variance, lr.stddev",
    "lr.covariance_matrix, lr.precision_matrix, lr.scale_tril, lr._capacitance_tril",
    "lr.batch_shape, lr.event_shape, lr.cov_factor.shape, lr.cov_diag.shape, lr.loc.shape",
    "lr1.log_prob(loc), lr1.entropy(), lr1.covariance_matrix, lr1.variance",
    "lrb.batch_shape, lrb.log_prob(x).shape, lrb.entropy().shape, lrb.log_prob(loc)",
    "lr.expand((4, 2)).batch_shape, lr.expand((4, 2)).log_prob(x), lr.expand((4, 2)).cov_factor.shape",
    "repr(lr), repr(lr1), repr(lr.support), lr.has_rsample, [repr(c) for c in D.LowRankMultivariateNormal.arg_constraints.values()]",
    "lr.log_prob(torch.zeros(5, 1, 3, dtype=f64)).shape, D.MultivariateNormal(lr.loc, lr.covariance_matrix).log_prob(x) - lr.log_prob(x)",
    "D.LowRankMultivariateNormal(torch.zeros(2), torch.ones(2, 1), torch.ones(2)).log_prob(torch.tensor([0.5, -1.0]))",
    "D.kl_divergence(lr, D.LowRankMultivariateNormal(x, W.flip(0), d.flip(0))), D.kl_divergence(lr1, lr)",
    "D.kl_divergence(mvn, lr), D.kl_divergence(lr, mvn), D.kl_divergence(lrb, mvn).shape",
    "D.kl_divergence(lr, D.MultivariateNormal(torch.zeros(3, dtype=f64), lr.covariance_matrix)), D.kl_divergence(lr, lr)",
]  # fmt: skip

SAMPLE_CASES = [
    "lr.sample()",
    "lr.rsample((3,))",
    "lr1.sample((2,))",
    "D.LowRankMultivariateNormal(torch.zeros(2), torch.ones(2, 1), torch.ones(2)).sample((4,))",
]

GRAD_CASES = [
    ("LowRankMultivariateNormal log_prob and entropy", "a=[0.5, -1.0, 0.2]; w=[[1.0, 0.2], [0.3, -0.8], [-0.5, 0.4]]; v=[0.5, 1.0, 2.0]",
     "(D.LowRankMultivariateNormal(a, w, v).log_prob(torch.tensor([[0.1, 0.5, 0.9], [1.0, 0.0, -1.0]], dtype=f64))"
     " + D.LowRankMultivariateNormal(a, w, v).entropy()).sum()"),
    ("LowRankMultivariateNormal rsample (a factor-analysis VAE)", "a=[0.5, -1.0, 0.2]; w=[[1.0, 0.2], [0.3, -0.8], [-0.5, 0.4]]; v=[0.5, 1.0, 2.0]",
     "D.LowRankMultivariateNormal(a, w, v).rsample((3,)).pow(2).sum()"),
    ("LowRankMultivariateNormal matrices", "w=[[1.0, 0.2], [0.3, -0.8], [-0.5, 0.4]]; v=[0.5, 1.0, 2.0]",
     "(lambda d: d.covariance_matrix.sum() + d.precision_matrix.sum() + d.scale_tril.sum() + d.variance.sum())"
     "(D.LowRankMultivariateNormal(torch.zeros(3, dtype=f64), w, v))"),
    ("KL low-rank to low-rank", "a=[0.5, -1.0, 0.2]; w=[[1.0, 0.2], [0.3, -0.8], [-0.5, 0.4]]; v=[0.5, 1.0, 2.0]",
     "D.kl_divergence(D.LowRankMultivariateNormal(a, w, v), D.LowRankMultivariateNormal(a.flip(0), w[:, :1] * 2, v + 1))"),
    ("KL between low-rank and full", "a=[0.5, -1.0, 0.2]; w=[[1.0, 0.2], [0.3, -0.8], [-0.5, 0.4]]; v=[0.5, 1.0, 2.0]",
     "D.kl_divergence(D.LowRankMultivariateNormal(a, w, v), D.MultivariateNormal(a.flip(0), w @ w.mT + torch.eye(3, dtype=f64)))"
     " + D.kl_divergence(D.MultivariateNormal(a.flip(0), w @ w.mT + torch.eye(3, dtype=f64)), D.LowRankMultivariateNormal(a, w, v))"),
]  # fmt: skip

globals().update(oracle_tests(SETUP, VALUE_CASES, SAMPLE_CASES, GRAD_CASES))


def test_samples_follow_the_low_rank_covariance():
    aw.manual_seed(6)
    W = aw.tensor([[1.0, 0.2], [0.3, -0.8], [-0.5, 0.4]], dtype=aw.float64)
    d = aw.tensor([0.5, 1.0, 2.0], dtype=aw.float64)
    dist = aw.distributions.LowRankMultivariateNormal(aw.tensor([1.0, -2.0, 0.0]).double(), W, d)
    s = dist.sample((40000,)).numpy()
    np.testing.assert_allclose(s.mean(0), [1.0, -2.0, 0.0], atol=0.03)
    np.testing.assert_allclose(np.cov(s.T), dist.covariance_matrix.numpy(), atol=0.05)


ERROR_CASES = [
    "D.LowRankMultivariateNormal(torch.tensor(0.0), torch.ones(1, 1), torch.ones(1))",
    "D.LowRankMultivariateNormal(torch.zeros(2), torch.ones(2), torch.ones(2))",
    "D.LowRankMultivariateNormal(torch.zeros(2), torch.ones(3, 1), torch.ones(2))",
    "D.LowRankMultivariateNormal(torch.zeros(2), torch.ones(2, 1), torch.ones(3))",
    "D.LowRankMultivariateNormal(torch.zeros(4, 2), torch.ones(3, 2, 1), torch.ones(2))",
    "D.LowRankMultivariateNormal(torch.zeros(2), torch.ones(2, 1), torch.tensor([1.0, 0.0]))",
    "D.LowRankMultivariateNormal(torch.zeros(2), torch.ones(2, 1), torch.ones(2)).log_prob(torch.zeros(3))",
    "D.kl_divergence(D.LowRankMultivariateNormal(torch.zeros(2), torch.ones(2, 1), torch.ones(2)), D.LowRankMultivariateNormal(torch.zeros(3), torch.ones(3, 1), torch.ones(3)))",
    "D.kl_divergence(D.MultivariateNormal(torch.zeros(3), torch.eye(3)), D.LowRankMultivariateNormal(torch.zeros(2), torch.ones(2, 1), torch.ones(2)))",
    "D.kl_divergence(D.LowRankMultivariateNormal(torch.zeros(2), torch.ones(2, 1), torch.ones(2)), D.MultivariateNormal(torch.zeros(3), torch.eye(3)))",
]


@pytest.mark.parametrize("code", ERROR_CASES)
def test_errors_match_pytorch(code):
    _raises_like_torch(code)
