"""``torch.poisson`` and ``torch.binomial`` against PyTorch: shapes, dtypes, support, graph
nodes and errors. (The draws are numpy's, seeded from the library's stream, not PyTorch's.)"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch


def _summary(m):
    m.manual_seed(0)
    rate = m.tensor([0.0, 1.0, 2.0, 30.0], requires_grad=True)
    p = m.poisson(rate)
    p.sum().backward()
    n = m.tensor([[5.0], [6.0]], requires_grad=True)
    q = m.tensor([0.0, 0.5, 1.0], requires_grad=True)
    b = m.binomial(n, q)
    return (
        tuple(p.shape), str(p.dtype), type(p.grad_fn).__name__, rate.grad.tolist(),
        p[0].item(), tuple(b.shape), str(b.dtype), type(b.grad_fn).__name__,
        len(b.grad_fn.next_functions), b[:, 0].tolist(), b[:, 2].tolist(),
        str(m.poisson(m.ones(2, dtype=m.float64)).dtype),
    )  # fmt: skip


def test_like_torch():
    torch = require_torch()
    assert _summary(aw) == _summary(torch)


def test_support_and_mean():
    aw.manual_seed(1)
    p = aw.poisson(aw.full((20000,), 3.0))
    assert (p >= 0).all() and (p == p.round()).all()
    assert abs(p.mean().item() - 3.0) < 0.1
    b = aw.binomial(aw.full((20000,), 10.0), aw.full((20000,), 0.3))
    assert ((b >= 0) & (b <= 10)).all() and abs(b.mean().item() - 3.0) < 0.1
    aw.manual_seed(1)
    np.testing.assert_array_equal(aw.poisson(aw.full((20000,), 3.0)).numpy(), p.numpy())


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.poisson(m.tensor([-1.0])),
        lambda m: m.poisson(m.tensor([1])),
        lambda m: m.binomial(m.tensor([5]), m.tensor([0.5])),
        lambda m: m.binomial(m.tensor([5.0]), m.tensor([0.5], dtype=m.float64)),
        lambda m: m.binomial(m.tensor([5.0, 4.0]), m.tensor([0.5, 0.3, 0.2])),
        lambda m: m.binomial(m.tensor([5.0], requires_grad=True), m.tensor([0.5])).sum().backward(),
    ],
)
def test_errors_like_torch(call):
    assert_raises_like_torch(call)
