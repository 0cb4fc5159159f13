"""``torch.i0`` and ``special.i0``/``i0e``/``i1``/``i1e``, ``torch.igamma``/``igammac``
(``special.gammainc``/``gammaincc``) and ``torch.mvlgamma`` (``special.multigammaln``) against
PyTorch: values over wide ranges and at the edges, dtypes, ``out=``, and errors. Gradients and
graph names are in ``tests/op_table.py``."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch

pytestmark = pytest.mark.oracle

BESSEL = ["i0", "i0e", "i1", "i1e"]
_X = [0.0, 1e-9, -1e-9, 0.5, -1.5, 3.0, 12.0, 19.99, 20.0, 20.01, 25.0, -40.0, 100.0, 700.0]
_X += [720.0, -800.0, np.inf, -np.inf, np.nan]


def _fn(m, name):
    return getattr(m.special, name)


@pytest.mark.parametrize("name", BESSEL)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_bessel_values_match_torch(name, dtype):
    torch = require_torch()
    theirs = _fn(torch, name)(torch.tensor(_X, dtype=getattr(torch, dtype)))
    ours = _fn(aw, name)(aw.tensor(_X, dtype=getattr(aw, dtype)))
    assert str(ours.dtype) == str(theirs.dtype)
    rtol = 1e-13 if dtype == "float64" else 1e-6
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=rtol, atol=0)


@pytest.mark.parametrize("name", BESSEL)
def test_bessel_of_integers_and_bools_gives_the_default_float(name):
    torch = require_torch()
    for data in ([0, 1, -3, 7], [True, False]):
        theirs = _fn(torch, name)(torch.tensor(data))
        ours = _fn(aw, name)(aw.tensor(data))
        assert str(ours.dtype) == str(theirs.dtype)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_i0_spellings_are_one_op():
    torch = require_torch()
    for m in (aw, torch):
        x = m.tensor([0.5, -2.0], requires_grad=True)
        assert type(m.i0(x).grad_fn).__name__ == "I0Backward0"
        assert type(x.i0().grad_fn).__name__ == "I0Backward0"
        assert type(m.special.i0(x).grad_fn).__name__ == "I0Backward0"
    y = aw.tensor([1.0, 2.0])
    assert y.i0_() is y
    np.testing.assert_allclose(y.numpy(), torch.tensor([1.0, 2.0]).i0_().numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", BESSEL)
def test_bessel_out(name):
    torch = require_torch()
    res = []
    for m in (aw, torch):
        out = m.empty(3)
        r = _fn(m, name)(m.tensor([0.5, -1.0, 4.0]), out=out)
        assert r is out
        res.append(out.numpy())
    np.testing.assert_allclose(res[0], res[1], rtol=1e-6)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.special.i1([1.0]),
        lambda m: m.i0(1.0),
        lambda m: m.special.i0([1.0]),
        lambda m: m.special.i0e([1.0]),
        lambda m: m.special.i0e(m.ones(2), out=m.empty(2, dtype=m.int64)),
    ],
)
def test_bessel_errors_match_torch(call):
    assert_raises_like_torch(call)


# --- incomplete gamma -------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_igamma_values_match_torch(name):
    torch = require_torch()
    rng = np.random.default_rng(7)
    a = np.concatenate([rng.uniform(0.01, 12, 300), rng.uniform(0.01, 0.5, 30)])
    x = np.concatenate([rng.uniform(0, 30, 300), rng.uniform(0, 3, 30)])
    theirs = getattr(torch, name)(torch.tensor(a), torch.tensor(x)).numpy()
    ours = getattr(aw, name)(aw.tensor(a), aw.tensor(x)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)
    # float32: the same values rounded once
    t32 = getattr(torch, name)(torch.tensor(a, dtype=torch.float32), torch.tensor(x).float())
    o32 = getattr(aw, name)(aw.tensor(a, dtype=aw.float32), aw.tensor(x).float())
    assert o32.dtype == aw.float32
    np.testing.assert_allclose(o32.numpy(), t32.numpy(), rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_igamma_edges_match_torch(name):
    torch = require_torch()
    inf, nan = np.inf, np.nan
    a = np.array([0.0, 0.0, 1.0, -1.0, 1.0, inf, 2.0, inf, 0.0, nan, 1.0, 3.0, 1e-3])
    x = np.array([0.0, 1.0, 0.0, 1.0, -1.0, 1.0, inf, inf, inf, 1.0, nan, 1e-300, 1e-3])
    theirs = getattr(torch, name)(torch.tensor(a), torch.tensor(x)).numpy()
    ours = getattr(aw, name)(aw.tensor(a), aw.tensor(x)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-300)


def test_igamma_spellings_broadcast_and_promote():
    torch = require_torch()

    def run(m):
        a = m.tensor([[0.5], [2.0]], dtype=m.float64)
        x = m.tensor([0.3, 1.0, 4.0], dtype=m.float64)
        i = m.tensor([1, 2, 3])
        out = m.empty(2, 3, dtype=m.float64)
        return [
            m.special.gammainc(a, x),
            m.special.gammaincc(a, x),
            a.igamma(x),
            x.igammac(a),
            m.igamma(a, i),
            m.igammac(a, x, out=out),
            out,
            a.clone().igamma_(m.tensor([[1.0, 2.0]], dtype=m.float64)[:, :1]),
        ]

    for o, t in zip(run(aw), run(torch)):
        assert str(o.dtype) == str(t.dtype) and tuple(o.shape) == tuple(t.shape)
        np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-9)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.igamma(m.tensor([1, 2]), m.tensor([1, 2])),
        lambda m: m.igammac(m.tensor([1.0]), 2.0),
        lambda m: m.tensor([1.0]).igamma(2.0),
        lambda m: m.special.gammainc(1.0, m.tensor([1.0])),
        lambda m: m.special.gammaincc(m.tensor([1.0]), 2.0),
        lambda m: m.special.gammainc(m.tensor([1]), m.tensor([2])),
        lambda m: m.igamma(m.ones(2), m.ones(3)),
        lambda m: m.igamma(m.ones(2, requires_grad=True), m.ones(2)).sum().backward(),
        lambda m: (
            m.igammac(m.ones(2, requires_grad=True), m.ones(2, requires_grad=True)).sum().backward()
        ),
    ],
)
def test_igamma_errors_match_torch(call):
    assert_raises_like_torch(call)


def test_igamma_gradient_reaches_other_when_only_other_requires_grad():
    torch = require_torch()
    grads = []
    for m in (aw, torch):
        a = m.tensor([0.7, 2.5, 4.0], dtype=m.float64)
        x = m.tensor([0.4, 2.0, 6.0], dtype=m.float64, requires_grad=True)
        (m.igamma(a, x) + 2 * m.igammac(a, x)).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


# --- mvlgamma ---------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [1, 2, 3, 7])
def test_mvlgamma_values_match_torch(p):
    torch = require_torch()
    x = [3.5, 4.0, 10.0, 50.5, 1e3]
    for dt in ("float64", "float32"):
        theirs = torch.mvlgamma(torch.tensor(x, dtype=getattr(torch, dt)), p)
        ours = aw.mvlgamma(aw.tensor(x, dtype=getattr(aw, dt)), p)
        assert str(ours.dtype) == str(theirs.dtype)
        rtol = 1e-13 if dt == "float64" else 1e-6
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=rtol)


def test_mvlgamma_small_and_integer_inputs_as_torch():
    """PyTorch 2.13 no longer refuses ``x <= (p - 1) / 2``: it sums the lgammas as they come."""
    torch = require_torch()
    for data, p in (([0.9, 1.2], 3), ([2, 3], 2), ([0.5], 2), ([-0.25], 1)):
        theirs = torch.mvlgamma(torch.tensor(data), p)
        ours = aw.mvlgamma(aw.tensor(data), p)
        assert str(ours.dtype) == str(theirs.dtype)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    out = aw.empty(2)
    assert aw.special.multigammaln(aw.tensor([3.0, 4.0]), 2, out=out) is out
    np.testing.assert_allclose(
        out.numpy(), torch.special.multigammaln(torch.tensor([3.0, 4.0]), 2).numpy(), rtol=1e-6
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.mvlgamma(m.tensor([2.0]), 0),
        lambda m: m.mvlgamma(m.tensor([2.0]), -1),
        lambda m: m.mvlgamma(m.tensor([2.0]), 2.0),
        lambda m: m.special.multigammaln(m.tensor([2.0]), p=0),
        lambda m: m.tensor([2.0]).mvlgamma_(0),
        lambda m: m.mvlgamma([2.0], 1),
        lambda m: m.special.multigammaln([2.0], 1),
        lambda m: m.special.multigammaln(m.tensor([2.0]), 1.5),
    ],
)
def test_mvlgamma_errors_match_torch(call):
    assert_raises_like_torch(call)
