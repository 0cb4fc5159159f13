"""linalg.solve / solve_ex / inv_ex / cholesky_ex, LinAlgError, and the singular paths of
inv, cholesky_solve and cholesky_inverse against PyTorch: what the op table cannot say
(failure paths, info, error types and messages, shapes, strides, saved tensors; gradients
and finite differences are in ``tests/op_table.py``)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch

NOT_PD = [[1.0, 2.0], [2.0, 1.0]]
NOT_PD3 = [[4.0, 2.0, 1.0], [2.0, 1.0, 3.0], [1.0, 3.0, 5.0]]
SINGULAR3 = [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]]


def _both(call):
    """``call(m)`` on PyTorch, then on ours."""
    return call(require_torch()), call(aw)


def _raises_alike(call):
    """Same exception class name (PyTorch's is ``torch._C._LinAlgError``), a RuntimeError,
    same message."""
    torch = require_torch()
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(aw.linalg.LinAlgError) as ours:
        call(aw)
    assert isinstance(theirs.value, torch.linalg.LinAlgError)
    assert type(ours.value).__name__ == type(theirs.value).__name__ == "_LinAlgError"
    assert str(ours.value) == str(theirs.value)


def _stack(m, *rows):
    return m.stack([m.tensor(r) for r in rows])


# --- Cholesky -----------------------------------------------------------------------------------
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    "a",
    [
        NOT_PD,
        NOT_PD3,
        [[[4.0, 2.0], [2.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]], NOT_PD],
        [[float("nan"), 0.0], [0.0, 1.0]],
        [[4.0, 2.0], [2.0, 5.0]],
    ],
    ids=["2x2", "3x3", "batch", "nan", "pd"],
)
def test_cholesky_ex_reports_the_failing_minor(a, upper):
    want, got = _both(lambda m: m.linalg.cholesky_ex(m.tensor(a), upper=upper))
    assert type(got).__name__ == "linalg_cholesky_ex" and repr(got) == repr(want)


def test_cholesky_ex_grad_fn():
    want, got = _both(
        lambda m: m.linalg.cholesky_ex(m.tensor([[4.0, 2.0], [2.0, 5.0]], requires_grad=True))
    )
    assert repr(got) == repr(want)
    assert got.L.grad_fn._saved_upper is False and repr(got.L.grad_fn._saved_L) == repr(
        want.L.grad_fn._saved_L
    )


# --- LinAlgError --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.linalg.cholesky(m.tensor(NOT_PD3)),
        lambda m: m.linalg.cholesky_ex(m.tensor(NOT_PD), check_errors=True),
        lambda m: m.linalg.cholesky(_stack(m, [[4.0, 2.0], [2.0, 5.0]], [[1.0, 0], [0, -1]])),
        lambda m: m.linalg.cholesky_ex(m.stack([m.eye(2), -m.eye(2)]), check_errors=True),
        lambda m: m.cholesky(m.stack([m.eye(2), -m.eye(2)])),
        lambda m: m.linalg.inv(m.zeros(2, 2)),
        lambda m: m.linalg.inv(m.tensor(SINGULAR3)),
        lambda m: m.inverse(m.zeros(3, 2, 2)),
        lambda m: m.inverse(m.stack([m.eye(2), m.zeros(2, 2)])),
        lambda m: m.linalg.inv_ex(m.zeros(3, 3), check_errors=True),
        lambda m: m.linalg.matrix_power(m.zeros(2, 2), -2),
        lambda m: m.linalg.solve(m.zeros(2, 2), m.ones(2)),
        lambda m: m.linalg.solve(m.zeros(2, 2, 2), m.ones(2, 2)),
        lambda m: m.linalg.solve(m.stack([m.eye(3), m.zeros(3, 3)]), m.ones(3)),
        lambda m: m.linalg.solve(m.zeros(2, 2), m.ones(1, 2), left=False),
        lambda m: m.linalg.solve_ex(m.zeros(3, 3), m.ones(3), check_errors=True),
        lambda m: m.cholesky_inverse(m.tensor([[1.0, 0, 0], [1.0, 0, 0], [1.0, 1, 1]])),
        lambda m: m.cholesky_inverse(m.stack([m.eye(2), m.zeros(2, 2)])),
        lambda m: m.cholesky_inverse(m.tensor([[1.0, 1.0], [0.0, 0.0]]), upper=True),
    ],
)
def test_linalg_errors_are_linalgerror(call):
    _raises_alike(call)


def test_linalgerror_is_a_runtimeerror_named_as_in_pytorch():
    torch = require_torch()
    assert issubclass(aw.linalg.LinAlgError, RuntimeError)
    assert repr(aw.linalg.LinAlgError) == repr(torch.linalg.LinAlgError)
    with pytest.raises(RuntimeError):  # code that catches RuntimeError keeps working
        aw.linalg.cholesky(aw.tensor(NOT_PD))


# --- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.linalg.solve(m.eye(2), m.ones(2), left=False),
        lambda m: m.linalg.solve(m.eye(3), m.ones(2, 3), left=False).shape,  # (fine)
        lambda m: m.linalg.solve(m.eye(3), m.ones(3, 2), left=False),
        lambda m: m.linalg.solve(m.eye(3).expand(2, 3, 3), m.ones(2, 3), left=False),
        lambda m: m.linalg.solve(m.ones(1, 1), m.ones(1), left=False),
        lambda m: m.linalg.solve(m.ones(2, 1, 1), m.ones(1), left=False),
        lambda m: m.linalg.solve(m.eye(2), m.ones(3)),
        lambda m: m.linalg.solve(m.eye(3), m.ones(2, 2)),
        lambda m: m.linalg.solve(m.eye(3).expand(2, 3, 3), m.ones(2, 2)),
        lambda m: m.linalg.solve(m.eye(3).expand(2, 3, 3), m.ones(4, 3, 2)),
        lambda m: m.linalg.solve(m.eye(2), m.ones(2, dtype=m.float64)),
        lambda m: m.linalg.solve(m.eye(2), m.ones(2, 3, dtype=m.int64)),
        lambda m: m.linalg.solve(m.eye(2, dtype=m.int64), m.ones(2, 3)),
        lambda m: m.linalg.solve(m.eye(2, dtype=m.int64), m.ones(2, dtype=m.int64)),
        lambda m: m.linalg.solve_ex(m.eye(2, dtype=m.int64), m.ones(2, dtype=m.int64)),
        lambda m: m.linalg.solve(m.eye(2, dtype=m.float16), m.ones(2, dtype=m.float16)),
        lambda m: m.linalg.solve(m.ones(2, 3), m.ones(2)),
        lambda m: m.linalg.solve(m.ones(3), m.ones(3)),
        lambda m: m.linalg.solve(m.eye(3), m.tensor(1.0)),
        lambda m: m.linalg.inv(m.eye(3, dtype=m.int64)),
        lambda m: m.inverse(m.eye(3, dtype=m.int64)),
        lambda m: m.linalg.inv(m.eye(3, dtype=m.float16)),
        lambda m: m.linalg.inv(m.ones(3)),
        lambda m: m.linalg.inv(m.ones(2, 3)),
        lambda m: m.linalg.inv_ex(m.eye(2, dtype=m.int64)),
        lambda m: m.linalg.inv_ex(m.ones(2)),
        lambda m: m.linalg.cholesky(m.eye(3, dtype=m.int64)),
        lambda m: m.linalg.cholesky_ex(m.eye(3, dtype=m.int64)),
        lambda m: m.linalg.cholesky(m.eye(2, dtype=m.float16)),
        lambda m: m.cholesky_solve(m.ones(2), m.eye(2)),
        lambda m: m.cholesky_solve(m.ones(2, 1), m.ones(2)),
        lambda m: m.cholesky_solve(m.ones(2, 1), m.eye(2, dtype=m.float64)),
        lambda m: m.triangular_solve(m.ones(2, 1), m.ones(2)),
    ],
)
def test_bad_input_errors(call):
    torch = require_torch()
    try:
        want = call(torch)
    except Exception:
        assert_raises_like_torch(call)
    else:  # the shapes that are fine
        assert call(aw) == want


# --- values, shapes, strides --------------------------------------------------------------------
@pytest.mark.parametrize(
    "a_shape, b_shape, left",
    [
        ((3, 3), (3,), True),
        ((2, 3, 3), (2, 3), True),  # a batch of vectors (B.shape == A.shape[:-1])
        ((2, 3, 3), (3,), True),  # one vector, broadcast
        ((3, 3, 3), (3, 3), True),  # read as a batch of vectors, as PyTorch reads it
        ((2, 3, 3), (3, 2), True),
        ((2, 1, 3, 3), (4, 3, 2), True),
        ((3, 3), (2, 3, 1), True),
        ((3, 3), (4, 3), False),
        ((2, 3, 3), (2, 5, 3), False),
        ((0, 3, 3), (3, 2), True),
        ((0, 0), (0,), True),
    ],
    ids=str,
)
def test_solve_shapes_values_and_strides(a_shape, b_shape, left):
    rng = np.random.default_rng(len(a_shape) + len(b_shape))
    a = rng.standard_normal(a_shape) + 3 * np.eye(a_shape[-1])
    b = rng.standard_normal(b_shape)
    want, got = _both(lambda m: m.linalg.solve(m.tensor(a), m.tensor(b), left=left))
    assert tuple(got.shape) == tuple(want.shape) and got.dtype == aw.float64
    if got.numel():  # (numpy keeps no strides for an empty array)
        assert got.stride() == want.stride()
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12, atol=1e-14)
    want, got = _both(lambda m: m.linalg.solve_ex(m.tensor(a), m.tensor(b), left=left).info)
    assert repr(got) == repr(want)


def test_float32_solve_keeps_dtype_and_rounds_like_pytorch():
    rng = np.random.default_rng(3)
    a = (rng.standard_normal((4, 5, 5)) + 4 * np.eye(5)).astype(np.float32)
    b = rng.standard_normal((4, 5, 2)).astype(np.float32)
    want, got = _both(lambda m: m.linalg.solve(m.tensor(a), m.tensor(b)))
    assert got.dtype == aw.float32
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.linalg.solve_ex(m.zeros(2, 2), m.ones(2)),
        lambda m: m.linalg.solve_ex(m.zeros(3, 3), m.ones(3)),
        lambda m: m.linalg.solve_ex(m.eye(2), m.ones(2)),
        lambda m: m.linalg.solve_ex(m.tensor(SINGULAR3), m.ones(3)),
        lambda m: m.linalg.solve_ex(m.tensor(SINGULAR3), m.ones(1, 3), left=False),
        lambda m: m.linalg.solve_ex(m.tensor(SINGULAR3).t(), m.ones(3)),
        lambda m: m.linalg.solve_ex(
            m.tensor([[1.0, 2.0], [2.0, 4.0]]), m.tensor([[1.0, 0], [2, 0]])
        ),
        lambda m: m.linalg.solve_ex(m.stack([m.zeros(2, 2), m.eye(2), m.zeros(2, 2)]), m.ones(2)),
        lambda m: m.linalg.solve_ex(m.eye(2), m.ones(3, 2, 1)).info,
        lambda m: m.linalg.inv_ex(m.zeros(3, 3)),
        lambda m: m.linalg.inv_ex(m.tensor(SINGULAR3)),
        lambda m: m.linalg.inv_ex(m.stack([m.eye(2), m.zeros(2, 2), m.zeros(2, 2)])),
        lambda m: m.linalg.inv_ex(m.tensor([[2.0, 1.0], [1.0, 3.0]])),
        lambda m: m.cholesky_solve(m.tensor([[1.0], [0.0]]), m.tensor([[1.0, 0.0], [1.0, 0.0]])),
        lambda m: m.cholesky_solve(m.tensor([[0.0], [1.0]]), m.tensor([[0.0, 0.0], [1.0, 1.0]])),
        lambda m: m.cholesky_solve(m.ones(2, 1), m.tensor([[1.0, 1.0], [0.0, 0.0]]), upper=True),
    ],
)
def test_singular_results_and_info(call):
    """LAPACK's getrf/getrs (and potrs) run through a zero pivot: the same inf/nan."""
    want, got = _both(call)
    assert repr(got) == repr(want)


def test_solve_grad_fn_saves_pytorchs_tensors():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    res = []
    for m in (require_torch(), aw):
        A = m.tensor(a, requires_grad=True)
        x = m.linalg.solve(A, m.ones(3, dtype=m.float64))
        g = x.grad_fn
        res.append((type(g).__name__, g._saved_left, repr(g._saved_LU), g._saved_LU.stride()))
        res[-1] += (repr(g._saved_pivots), g._saved_A is A or repr(g._saved_A))
    assert res[0] == res[1]
    assert res[1][0] == "LinalgSolveExBackward0"


def test_solve_double_backward_matches_pytorch():
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((2, 3, 3)) + 3 * np.eye(3), rng.standard_normal((3,))
    out = []
    for m in (require_torch(), aw):
        A, B = m.tensor(a, requires_grad=True), m.tensor(b, requires_grad=True)
        x = m.linalg.solve(A, B)
        gA, gB = m.autograd.grad((x**3).sum(), (A, B), create_graph=True)
        out.append([t.detach().numpy() for t in m.autograd.grad((gA**2).sum() + gB.sum(), (A, B))])
    for t, o in zip(*out):
        np.testing.assert_allclose(o, t, rtol=1e-10)


def test_inv_ex_of_an_invertible_matrix_has_the_inverse_graph():
    want, got = _both(
        lambda m: m.linalg.inv_ex(m.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True))
    )
    assert repr(got) == repr(want)
    assert got.inverse.stride() == want.inverse.stride()


# --- solve_triangular, matrix_power, multi_dot (checked against PyTorch while porting) ------------
def _r(m, *shape):
    return m.tensor(np.random.default_rng(len(shape)).standard_normal(shape))


def _w(m, n, *batch):
    return _r(m, *batch, n, n) + 3 * m.eye(n, dtype=m.float64)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.linalg.solve_triangular(_w(m, 3), _r(m, 3), upper=True),
        lambda m: m.linalg.solve_triangular(m.ones(3), _r(m, 3, 2), upper=True),
        lambda m: m.linalg.solve_triangular(_r(m, 2, 3), _r(m, 2, 2), upper=True),
        lambda m: m.linalg.solve_triangular(_w(m, 3), _r(m, 2, 2), upper=True),
        lambda m: m.linalg.solve_triangular(_w(m, 3), _r(m, 3, 2), upper=True, left=False),
        lambda m: m.linalg.solve_triangular(_w(m, 3, 2), _r(m, 4, 3, 2), upper=False),
        lambda m: m.linalg.solve_triangular(m.eye(2, dtype=m.int64), m.ones(2, 2), upper=True),
        lambda m: m.linalg.solve_triangular(m.eye(2, dtype=m.float16), m.ones(2, 1), upper=True),
        lambda m: m.linalg.solve_triangular(m.eye(2, dtype=m.int64), m.ones(2), upper=True),
        lambda m: m.matrix_power(m.eye(2), 2.0),
        lambda m: m.eye(2).matrix_power(2.0),
        lambda m: m.linalg.matrix_power(m.eye(2), True),
        lambda m: m.linalg.matrix_power(m.ones(2, 3), -1),
        lambda m: m.linalg.multi_dot([_r(m, 3, 4), _r(m, 3, 4)]),
        lambda m: m.linalg.multi_dot([]),
        lambda m: m.linalg.multi_dot([_r(m, 3, 3), _r(m, 3), _r(m, 3, 1)]),
    ],
)
def test_more_bad_input_errors(call):
    assert_raises_like_torch(call)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.linalg.solve_triangular(m.zeros(2, 2), m.ones(2, 1), upper=True),
        lambda m: m.linalg.solve_triangular(m.zeros(2, 2), m.zeros(2, 2), upper=True),
        lambda m: m.linalg.solve_triangular(
            m.tensor([[1.0, 0], [2, 0]]), m.ones(3, 2), upper=False, left=False
        ),
        lambda m: m.linalg.solve_triangular(
            m.eye(2) * 2, m.ones(2, 2, dtype=m.float64), upper=True
        ),
        lambda m: m.linalg.solve_triangular(
            m.eye(2, dtype=m.float64) * 2, m.ones(2, 2), upper=True
        ),
        lambda m: [
            m.linalg.solve_triangular(m.eye(2) * 2, m.ones(*s), upper=True, left=left).stride()
            for s, left in [((2, 3), True), ((3, 2), False), ((3, 2, 2), True), ((2, 3, 2), False)]
        ],
        lambda m: m.linalg.solve_triangular(_w(m, 3), _r(m, 3, 2), upper=True, unitriangular=True),
        lambda m: m.linalg.matrix_power(_w(m, 3), -3),
        lambda m: m.linalg.matrix_power(_w(m, 3, 2), -2),
        lambda m: m.linalg.matrix_power(m.eye(2) * 2, m.tensor(-2)),
        lambda m: m.linalg.matrix_power(m.eye(2) * 2, np.int64(3)),
        lambda m: m.linalg.matrix_power(_w(m, 3).requires_grad_(), -4).grad_fn.next_functions[0][0],
        lambda m: m.linalg.multi_dot([_r(m, 3), _r(m, 3, 4), _r(m, 4)]),
    ],
)
def test_more_values(call):
    want, got = _both(call)
    if isinstance(got, aw.Tensor) and got.dtype == aw.float64:
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)
        got, want = (got.dtype, got.shape, got.stride()), (want.dtype, want.shape, want.stride())
    assert repr(got).split(" object at")[0] == repr(want).split(" object at")[0]
