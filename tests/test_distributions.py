"""``torch.distributions`` against PyTorch: values, gradients, samples, errors and printing.

Each case is code run twice, with ``torch`` bound to PyTorch and to autograd_widgets, after
``manual_seed(0)``. Values (log_prob, entropy, moments, KL) must agree to rounding; seeded
samples must be PyTorch's (``normal``, ``rand``, ``exponential_``, ``bernoulli`` and
``multinomial`` reproduce its stream: float64 exactly, float32 to the last bit);
gradients of losses built on ``rsample``, ``log_prob`` and ``kl_divergence`` must agree
with PyTorch's and with finite differences; errors must have PyTorch's type and text.
"""

import math

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch

pytestmark = pytest.mark.oracle

SETUP = """
D = torch.distributions
f64 = torch.float64
loc = torch.tensor([0.5, -1.0, 2.0], dtype=f64)
scale = torch.tensor([1.0, 0.3, 2.5], dtype=f64)
n = D.Normal(loc, scale)
m = D.Normal(torch.tensor([0.0, -0.5, 1.0], dtype=f64), torch.tensor([2.0, 0.3, 1.0], dtype=f64))
p = torch.tensor([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]], dtype=f64)
c = D.Categorical(probs=p)
cl = D.Categorical(logits=torch.tensor([[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]], dtype=f64))
b = D.Bernoulli(probs=torch.tensor([0.2, 0.5, 0.9], dtype=f64))
bl = D.Bernoulli(logits=torch.tensor([-1.0, 0.0, 3.0], dtype=f64))
u = D.Uniform(torch.tensor([0.0, -1.0], dtype=f64), torch.tensor([1.0, 3.0], dtype=f64))
e = D.Exponential(torch.tensor([0.5, 2.0], dtype=f64))
oh = D.OneHotCategorical(probs=p)
ind = D.Independent(D.Normal(torch.zeros(2, 3, dtype=f64), torch.ones(2, 3, dtype=f64) * 1.5), 1)
"""

VALUE_CASES = [
    # Normal
    "n.log_prob(torch.tensor([0.0, 1.0, -2.0], dtype=f64))",
    "n.log_prob(torch.zeros(4, 3, dtype=f64))",
    "n.entropy()",
    "n.mean, n.mode, n.variance, n.stddev",
    "n.cdf(torch.tensor([0.0, 1.0, -2.0], dtype=f64))",
    "n.icdf(torch.tensor([0.5, 0.975, 0.01], dtype=f64))",
    "n.perplexity()",
    "D.Normal(0.0, 1.0).log_prob(torch.tensor(0.3))",
    "D.Normal(torch.zeros(2, 1), torch.ones(3)).batch_shape",
    "D.Normal(1.0, 2.0).entropy()",
    "D.Normal(1.0, 2.0).batch_shape, D.Normal(1.0, 2.0).event_shape, D.Normal(1.0, 2.0).loc.dtype",
    "D.Normal(torch.tensor([1.0], dtype=f64), 2.0).scale.dtype",
    "n.expand((4, 3)).log_prob(torch.zeros(4, 3, dtype=f64))",
    "n.expand(torch.Size([2, 3])).batch_shape",
    # Bernoulli (probs and logits), with the lazy other parameter
    "b.log_prob(torch.tensor([1.0, 0.0, 1.0], dtype=f64))",
    "b.entropy(), b.mean, b.variance, b.mode",
    "b.logits",
    "bl.probs, bl.entropy(), bl.log_prob(torch.tensor([0.0, 1.0, 1.0], dtype=f64))",
    "D.Bernoulli(0.3).log_prob(torch.tensor([0.0, 1.0]))",
    "D.Bernoulli(probs=torch.tensor([0.0, 1.0])).entropy()",
    "b.enumerate_support()",
    "b.enumerate_support(expand=False)",
    "b.param_shape, b.batch_shape, b.event_shape",
    # Categorical: probs normalised, logits normalised (logsumexp == 0)
    "c.probs, c.logits",
    "cl.probs, cl.logits",
    "D.Categorical(probs=torch.tensor([1.0, 2.0, 5.0])).probs",
    "D.Categorical(logits=torch.tensor([1.0, 2.0, 5.0])).logits",
    "c.log_prob(torch.tensor([2, 0]))",
    "c.log_prob(torch.tensor([[2, 0], [1, 1], [0, 2]]))",
    "cl.log_prob(torch.tensor([1]))",
    "c.entropy(), cl.entropy()",
    "D.Categorical(probs=torch.tensor([0.0, 0.5, 0.5])).entropy()",
    "c.mean, c.variance, c.mode",
    "c.enumerate_support(), c.enumerate_support(False)",
    "c.batch_shape, c.event_shape, c.param_shape",
    "c.expand((4, 2)).log_prob(torch.tensor([2, 0]))",
    "cl.expand((3, 2)).probs, cl.expand((3, 2)).batch_shape, repr(cl.expand((3, 2)))",
    "bl.expand((2, 3)).logits, b.expand((2, 3)).entropy(), repr(b.expand((2, 3)))",
    "oh.expand((4, 2)).sample().shape, ind.expand((5, 2)).batch_shape, e.expand((3, 2)).rate",
    # Uniform, Exponential
    "u.log_prob(torch.tensor([0.5, 2.0], dtype=f64))",
    "u.log_prob(torch.tensor([[0.5, 2.0], [0.9, -0.5]], dtype=f64))",
    "u.entropy(), u.mean, u.variance, u.stddev, u.mode",
    "u.cdf(torch.tensor([0.5, 2.0], dtype=f64)), u.icdf(torch.tensor([0.5, 0.25], dtype=f64))",
    "D.Uniform(0.0, 2.0).log_prob(torch.tensor(1.0))",
    "e.log_prob(torch.tensor([0.5, 2.0], dtype=f64)), e.entropy()",
    "e.mean, e.variance, e.stddev, e.mode",
    "e.cdf(torch.tensor([0.5, 2.0], dtype=f64)), e.icdf(torch.tensor([0.5, 0.25], dtype=f64))",
    # Independent and OneHotCategorical
    "ind.batch_shape, ind.event_shape, ind.log_prob(torch.ones(2, 3, dtype=f64)), ind.entropy()",
    "ind.mean, ind.variance, ind.has_rsample",
    "oh.batch_shape, oh.event_shape, oh.probs, oh.logits, oh.mean, oh.variance, oh.mode",
    "oh.log_prob(torch.tensor([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]], dtype=f64)), oh.entropy()",
    "oh.enumerate_support()",
    # KL divergences
    "D.kl_divergence(n, m), D.kl.kl_divergence(m, n)",
    "D.kl_divergence(b, bl), D.kl_divergence(bl, b)",
    "D.kl_divergence(D.Bernoulli(torch.tensor([0.0, 1.0, 0.3])), D.Bernoulli(torch.tensor([0.5, 1.0, 0.0])))",
    "D.kl_divergence(c, cl), D.kl_divergence(cl, c)",
    "D.kl_divergence(D.Categorical(torch.tensor([0.0, 0.5, 0.5])), D.Categorical(torch.tensor([0.2, 0.0, 0.8])))",
    "D.kl_divergence(u, D.Uniform(torch.tensor([-1.0, -2.0], dtype=f64), 4.0))",
    "D.kl_divergence(u, D.Uniform(torch.tensor([0.5, -2.0], dtype=f64), 4.0))",
    "D.kl_divergence(e, D.Exponential(torch.tensor([1.0, 1.0], dtype=f64)))",
    "D.kl_divergence(ind, D.Independent(D.Normal(torch.ones(2, 3, dtype=f64), 2.0), 1))",
    "D.kl_divergence(oh, D.OneHotCategorical(logits=torch.zeros(3, dtype=f64)))",
    # across families: infinite where q's support misses p's, closed forms otherwise
    "D.kl_divergence(n, D.Uniform(-1.0, 1.0)), D.kl_divergence(n, D.Exponential(1.0))",
    "D.kl_divergence(e, u), D.kl_divergence(e, D.Normal(torch.tensor([0.0, 1.0], dtype=f64), 2.0))",
    "D.kl_divergence(u, D.Exponential(torch.tensor([1.0, 2.0], dtype=f64)))",
    "D.kl_divergence(D.Uniform(0.5, 2.0), D.Exponential(2.0))",
    "D.kl_divergence(u, D.Normal(torch.tensor([0.0, 1.0], dtype=f64), 2.0))",
    # flags and printing
    "[d.has_rsample for d in (n, b, c, u, e, oh, ind)]",
    "[d.has_enumerate_support for d in (n, b, c, u, e, oh, ind)]",
    "[repr(d) for d in (n, b, bl, c, cl, u, e, oh, ind)]",
    "repr(D.Normal(0.0, 1.0)), repr(D.Bernoulli(0.3)), repr(D.Uniform(0.0, 1.0))",
    "repr(D.Bernoulli(probs=torch.tensor([0.5]))), repr(D.Exponential(torch.tensor([2.0])))",
    "repr(D.Normal(torch.zeros(2), 1.0).expand((3, 2)))",
    "[repr(x) for x in (n.support, b.support, c.support, u.support, e.support, oh.support)]",
    "[repr(x) for x in (ind.support, *D.Normal.arg_constraints.values())]",
    "[repr(x) for x in (*D.Categorical.arg_constraints.values(), *D.Bernoulli.arg_constraints.values())]",
    "repr(D.constraints.integer_interval(0, 4)), repr(D.constraints.greater_than_eq(1.0))",
    "D.constraints.simplex.check(p), D.constraints.real_vector.check(torch.tensor([[1.0, float('nan')]]))",
    "D.constraints.positive.event_dim, D.constraints.simplex.event_dim, D.constraints.boolean.is_discrete",
    "D.utils.logits_to_probs(torch.tensor([0.0, 1.0])), D.utils.probs_to_logits(torch.tensor([0.0, 0.5]))",
    "D.utils.probs_to_logits(torch.tensor([0.2, 0.5]), is_binary=True)",
    "D.utils.broadcast_all(1.0, torch.zeros(2, 1, dtype=f64), torch.ones(3, dtype=f64))",
    "D.utils.clamp_probs(torch.tensor([0.0, 1.0]))",
    "isinstance(n, D.ExponentialFamily), isinstance(c, D.ExponentialFamily), D.Distribution._validate_args",
]

SAMPLE_CASES = [
    "n.sample()",
    "n.sample((5,))",
    "n.sample(torch.Size([2, 4]))",
    "n.rsample((6,))",
    "D.Normal(torch.zeros(2), torch.ones(2)).sample((10,))",  # 20 float32: Box-Muller blocks
    "D.Normal(0.0, 1.0).sample((3,))",
    "D.Normal(torch.zeros(20, dtype=f64), 2.0).rsample()",
    "b.sample((4,))",
    "bl.sample()",
    "D.Bernoulli(torch.full((30,), 0.3)).sample((2,))",
    "c.sample()",
    "c.sample((6,))",
    "D.Categorical(logits=torch.zeros(5)).sample((3, 2))",
    "oh.sample((3,))",
    "u.sample((3,))",
    "u.rsample()",
    "D.Uniform(0.0, 5.0).sample((4,))",
    "e.sample((3,))",
    "D.Exponential(3.0).rsample((5,))",
    "ind.sample((2,))",
    "ind.rsample()",
]


def _plain(value, module):
    """Tensors become ``(dtype, shape, values)``; containers are walked."""
    if isinstance(value, module.Tensor):
        return ("tensor", str(value.dtype), tuple(value.shape), value.detach().tolist())
    if isinstance(value, module.dtype):
        return str(value)
    if isinstance(value, module.Size):
        return ("size", tuple(value))
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v, module) for v in value)
    return value


def _run(module, code, setup=SETUP):
    module.manual_seed(0)
    namespace = {"torch": module}
    exec(setup, namespace)
    return _plain(eval(code, namespace), module)


def _close(got, want, rtol=1e-12, atol=1e-12):
    if isinstance(want, tuple) and want[:1] == ("tensor",):
        assert got[:3] == want[:3], (got[:3], want[:3])
        np.testing.assert_allclose(np.asarray(got[3]), np.asarray(want[3]), rtol=rtol, atol=atol)
    elif isinstance(want, (tuple, list)):
        assert type(got) is type(want) and len(got) == len(want), (got, want)
        for g, w in zip(got, want):
            _close(g, w, rtol, atol)
    elif isinstance(want, float) and math.isnan(want):
        assert isinstance(got, float) and math.isnan(got)
    else:
        assert got == want


@pytest.mark.parametrize("code", VALUE_CASES)
def test_values_match_pytorch(code):
    torch = require_torch()
    want = _run(torch, code)
    got = _run(aw, code)
    # float32 values (computed by different libms): a few ulps; float64: rounding only
    _close(got, want, rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("code", SAMPLE_CASES)
def test_seeded_samples_are_pytorchs(code):
    torch = require_torch()
    want = _run(torch, code)
    got = _run(aw, code)
    _close(got, want, rtol=1e-6, atol=0)  # float32 Box-Muller: SLEEF's last bit


def test_sample_n_is_deprecated_like_pytorch():
    torch = require_torch()
    with pytest.warns(FutureWarning, match=r"Use `sample\(\(n,\)\)` instead"):
        want = _run(torch, "n.sample_n(2)")
    with pytest.warns(FutureWarning, match=r"Use `sample\(\(n,\)\)` instead"):
        got = _run(aw, "n.sample_n(2)")
    _close(got, want)


def test_categorical_samples_follow_probs():
    """Distributional check, independent of the stream: frequencies match the probs."""
    aw.manual_seed(1)
    probs = aw.tensor([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
    s = aw.distributions.Categorical(probs=probs).sample((20000,))
    assert s.shape == (20000, 2) and s.dtype == aw.int64
    freq = np.stack([np.bincount(s[:, i].numpy(), minlength=3) / 20000 for i in range(2)])
    np.testing.assert_allclose(freq, probs.numpy(), atol=0.015)
    oh = aw.distributions.OneHotCategorical(probs=probs).sample((20000,))
    assert oh.shape == (20000, 2, 3) and oh.dtype == aw.float32
    np.testing.assert_allclose(oh.mean(0).numpy(), probs.numpy(), atol=0.015)


def test_normal_samples_follow_loc_and_scale():
    aw.manual_seed(2)
    d = aw.distributions.Normal(aw.tensor([1.0, -3.0]), aw.tensor([0.5, 2.0]))
    s = d.sample((20000,)).numpy()
    np.testing.assert_allclose(s.mean(0), [1.0, -3.0], atol=0.05)
    np.testing.assert_allclose(s.std(0), [0.5, 2.0], rtol=0.03)


# --- gradients ---------------------------------------------------------------------------------
# Each case: the parameters (float64, requires_grad) and a scalar loss of them.
GRAD_CASES = [
    ("Normal rsample (VAE)", "a=[0.5, -1.0, 2.0]; s=[1.0, 0.3, 2.5]",
     "D.Normal(a, s).rsample((4,)).pow(2).sum()"),
    ("Normal log_prob", "a=[0.5, -1.0, 2.0]; s=[1.0, 0.3, 2.5]",
     "D.Normal(a, s).log_prob(torch.tensor([0.0, 1.0, -2.0], dtype=f64)).sum()"),
    ("Normal entropy", "s=[1.0, 0.3, 2.5]", "D.Normal(0.0, s).entropy().sum()"),
    ("Normal icdf", "a=[0.5, -1.0, 2.0]; s=[1.0, 0.3, 2.5]",
     "D.Normal(a, s).icdf(torch.tensor([0.5, 0.975, 0.01], dtype=f64)).sum()"),
    ("Normal KL", "a=[0.5, -1.0]; s=[1.0, 0.3]; t=[2.0, 0.7]",
     "D.kl_divergence(D.Normal(a, s), D.Normal(torch.zeros(2, dtype=f64), t)).sum()"),
    ("Bernoulli log_prob (probs)", "q=[0.2, 0.5, 0.9]",
     "D.Bernoulli(probs=q).log_prob(torch.tensor([1.0, 0.0, 1.0], dtype=f64)).sum()"),
    ("Bernoulli log_prob (logits)", "l=[-1.0, 0.0, 3.0]",
     "D.Bernoulli(logits=l).log_prob(torch.tensor([1.0, 0.0, 1.0], dtype=f64)).sum()"),
    ("Bernoulli entropy", "l=[-1.0, 0.0, 3.0]", "D.Bernoulli(logits=l).entropy().sum()"),
    ("Bernoulli KL", "q=[0.2, 0.5, 0.9]; l=[-1.0, 0.0, 3.0]",
     "D.kl_divergence(D.Bernoulli(q), D.Bernoulli(logits=l)).sum()"),
    ("Categorical log_prob (policy gradient)", "l=[[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]]",
     "(D.Categorical(logits=l).log_prob(torch.tensor([2, 1])) * torch.tensor([1.5, -0.5], dtype=f64)).sum()"),
    ("Categorical log_prob (probs)", "q=[[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]]",
     "D.Categorical(probs=q).log_prob(torch.tensor([2, 1])).sum()"),
    ("Categorical entropy", "l=[[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]]",
     "D.Categorical(logits=l).entropy().sum()"),
    ("Categorical KL", "l=[[1.0, -2.0, 0.5]]; k=[[0.3, 0.1, -0.5]]",
     "D.kl_divergence(D.Categorical(logits=l), D.Categorical(logits=k)).sum()"),
    ("Uniform rsample", "lo=[0.0, -1.0]; hi=[1.0, 3.0]",
     "D.Uniform(lo, hi).rsample((3,)).pow(2).sum()"),
    ("Uniform log_prob and KL", "lo=[0.0, -1.0]; hi=[1.0, 3.0]",
     "D.Uniform(lo, hi).log_prob(torch.tensor([0.5, 0.0], dtype=f64)).sum()"
     " + D.kl_divergence(D.Uniform(lo, hi), D.Uniform(-2.0, 5.0)).sum()"),
    ("Exponential rsample and log_prob", "r=[0.5, 2.0]",
     "D.Exponential(r).rsample((3,)).sum() + D.Exponential(r).log_prob(torch.tensor([1.0, 0.2], dtype=f64)).sum()"),
    ("Exponential KL", "r=[0.5, 2.0]; w=[1.0, 3.0]",
     "D.kl_divergence(D.Exponential(r), D.Exponential(w)).sum()"),
    ("Independent Normal (diagonal Gaussian)", "a=[[0.5, -1.0], [2.0, 0.0]]; s=[[1.0, 0.3], [2.5, 1.0]]",
     "D.Independent(D.Normal(a, s), 1).log_prob(D.Independent(D.Normal(a, s), 1).rsample()).sum()"),
    ("OneHotCategorical log_prob", "l=[1.0, -2.0, 0.5]",
     "D.OneHotCategorical(logits=l).log_prob(torch.tensor([0.0, 0.0, 1.0], dtype=f64))"),
]  # fmt: skip


def _grad_setup(params: str, extra: str = "") -> tuple[str, list]:
    names = [part.split("=")[0].strip() for part in params.split(";")]
    lines = [
        f"{name} = torch.tensor({value.strip()}, dtype=torch.float64, requires_grad=True)"
        for name, value in (map(str.strip, part.split("=", 1)) for part in params.split(";"))
    ]
    return "D = torch.distributions\nf64 = torch.float64\n" + "\n".join(lines) + extra, names


def _grads(module, params, loss, extra=""):
    setup, names = _grad_setup(params, extra)
    module.manual_seed(0)
    namespace = {"torch": module}
    exec(setup, namespace)
    value = eval(loss, namespace)
    value.backward()
    return value.item(), [namespace[n].grad.tolist() for n in names]


@pytest.mark.parametrize(("label", "params", "loss"), GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_pytorch(label, params, loss):
    torch = require_torch()
    want_value, want = _grads(torch, params, loss)
    got_value, got = _grads(aw, params, loss)
    assert got_value == pytest.approx(want_value, rel=1e-12, abs=1e-12)
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-10, atol=1e-12)


def _gradcheck(params, loss, extra=""):
    """``gradcheck`` of the loss as a function of the parameters (finite differences)."""
    setup, names = _grad_setup(params, extra)
    namespace = {"torch": aw}
    exec(setup, namespace)
    inputs = tuple(namespace[n] for n in names)

    def fn(*args):
        aw.manual_seed(0)  # the same noise for every evaluation of a sampled loss
        scope = dict(namespace, **dict(zip(names, args)))
        return eval(loss, scope)

    return aw.autograd.gradcheck(fn, inputs)


@pytest.mark.parametrize(("label", "params", "loss"), GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_finite_differences(label, params, loss):
    assert _gradcheck(params, loss)


def test_sample_has_no_graph_and_rsample_has_one():
    d = aw.distributions.Normal(aw.zeros(2, requires_grad=True), aw.ones(2, requires_grad=True))
    assert d.sample().grad_fn is None and not d.sample().requires_grad
    assert d.rsample().grad_fn is not None
    b = aw.distributions.Bernoulli(aw.full((2,), 0.3, requires_grad=True))
    assert not b.sample().requires_grad


# --- errors ------------------------------------------------------------------------------------
ERROR_CASES = [
    "D.Normal(torch.tensor([0.0, 1.0]), torch.tensor([1.0, -1.0]))",
    "D.Normal(0.0, 0.0)",
    "D.Normal(float('nan'), 1.0)",
    "D.Normal(0.0, 1.0).log_prob(1.0)",
    "D.Normal(torch.zeros(2), 1.0).log_prob(torch.zeros(3))",
    "D.Normal(torch.zeros(2), torch.ones(3))",
    "D.Normal('a', 1.0)",
    "D.Bernoulli(probs=1.5)",
    "D.Bernoulli(probs=torch.tensor([0.2, -0.1]))",
    "D.Bernoulli()",
    "D.Bernoulli(probs=0.3, logits=0.0)",
    "D.Bernoulli(probs=torch.tensor([0.5])).log_prob(torch.tensor([0.5]))",
    "D.Categorical(probs=torch.tensor([0.5, -0.25]))",
    "D.Categorical(probs=torch.tensor(1.0))",
    "D.Categorical(logits=torch.tensor(1.0))",
    "D.Categorical()",
    "D.Categorical(probs=torch.tensor([0.5, 0.5]), logits=torch.zeros(2))",
    "D.Categorical(logits=torch.tensor([0.0, float('nan')]))",
    "D.Categorical(probs=torch.tensor([[0.2, 0.8]])).log_prob(torch.tensor([2]))",
    "D.Categorical(probs=torch.tensor([[0.2, 0.8]])).log_prob(torch.tensor([0.5]))",
    "D.OneHotCategorical(probs=torch.ones(3)).log_prob(torch.tensor([1.0, 1.0, 0.0]))",
    "D.OneHotCategorical(probs=torch.ones(3)).log_prob(torch.tensor([1.0, 0.0]))",
    "D.Uniform(2.0, 1.0)",
    "D.Uniform(torch.zeros(2), torch.tensor([1.0, 0.0]))",
    "D.Uniform(0.0, 1.0).log_prob(torch.tensor([2.0]))",
    "D.Exponential(0.0)",
    "D.Exponential(torch.tensor([1.0])).log_prob(torch.tensor([-1.0]))",
    "D.Independent(D.Normal(0.0, 1.0), 1)",
    "D.Independent(D.Normal(torch.zeros(2), 1.0), 1).log_prob(torch.zeros(3))",
    "D.kl_divergence(D.Normal(0.0, 1.0), D.Bernoulli(0.5))",
    "D.kl_divergence(D.Normal(0.0, 1.0), D.Categorical(torch.ones(2)))",
    "D.kl_divergence(D.Categorical(torch.ones(2)), D.Uniform(0.0, 1.0))",
    "D.Distribution.set_default_validate_args(3)",
    "D.Uniform(torch.zeros(2), torch.ones(2)).cdf(torch.tensor([0.5, 4.0]))",
    "D.Distribution().sample()",
    "D.Normal(0.0, 1.0).enumerate_support()",
]


@pytest.mark.filterwarnings("ignore:.*does not define `arg_constraints`")
@pytest.mark.parametrize("code", ERROR_CASES)
def test_errors_match_pytorch(code):
    _raises_like_torch(code)


def _raises_like_torch(code):
    def call(module):
        namespace = {"torch": module, "D": module.distributions}
        eval(code, namespace)

    assert_raises_like_torch(call)


def test_the_base_class_says_what_it_lacks():
    with pytest.warns(UserWarning, match="does not define `arg_constraints`"):
        d = aw.distributions.Distribution()
    with pytest.raises(NotImplementedError, match=r"Distribution'> does not implement mode"):
        _ = d.mode
    assert d.batch_shape == aw.Size([]) and d.event_shape == aw.Size([])


def test_validation_can_be_turned_off():
    D = aw.distributions
    assert D.Normal(0.0, -1.0, validate_args=False).scale.item() == -1.0
    assert math.isnan(D.Normal(0.0, -1.0, validate_args=False).log_prob(aw.tensor(0.0)).item())
    D.Distribution.set_default_validate_args(False)
    try:
        assert D.Bernoulli(probs=1.5).probs.item() == 1.5
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Bernoulli(probs=1.5)


def test_register_kl_picks_the_most_specific_function():
    D = aw.distributions

    class MyNormal(D.Normal):
        pass

    assert D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0)).item() == pytest.approx(0.5)

    @D.register_kl(MyNormal, D.Normal)
    def _kl_mine(p, q):
        return aw.tensor(-1.0)

    try:
        assert D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0)).item() == -1.0
        assert D.kl_divergence(D.Normal(0.0, 1.0), MyNormal(1.0, 1.0)).item() == pytest.approx(0.5)
    finally:
        del D.kl._KL_REGISTRY[MyNormal, D.Normal]
        D.kl._KL_MEMOIZE.clear()


def test_exponential_family_entropy_and_kl_from_the_log_normalizer():
    """The generic Bregman forms give the closed forms (PyTorch's fallback for new families)."""
    D = aw.distributions
    from autograd_widgets.distributions.kl import _kl_expfamily_expfamily

    p = D.Normal(aw.tensor([0.0, 1.0], dtype=aw.float64), aw.tensor([1.0, 2.0], dtype=aw.float64))
    q = D.Normal(aw.tensor([0.5, 1.0], dtype=aw.float64), aw.tensor([2.0, 2.0], dtype=aw.float64))
    for d in (p, D.Exponential(aw.tensor([0.5, 3.0], dtype=aw.float64))):
        np.testing.assert_allclose(
            D.ExponentialFamily.entropy(d).detach().numpy(), d.entropy().numpy(), rtol=1e-12
        )
    np.testing.assert_allclose(
        _kl_expfamily_expfamily(p, q).detach().numpy(), D.kl_divergence(p, q).numpy(), rtol=1e-12
    )
