"""linalg.qr / eigh / eigvalsh against PyTorch: values (eigenvectors up to sign), gradients
and second derivatives of sign-invariant losses, finite differences, return types, errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch

SHAPES = [(4, 3), (3, 4), (3, 3), (2, 4, 3), (2, 3, 5)]


def _qr_loss(m, A, mode):
    Q, R = m.linalg.qr(A, mode=mode)
    return (Q.sum(-1, keepdim=True) * Q).sum() + (R * R * R).sum()


def _eigh_loss(m, X, uplo):
    L, V = m.linalg.eigh(X + 0.5 * X.mT, UPLO=uplo)
    return (V**4).sum() + (L * L).sum() + (m.linalg.eigvalsh(X + X.mT, uplo) ** 3).sum()


def _grads(m, fn, a, w, dtype):
    X = m.tensor(a, dtype=getattr(m, dtype), requires_grad=True)
    (g1,) = m.autograd.grad(fn(m, X), X, create_graph=True)
    (g2,) = m.autograd.grad((g1 * m.tensor(w, dtype=g1.dtype)).sum(), X)
    return g1.detach().numpy(), g2.numpy()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", ["reduced", "complete", "r"])
def test_qr_values_and_grads(shape, mode, dtype):
    torch = require_torch()
    rng = np.random.default_rng(sum(shape))
    a, w = rng.standard_normal(shape), rng.standard_normal(shape)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == "float32" else dict(rtol=1e-7, atol=1e-9)
    ours = aw.linalg.qr(aw.tensor(a, dtype=getattr(aw, dtype)), mode=mode)
    theirs = torch.linalg.qr(torch.tensor(a, dtype=getattr(torch, dtype)), mode=mode)
    assert type(ours).__name__ == "linalg_qr"
    for o, t in zip(ours, theirs):
        assert str(o.dtype) == str(t.dtype) and tuple(o.shape) == tuple(t.shape)
        np.testing.assert_allclose(o.numpy(), t.numpy(), **tol)
    try:
        want = _grads(torch, lambda m, X: _qr_loss(m, X, mode), a, w, dtype)
    except RuntimeError as e:
        with pytest.raises(RuntimeError) as info:
            _grads(aw, lambda m, X: _qr_loss(m, X, mode), a, w, dtype)
        assert str(info.value) == str(e)
        return
    got = _grads(aw, lambda m, X: _qr_loss(m, X, mode), a, w, dtype)
    for g, t in zip(got, want):
        np.testing.assert_allclose(g, t, rtol=1e-4 if dtype == "float32" else 1e-6, atol=1e-4)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
@pytest.mark.parametrize("uplo", ["L", "U", "l"])
def test_eigh_values_and_grads(shape, uplo, dtype):
    torch = require_torch()
    rng = np.random.default_rng(len(shape))
    a, w = rng.standard_normal(shape), rng.standard_normal(shape)
    s = a + np.swapaxes(a, -1, -2)
    ours = aw.linalg.eigh(aw.tensor(s, dtype=getattr(aw, dtype)), uplo)
    theirs = torch.linalg.eigh(torch.tensor(s, dtype=getattr(torch, dtype)), uplo)
    assert type(ours).__name__ == "linalg_eigh"
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == "float32" else dict(rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.eigenvalues.numpy(), theirs.eigenvalues.numpy(), **tol)
    np.testing.assert_allclose(
        np.abs(ours.eigenvectors.numpy()), theirs.eigenvectors.abs().numpy(), **tol
    )
    got = _grads(aw, lambda m, X: _eigh_loss(m, X, uplo), a, w, dtype)
    want = _grads(torch, lambda m, X: _eigh_loss(m, X, uplo), a, w, dtype)
    for g, t in zip(got, want):
        np.testing.assert_allclose(g, t, rtol=1e-4 if dtype == "float32" else 1e-6, atol=1e-4)


def test_grad_fn_names_and_saved():
    torch = require_torch()
    a = np.random.default_rng(0).standard_normal((3, 3))
    for m in (aw, torch):
        A = m.tensor(a, requires_grad=True)
        Q, R = m.linalg.qr(A)
        assert type(Q.grad_fn).__name__ == "LinalgQrBackward0" and Q.grad_fn is R.grad_fn
        assert Q.grad_fn._saved_mode == "reduced"
        ev = m.linalg.eigvalsh(A + A.mT)
        assert type(ev.grad_fn).__name__ == "LinalgEighBackward0"
        assert ev.grad_fn._saved_eigenvalues.shape == (3,)


def test_finite_differences():
    a = np.random.default_rng(3).standard_normal((2, 4, 3))
    for fn in (
        lambda X: aw.linalg.qr(X)[0].sum() + aw.linalg.qr(X)[1].pow(2).sum(),
        lambda X: aw.linalg.qr(X.mT)[0].pow(3).sum() + aw.linalg.qr(X.mT)[1].sum(),
        lambda X: _eigh_loss(aw, X[..., :3, :3] + X[..., :3, :3].mT, "L"),
    ):
        assert aw.autograd.gradcheck(fn, (aw.tensor(a, requires_grad=True),))
        assert aw.autograd.gradgradcheck(fn, (aw.tensor(a, requires_grad=True),))


def test_torch_qr_and_method():
    torch = require_torch()
    a = np.random.default_rng(4).standard_normal((4, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for some in (True, False):
            o, t = aw.qr(aw.tensor(a), some), torch.qr(torch.tensor(a), some)
            assert type(o).__name__ == "qr"
            np.testing.assert_allclose(o.Q.numpy(), t.Q.numpy(), atol=1e-12)
            np.testing.assert_allclose(aw.tensor(a).qr(some).R.numpy(), t.R.numpy(), atol=1e-12)
    assert repr(aw.linalg.qr(aw.eye(2))).startswith("torch.return_types.linalg_qr(\nQ=tensor(")
    assert repr(aw.linalg.eigh(aw.eye(2))) == repr(torch.linalg.eigh(torch.eye(2)))


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.linalg.qr(m.ones(3)),
        lambda m: m.linalg.qr(m.ones(3, 3, dtype=m.int64)),
        lambda m: m.linalg.qr(m.ones(3, 3), mode="x"),
        lambda m: m.linalg.qr(m.ones(3, 3), mode=None),
        lambda m: m.linalg.eigh(m.ones(3)),
        lambda m: m.linalg.eigh(m.ones(2, 3)),
        lambda m: m.linalg.eigh(m.ones(3, 3), UPLO="x"),
        lambda m: m.linalg.eigh(m.ones(3, 3, dtype=m.int64)),
        lambda m: m.linalg.eigvalsh(m.ones(3, 3, dtype=m.int32)),
        lambda m: m.linalg.qr(m.ones(3, 3, requires_grad=True), mode="r").R.sum().backward(),
    ],
)
def test_errors_match_pytorch(call):
    assert_raises_like_torch(call)
