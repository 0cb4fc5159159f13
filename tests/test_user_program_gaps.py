"""Differences found by running other people's PyTorch programs, each pinned against the oracle."""

from __future__ import annotations

import warnings

import pytest

import autograd_widgets as aw
from autograd_widgets.ops import indexing
from tests._oracle import require_torch

pytestmark = pytest.mark.oracle


def _run(module, code):
    """``code``'s value as a list (and its grad_fn's name and edges), or its error."""
    try:
        out = eval(code, {"torch": module})
    except RuntimeError as exc:
        return type(exc).__name__, str(exc)
    fn = out.grad_fn
    edges = None if fn is None else [type(f).__name__ for f, _ in fn.next_functions]
    return out.tolist(), None if fn is None else type(fn).__name__, edges


SCATTER_REDUCE = [
    # a number with ``reduce`` accumulates at a repeated index, as a tensor src does
    "torch.ones(3).scatter(0, torch.tensor([0, 0, 1]), 2.5, reduce='multiply')",
    "torch.ones(3).scatter(0, torch.tensor([0, 0, 1]), value=2.5, reduce='add')",
    "torch.full((2, 4), 2.).scatter_(1, torch.tensor([[2], [3]]), 1.23, reduce='multiply')",
    "torch.zeros(3, dtype=torch.long).scatter_(0, torch.tensor([0, 0, 1]), 2, reduce='add')",
    "torch.ones(3, dtype=torch.bool).scatter(0, torch.tensor([0]), False, reduce='add')",
    "torch.ones(3, dtype=torch.bool).scatter(0, torch.tensor([0]), False, reduce='multiply')",
    "torch.scatter(torch.zeros(4), 0, torch.tensor([1, 1, 3]), torch.tensor([1., 2, 3]), reduce='add')",
    # ATen has no derivative for scatter.reduce / scatter.value_reduce: a NotImplemented node
    "torch.ones(2, 3, requires_grad=True).scatter(1, torch.tensor([[0, 1]]), torch.ones(1, 2, requires_grad=True), reduce='add')",
    "torch.ones(2, 3).scatter(1, torch.tensor([[0, 1]]), torch.ones(1, 2, requires_grad=True), reduce='add')",
    "torch.ones(2, 3, requires_grad=True).scatter(1, torch.tensor([[0, 1]]), 3.0, reduce='multiply')",
    "(torch.ones(2, 3, requires_grad=True) * 1).scatter_(1, torch.tensor([[0, 1]]), 3.0, reduce='add')",
    "torch.ones(2, 3, requires_grad=True).scatter(1, torch.tensor([[0, 1]]), 3.0)",
    "torch.ones(3).scatter(0, torch.tensor([0]), 2.0, reduce='mean')",
    "torch.ones(3).scatter(0, torch.tensor([0]), torch.ones(1), reduce='sum')",
]


@pytest.mark.parametrize("code", SCATTER_REDUCE)
def test_scatter_with_reduce_matches_pytorch(code):
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert _run(aw, code) == _run(torch, code)


@pytest.mark.parametrize("inplace", [False, True])
def test_scatter_reduce_backward_raises_naming_the_aten_op(inplace):
    torch = require_torch()

    def run(m):
        x = m.ones(2, 3, requires_grad=True)
        y = x * 1
        idx = m.tensor([[0, 1]])
        y = (
            y.scatter_(1, idx, 2.0, reduce="add")
            if inplace
            else y.scatter(1, idx, 2.0, reduce="add")
        )
        with pytest.raises(RuntimeError) as err:
            y.sum().backward()
        return str(err.value)

    assert run(aw) == run(torch)


def test_scatter_reduce_with_tensor_src_warns_once_as_pytorch():
    require_torch()
    indexing._scatter_warned.clear()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        for _ in range(2):
            aw.zeros(3).scatter_(0, aw.tensor([0, 0]), aw.ones(2), reduce="add")
    assert len(seen) == 1
    assert seen[0].filename == __file__  # shown at the caller's line, as PyTorch's C++ warning
    assert str(seen[0].message).startswith(
        "The reduce argument of torch.scatter with Tensor src is deprecated"
    )
