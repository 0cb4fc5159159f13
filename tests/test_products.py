"""addr / addbmm / addmv / baddbmm and the in-place forms of the ``beta * input + alpha *
product`` family against PyTorch: errors, dtypes, ``beta=0``, in-place bookkeeping.
(Values, gradients and graphs are in the op table.)"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch


def _t(m, shape, dtype="float64", seed=0):
    rng = np.random.default_rng(seed + len(shape))
    return m.tensor(rng.standard_normal(shape), dtype=getattr(m, dtype))


ERRORS = [
    lambda m: m.addr(_t(m, (3, 3)), _t(m, (3, 3)), _t(m, (3,))),
    lambda m: m.addr(_t(m, (3, 3)), _t(m, (3,)), _t(m, (3, 3))),
    lambda m: m.addr(_t(m, (2,)), _t(m, (3,)), _t(m, (3,))),
    lambda m: m.addr(_t(m, (3, 3), "int64"), _t(m, (3,), "int64"), _t(m, (3,), "int64"), beta=0.5),
    lambda m: m.addr(_t(m, (3, 3), "int64"), _t(m, (3,), "int64"), _t(m, (3,), "int64"), alpha=0.5),
    lambda m: m.addbmm(_t(m, (3, 3)), _t(m, (3, 3)), _t(m, (3, 3))),
    lambda m: m.addbmm(_t(m, (3, 3)), _t(m, (3, 3)), _t(m, (2, 3, 3))),
    lambda m: m.addbmm(_t(m, (3, 3)), _t(m, (1, 2, 3, 3)), _t(m, (2, 3, 3))),
    lambda m: m.addbmm(_t(m, (3, 3)), _t(m, (2, 3, 3)), _t(m, (1, 2, 3, 3))),
    lambda m: m.addbmm(_t(m, (3, 3)), _t(m, (2, 3, 3)), _t(m, (3, 3, 3))),
    lambda m: m.addbmm(_t(m, (3, 3)), _t(m, (2, 3, 3)), _t(m, (2, 4, 3))),
    lambda m: m.addbmm(_t(m, (2, 2)), _t(m, (2, 3, 3)), _t(m, (2, 3, 3))),
    lambda m: m.addbmm(_t(m, (3, 3)), _t(m, (2, 3, 3), "float32"), _t(m, (2, 3, 3))),
    lambda m: m.addbmm(_t(m, (3, 3), "float32"), _t(m, (2, 3, 3)), _t(m, (2, 3, 3))),
    lambda m: m.addmv(_t(m, (3,)), _t(m, (3, 3)), _t(m, (4,))),
    lambda m: m.addmv(_t(m, (2,)), _t(m, (3, 3)), _t(m, (3,))),
    lambda m: m.addmv(_t(m, (3,), "float32"), _t(m, (3, 3)), _t(m, (3,))),
    lambda m: m.addmv(_t(m, (3,)), _t(m, (3, 3), "float32"), _t(m, (3,))),
    lambda m: m.baddbmm(_t(m, (2, 3, 3), "float32"), _t(m, (2, 3, 3)), _t(m, (2, 3, 3))),
    lambda m: m.baddbmm(_t(m, (2, 3, 3)), _t(m, (2, 3, 3), "float32"), _t(m, (2, 3, 3))),
    lambda m: _t(m, (1,)).addmv_(_t(m, (3, 3)), _t(m, (3,))),
    lambda m: m.addmv_(_t(m, (1,)), _t(m, (3, 3)), _t(m, (3,))),
    lambda m: _t(m, (3,)).addmm_(_t(m, (3, 3)), _t(m, (3, 3))),
    lambda m: _t(m, (3,)).addr_(_t(m, (3,)), _t(m, (3,))),
    lambda m: _t(m, (1, 3)).addr_(_t(m, (3,)), _t(m, (3,))),
    lambda m: _t(m, (2, 2)).addbmm_(_t(m, (2, 3, 3)), _t(m, (2, 3, 3))),
    lambda m: _t(m, (3, 3)).baddbmm_(_t(m, (2, 3, 3)), _t(m, (2, 3, 3))),
    lambda m: m.ones(3, 3, requires_grad=True).addr_(m.ones(3), m.ones(3)),
]


@pytest.mark.parametrize("call", ERRORS)
def test_errors_match_pytorch(call):
    assert_raises_like_torch(call)


CALLS = {
    "addr_int": lambda m: m.addr(
        _t(m, (3, 4), "int64"), _t(m, (3,), "int64"), _t(m, (4,), "int64"), beta=2, alpha=3
    ),
    "addr_promotes": lambda m: m.addr(_t(m, (3, 4), "float32"), _t(m, (3,)), _t(m, (4,))),
    "addr_bool": lambda m: m.addr(_t(m, (2, 2)) > 0, _t(m, (2,)) > 0, _t(m, (2,)) < 0),
    "addbmm_int": lambda m: m.addbmm(
        _t(m, (3, 4), "int64"), _t(m, (2, 3, 5), "int64"), _t(m, (2, 5, 4), "int64"), alpha=2
    ),
    "addbmm_empty_batch": lambda m: m.addbmm(_t(m, (3, 4)), _t(m, (0, 3, 5)), _t(m, (0, 5, 4))),
    "addmv_int": lambda m: m.addmv(
        _t(m, (3,), "int64"), _t(m, (3, 3), "int64"), _t(m, (3,), "int64")
    ),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_values_and_dtypes_match_pytorch(name):
    torch = require_torch()
    ours, theirs = CALLS[name](aw), CALLS[name](torch)
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m, nan: m.addr(nan((3, 4)), _t(m, (3,)), _t(m, (4,)), beta=0),
        lambda m, nan: m.addbmm(nan((3, 4)), _t(m, (2, 3, 5)), _t(m, (2, 5, 4)), beta=0),
        lambda m, nan: m.addmv(nan((3,)), _t(m, (3, 4)), _t(m, (4,)), beta=0),
        lambda m, nan: m.baddbmm(nan((1, 4)), _t(m, (2, 3, 5)), _t(m, (2, 5, 4)), beta=0),
        lambda m, nan: nan((3, 4)).addr_(_t(m, (3,)), _t(m, (4,)), beta=0),
    ],
)
def test_beta_zero_ignores_nan_in_input(fn):
    torch = require_torch()
    ours = fn(aw, lambda s: aw.full(s, float("nan"), dtype=aw.float64))
    theirs = fn(torch, lambda s: torch.full(s, float("nan"), dtype=torch.float64))
    assert not np.isnan(ours.numpy()).any()
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", ["addmm_", "addmv_", "addr_", "addbmm_", "baddbmm_"])
def test_inplace_bumps_version_and_returns_self(name):
    args = {
        "addmm_": ((2, 4), (2, 3), (3, 4)),
        "addmv_": ((3,), (3, 4), (4,)),
        "addr_": ((3, 4), (3,), (4,)),
        "addbmm_": ((3, 4), (2, 3, 5), (2, 5, 4)),
        "baddbmm_": ((2, 3, 4), (2, 3, 5), (2, 5, 4)),
    }[name]
    for m in (aw, require_torch()):
        x, a, b = (_t(m, s, seed=i) for i, s in enumerate(args))
        want = getattr(m, name[:-1])(x, a, b, beta=2, alpha=3)
        v0 = x._version
        assert getattr(x, name)(a, b, beta=2, alpha=3) is x
        assert x._version == v0 + 1
        np.testing.assert_allclose(x.numpy(), want.numpy(), rtol=1e-12)
