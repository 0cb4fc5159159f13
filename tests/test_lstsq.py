"""torch.linalg.lstsq against PyTorch: which outputs each driver fills for tall, wide and
square inputs, vector and broadcast right-hand sides, rank-deficient inputs and rcond, the
printed result and errors; torch.lstsq / Tensor.lstsq are removed stubs. (Gradients, graphs and
second derivatives are in the op table.)"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch

DRIVERS = [None, "gelsy", "gelsd", "gelss", "gels"]
SHAPES = [
    ((5, 3), (5, 2)),
    ((3, 5), (3, 2)),
    ((3, 3), (3, 1)),
    ((2, 5, 3), (2, 5)),
    ((1, 5, 3), (3, 5, 2)),
    ((3, 0), (3, 2)),
    ((0, 3), (0, 2)),
    ((4, 2), (4,)),
]
RANK_DEFICIENT = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])


def _both(call):
    torch = require_torch()
    return call(torch), call(aw)


def _assert_same(theirs, ours, rtol=1e-7):
    for t, o in zip(theirs, ours):
        assert tuple(o.shape) == tuple(t.shape)
        assert str(o.dtype) == str(t.dtype)
        np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=rtol, atol=1e-10)


@pytest.mark.parametrize("driver", DRIVERS)
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_outputs_per_driver_and_shape(driver, shapes, dtype):
    rng = np.random.default_rng(sum(map(len, shapes)))
    a, b = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    theirs, ours = _both(
        lambda m: m.linalg.lstsq(
            m.tensor(a, dtype=getattr(m, dtype)),
            m.tensor(b, dtype=getattr(m, dtype)),
            driver=driver,
        )
    )
    _assert_same(theirs, ours, rtol=1e-7 if dtype == "float64" else 1e-4)


@pytest.mark.parametrize("driver", ["gelsy", "gelsd", "gelss"])
def test_rank_deficient_minimum_norm_solution(driver):
    theirs, ours = _both(
        lambda m: m.linalg.lstsq(
            m.tensor(RANK_DEFICIENT), m.ones(3, 1, dtype=m.float64), driver=driver
        )
    )
    _assert_same(theirs, ours)
    assert ours.rank.item() == 1 and ours.residuals.numel() == 0


@pytest.mark.parametrize("driver", ["gelsd", "gelss"])
@pytest.mark.parametrize("rcond", [0.5, 1e-3, -1.0])
def test_rcond_cuts_singular_values(driver, rcond):
    a = np.random.default_rng(0).standard_normal((5, 3))
    theirs, ours = _both(
        lambda m: m.linalg.lstsq(m.tensor(a), m.ones(5, 2, dtype=m.float64), rcond, driver=driver)
    )
    _assert_same(theirs, ours)


def test_printed_result_matches():
    a = np.random.default_rng(1).standard_normal((6, 3))
    b = np.random.default_rng(2).standard_normal((6, 2))
    theirs, ours = _both(lambda m: m.linalg.lstsq(m.tensor(a), m.tensor(b), driver="gelsd"))
    assert repr(ours) == repr(theirs)
    theirs, ours = _both(
        lambda m: m.linalg.lstsq(m.tensor(a, requires_grad=True), m.tensor(b)).residuals
    )
    assert repr(ours) == repr(theirs)


def test_gels_rank_deficient_raises_like_torch():
    torch = require_torch()
    # A zero column: R's diagonal holds an exact zero whatever the LAPACK build.
    zero_col = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    batch = np.stack([np.eye(3)[:, :2], zero_col])
    for a, b in ((zero_col, (3, 1)), (batch, (2, 3, 1))):
        with pytest.raises(RuntimeError) as theirs:
            torch.linalg.lstsq(torch.tensor(a), torch.ones(b, dtype=torch.float64), driver="gels")
        with pytest.raises(RuntimeError) as ours:
            aw.linalg.lstsq(aw.tensor(a), aw.ones(b, dtype=aw.float64), driver="gels")
        assert str(ours.value) == str(theirs.value)


def _f(m, shape, dtype="float32"):
    return m.tensor(
        np.random.default_rng(len(shape)).standard_normal(shape), dtype=getattr(m, dtype)
    )


ERRORS = [
    lambda m: m.linalg.lstsq(_f(m, (5, 3)), _f(m, (5, 2)), driver="foo"),
    lambda m: m.linalg.lstsq(_f(m, (5, 3)), _f(m, (5, 2)), driver=3),
    lambda m: m.linalg.lstsq(_f(m, (5, 3)), _f(m, (5, 2), "float64")),
    lambda m: m.linalg.lstsq(_f(m, (5, 3)), _f(m, (4,))),
    lambda m: m.linalg.lstsq(_f(m, (5, 3)), _f(m, (4, 2))),
    lambda m: m.linalg.lstsq(_f(m, (3,)), _f(m, (3,))),
    lambda m: m.linalg.lstsq(m.ones(3, 3, dtype=m.int64), m.ones(3, 3, dtype=m.int64)),
    lambda m: m.linalg.lstsq(m.ones(3, 3, dtype=m.int64), _f(m, (3, 3))),
    lambda m: m.linalg.lstsq(_f(m, (3, 3), "float16"), _f(m, (3, 3), "float16")),
    lambda m: m.linalg.lstsq(_f(m, (2, 5, 3)), _f(m, (3, 5, 2))),
    lambda m: m.linalg.lstsq(_f(m, (2, 5, 3)), _f(m, (5, 2))),
    lambda m: m.linalg.lstsq(_f(m, (3, 3)), _f(m, (2, 3, 3, 3))),
    lambda m: m.lstsq(_f(m, (3, 3)), _f(m, (3, 3))),
    lambda m: _f(m, (3, 3)).lstsq(_f(m, (3, 3))),
]


@pytest.mark.parametrize("call", ERRORS)
def test_errors_match_pytorch(call):
    assert_raises_like_torch(call)
