"""The distributions of VAEs, policies and Bayesian models beyond the basic ones, against
PyTorch: LogNormal, Laplace, Gamma, Beta, Dirichlet, Poisson, Binomial,
TransformedDistribution with its transforms, and their KL divergences.

Values, printing, shapes and errors are compared as in ``test_distributions``; gradients
of ``log_prob``/``entropy``/``kl_divergence``/``rsample`` against PyTorch and finite
differences. Gamma, Beta, Dirichlet, Poisson and Binomial sample with numpy's samplers (not
PyTorch's stream): their samples are checked by their moments, and the implicit gradient
of a gamma sample against ``torch._standard_gamma_grad`` on the same sample values.
"""

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch
from tests.test_distributions import _close, _grad_setup, _grads, _run

pytestmark = pytest.mark.oracle

SETUP = """
D = torch.distributions
T = D.transforms
f64 = torch.float64
loc = torch.tensor([0.5, -1.0, 2.0], dtype=f64)
scale = torch.tensor([1.0, 0.3, 2.5], dtype=f64)
ln = D.LogNormal(loc, scale)
la = D.Laplace(loc, scale)
conc = torch.tensor([0.5, 1.0, 4.0], dtype=f64)
rate = torch.tensor([2.0, 0.5, 1.0], dtype=f64)
g = D.Gamma(conc, rate)
be = D.Beta(conc, rate)
di = D.Dirichlet(torch.tensor([[0.5, 1.0, 4.0], [2.0, 2.0, 3.0]], dtype=f64))
po = D.Poisson(rate)
bi = D.Binomial(torch.tensor([5.0, 10.0, 1.0], dtype=f64), torch.tensor([0.2, 0.5, 0.9], dtype=f64))
bil = D.Binomial(4, logits=torch.tensor([-1.0, 0.0, 3.0], dtype=f64))
x3 = torch.tensor([0.3, 1.5, 4.0], dtype=f64)
u3 = torch.tensor([0.1, 0.5, 0.95], dtype=f64)
tanh_n = D.TransformedDistribution(D.Normal(loc, scale), [T.TanhTransform()])
aff = D.TransformedDistribution(D.Normal(loc, scale), [T.AffineTransform(1.0, -2.0), T.ExpTransform()])
sig = D.TransformedDistribution(D.Normal(loc, scale), T.SigmoidTransform())
"""

VALUE_CASES = [
    # LogNormal
    "ln.log_prob(x3), ln.entropy(), ln.mean, ln.mode, ln.variance, ln.stddev",
    "ln.cdf(x3), ln.icdf(u3), ln.loc, ln.scale",
    "ln.batch_shape, ln.event_shape, ln.expand((2, 3)).batch_shape, ln.expand((2, 3)).log_prob(x3)",
    "repr(ln), repr(D.LogNormal(0.0, 1.0)), repr(ln.support), ln.has_rsample",
    "D.LogNormal(0.0, 1.0).log_prob(torch.tensor(2.0)), D.LogNormal(0.0, 1.0).mean",
    # Laplace
    "la.log_prob(x3), la.entropy(), la.mean, la.mode, la.variance, la.stddev",
    "la.cdf(x3), la.icdf(u3), la.expand((2, 3)).log_prob(x3)",
    "repr(la), repr(D.Laplace(0.0, 1.0)), repr(la.expand((2, 3))), la.has_rsample",
    # Gamma
    "g.log_prob(x3), g.entropy(), g.mean, g.mode, g.variance, g.stddev",
    "g.log_prob(torch.zeros(3, dtype=f64)), D.Gamma(1.0, 2.0).log_prob(torch.tensor(0.0))",
    "repr(g), repr(D.Gamma(1.0, 1.0)), repr(g.support), g.expand((2, 3)).entropy(), g.has_rsample",
    # Beta
    "be.log_prob(u3), be.entropy(), be.mean, be.mode, be.variance",
    "be.concentration1, be.concentration0, be.batch_shape, be.expand((2, 3)).log_prob(u3)",
    "repr(be), repr(D.Beta(1.0, 2.0)), repr(be.support), D.Beta(2.0, 3.0).log_prob(torch.tensor(0.25))",
    "D.Beta(2.0, 3.0).concentration1.dtype, D.Beta(2.0, 3.0).batch_shape",
    # Dirichlet
    "di.log_prob(torch.tensor([0.2, 0.3, 0.5], dtype=f64)), di.entropy(), di.mean, di.mode, di.variance",
    "D.Dirichlet(torch.tensor([0.5, 0.8, 2.0])).mode, D.Dirichlet(torch.tensor([0.5, 0.8, 0.3])).mode",
    "di.batch_shape, di.event_shape, di.expand((4, 2)).batch_shape, repr(di), repr(di.support)",
    # Poisson
    "po.log_prob(torch.tensor([0.0, 1.0, 3.0], dtype=f64)), po.mean, po.mode, po.variance",
    "D.Poisson(torch.tensor([0.0, 1.0])).log_prob(torch.tensor([0.0, 0.0]))",
    "repr(po), repr(D.Poisson(2.0)), repr(po.support), po.expand((2, 3)).batch_shape",
    # Binomial
    "bi.log_prob(torch.tensor([1.0, 5.0, 1.0], dtype=f64)), bi.mean, bi.mode, bi.variance",
    "bil.log_prob(torch.tensor([0.0, 2.0, 4.0], dtype=f64)), bil.probs, bil.entropy()",
    "bil.enumerate_support(), bil.enumerate_support(False).shape, bil.mean, bil.variance",
    "D.Binomial(5, torch.tensor([0.0, 1.0])).log_prob(torch.tensor([0.0, 5.0]))",
    "repr(bi), repr(bil), repr(D.Binomial(5, 0.3)), repr(bi.support), bi.expand((2, 3)).batch_shape",
    "D.Binomial(probs=torch.tensor([0.3])).total_count, bil.logits, bi.logits, bil.param_shape",
    # TransformedDistribution and transforms
    "tanh_n.log_prob(torch.tensor([0.3, -0.5, 0.9], dtype=f64)), tanh_n.batch_shape, repr(tanh_n.support)",
    "aff.log_prob(torch.tensor([0.3, 1.5, 0.01], dtype=f64)), repr(aff.support), repr(aff)",
    "sig.log_prob(u3), sig.cdf(u3), sig.icdf(u3), repr(sig.support)",
    "aff.cdf(torch.tensor([0.3, 1.5, 0.01], dtype=f64)), aff.icdf(u3)",
    "tanh_n.expand((2, 3)).log_prob(torch.tensor([0.3, -0.5, 0.9], dtype=f64))",
    "[repr(t) for t in (T.ExpTransform(), T.AffineTransform(1.0, 2.0), T.SigmoidTransform(), T.TanhTransform())]",
    "repr(T.ComposeTransform([T.ExpTransform(), T.AffineTransform(0.0, 2.0)])), repr(T.ExpTransform().inv)",
    "[repr(c) for c in (T.ExpTransform().codomain, T.TanhTransform().codomain, T.SigmoidTransform().codomain, T.ExpTransform().inv.domain)]",
    "T.ExpTransform() == T.ExpTransform(), T.ExpTransform().inv.inv == T.ExpTransform(), T.ExpTransform().sign",
    "T.TanhTransform().log_abs_det_jacobian(x3, x3.tanh()), T.SigmoidTransform().log_abs_det_jacobian(x3, x3.sigmoid())",
    "T.AffineTransform(loc, scale).log_abs_det_jacobian(x3, x3), T.AffineTransform(1.0, -2.0).log_abs_det_jacobian(x3, x3)",
    "T.AffineTransform(torch.zeros(2, 1, dtype=f64), 2.0).forward_shape((3,)), T.AffineTransform(1.0, -2.0).sign",
    "T.TanhTransform().inv(u3), T.SigmoidTransform().inv(u3), T.SigmoidTransform()(x3)",
    "T.ComposeTransform([T.ExpTransform(), T.AffineTransform(1.0, 2.0)]).log_abs_det_jacobian(x3, 1 + 2 * x3.exp())",
    "D.identity_transform(x3), repr(D.identity_transform), T.ComposeTransform([T.ExpTransform()]).inv(x3)",
    "D.TransformedDistribution(D.Normal(loc, scale), []).log_prob(x3)",
    "D.TransformedDistribution(D.Independent(D.Normal(torch.zeros(2, 3, dtype=f64), 1.0), 1), T.ExpTransform()).log_prob(torch.ones(2, 3, dtype=f64))",
    "D.TransformedDistribution(D.Normal(torch.zeros(3, dtype=f64), 1.0), T.AffineTransform(0.0, 2.0, event_dim=1)).event_shape",
    "D.TransformedDistribution(D.Normal(torch.zeros(3, dtype=f64), 1.0), T.AffineTransform(0.0, 2.0, event_dim=1)).log_prob(x3)",
    "D.TransformedDistribution(D.Normal(0.0, 1.0), T.AffineTransform(torch.zeros(2, dtype=f64), 2.0)).batch_shape",
    # KL divergences
    "D.kl_divergence(g, D.Gamma(rate, conc)), D.kl_divergence(be, D.Beta(rate, conc))",
    "D.kl_divergence(la, D.Laplace(x3, u3)), D.kl_divergence(po, D.Poisson(conc))",
    "D.kl_divergence(di, D.Dirichlet(torch.tensor([1.0, 2.0, 3.0], dtype=f64)))",
    "D.kl_divergence(ln, D.LogNormal(x3, u3))",
    "D.kl_divergence(bi, D.Binomial(torch.tensor([5.0, 10.0, 1.0], dtype=f64), logits=x3))",
    "D.kl_divergence(D.Binomial(torch.tensor([5.0, 10.0]), torch.tensor([0.2, 0.5])), D.Binomial(torch.tensor([5.0, 3.0]), torch.tensor([0.3, 0.5])))",
    # flags
    "[d.has_rsample for d in (ln, la, g, be, di, po, bi, tanh_n)]",
    "[d.has_enumerate_support for d in (ln, la, g, be, di, po, bi, tanh_n)]",
    "[isinstance(d, D.ExponentialFamily) for d in (ln, la, g, be, di, po, bi)]",
    "[repr(c) for d in (ln, la, g, be, di, po, bi) for c in d.arg_constraints.values()]",
]

SAMPLE_CASES = [  # the stream-sharing ones: LogNormal (normal), Laplace (uniform_)
    "ln.sample((4,))",
    "ln.rsample()",
    "la.sample((4,))",
    "la.rsample((2,))",
    "D.Laplace(0.0, 1.0).sample((5,))",
    "tanh_n.sample((3,))",
    "aff.rsample((2,))",
]


@pytest.mark.parametrize("code", VALUE_CASES)
def test_values_match_pytorch(code):
    torch = require_torch()
    want = _run(torch, code, SETUP)
    got = _run(aw, code, SETUP)
    _close(got, want, rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("code", SAMPLE_CASES)
def test_seeded_samples_are_pytorchs(code):
    torch = require_torch()
    want = _run(torch, code, SETUP)
    got = _run(aw, code, SETUP)
    _close(got, want, rtol=1e-6, atol=0)
