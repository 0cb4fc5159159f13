"""``gcd``/``lcm``/``nextafter``/``fix`` (and their in-place forms) against PyTorch: values,
dtypes and errors (the op table checks nextafter's and fix's gradients and graphs)."""

from __future__ import annotations

import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch

A, B = [12, -18, 0, 7], [8, 12, 0, -3]


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.gcd(m.tensor(A), m.tensor(B)),
        lambda m: m.lcm(m.tensor(A), m.tensor(B)),
        lambda m: m.tensor(A).gcd(m.tensor(4)),
        lambda m: m.gcd(m.tensor(A, dtype=m.int32), m.tensor(B)),
        lambda m: m.lcm(m.tensor([4, 6], dtype=m.uint8), m.tensor([[6], [10]], dtype=m.uint8)),
        lambda m: m.tensor(A).gcd_(m.tensor(B)).lcm_(m.tensor(B)),
        lambda m: m.nextafter(m.tensor([1.0, 2.0]), m.tensor([2.0, 1.0])) - m.tensor([1.0, 2.0]),
        lambda m: m.nextafter(m.tensor([1.0]), m.tensor([2.0], dtype=m.float64)),
        lambda m: m.tensor([0.0]).nextafter_(m.tensor([1.0])) > 0,
        lambda m: m.fix(m.tensor([-1.5, 2.7, 3.0])),
        lambda m: m.fix(m.tensor([3])),
        lambda m: m.fix_(m.tensor([-0.5])),
        lambda m: m.tensor([-2.5]).fix_(),
    ],
)
def test_values_like_torch(call):
    torch = require_torch()
    assert repr(call(aw)) == repr(call(torch))


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.gcd(m.tensor([1.0]), m.tensor([2.0])),
        lambda m: m.gcd(m.tensor([1]), m.tensor([2.0])),
        lambda m: m.lcm(m.tensor([True]), m.tensor([True])),
        lambda m: m.gcd(m.tensor([1]), 3),
        lambda m: m.tensor([1]).lcm(3),
        lambda m: m.gcd(m.tensor([1, 2]), m.tensor([1, 2, 3])),
        lambda m: m.nextafter(m.tensor([1]), m.tensor([2])),
        lambda m: m.nextafter(m.tensor([1.0]), 2.0),
        lambda m: m.tensor([1.0]).nextafter(2.0),
    ],
)
def test_errors_like_torch(call):
    assert_raises_like_torch(call)
