"""Geometric, Multinomial, NegativeBinomial, Weibull and Pareto against PyTorch, with their
KL pairs.

As in ``test_distributions``: values, printing, shapes and errors must agree with PyTorch's;
gradients against PyTorch's and finite differences. Geometric, Multinomial, Weibull and
Pareto sample from PyTorch's own stream (seeded samples equal); NegativeBinomial draws with
numpy's gamma and Poisson samplers and is checked by its frequencies.
"""

import numpy as np
import pytest

import autograd_widgets as aw
from tests._distribution_oracle import oracle_tests
from tests._oracle import require_torch
from tests.test_distributions import _raises_like_torch

pytestmark = pytest.mark.oracle

SETUP = """
D = torch.distributions
f64 = torch.float64
q3 = torch.tensor([0.2, 0.5, 1.0], dtype=f64)
l3 = torch.tensor([-1.0, 0.0, 3.0], dtype=f64)
k3 = torch.tensor([0.0, 2.0, 5.0], dtype=f64)
x3 = torch.tensor([0.3, 1.5, 4.0], dtype=f64)
u3 = torch.tensor([0.1, 0.5, 0.95], dtype=f64)
scale = torch.tensor([1.0, 0.3, 2.5], dtype=f64)
conc = torch.tensor([0.5, 1.0, 4.0], dtype=f64)
ge = D.Geometric(q3)
gel = D.Geometric(logits=l3)
p = torch.tensor([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]], dtype=f64)
mu = D.Multinomial(6, p)
mul = D.Multinomial(4, logits=torch.tensor([1.0, -2.0, 0.5]))
nb = D.NegativeBinomial(torch.tensor([1.0, 2.5, 10.0], dtype=f64), torch.tensor([0.2, 0.5, 0.9], dtype=f64))
nbl = D.NegativeBinomial(3, logits=l3)
we = D.Weibull(scale, conc)
pa = D.Pareto(scale, torch.tensor([0.5, 1.5, 3.0], dtype=f64))
"""

VALUE_CASES = [
    # Geometric
    "ge.log_prob(k3), ge.entropy(), ge.mean, ge.mode, ge.variance, ge.stddev",
    "gel.log_prob(k3), gel.probs, gel.entropy(), gel.mean, ge.logits",
    "D.Geometric(q3).log_prob(torch.tensor([0.0, 0.0, 0.0], dtype=f64)), D.Geometric(0.3).log_prob(torch.tensor(2.0))",
    "repr(ge), repr(gel), repr(D.Geometric(0.3)), repr(ge.support), ge.expand((2, 3)).log_prob(k3), gel.expand((2, 3)).batch_shape",
    # Multinomial
    "mu.log_prob(torch.tensor([[1.0, 2.0, 3.0], [6.0, 0.0, 0.0]], dtype=f64)), mu.entropy(), mu.mean, mu.variance",
    "mul.log_prob(torch.tensor([0.0, 1.0, 3.0])), mul.entropy(), mul.probs, mul.logits, mul.param_shape",
    "repr(mu), repr(mu.support), mu.batch_shape, mu.event_shape, mu.expand((4, 2)).batch_shape, mu.expand((4, 2)).log_prob(torch.ones(3, dtype=f64))",
    "D.Multinomial(3, torch.tensor([0.0, 1.0])).log_prob(torch.tensor([0.0, 3.0])), D.Multinomial(probs=torch.tensor([0.3, 0.7])).total_count",
    "mu.support.upper_bound, mu.support.event_dim, mu.support.is_discrete",
    # NegativeBinomial
    "nb.log_prob(k3), nb.mean, nb.mode, nb.variance, nb.logits, nb.param_shape",
    "nbl.log_prob(k3), nbl.probs, nbl.mean, nbl.mode, nbl.variance",
    "D.NegativeBinomial(torch.tensor([0.0, 2.0]), 0.5).log_prob(torch.tensor([0.0, 0.0])), D.NegativeBinomial(0.0, 0.5).log_prob(torch.tensor(0.0))",
    "repr(nb), repr(nbl), repr(D.NegativeBinomial(3.0, 0.2)), [repr(c) for c in D.NegativeBinomial.arg_constraints.values()]",
    "nb.expand((2, 3)).log_prob(k3), nb.expand((2, 3)).batch_shape, repr(nb.support)",
    # Weibull
    "we.log_prob(x3), we.cdf(x3), we.icdf(u3), we.entropy(), we.mean, we.mode, we.variance",
    "repr(we), repr(D.Weibull(1.0, 2.0)), repr(we.support), we.batch_shape, we.expand((2, 3)).log_prob(x3), we.concentration_reciprocal",
    "D.Weibull(2.0, 1.5).log_prob(torch.tensor(1.0)), D.Weibull(2.0, 1.5).mean, D.Weibull(torch.tensor([1.0, 2.0]), 3.0).variance",
    # Pareto
    "pa.log_prob(x3 + 2.5), pa.cdf(x3 + 2.5), pa.icdf(u3), pa.entropy(), pa.mean, pa.mode, pa.variance",
    "repr(pa), repr(D.Pareto(1.0, 2.0)), repr(pa.support), repr(D.Pareto(1.0, 2.0).support), pa.expand((2, 3)).log_prob(x3 + 2.5)",
    "D.Pareto(1.0, 2.0).log_prob(torch.tensor(3.0)), D.Pareto(torch.tensor([1.0, 2.0]), 3.0).mean, pa.expand((2, 3)).batch_shape",
    # KL divergences
    "D.kl_divergence(D.Geometric(u3), D.Geometric(logits=l3)), D.kl_divergence(ge, ge)",
    "D.kl_divergence(pa, D.Pareto(u3, x3)), D.kl_divergence(D.Pareto(u3, x3), pa)",
    "D.kl_divergence(pa, D.Exponential(x3)), D.kl_divergence(pa, D.Gamma(x3, u3)), D.kl_divergence(pa, D.Normal(x3, u3))",
    "D.kl_divergence(D.Uniform(x3, x3 + 1), pa), D.kl_divergence(D.Uniform(u3, x3 + 1), pa)",
    "D.kl_divergence(pa, D.Uniform(-x3, x3)), D.kl_divergence(pa, D.Beta(x3, u3)), D.kl_divergence(D.Normal(x3, u3), pa)",
    "D.kl_divergence(D.Exponential(x3), pa), D.kl_divergence(D.Gamma(x3, u3), pa), D.kl_divergence(D.Beta(x3, u3), pa)",
    "D.kl_divergence(D.Laplace(x3, u3), pa), D.kl_divergence(D.Gumbel(x3, u3), pa)",
]  # fmt: skip

SAMPLE_CASES = [
    "ge.sample((3,))",
    "D.Geometric(torch.tensor([0.1, 0.9])).sample((5,))",
    "mu.sample()",
    "mu.sample((3,))",
    "D.Multinomial(10, torch.tensor([0.2, 0.3, 0.5])).sample((2,))",
    "we.sample((3,))",
    "D.Weibull(torch.tensor([1.0, 2.0]), 0.7).rsample((4,))",
    "pa.sample((3,))",
    "D.Pareto(2.0, torch.tensor([1.0, 3.0])).rsample((4,))",
]


# --- gradients ---------------------------------------------------------------------------------
GRAD_CASES = [
    ("Geometric log_prob and entropy (probs)", "q=[0.2, 0.5, 0.9]",
     "(D.Geometric(q).log_prob(torch.tensor([0.0, 2.0, 5.0], dtype=f64)) + D.Geometric(q).entropy() + D.Geometric(q).variance).sum()"),
    ("Geometric log_prob and KL (logits)", "l=[-1.0, 0.0, 3.0]",
     "(D.Geometric(logits=l).log_prob(torch.tensor([0.0, 2.0, 5.0], dtype=f64))"
     " + D.kl_divergence(D.Geometric(logits=l), D.Geometric(torch.tensor(0.3, dtype=f64)))).sum()"),
    ("Multinomial log_prob and entropy", "l=[[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]]",
     "(D.Multinomial(5, logits=l).log_prob(torch.tensor([1.0, 0.0, 4.0], dtype=f64)) + D.Multinomial(5, logits=l).entropy()).sum()"),
    ("NegativeBinomial log_prob and moments", "n=[1.0, 2.5, 10.0]; q=[0.2, 0.5, 0.9]",
     "(D.NegativeBinomial(n, q).log_prob(torch.tensor([0.0, 2.0, 5.0], dtype=f64)) + D.NegativeBinomial(n, q).mean + D.NegativeBinomial(n, q).variance).sum()"),
    ("NegativeBinomial log_prob (logits)", "n=[1.0, 2.5, 10.0]; l=[-1.0, 0.0, 3.0]",
     "D.NegativeBinomial(n, logits=l).log_prob(torch.tensor([0.0, 2.0, 5.0], dtype=f64)).sum()"),
    ("Weibull log_prob, cdf, icdf, entropy", "s=[1.0, 0.3, 2.5]; c=[0.5, 1.0, 4.0]",
     "(D.Weibull(s, c).log_prob(torch.tensor([0.3, 1.5, 4.0], dtype=f64)) + D.Weibull(s, c).cdf(torch.tensor([0.3, 1.5, 4.0], dtype=f64))"
     " + D.Weibull(s, c).icdf(torch.tensor([0.1, 0.5, 0.95], dtype=f64)) + D.Weibull(s, c).entropy()).sum()"),
    ("Weibull rsample and moments", "s=[1.0, 0.3, 2.5]; c=[1.5, 2.0, 4.0]",
     "(D.Weibull(s, c).rsample((3,)).sum(0) + D.Weibull(s, c).mean + D.Weibull(s, c).variance + D.Weibull(s, c).mode).sum()"),
    ("Pareto log_prob, cdf, entropy, moments", "s=[1.0, 0.3, 2.5]; a=[2.5, 3.5, 3.0]",
     "(D.Pareto(s, a).log_prob(torch.tensor([1.3, 1.5, 4.0], dtype=f64)) + D.Pareto(s, a).cdf(torch.tensor([1.3, 1.5, 4.0], dtype=f64))"
     " + D.Pareto(s, a).entropy() + D.Pareto(s, a).mean + D.Pareto(s, a).variance).sum()"),
    ("Pareto rsample and KL", "s=[1.0, 0.3]; a=[1.5, 3.0]",
     "D.Pareto(s, a).rsample((3,)).log().sum() + D.kl_divergence(D.Pareto(s, a), D.Pareto(torch.tensor(0.2, dtype=f64), a.flip(0))).sum()"
     " + (D.kl_divergence(D.Pareto(s, a), D.Exponential(a)) + D.kl_divergence(D.Pareto(s, a), D.Gamma(a, s))).sum()"),
    ("KL of Pareto and Normal, Uniform and Pareto", "s=[1.0, 0.3]; a=[2.5, 3.0]",
     "(D.kl_divergence(D.Pareto(s, a), D.Normal(a, s)) + D.kl_divergence(D.Uniform(s + 0.1, s + a), D.Pareto(s, a))).sum()"),
]  # fmt: skip

TRIGAMMA = {"Multinomial log_prob and entropy", "NegativeBinomial log_prob and moments",
            "NegativeBinomial log_prob (logits)", "Pareto rsample and KL"}  # fmt: skip

globals().update(oracle_tests(SETUP, VALUE_CASES, SAMPLE_CASES, GRAD_CASES, TRIGAMMA))


# --- sampling ----------------------------------------------------------------------------------
def test_negative_binomial_frequencies_follow_log_prob():
    """The frequency of each count against ``exp(log_prob)`` (PyTorch's values), per batch
    element; a Poisson of the same mean (what a sampler that forgot the gamma would draw)
    fails the same bound."""
    torch = require_torch()
    n = 40000
    total = [1.0, 2.5, 10.0]
    probs = [0.2, 0.5, 0.7]
    aw.manual_seed(5)
    s = aw.distributions.NegativeBinomial(aw.tensor(total), aw.tensor(probs)).sample((n,))
    assert s.shape == (n, 3) and s.dtype == aw.float32 and s.grad_fn is None
    values = s.numpy()
    assert (values == np.round(values)).all() and (values >= 0).all()
    ks = torch.arange(0.0, 30.0).unsqueeze(-1)
    pmf = torch.distributions.NegativeBinomial(torch.tensor(total), torch.tensor(probs))
    want = pmf.log_prob(ks).exp().numpy()
    got = np.stack([(values == k).mean(0) for k in range(30)])
    np.testing.assert_allclose(got, want, atol=0.008)
    poisson = torch.distributions.Poisson(pmf.mean).log_prob(ks).exp().numpy()
    assert np.abs(poisson - want).max(0).min() > 0.02
    np.testing.assert_allclose(values.mean(0), pmf.mean.numpy(), rtol=0.03)
    np.testing.assert_allclose(values.var(0), pmf.variance.numpy(), rtol=0.06)


def test_sample_shapes_and_dtypes():
    D = aw.distributions
    q = aw.tensor([[0.3, 0.6]], dtype=aw.float64, requires_grad=True)
    assert D.Geometric(q).sample((4,)).shape == (4, 1, 2)
    assert D.Geometric(q).sample().dtype == aw.float64
    assert not D.Geometric(q).sample().requires_grad
    m = D.Multinomial(5, aw.tensor([[0.2, 0.8], [0.5, 0.5]]))
    assert m.sample((3,)).shape == (3, 2, 2) and m.sample().dtype == aw.float32
    assert (m.sample((7,)).sum(-1) == 5).all()
    assert (
        D.NegativeBinomial(aw.tensor([2.0], dtype=aw.float64), 0.5).sample((3,)).dtype == aw.float64
    )
    w = D.Weibull(aw.tensor([1.0, 2.0], requires_grad=True), 1.5)
    assert w.rsample((2,)).grad_fn is not None and w.sample().grad_fn is None


ERROR_CASES = [
    "D.Geometric()",
    "D.Geometric(0.3, 0.0)",
    "D.Geometric(0.0)",
    "D.Geometric(torch.tensor([0.5, 0.0, 0.2]))",
    "D.Geometric(1.5)",
    "D.Geometric(0.5).log_prob(torch.tensor([1.5]))",
    "D.Geometric(0.5).log_prob(torch.tensor([-1.0]))",
    "D.Multinomial(2.5, torch.tensor([0.5, 0.5]))",
    "D.Multinomial(3, torch.tensor([0.5, -0.5]))",
    "D.Multinomial(3)",
    "D.Multinomial(3, torch.tensor([0.5, 0.5])).log_prob(torch.tensor([4.0, 0.0]))",
    "D.Multinomial(3, torch.tensor([0.5, 0.5])).log_prob(torch.tensor([-1.0, 2.0]))",
    "D.Multinomial(3, torch.tensor([0.5, 0.5])).log_prob(torch.tensor([1.0, 1.0, 1.0]))",
    "D.NegativeBinomial(3.0)",
    "D.NegativeBinomial(-1.0, 0.5)",
    "D.NegativeBinomial(3.0, 1.0)",
    "D.NegativeBinomial(3.0, 0.5).log_prob(torch.tensor([0.5]))",
    "D.Weibull(1.0, 0.0)",
    "D.Weibull(-1.0, 1.0)",
    "D.Weibull(1.0, 2.0).log_prob(torch.tensor([-1.0]))",
    "D.Pareto(0.0, 1.0)",
    "D.Pareto(1.0, -1.0)",
    "D.Pareto(2.0, 1.0).log_prob(torch.tensor([1.0]))",
    "D.kl_divergence(D.Geometric(0.5), D.Poisson(1.0))",
    "D.kl_divergence(D.Weibull(1.0, 2.0), D.Exponential(1.0))",
    "D.kl_divergence(D.Weibull(1.0, 2.0), D.Weibull(2.0, 2.0))",
]


@pytest.mark.parametrize("code", ERROR_CASES)
def test_errors_match_pytorch(code):
    _raises_like_torch(code)
