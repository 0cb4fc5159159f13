"""Tensor.resize_ / resize_as_ / torch.resize_as_ and the deprecated Tensor.resize /
resize_as against PyTorch: values, shapes, strides, storage sharing, version counters,
graphs, warnings and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch


def _both(call):
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        want = call(require_torch())
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        got = call(aw)
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
    return want, got


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.ones(2).resize_(2.0),
        lambda m: m.ones(2).resize_(2, None),
        lambda m: m.ones(2).resize_(),
        lambda m: m.ones(2).resize_(2, -3),
        lambda m: m.ones(2).resize_(-1),
        lambda m: m.ones(2, requires_grad=True).resize_(3),
        lambda m: m.ones(2, requires_grad=True)[:1].resize_(1),
        lambda m: (m.ones(2, requires_grad=True) * 2).resize_as_(m.ones(3)),
        lambda m: m.ones(2).resize_as_(2),
        lambda m: m.resize_as_(m.ones(2, requires_grad=True), m.ones(2, 1)),
        lambda m: m.ones(2, requires_grad=True).resize(3),
        lambda m: m.ones(2).resize(3, 1),
        lambda m: m.ones(2, 2).resize_as(m.ones(3)),
    ],
)
def test_errors(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_raises_like_torch(call)


def test_no_grad_does_not_allow_resizing_a_tensor_that_requires_grad():
    def call(m):
        with m.no_grad():
            m.ones(2, requires_grad=True).resize_(1)

    assert_raises_like_torch(call)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.arange(6.0).reshape(3, 2).resize_(2, 3),
        lambda m: m.arange(6.0).resize_(4),
        lambda m: m.arange(4.0).reshape(2, 2).t().resize_(4),
        lambda m: m.arange(4.0).reshape(2, 2).t().resize_(2, 2),
        lambda m: m.arange(4.0).reshape(2, 2).t().resize_(2, 2).stride(),
        lambda m: m.zeros(2, 3).resize_as_(m.ones(6)),
        lambda m: m.resize_as_(m.arange(6.0), m.ones(2, 2)),
        lambda m: m.zeros(2).resize_((3, 1)).shape,
        lambda m: m.zeros(2).resize_([1, 2]).shape,
        lambda m: m.zeros(3).resize_(0),
        lambda m: m.ones(2).resize_([]),
        lambda m: m.arange(3).resize_(m.Size([3, 1])),
        lambda m: m.arange(6).resize_(2, 2).stride(),
        lambda m: m.ones(3, requires_grad=True).detach().resize_(2),
    ],
)
def test_resize_values(call):
    want, got = _both(call)
    assert repr(got) == repr(want)


def _shrink_view(m):
    a = m.zeros(6)
    b = a[::2]
    v = b._version
    b.resize_(3, 1)
    b.fill_(1)
    return a, b.stride(), b.is_contiguous(), b._base is a, b._version - v


def _grow_view(m):
    a = m.zeros(6)
    b = a[1:3]
    b.resize_(4)
    b.fill_(2)
    return a, b._base is a


def _versions(m):
    a = m.arange(4.0)
    v0 = a._version
    a.resize_(4)
    v1 = a._version
    a.resize_(2, 2)
    v2 = a._version
    a.resize_(10)
    return v1 - v0, v2 - v1, a._version - v2, a.shape


def _grow_keeps_the_old_elements(m):
    t = m.tensor([1.0, 2.0]).resize_(2, 2)
    return t.shape, t.view(-1)[:2]


@pytest.mark.parametrize(
    "call", [_shrink_view, _grow_view, _versions, _grow_keeps_the_old_elements]
)
def test_resize_shares_storage_and_counts_versions(call):
    want, got = _both(call)
    assert repr(got) == repr(want)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: (m.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True) * 2).resize(2, 2),
        lambda m: m.tensor([1.0, 2.0]).resize(1, 2),
        lambda m: m.tensor([[1.0, 2.0]]).t().resize_as(m.ones(2)),
        lambda m: m.ones(2, 3).resize_as(m.ones(3, 2)),
    ],
)
def test_deprecated_out_of_place_resize(call):
    want, got = _both(call)
    assert repr(got) == repr(want)


def test_deprecated_resize_gradient_and_graph():
    rng = np.random.default_rng(0)
    x0, g0 = rng.standard_normal(6), rng.standard_normal((3, 2))
    res = []
    for m in (require_torch(), aw):
        x = m.tensor(x0, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = x.t().resize(3, 2) if x.dim() == 2 else (x * 1).resize(3, 2)
        y.backward(m.tensor(g0))
        res.append(
            (repr(y.grad_fn).split(" object")[0], y.grad_fn.next_functions[0][0].name(), x.grad)
        )
    assert res[0][:2] == res[1][:2]
    np.testing.assert_array_equal(res[1][2].numpy(), res[0][2].numpy())
