"""``torch.gradient`` and ``torch.cumulative_trapezoid`` against PyTorch: values, dtypes and
errors (the op table checks their gradients and graphs)."""

from __future__ import annotations

import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch

X = [1.0, 2.0, 4.0, 8.0, 10.0]
COORDS = [0.0, 1.0, 1.5, 3.5, 4.0]


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.gradient(m.tensor(X)),
        lambda m: m.gradient(m.tensor(X), spacing=2.0),
        lambda m: m.gradient(m.tensor(X), spacing=(3,), edge_order=2),
        lambda m: m.gradient(m.tensor(X), spacing=[m.tensor(COORDS)]),
        lambda m: m.gradient(m.tensor(X), spacing=[m.tensor(COORDS)], edge_order=2),
        lambda m: m.gradient(m.tensor(X, dtype=m.float64), spacing=[m.tensor([0, 1, 3, 4, 6])]),
        lambda m: m.gradient(m.arange(12.0).view(3, 4) ** 2, dim=1),
        lambda m: m.gradient(m.arange(12.0).view(3, 4) ** 2, spacing=[2.0, 3.0]),
        lambda m: m.gradient(m.arange(12.0).view(3, 4) ** 2, spacing=2, dim=(0,)),
        lambda m: m.gradient(m.arange(12.0).view(3, 4) ** 2, dim=[-1, 0], edge_order=2),
        lambda m: m.gradient(m.arange(4)),  # integers give the default float dtype
        lambda m: m.gradient(m.arange(4), spacing=2),
        lambda m: m.cumulative_trapezoid(m.tensor(X)),
        lambda m: m.cumulative_trapezoid(m.tensor(X), dx=2),
        lambda m: m.cumulative_trapezoid(m.tensor(X), m.tensor(COORDS)),
        lambda m: m.cumulative_trapezoid(m.arange(4)),
        lambda m: m.cumulative_trapezoid(m.arange(4), dx=2),
        lambda m: m.cumulative_trapezoid(m.ones(0)),
        lambda m: m.cumulative_trapezoid(m.arange(12.0).view(3, 4), m.arange(4.0) ** 2),
        lambda m: m.cumulative_trapezoid(m.arange(12.0).view(3, 4), dim=0, dx=0.5),
    ],
)
def test_values_like_torch(call):
    torch = require_torch()
    assert repr(call(aw)) == repr(call(torch))


def test_graphs_like_torch():
    torch = require_torch()

    def names(m):
        x = m.tensor(X, requires_grad=True)
        out = []
        for r in (
            m.gradient(x)[0],
            m.gradient(x, spacing=[m.tensor(COORDS)])[0],
            m.cumulative_trapezoid(x),
            m.cumulative_trapezoid(x, m.tensor(COORDS)),
        ):
            fn = r.grad_fn
            out.append((type(fn).__name__, [type(n).__name__ for n, _ in fn.next_functions]))
        return out

    assert names(aw) == names(torch)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.gradient(m.ones(3, 4), spacing=[1.0, 2.0, 3.0]),
        lambda m: m.gradient(m.ones(3, 4), spacing=[1.0, 2.0], dim=1),
        lambda m: m.gradient(m.ones(3, 4), edge_order=3),
        lambda m: m.gradient(m.ones(3, 4), dim=2),
        lambda m: m.gradient(m.ones(3, 4), dim=[0, 0]),
        lambda m: m.gradient(m.ones(2, 1)),
        lambda m: m.gradient(m.ones(2), edge_order=2),
        lambda m: m.gradient(m.ones(3, dtype=m.uint8)),
        lambda m: m.gradient(m.ones(3, 4), spacing=[m.ones(3, 1), m.ones(4)]),
        lambda m: m.cumulative_trapezoid(m.ones(5), m.ones(3)),
        lambda m: m.cumulative_trapezoid(m.ones(2, dtype=m.bool)),
        lambda m: m.cumulative_trapezoid(m.ones(3), m.ones(3, dtype=m.bool)),
        lambda m: m.cumulative_trapezoid(m.tensor(1.0)),
        lambda m: m.cumulative_trapezoid(m.ones(3), dim=1),
        lambda m: m.cumulative_trapezoid(m.ones(3), 0.25),
    ],
)
def test_errors_like_torch(call):
    assert_raises_like_torch(call)
