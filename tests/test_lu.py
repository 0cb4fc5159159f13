"""The LU family against PyTorch: LAPACK's pivots, P/L/U on random, singular, NaN and
rectangular inputs, return types, ``info``, deprecation warnings and errors. (Gradients,
graphs and second derivatives are in the op table.)"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets.ops import _lu_kernels
from tests._oracle import assert_raises_like_torch, require_torch

NAN, INF = float("nan"), float("inf")
SPECIAL = [
    [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 1.0, 1.0]],  # rank 2: U[3,3] exactly zero
    [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]],  # zero in float32, 1e-16 in float64
    [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [0.0, 3.0, 4.0]],  # a zero first column
    [[1.0, 1.0, 1.0], [-5.0, 1.0, 1.0], [5.0, 3.0, 4.0]],  # a tie: the first max is the pivot
    [[1.0, 1.0, 1.0], [NAN, 1.0, 1.0], [2.0, 3.0, 4.0]],  # a NaN never wins the pivot
    [[NAN, 1.0], [1.0, 1.0]],  # ... unless it comes first
    [[INF, 1.0], [1.0, 1.0]],
    np.zeros((3, 3)),
    np.ones((3, 4)),
    np.ones((4, 3)),
    [[1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0], [1.0, 1.0, 1.0, 1.0], [3.0, 6.0, 9.0, 12.0]],
]


def _same(ours, theirs):
    a, b = ours.detach().numpy(), theirs.detach().numpy()
    assert a.dtype == b.dtype and a.shape == b.shape
    assert np.array_equal(a, b, equal_nan=True), (a, b)
    assert np.array_equal(np.signbit(a), np.signbit(b))  # -0. prints as -0.0000 in both


@pytest.mark.parametrize("a", SPECIAL, ids=range(len(SPECIAL)))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_factor_and_unpack_identical_on_special_inputs(a, dtype):
    torch = require_torch()
    res = []
    for m in (torch, aw):
        A = m.tensor(np.asarray(a), dtype=getattr(m, dtype))
        res.append([*m.linalg.lu_factor_ex(A), *m.linalg.lu(A), *m.lu_unpack(*m.lu(A))])
    for ours, theirs in zip(res[1], res[0]):
        _same(ours, theirs)


@pytest.mark.parametrize(
    "shape", [(4, 4), (10, 10), (3, 5), (5, 3), (7, 6, 6), (2, 3, 6, 4), (0, 3, 3), (2, 0, 0)]
)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_random_inputs_match_torch(shape, dtype):
    torch = require_torch()
    a = np.random.default_rng(len(shape) + shape[-1]).standard_normal(shape)
    res = []
    for m in (torch, aw):
        A = m.tensor(a, dtype=getattr(m, dtype))
        LU, piv, info = m.linalg.lu_factor_ex(A)
        P, L, U = m.linalg.lu(A)
        res.append((LU, piv, info, P, L, U))
    (LU, piv, info, P, L, U), (tLU, tpiv, tinfo, tP, tL, tU) = res[1], res[0]
    for ours, theirs in ((piv, tpiv), (info, tinfo), (P, tP)):
        _same(ours, theirs)
    eps = np.finfo(LU.numpy().dtype).eps
    for ours, theirs in ((LU, tLU), (L, tL), (U, tU)):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=0, atol=64 * eps * 10)


def test_pivots_are_lapack_getrf_and_reconstruct():
    a = np.random.default_rng(3).standard_normal((5, 4, 4))
    lu, piv, info = _lu_kernels.getrf(a)
    assert piv.dtype == np.int32 and piv.min() >= 1 and not info.any()
    P = _lu_kernels.permutation_matrix(piv, 4, a.dtype)
    L, U = _lu_kernels.unpack(lu)
    np.testing.assert_allclose(P @ L @ U, a, atol=1e-13)
    for b in range(5):  # each pivot row holds the largest remaining |entry| of its column
        assert np.abs(np.linalg.inv(L[b]) @ P[b].T @ a[b])[0, 0] >= 0


def test_return_types_and_printing():
    torch = require_torch()
    a = np.random.default_rng(0).standard_normal((3, 3))
    for build in (
        lambda m: m.linalg.lu_factor(m.tensor(a)),
        lambda m: m.linalg.lu_factor_ex(m.tensor(a)),
        lambda m: m.linalg.lu(m.tensor(a)),
        lambda m: m.lu_unpack(*m.linalg.lu_factor(m.tensor(a))),
        lambda m: m.lu(m.tensor(a), get_infos=True),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs, ours = build(torch), build(aw)
        assert type(ours).__name__ == type(theirs).__name__
        assert len(ours) == len(theirs)
        assert repr(ours) == repr(theirs)


def test_torch_lu_and_tensor_lu_tuples():
    torch = require_torch()
    a = np.random.default_rng(1).standard_normal((2, 3, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for call in (
            lambda m: m.lu(m.tensor(a)),
            lambda m: m.tensor(a).lu(),
            lambda m: m.tensor(a).lu(get_infos=True),
        ):
            theirs, ours = call(torch), call(aw)
            assert type(ours) is tuple and type(theirs) is tuple and len(ours) == len(theirs)
            for o, t in zip(ours, theirs):
                _same(o, t)


def test_singular_info_and_lu_factor_error():
    torch = require_torch()
    s = np.array(SPECIAL[0])
    for m in (torch, aw):
        assert m.linalg.lu_factor_ex(m.tensor(s)).info.item() == 3
    batch = np.stack([np.eye(3), s])
    for call in (
        lambda m: m.linalg.lu_factor(m.tensor(s)),
        lambda m: m.linalg.lu_factor(m.tensor(batch)),
        lambda m: m.linalg.lu_factor_ex(m.tensor(s), check_errors=True),
    ):
        assert_raises_like_torch(call)


def test_lu_solve_singular_is_not_an_error():
    torch = require_torch()
    s = np.array(SPECIAL[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = [
            m.linalg.lu_solve(
                *m.linalg.lu_factor_ex(m.tensor(s))[:2], m.ones(3, 1, dtype=m.float64)
            )
            for m in (torch, aw)
        ]
    assert np.array_equal(np.isfinite(res[0].numpy()), np.isfinite(res[1].numpy()))


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [True, False])
def test_lu_solve_values(left, adjoint):
    torch = require_torch()
    rng = np.random.default_rng(7)
    a, b = rng.standard_normal((2, 4, 4)), rng.standard_normal((3, 1, 4, 4))
    res = []
    for m in (torch, aw):
        LU, piv = m.linalg.lu_factor(m.tensor(a))
        res.append(m.linalg.lu_solve(LU, piv, m.tensor(b), left=left, adjoint=adjoint))
    np.testing.assert_allclose(res[1].numpy(), res[0].numpy(), rtol=1e-10, atol=1e-12)
    assert res[1].shape == res[0].shape


def test_unpack_flags_give_empty_outputs():
    torch = require_torch()
    a = np.random.default_rng(2).standard_normal((3, 4))
    for data, pivots in ((False, True), (True, False), (False, False)):
        res = [
            m.lu_unpack(*m.linalg.lu_factor(m.tensor(a)), unpack_data=data, unpack_pivots=pivots)
            for m in (torch, aw)
        ]
        for ours, theirs in zip(res[1], res[0]):
            _same(ours, theirs)


def test_deprecation_warnings_once_with_pytorch_text():
    from autograd_widgets.ops import _solvers

    torch = require_torch()
    a = np.random.default_rng(4).standard_normal((3, 3))
    for call in (
        lambda m: m.lu(m.tensor(a)),
        lambda m: m.lu_solve(m.ones(3, 1, dtype=m.float64), *m.linalg.lu_factor(m.tensor(a))),
    ):
        _solvers._warned.clear()
        msgs = []
        for m in (torch, aw, aw):
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                call(m)
            msgs.append([str(x.message) for x in w if x.category is UserWarning])
        # PyTorch warns once per process: its text is there only if no test warned before.
        assert len(msgs[1]) == 1 and msgs[2] == []
        if msgs[0]:
            assert msgs[1] == msgs[0]


def test_out_arguments():
    a = np.random.default_rng(5).standard_normal((3, 3))
    LU, piv = aw.empty(0, dtype=aw.float64), aw.empty(0, dtype=aw.int32)
    r = aw.linalg.lu_factor(aw.tensor(a), out=(LU, piv))
    assert r.LU is LU and r.pivots is piv
    ref = aw.linalg.lu_factor(aw.tensor(a))
    assert np.array_equal(LU.numpy(), ref.LU.numpy()) and np.array_equal(
        piv.numpy(), ref.pivots.numpy()
    )
    X = aw.empty(0, dtype=aw.float64)
    aw.linalg.lu_solve(LU, piv, aw.ones(3, 2, dtype=aw.float64), out=X)
    np.testing.assert_allclose(a @ X.numpy(), np.ones((3, 2)), atol=1e-12)


def _f(m, shape, dtype="float32"):
    return m.tensor(
        np.random.default_rng(len(shape)).standard_normal(shape), dtype=getattr(m, dtype)
    )


def _lu(m, n=3):
    return m.linalg.lu_factor(_f(m, (n, n)))


def _piv(m, values):
    return m.tensor(values, dtype=m.int32)


ERRORS = [
    lambda m: m.linalg.lu_factor(_f(m, (3,))),
    lambda m: m.linalg.lu_factor_ex(_f(m, (3,))),
    lambda m: m.linalg.lu(_f(m, (3,))),
    lambda m: m.linalg.lu_factor(m.ones(3, 3, dtype=m.int64)),
    lambda m: m.linalg.lu(m.ones(3, 3, dtype=m.int64)),
    lambda m: m.linalg.lu_factor(_f(m, (3, 3), "float16")),
    lambda m: m.linalg.lu_factor(_f(m, (3, 3)), pivot=False),
    lambda m: m.linalg.lu(_f(m, (3, 3)), pivot=False),
    lambda m: m.linalg.lu_factor(_f(m, (3, 3)), pivot=1),
    lambda m: m.linalg.lu_solve(*_lu(m), _f(m, (3,))),
    lambda m: m.linalg.lu_solve(*_lu(m), _f(m, (4, 2))),
    lambda m: m.linalg.lu_solve(*_lu(m), _f(m, (3, 2)), left=False),
    lambda m: m.linalg.lu_solve(*_lu(m), _f(m, (3, 2)), left=False, adjoint=True),
    lambda m: m.linalg.lu_solve(*_lu(m), _f(m, (3, 2), "float64")),
    lambda m: m.linalg.lu_solve(_lu(m)[0], _lu(m)[1].long(), _f(m, (3, 2))),
    lambda m: m.linalg.lu_solve(_f(m, (2, 3)), _piv(m, [1, 2]), _f(m, (2, 2))),
    lambda m: m.linalg.lu_solve(_lu(m)[0], _lu(m)[1][:2], _f(m, (3, 2))),
    lambda m: m.linalg.lu_solve(_f(m, (2, 3, 3)), _lu(m)[1], _f(m, (3, 2))),
    lambda m: m.linalg.lu_solve(_f(m, (2, 3, 3)), _piv(m, [[1, 2, 3]]), _f(m, (3, 2))),
    lambda m: m.linalg.lu_solve(_lu(m)[0], _piv(m, [5, 1, 1]), _f(m, (3, 2))),
    lambda m: m.linalg.lu_solve(_lu(m)[0], _piv(m, [0, 1, 1]), _f(m, (3, 2))),
    lambda m: m.linalg.lu_solve(_lu(m)[0], _lu(m)[1], _f(m, (3, 2)), left=1),
    lambda m: m.linalg.lu_solve(
        m.ones(3, 3, dtype=m.int64), _lu(m)[1], m.ones(3, 2, dtype=m.int64)
    ),
    lambda m: m.lu_solve(_f(m, (3,)), *_lu(m)),
    lambda m: m.lu_solve(_f(m, (4, 2)), *_lu(m)),
    lambda m: m.lu_unpack(_lu(m)[0], _lu(m)[1].long()),
    lambda m: m.lu_unpack(_f(m, (3,)), _lu(m)[1]),
    lambda m: m.lu_unpack(_lu(m)[0], _piv(m, [4, 1, 1])),
    lambda m: m.lu_unpack(_lu(m)[0], _piv(m, [0, 1, 1])),
    lambda m: m.lu_unpack(*_lu(m), unpack_data=1),
    lambda m: m.lu(_f(m, (3,))),
    lambda m: m.lu(m.ones(3, 3, dtype=m.int64)),
    lambda m: m.lu(_f(m, (3, 3)), pivot=False),
]


@pytest.mark.parametrize("call", ERRORS)
def test_errors_match_pytorch(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_raises_like_torch(call)
