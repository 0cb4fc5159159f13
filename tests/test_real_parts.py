"""``real``/``imag``/``angle``/``conj``/``conj_physical`` on real tensors, against PyTorch:
the identities, ``angle``'s values, dtypes and zero gradient, and ``imag``'s error."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch

pytestmark = pytest.mark.oracle


def test_identities_return_the_tensor_itself():
    torch = require_torch()
    for m in (aw, torch):
        x = m.tensor([-1.5, 0.0, 2.0], requires_grad=True)
        same = [m.real(x), x.real, m.conj(x), x.conj(), m.conj_physical(x), x.conj_physical()]
        same += [m.resolve_conj(x), m.resolve_neg(x)]
        assert all(t is x for t in same)
        assert not m.is_conj(x) and not x.is_neg()
        y = m.ones(2)
        assert y.conj_physical_() is y and m.conj_physical_(y) is y and y._version == 2


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "bool"])
def test_angle_matches_torch(dtype):
    torch = require_torch()
    data = [-1.5, 0.0, -0.0, 2.0, math.nan, -math.inf, math.inf]
    if dtype in ("int64", "bool"):
        data = [-2, 0, 3] if dtype == "int64" else [True, False]
    res = []
    for m in (aw, torch):
        out = m.angle(m.tensor(data, dtype=getattr(m, dtype)))
        res.append((str(out.dtype), out.numpy()))
    assert res[0][0] == res[1][0]
    np.testing.assert_array_equal(res[0][1], res[1][1])


def test_angle_gradient_is_zero_and_named_as_torch():
    torch = require_torch()
    res = []
    for m in (aw, torch):
        x = m.tensor([-1.5, 0.0, 2.0, -3.0], requires_grad=True)
        y = x.angle()
        (y * m.tensor([1.0, -2.0, 3.0, -4.0])).sum().backward()
        res.append((type(y.grad_fn).__name__, x.grad.numpy().tolist(), repr(y)))
        out = m.empty(4)
        assert m.angle(x.detach(), out=out) is out
    assert res[0] == res[1]


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.imag(m.ones(2)),
        lambda m: m.ones(2).imag,
        lambda m: m.imag(m.ones(2, dtype=m.int64)),
        lambda m: m.real([1.0]),
        lambda m: m.angle(1.0),
        lambda m: m.conj_physical(m.ones(2), out=m.empty(2, dtype=m.int64)),
        lambda m: m.ones(2, requires_grad=True).conj_physical_(),
    ],
)
def test_errors_match_torch(call):
    assert_raises_like_torch(call)
