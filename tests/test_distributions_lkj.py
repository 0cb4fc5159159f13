"""LKJCholesky against PyTorch (log_prob and its gradients, shapes, printing, errors), its
``corr_cholesky`` constraint, and its onion-method sampler by the distribution of the
correlations it produces."""

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets.distributions.lkj_cholesky import _mvlgamma
from tests._distribution_oracle import _ks_statistic, oracle_tests
from tests._oracle import require_torch
from tests.test_distributions import _raises_like_torch

pytestmark = pytest.mark.oracle

SETUP = """
D = torch.distributions
f64 = torch.float64
corr = torch.tensor([[1.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 1.0]], dtype=f64)
L = torch.linalg.cholesky(corr)
lkj = D.LKJCholesky(3, torch.tensor([0.5, 1.0, 4.0], dtype=f64))
lkj2 = D.LKJCholesky(2, 2.0)
"""

VALUE_CASES = [
    "lkj.log_prob(L), lkj.batch_shape, lkj.event_shape, lkj.concentration",
    "lkj2.log_prob(torch.tensor([[1.0, 0.0], [0.6, 0.8]])), lkj2.batch_shape, lkj2.event_shape",
    "D.LKJCholesky(4, 1.5).log_prob(torch.eye(4)), D.LKJCholesky(5).log_prob(torch.eye(5, dtype=f64))",
    "repr(lkj), repr(lkj2), repr(lkj.support), lkj.has_rsample, lkj.support.event_dim",
    "lkj.expand((2, 3)).batch_shape, lkj.expand((2, 3)).log_prob(L), lkj.expand((2, 3)).dim",
    "lkj.sample((4,)).shape, lkj.sample().dtype, lkj2.sample((2,)).shape, lkj2.sample().dtype",
    "D.constraints.corr_cholesky.check(torch.stack([L, L * 1.1, L.mT, torch.eye(3, dtype=f64)]))",
    "D.constraints.corr_cholesky.check(lkj.sample((5,))), D.constraints.corr_cholesky.check(lkj2.sample((5,)))",
]  # fmt: skip

GRAD_CASES = [
    ("LKJCholesky log_prob in the concentration and the factor", "c=[0.5, 1.0, 4.0]; m=[[1.0, 0.0, 0.0], [0.3, 0.9539392014169457, 0.0], [0.1, -0.24112, 0.9654]]",
     "D.LKJCholesky(3, c, validate_args=False).log_prob(m).sum()"),
]  # fmt: skip

globals().update(oracle_tests(SETUP, VALUE_CASES, [], GRAD_CASES))


def test_mvlgamma_is_torchs():
    torch = require_torch()
    a = np.array([0.6, 1.5, 3.0, 10.25])
    for p in (1, 2, 4):
        want = torch.mvlgamma(torch.tensor(a + p), p).numpy()
        got = _mvlgamma(aw.tensor(a + p), p).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-12)


def _correlations(module, dim, eta, n, seed):
    module.manual_seed(seed)
    d = module.distributions.LKJCholesky(dim, module.tensor(eta, dtype=module.float64))
    L = d.sample((n,)).numpy()
    return L @ np.swapaxes(L, -1, -2)


@pytest.mark.parametrize(("dim", "eta", "wrong_eta"), [(3, 2.0, 1.3), (4, 0.7, 1.2)])
def test_sampled_correlations_follow_pytorchs_sampler(dim, eta, wrong_eta):
    """KS tests of each sampled correlation against PyTorch's sampler (with a control at
    another eta that must fail). PyTorch's onion sampler draws row ``i >= 2``'s squared
    length from ``Beta(i - 1/2, ...)`` where the LKJ law needs ``Beta(i / 2, ...)``, so its
    later rows are not LKJ-distributed; ours draws what PyTorch draws. Row 1 is right in
    both: its correlation is ``2 B - 1`` with ``B ~ Beta(a, a)``, ``a = eta - 1 + dim / 2``."""
    torch = require_torch()
    n = 20000
    ours = _correlations(aw, dim, eta, n, seed=13)
    assert ours.shape == (n, dim, dim)
    np.testing.assert_allclose(np.diagonal(ours, axis1=-2, axis2=-1), 1.0, atol=1e-12)
    theirs = _correlations(torch, dim, eta, n, seed=14)
    other = _correlations(torch, dim, wrong_eta, n, seed=15)
    bound = 1.95 * np.sqrt(2 / n)
    for i, j in ((1, 0), (dim - 1, 0), (dim - 1, dim - 2)):
        assert _ks_statistic(ours[:, i, j], theirs[:, i, j]) < bound
        assert _ks_statistic(ours[:, i, j], other[:, i, j]) > bound
    a = eta - 1 + dim / 2
    law = 2 * torch.distributions.Beta(a, a).sample((n,)).double().numpy() - 1
    assert _ks_statistic(ours[:, 1, 0], law) < bound


ERROR_CASES = [
    "D.LKJCholesky(1)",
    "D.LKJCholesky(3, 0.0)",
    "D.LKJCholesky(3, torch.tensor([1.0, -1.0]))",
    "D.LKJCholesky(2).log_prob(torch.tensor([[1.0, 0.0], [0.6, 0.6]]))",
    "D.LKJCholesky(2).log_prob(torch.tensor([[1.0, 0.5], [0.0, 1.0]]))",
    "D.LKJCholesky(2).log_prob(torch.eye(3))",
    "D.LKJCholesky(2).rsample()",
    "D.LKJCholesky(2).entropy()",
]


@pytest.mark.parametrize("code", ERROR_CASES)
def test_errors_match_pytorch(code):
    _raises_like_torch(code)
