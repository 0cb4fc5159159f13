"""The distributions of VAEs, policies and Bayesian models beyond the basic ones, against
PyTorch: LogNormal, Laplace, Gamma, Beta, Dirichlet, Poisson, Binomial,
TransformedDistribution with its transforms, and their KL divergences.

Values, printing, shapes and errors are compared as in ``test_distributions``; gradients
of ``log_prob``/``entropy``/``kl_divergence``/``rsample`` against PyTorch and finite
differences. Gamma, Beta, Dirichlet, Poisson and Binomial samples are checked by their
moments (their seeded values against PyTorch's in ``test_random_sweep16``), and the implicit
gradient of a gamma sample against ``torch._standard_gamma_grad`` on the same sample values.
"""

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.test_distributions import _close, _gradcheck, _grads, _raises_like_torch, _run

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
cov = torch.tensor([[2.0, 0.5, 0.1], [0.5, 1.0, -0.3], [0.1, -0.3, 1.5]], dtype=f64)
mloc = torch.tensor([[0.0, 1.0, -1.0], [1.0, -1.0, 0.5]], dtype=f64)
mvn = D.MultivariateNormal(mloc, cov)
mvp = D.MultivariateNormal(mloc[0], precision_matrix=cov)
mvs = D.MultivariateNormal(torch.zeros(3, dtype=f64), scale_tril=torch.linalg.cholesky(cov).expand(2, 3, 3))
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
    # MultivariateNormal: the three parameterisations, batch broadcasting
    "mvn.log_prob(torch.tensor([0.5, 0.2, -0.1], dtype=f64)), mvn.entropy(), mvn.mean, mvn.mode, mvn.variance, mvn.stddev",
    "mvn.batch_shape, mvn.event_shape, mvn.scale_tril, mvn.precision_matrix, mvn.covariance_matrix.shape",
    "mvp.covariance_matrix, mvp.scale_tril, mvp.log_prob(mloc), mvp.entropy(), mvp.batch_shape",
    "mvs.log_prob(mloc), mvs.entropy(), mvs.covariance_matrix, mvs.batch_shape",
    "mvn.log_prob(torch.zeros(4, 1, 3, dtype=f64)), mvn.expand((4, 2)).log_prob(mloc), mvn.expand((4, 2)).batch_shape",
    "repr(mvn), repr(mvp), repr(mvs), repr(mvn.support), repr(mvn.expand((4, 2)))",
    "[repr(c) for c in D.MultivariateNormal.arg_constraints.values()], mvn.has_rsample",
    "D.kl_divergence(mvn, mvp), D.kl_divergence(mvp, mvs), D.kl_divergence(mvs, mvs)",
    "torch.linalg.cholesky(cov), torch.linalg.solve_triangular(torch.linalg.cholesky(cov), mloc.mT, upper=False)",
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
    "mvn.sample()",
    "mvn.rsample((3,))",
    "mvp.sample((2,))",
    "D.MultivariateNormal(torch.zeros(2), torch.eye(2)).sample((5,))",
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


# --- gradients ---------------------------------------------------------------------------------
GRAD_CASES = [
    ("LogNormal log_prob and entropy", "a=[0.5, -1.0, 2.0]; s=[1.0, 0.3, 2.5]",
     "D.LogNormal(a, s).log_prob(torch.tensor([0.3, 1.5, 4.0], dtype=f64)).sum() + D.LogNormal(a, s).entropy().sum()"),
    ("LogNormal rsample and moments", "a=[0.5, -1.0]; s=[1.0, 0.3]",
     "D.LogNormal(a, s).rsample((3,)).sum() + D.LogNormal(a, s).variance.sum() + D.LogNormal(a, s).mean.sum()"),
    ("LogNormal KL", "a=[0.5, -1.0]; s=[1.0, 0.3]",
     "D.kl_divergence(D.LogNormal(a, s), D.LogNormal(0.0, 2.0)).sum()"),
    ("Laplace log_prob, cdf, entropy", "a=[0.5, -1.0, 2.0]; s=[1.0, 0.3, 2.5]",
     "(D.Laplace(a, s).log_prob(torch.tensor([0.3, 1.5, 4.0], dtype=f64)) + D.Laplace(a, s).cdf(torch.tensor([0.3, 1.5, 4.0], dtype=f64)) + D.Laplace(a, s).entropy()).sum()"),
    ("Laplace rsample", "a=[0.5, -1.0, 2.0]; s=[1.0, 0.3, 2.5]",
     "D.Laplace(a, s).rsample((4,)).pow(2).sum()"),
    ("Laplace icdf and KL", "a=[0.5, -1.0]; s=[1.0, 0.3]; t=[2.0, 0.7]",
     "D.Laplace(a, s).icdf(torch.tensor([0.2, 0.9], dtype=f64)).sum() + D.kl_divergence(D.Laplace(a, s), D.Laplace(torch.zeros(2, dtype=f64), t)).sum()"),
    ("Gamma log_prob and entropy", "c=[0.5, 1.0, 4.0]; r=[2.0, 0.5, 1.0]",
     "(D.Gamma(c, r).log_prob(torch.tensor([0.3, 1.5, 4.0], dtype=f64)) + D.Gamma(c, r).entropy()).sum()"),
    ("Gamma KL", "c=[0.5, 1.0, 4.0]; r=[2.0, 0.5, 1.0]",
     "D.kl_divergence(D.Gamma(c, r), D.Gamma(r, c)).sum()"),
    ("Beta log_prob and entropy", "c=[0.5, 1.0, 4.0]; r=[2.0, 0.5, 1.0]",
     "(D.Beta(c, r).log_prob(torch.tensor([0.1, 0.5, 0.95], dtype=f64)) + D.Beta(c, r).entropy()).sum()"),
    ("Beta KL and moments", "c=[0.5, 1.0, 4.0]; r=[2.0, 0.5, 1.0]",
     "D.kl_divergence(D.Beta(c, r), D.Beta(r, c)).sum() + D.Beta(c, r).variance.sum() + D.Beta(c, r).mean.sum()"),
    ("Dirichlet log_prob, entropy, KL", "c=[[0.5, 1.0, 4.0], [2.0, 2.0, 3.0]]",
     "(D.Dirichlet(c).log_prob(torch.tensor([0.2, 0.3, 0.5], dtype=f64)) + D.Dirichlet(c).entropy()"
     " + D.kl_divergence(D.Dirichlet(c), D.Dirichlet(torch.ones(3, dtype=f64)))).sum()"),
    ("Poisson log_prob and KL", "r=[2.0, 0.5, 1.0]",
     "D.Poisson(r).log_prob(torch.tensor([0.0, 1.0, 3.0], dtype=f64)).sum() + D.kl_divergence(D.Poisson(r), D.Poisson(torch.tensor(1.5, dtype=f64))).sum()"),
    ("Binomial log_prob (probs)", "q=[0.2, 0.5, 0.9]",
     "D.Binomial(torch.tensor([5.0, 10.0, 1.0], dtype=f64), q).log_prob(torch.tensor([1.0, 5.0, 1.0], dtype=f64)).sum()"),
    ("Binomial log_prob, entropy, KL (logits)", "l=[-1.0, 0.0, 3.0]",
     "(D.Binomial(4, logits=l).log_prob(torch.tensor([0.0, 2.0, 4.0], dtype=f64)) + D.Binomial(4, logits=l).entropy()"
     " + D.kl_divergence(D.Binomial(4, logits=l), D.Binomial(4, torch.tensor(0.3, dtype=f64)))).sum()"),
    ("tanh-squashed policy (SAC)", "a=[0.5, -1.0, 0.2]; s=[1.0, 0.3, 0.5]",
     "(lambda d: (lambda y: d.log_prob(y).sum() + y.sum())(d.rsample((2,))))"
     "(D.TransformedDistribution(D.Normal(a, s), [T.TanhTransform(cache_size=1)]))"),
    ("MultivariateNormal rsample (covariance)", "a=[0.5, -1.0]; m=[[1.0, 0.2], [0.3, 0.8]]",
     "D.MultivariateNormal(a, m @ m.mT + torch.eye(2, dtype=f64)).rsample((3,)).pow(2).sum()"),
    ("MultivariateNormal log_prob and entropy (scale_tril)", "a=[0.5, -1.0, 0.2]; m=[[1.0, 0.0, 0.0], [0.3, 0.8, 0.0], [-0.2, 0.1, 1.5]]",
     "D.MultivariateNormal(a, scale_tril=m.tril()).log_prob(torch.tensor([[0.1, 0.5, 0.9], [1.0, 0.0, -1.0]], dtype=f64)).sum()"
     " + D.MultivariateNormal(a, scale_tril=m.tril()).entropy()"),
    ("MultivariateNormal log_prob (precision)", "a=[0.5, -1.0]; m=[[1.0, 0.2], [0.3, 0.8]]",
     "D.MultivariateNormal(a, precision_matrix=m @ m.mT + torch.eye(2, dtype=f64)).log_prob(torch.tensor([0.1, 0.5], dtype=f64))"),
    ("MultivariateNormal KL (a VAE's full-covariance posterior)", "a=[0.5, -1.0]; m=[[1.0, 0.2], [0.3, 0.8]]",
     "D.kl_divergence(D.MultivariateNormal(a, m @ m.mT + 0.5 * torch.eye(2, dtype=f64)),"
     " D.MultivariateNormal(torch.zeros(2, dtype=f64), torch.tensor([[2.0, 0.3], [0.3, 1.0]], dtype=f64)))"),
    ("affine, sigmoid and exp transforms", "a=[0.5, -1.0, 0.2]; s=[1.0, 0.3, 0.5]",
     "D.TransformedDistribution(D.Normal(a, s), [T.AffineTransform(a, s), T.SigmoidTransform()]).log_prob(torch.tensor([0.1, 0.5, 0.95], dtype=f64)).sum()"
     " + D.TransformedDistribution(D.Normal(a, s), T.ComposeTransform([T.AffineTransform(1.0, s), T.ExpTransform()])).log_prob(torch.tensor([0.3, 1.5, 4.0], dtype=f64)).sum()"),
]  # fmt: skip

GRAD_SETUP_EXTRA = "\nT = D.transforms"
# Through digamma's derivative: PyTorch's trigamma is good to about 1e-9 (ours to rounding:
# trigamma(1) is pi**2 / 6 here, 1.6449340676 there); finite differences check ours exactly.
TRIGAMMA = {"Gamma log_prob and entropy", "Gamma KL", "Beta log_prob and entropy",
            "Beta KL and moments", "Dirichlet log_prob, entropy, KL"}  # fmt: skip


@pytest.mark.parametrize(("label", "params", "loss"), GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_pytorch(label, params, loss):
    torch = require_torch()
    want_value, want = _grads(torch, params, loss, GRAD_SETUP_EXTRA)
    got_value, got = _grads(aw, params, loss, GRAD_SETUP_EXTRA)
    assert got_value == pytest.approx(want_value, rel=1e-12, abs=1e-12)
    rtol = 2e-8 if label in TRIGAMMA else 1e-10
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=rtol, atol=1e-12)


@pytest.mark.parametrize(("label", "params", "loss"), GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_finite_differences(label, params, loss):
    assert _gradcheck(params, loss, GRAD_SETUP_EXTRA)


# --- sampling: shapes, dtypes, moments; the implicit gamma gradient -------------------------------
@pytest.mark.parametrize(
    ("make", "shape", "mean", "var"),
    [
        ("D.Gamma(torch.tensor([0.3, 2.0, 9.0]), torch.tensor([1.0, 0.5, 3.0]))", (3,),
         [0.3, 4.0, 3.0], [0.3, 8.0, 1.0]),
        ("D.Beta(torch.tensor([0.5, 2.0]), torch.tensor([0.5, 5.0]))", (2,),
         [0.5, 2 / 7], [0.125, 10 / 392]),
        ("D.Dirichlet(torch.tensor([1.0, 2.0, 3.0]))", (3,), [1 / 6, 2 / 6, 3 / 6],
         [5 / 252, 8 / 252, 9 / 252]),
        ("D.Poisson(torch.tensor([0.0, 0.5, 4.0, 200.0]))", (4,), [0.0, 0.5, 4.0, 200.0],
         [0.0, 0.5, 4.0, 200.0]),
        ("D.Binomial(torch.tensor([5.0, 20.0]), torch.tensor([0.3, 0.9]))", (2,), [1.5, 18.0],
         [1.05, 1.8]),
    ],
)  # fmt: skip
def test_sample_moments(make, shape, mean, var):
    n = 40000
    aw.manual_seed(3)
    d = eval(make, {"torch": aw, "D": aw.distributions})
    s = d.sample((n,))
    assert tuple(s.shape) == (n, *shape) and s.dtype == aw.float32 and s.grad_fn is None
    values = s.numpy().astype(np.float64)
    if d.support.is_discrete:
        assert (values == np.round(values)).all()
    np.testing.assert_allclose(values.mean(0), mean, rtol=0.03, atol=0.01)
    np.testing.assert_allclose(values.var(0), var, rtol=0.05, atol=0.002)
    aw.manual_seed(3)
    again = eval(make, {"torch": aw, "D": aw.distributions}).sample((n,))
    assert (again.numpy() == s.numpy()).all()  # the library's seed makes them repeatable


def test_gamma_dirichlet_beta_sample_shapes_and_dtypes():
    D = aw.distributions
    c = aw.tensor([[1.0, 2.0]], dtype=aw.float64, requires_grad=True)
    assert D.Gamma(c, 1.0).rsample((5,)).shape == (5, 1, 2)
    assert D.Gamma(c, 1.0).rsample().dtype == aw.float64
    assert D.Dirichlet(c).rsample((4,)).shape == (4, 1, 2)
    assert D.Beta(c, c).rsample((4, 3)).shape == (4, 3, 1, 2)
    assert D.Gamma(c, 1.0).rsample().grad_fn is not None
    assert D.Gamma(c, 1.0).sample().grad_fn is None
    assert D.Beta(c, c).sample().grad_fn is None
    assert D.Poisson(aw.tensor([3.0], dtype=aw.float64)).sample((2,)).dtype == aw.float64
    tiny = D.Gamma(aw.tensor([1e-3] * 200), 1.0).sample()
    assert (tiny > 0).all()  # at least the smallest normal number, as in PyTorch


def test_gamma_rsample_node_is_pytorchs():
    torch = require_torch()
    for module in (torch, aw):
        a = module.tensor([1.5, 2.0], requires_grad=True)
        out = module.distributions.Gamma(a, 2.0).rsample()
        assert type(out.grad_fn).__name__ == "DivBackward0"
        assert type(out.grad_fn.next_functions[0][0]).__name__ == "StandardGammaBackward0"


@pytest.mark.parametrize("alpha", [0.05, 0.3, 1.0, 2.5, 10.0, 150.0])
def test_gamma_implicit_gradient_matches_pytorchs_formula(alpha):
    """d sample / d concentration at the same sample values as ``torch._standard_gamma_grad``
    (whose approximation is good to about 1e-3)."""
    torch = require_torch()
    torch.manual_seed(0)
    a = torch.full((500,), alpha, dtype=torch.float64)
    x = torch._standard_gamma(a)
    want = torch._standard_gamma_grad(a, x).numpy()
    got = aw.distributions._samplers._standard_gamma_grad(
        aw.tensor(a.numpy()), aw.tensor(x.numpy())
    ).numpy()
    np.testing.assert_allclose(got, want, rtol=2e-3, atol=1e-12)


def test_gamma_implicit_gradient_is_exact_for_the_exponential():
    """For a = 1 the CDF is ``1 - exp(-x)`` and ``dx/da`` has a closed form:
    ``-(dP/da) / p = -(P(a, x) (log x - digamma(1)) - sum ...)``; check it against the
    derivative of the inverse CDF taken with high-precision finite differences instead."""
    from autograd_widgets.distributions._samplers import _p_series, _q_fraction

    x = np.array([0.01, 0.5, 1.0, 3.0, 10.0])
    grad = aw.distributions._samplers._standard_gamma_grad_np(np.ones(5), x)
    # P(1 + h, x(h)) = P(1, x): the sample that keeps the CDF fixed moves by dx = grad * h
    h = 1e-6
    p0 = 1 - np.exp(-x)
    moved = x + grad * h
    low = moved < 2 + h
    p1 = np.where(
        low, _p_series(np.full(5, 1 + h), moved), 1 - _q_fraction(np.full(5, 1 + h), moved)
    )
    np.testing.assert_allclose(p1, p0, rtol=0, atol=1e-11)


def test_gamma_rsample_gradient_is_unbiased():
    """E[d x / d params] = d E[x] / d params: for Gamma, E[x] = c / r; for Dirichlet and
    Beta, E[x] = c / sum(c)."""
    D = aw.distributions
    aw.manual_seed(5)
    c = aw.tensor([0.4, 3.0], dtype=aw.float64, requires_grad=True)
    r = aw.tensor([2.0, 0.5], dtype=aw.float64, requires_grad=True)
    D.Gamma(c, r).rsample((40000,)).mean(0).sum().backward()
    np.testing.assert_allclose(c.grad.numpy(), 1 / r.detach().numpy(), rtol=0.03)
    np.testing.assert_allclose(r.grad.numpy(), -(c / r**2).detach().numpy(), rtol=0.03)
    k = aw.tensor([1.0, 2.0, 3.0], dtype=aw.float64, requires_grad=True)
    (
        D.Dirichlet(k).rsample((40000,)).mean(0) * aw.tensor([1.0, 0.0, 0.0], dtype=aw.float64)
    ).sum().backward()
    np.testing.assert_allclose(k.grad.numpy(), [5 / 36, -1 / 36, -1 / 36], atol=0.006)
    b1 = aw.tensor(2.0, dtype=aw.float64, requires_grad=True)
    D.Beta(b1, 3.0).rsample((40000,)).mean().backward()
    assert b1.grad.item() == pytest.approx(3 / 25, abs=0.006)


# --- errors ------------------------------------------------------------------------------------
ERROR_CASES = [
    "D.LogNormal(0.0, -1.0)",
    "D.LogNormal(0.0, 1.0).log_prob(torch.tensor([-1.0]))",
    "D.Laplace(torch.zeros(2), torch.tensor([1.0, 0.0]))",
    "D.Laplace(0.0, 1.0).log_prob(torch.tensor(float('nan')))",
    "D.Gamma(torch.tensor([1.0, -1.0]), 1.0)",
    "D.Gamma(1.0, 0.0)",
    "D.Gamma(1.0, 1.0).log_prob(torch.tensor([-0.5]))",
    "D.Beta(0.0, 1.0)",
    "D.Beta(torch.tensor([1.0, 2.0]), torch.tensor([1.0, -2.0]))",
    "D.Beta(1.0, 1.0).log_prob(torch.tensor([1.5]))",
    "D.Dirichlet(torch.tensor(1.0))",
    "D.Dirichlet(torch.tensor([1.0, -1.0]))",
    "D.Dirichlet(torch.ones(3)).log_prob(torch.tensor([0.5, 0.5, 0.5]))",
    "D.Dirichlet(torch.ones(3)).log_prob(torch.tensor([0.5, 0.5]))",
    "D.Poisson(-1.0)",
    "D.Poisson(2.0).log_prob(torch.tensor([1.5]))",
    "D.Binomial(5, 1.5)",
    "D.Binomial(torch.tensor([5.0, -1.0]), 0.5)",
    "D.Binomial(2.5, 0.5)",
    "D.Binomial(5)",
    "D.Binomial(5, 0.3, logits=0.0)",
    "D.Binomial(5, 0.3).log_prob(torch.tensor([6.0]))",
    "D.Binomial(torch.tensor([5.0, 6.0]), 0.3).entropy()",
    "D.kl_divergence(D.Binomial(5, 0.3), D.Binomial(6, 0.3))",
    "D.TransformedDistribution(D.Normal(0.0, 1.0), 'exp')",
    "D.TransformedDistribution(D.Normal(0.0, 1.0), D.transforms.AffineTransform(0.0, 1.0, event_dim=1))",
    "D.TransformedDistribution(D.Normal(0.0, 1.0), D.transforms.TanhTransform()).log_prob(torch.tensor(2.0))",
    "D.transforms.ExpTransform(cache_size=2)",
    "D.kl_divergence(D.TransformedDistribution(D.Normal(0.0, 1.0), D.transforms.TanhTransform()), D.LogNormal(0.0, 1.0))",
    "D.kl_divergence(D.Gamma(1.0, 1.0), D.Laplace(0.0, 1.0))",
    "D.transforms.Transform()(torch.zeros(1))",
    "D.MultivariateNormal(torch.tensor(0.0), torch.eye(1))",
    "D.MultivariateNormal(torch.zeros(2))",
    "D.MultivariateNormal(torch.zeros(2), torch.eye(2), scale_tril=torch.eye(2))",
    "D.MultivariateNormal(torch.zeros(2), torch.ones(2))",
    "D.MultivariateNormal(torch.zeros(2), scale_tril=torch.ones(2))",
    "D.MultivariateNormal(torch.zeros(2), torch.tensor([[1.0, 2.0], [2.0, 1.0]]))",
    "D.MultivariateNormal(torch.zeros(2), scale_tril=torch.tensor([[1.0, 0.0], [0.5, -1.0]]))",
    "D.MultivariateNormal(torch.zeros(2), torch.eye(2)).log_prob(torch.zeros(3))",
    "D.MultivariateNormal(torch.zeros(2), torch.eye(2)).log_prob(torch.tensor([0.0, float('nan')]))",
    "D.kl_divergence(D.MultivariateNormal(torch.zeros(2), torch.eye(2)), D.MultivariateNormal(torch.zeros(3), torch.eye(3)))",
    "torch.linalg.solve_triangular(torch.eye(2), torch.ones(2, 1))",
    "torch.linalg.cholesky(torch.ones(2, 3))",
    "torch.linalg.cholesky(torch.ones(3))",
]


@pytest.mark.parametrize("code", ERROR_CASES)
def test_errors_match_pytorch(code):
    _raises_like_torch(code)


def test_cholesky_of_a_matrix_that_is_not_positive_definite():
    """PyTorch raises its ``LinAlgError`` (a ``RuntimeError``); so does ours, with the same
    text."""
    torch = require_torch()
    bad = [[1.0, 2.0], [2.0, 1.0]]
    with pytest.raises(RuntimeError) as theirs:
        torch.linalg.cholesky(torch.tensor(bad))
    with pytest.raises(aw.linalg.LinAlgError) as ours:
        aw.linalg.cholesky(aw.tensor(bad))
    assert str(ours.value) == str(theirs.value)


def test_multivariate_normal_samples_follow_the_covariance():
    aw.manual_seed(4)
    cov = aw.tensor([[2.0, 0.8], [0.8, 1.0]], dtype=aw.float64)
    s = aw.distributions.MultivariateNormal(aw.tensor([1.0, -2.0], dtype=aw.float64), cov).sample(
        (40000,)
    )
    np.testing.assert_allclose(s.mean(0).numpy(), [1.0, -2.0], atol=0.03)
    np.testing.assert_allclose(np.cov(s.numpy().T), cov.numpy(), atol=0.04)
