"""torch.svd / linalg.svd / svdvals / matrix_norm / cond / matrix_rank / nuclear_norm /
frobenius_norm against PyTorch: values, return types, errors, ranks and tolerances.
(Gradients and graphs are in the op table.)"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch


def _t(m, shape, dtype="float64", seed=0):
    rng = np.random.default_rng(seed + len(shape))
    return m.tensor(rng.standard_normal(shape), dtype=getattr(m, dtype))


def _low_rank(m, dtype="float64"):
    rng = np.random.default_rng(3)
    a = rng.standard_normal((2, 5, 2)) @ rng.standard_normal((2, 2, 4))  # rank 2
    return m.tensor(a, dtype=getattr(m, dtype))


ERRORS = [
    lambda m: m.svd(_t(m, (3,))),
    lambda m: m.svd(_t(m, (3, 3), "int64")),
    lambda m: m.linalg.svd(_t(m, (3,))),
    lambda m: m.linalg.svdvals(_t(m, (3,))),
    lambda m: m.linalg.svdvals(_t(m, (3, 3), "int64")),
    lambda m: m.linalg.svd(_t(m, (3, 3)), driver="gesvd"),
    lambda m: m.linalg.matrix_norm(_t(m, (3,))),
    lambda m: m.linalg.matrix_norm(_t(m, (3, 3), "int64")),
    lambda m: m.linalg.matrix_norm(_t(m, (3, 3)), 3),
    lambda m: m.linalg.matrix_norm(_t(m, (3, 3)), "nuc", dim=(0, 0)),
    lambda m: m.linalg.cond(_t(m, (3,))),
    lambda m: m.linalg.cond(_t(m, (2, 3)), 1),
    lambda m: m.linalg.cond(_t(m, (2, 3)), float("inf")),
    lambda m: m.linalg.cond(_t(m, (2, 3)), float("-inf")),
    lambda m: m.linalg.cond(_t(m, (2, 3)), "fro"),
    lambda m: m.linalg.cond(_t(m, (3, 3)), 3),
    lambda m: m.linalg.cond(_t(m, (3, 3)), "foo"),
    lambda m: m.linalg.cond(_t(m, (3, 3), "int64")),
    lambda m: m.linalg.matrix_rank(_t(m, (3,))),
    lambda m: m.linalg.matrix_rank(_t(m, (3, 3), "int64")),
    lambda m: m.nuclear_norm(_t(m, (3,))),
    lambda m: m.frobenius_norm(_t(m, (2, 3, 4)), (0, 1, 2)),
]


@pytest.mark.parametrize("call", ERRORS)
def test_errors_match_pytorch(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_raises_like_torch(call)


VALUES = {
    "svdvals": lambda m: m.linalg.svdvals(_t(m, (2, 3, 5))),
    "svdvals_f32": lambda m: m.linalg.svdvals(_t(m, (4, 3), "float32")),
    "svd_S_empty": lambda m: m.linalg.svd(_t(m, (0, 3)))[1],
    "matrix_norm_nuc_keepdim": lambda m: m.linalg.matrix_norm(
        _t(m, (3, 2, 4)), "nuc", (2, 0), True
    ),
    "matrix_norm_inf_dims": lambda m: m.linalg.matrix_norm(_t(m, (3, 2, 4)), float("inf"), (0, 2)),
    "matrix_norm_m1_keepdim": lambda m: m.linalg.matrix_norm(_t(m, (3, 2, 4)), -1, (2, 1), True),
    "matrix_norm_dtype": lambda m: m.linalg.matrix_norm(_t(m, (3, 3), "float32"), dtype=m.float64),
    "linalg_norm_2": lambda m: m.linalg.norm(_t(m, (3, 4)), 2),
    "linalg_norm_dims_inf": lambda m: m.linalg.norm(_t(m, (3, 4, 2)), float("inf"), (0, 2)),
    "linalg_norm_vector_ord": lambda m: m.linalg.norm(_t(m, (3, 4, 2)), 3, 1),
    "linalg_norm_default": lambda m: m.linalg.norm(_t(m, (3, 4, 2))),
    "cond_batch": lambda m: m.linalg.cond(_t(m, (2, 3, 3)), "nuc"),
    "cond_rect": lambda m: m.linalg.cond(_t(m, (2, 3, 5)), -2),
    "cond_singular_1": lambda m: m.linalg.cond(m.tensor([[1.0, 2.0], [2.0, 4.0]]), 1),
    "cond_singular_batch": lambda m: m.linalg.cond(
        m.stack([m.eye(2), m.zeros(2, 2), m.tensor([[2.0, 1.0], [1.0, 1.0]])]), float("inf")
    ),
    "cond_empty": lambda m: m.linalg.cond(m.zeros(0, 0)),
    "rank": lambda m: m.linalg.matrix_rank(_low_rank(m)),
    "rank_f32": lambda m: m.linalg.matrix_rank(_low_rank(m, "float32")),
    "rank_tol_positional": lambda m: m.linalg.matrix_rank(_t(m, (4, 4)), 1.0),
    "rank_atol": lambda m: m.linalg.matrix_rank(_t(m, (2, 4, 4)), atol=1.0),
    "rank_rtol": lambda m: m.linalg.matrix_rank(_t(m, (2, 4, 4)), rtol=0.3),
    "rank_atol_rtol": lambda m: m.linalg.matrix_rank(_t(m, (2, 4, 4)), atol=0.1, rtol=0.4),
    "rank_tensor_atol": lambda m: m.linalg.matrix_rank(
        _t(m, (2, 4, 4)), atol=m.tensor([0.5, 2.0], dtype=m.float64)
    ),
    "rank_hermitian": lambda m: m.linalg.matrix_rank(
        _low_rank(m)[0] @ _low_rank(m)[0].mT, hermitian=True
    ),
    "rank_empty": lambda m: m.linalg.matrix_rank(m.zeros(3, 0, 2)),
    "nuclear_norm_keepdim_bool": lambda m: m.nuclear_norm(_t(m, (3, 4)), True),
    "frobenius_norm_int_dim": lambda m: m.frobenius_norm(_t(m, (3, 4)), 1, keepdim=True),
}


@pytest.mark.parametrize("name", sorted(VALUES))
def test_values_match_pytorch(name):
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = VALUES[name](aw), VALUES[name](torch)
    assert str(ours.dtype) == str(theirs.dtype) and tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4), (2, 3, 4)])
@pytest.mark.parametrize("some", [True, False])
@pytest.mark.parametrize("compute_uv", [True, False])
def test_torch_svd_returns_V_and_reconstructs(shape, some, compute_uv):
    torch = require_torch()
    a = np.random.default_rng(1).standard_normal(shape)
    ours = aw.svd(aw.tensor(a), some=some, compute_uv=compute_uv)
    theirs = torch.svd(torch.tensor(a), some=some, compute_uv=compute_uv)
    assert type(ours).__name__ == "svd" and repr(ours).startswith("torch.return_types.svd(\nU=")
    for o, t in zip(ours, theirs):
        assert tuple(o.shape) == tuple(t.shape) and str(o.dtype) == str(t.dtype)
    np.testing.assert_allclose(ours.S.numpy(), theirs.S.numpy(), rtol=1e-10)
    if compute_uv:
        k = min(shape[-2:])
        U, S, V = (x.numpy() for x in ours)
        np.testing.assert_allclose(
            (U[..., :k] * S[..., None, :]) @ np.swapaxes(V[..., :k], -1, -2), a, atol=1e-10
        )
        # Singular vectors agree with PyTorch up to one sign per pair.
        tU, tV = theirs.U.numpy()[..., :k], theirs.V.numpy()[..., :k]
        sign = np.sign((U[..., :k] * tU).sum(-2, keepdims=True))
        np.testing.assert_allclose(U[..., :k] * sign, tU, atol=1e-8)
        np.testing.assert_allclose(V[..., :k] * sign, tV, atol=1e-8)
    else:
        assert not ours.U.numpy().any() and not ours.V.numpy().any()
    assert ours.V.grad_fn is None


def test_svd_method_and_strides_match_pytorch():
    torch = require_torch()
    a = np.random.default_rng(2).standard_normal((2, 4, 3))
    ours = aw.tensor(a, requires_grad=True).svd()
    theirs = torch.tensor(a, requires_grad=True).svd()
    assert [type(x.grad_fn).__name__ for x in ours] == [type(x.grad_fn).__name__ for x in theirs]
    assert [x.stride() for x in ours] == [x.stride() for x in theirs]
    assert [x.grad_fn._saved_full_matrices for x in ours[:2]] == [False, False]


def test_cond_backward_raises_like_pytorch_for_inverse_orders():
    # PyTorch 2.13's cond(p=1/inf/fro) modifies the inverse it saved: backward raises.
    assert_raises_like_torch(lambda m: m.linalg.cond(_t(m, (3, 3)).requires_grad_(), 1).backward())


def test_cond_of_singular_matrix_is_inf_for_norm_orders():
    got = aw.linalg.cond(aw.tensor([[1.0, 1.0], [1.0, 1.0]]), "fro").item()
    assert got == math.inf
