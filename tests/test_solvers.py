"""torch.cholesky / cholesky_solve / cholesky_inverse / triangular_solve / adjoint /
linalg.vecdot against PyTorch: errors, return types, deprecation warnings, values.
(Gradients and graphs are in the op table.)"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch


def _t(m, shape, dtype="float64", seed=0):
    rng = np.random.default_rng(seed + len(shape))
    return m.tensor(rng.standard_normal(shape), dtype=getattr(m, dtype))


ERRORS = [
    lambda m: _t(m, (3,)).adjoint(),
    lambda m: m.linalg.vecdot(_t(m, (3, 3)), _t(m, (4,))),
    lambda m: m.linalg.vecdot(_t(m, (3, 3)), _t(m, (3,), "float32")),
    lambda m: m.linalg.vecdot(_t(m, (3,), "int64"), _t(m, (3,), "int64")),
    lambda m: m.cholesky(_t(m, (3,))),
    lambda m: m.cholesky(_t(m, (2, 3))),
    lambda m: m.cholesky(m.eye(3, dtype=m.int64)),
    lambda m: m.cholesky_solve(_t(m, (3,)), _t(m, (3, 3))),
    lambda m: m.cholesky_solve(_t(m, (4, 2)), _t(m, (3, 3))),
    lambda m: m.cholesky_solve(_t(m, (3, 2), "float32"), _t(m, (3, 3))),
    lambda m: m.cholesky_solve(_t(m, (3, 2)), _t(m, (3, 2))),
    lambda m: m.cholesky_solve(_t(m, (2, 3, 2)), _t(m, (3, 3, 3))),
    lambda m: m.cholesky_inverse(_t(m, (3,))),
    lambda m: m.cholesky_inverse(_t(m, (2, 3))),
    lambda m: m.cholesky_inverse(_t(m, (3, 3), "int64")),
    lambda m: m.triangular_solve(_t(m, (3,)), _t(m, (3, 3))),
    lambda m: m.triangular_solve(_t(m, (4, 2)), _t(m, (3, 3))),
    lambda m: m.triangular_solve(_t(m, (3, 2), "float32"), _t(m, (3, 3))),
    lambda m: m.triangular_solve(_t(m, (3, 2)), _t(m, (3, 2))),
]


@pytest.mark.parametrize("call", ERRORS)
def test_errors_match_pytorch(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_raises_like_torch(call)


def test_cholesky_not_positive_definite_message():
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = np.array([[1.0, 2.0], [2.0, 1.0]])
        with pytest.raises(RuntimeError) as theirs:
            torch.cholesky(torch.tensor(a))
        with pytest.raises(RuntimeError) as ours:
            aw.cholesky(aw.tensor(a))
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.cholesky(_t(m, (3, 3)) @ _t(m, (3, 3)).mT + m.eye(3, dtype=m.float64)),
        lambda m: m.triangular_solve(_t(m, (3, 2)), _t(m, (3, 3)) + 3 * m.eye(3, dtype=m.float64)),
    ],
)
def test_deprecation_warns_once_with_pytorch_text(call):
    from autograd_widgets.ops import _solvers

    torch = require_torch()
    _solvers._warned.clear()
    msgs = []
    for m in (torch, aw, aw):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            call(m)
        msgs.append([str(x.message) for x in w if x.category is UserWarning])
    theirs, ours, again = msgs
    assert len(ours) == 1 and "is deprecated in favor of torch.linalg." in ours[0]
    if theirs:  # (PyTorch warns once per process: only if no earlier test triggered it)
        assert ours == theirs
    assert again == []  # warned once, as TORCH_WARN_ONCE


VALUES = {
    "cholesky_solve_bcast": lambda m: m.cholesky_solve(
        _t(m, (2, 3, 2)),
        m.linalg.cholesky(_t(m, (3, 3)) @ _t(m, (3, 3)).mT + m.eye(3, dtype=m.float64)),
    ),
    "cholesky_inverse_upper_reads_triangle": lambda m: m.cholesky_inverse(
        _t(m, (3, 3)) + 3 * m.eye(3, dtype=m.float64), upper=True
    ),
    "cholesky_inverse_f32": lambda m: m.cholesky_inverse(
        _t(m, (2, 3, 3), "float32") + 3 * m.eye(3)
    ),
    "vecdot_dim0": lambda m: m.linalg.vecdot(_t(m, (3, 4)), _t(m, (3, 1)), dim=0),
}


@pytest.mark.parametrize("name", sorted(VALUES))
def test_values_match_pytorch(name):
    torch = require_torch()
    ours, theirs = VALUES[name](aw), VALUES[name](torch)
    assert str(ours.dtype) == str(theirs.dtype) and tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("transpose", [True, False])
def test_triangular_solve_return_type_and_values(upper, transpose):
    torch = require_torch()
    res = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for m in (aw, torch):
            r = m.triangular_solve(
                _t(m, (2, 3, 2)), _t(m, (3, 3)) + 3 * m.eye(3, dtype=m.float64), upper, transpose
            )
            res.append(r)
    ours, theirs = res
    assert type(ours).__name__ == type(theirs).__name__ == "triangular_solve"
    assert ours.solution is ours[0] and theirs.solution is theirs[0]
    for o, t in zip(ours, theirs):
        assert tuple(o.shape) == tuple(t.shape)
        np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-10)
    assert repr(ours).startswith("torch.return_types.triangular_solve(\nsolution=tensor(")


def test_adjoint_is_a_view():
    x = aw.zeros(2, 3)
    y = x.adjoint()
    y[0, 1] = 5.0
    assert x[1, 0].item() == 5.0 and y._base is x
