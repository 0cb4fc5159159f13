"""``Tensor.unfold`` (sliding windows, a view) against PyTorch: values, view semantics,
gradients (PyTorch and finite differences), ``UnfoldBackward0`` and its saved values, errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, assert_same_error, graph_names, to_aw

pytestmark = pytest.mark.oracle

CASES = [
    ((7,), 0, 3, 2),
    ((7,), 0, 3, 1),
    ((2, 7), 1, 3, 2),
    ((2, 7), -1, 2, 3),
    ((5, 3, 4), 0, 2, 1),
    ((5, 3, 4), 1, 3, 5),
    ((4, 6), 0, 4, 4),
    ((4, 6), 1, 0, 2),
    ((), 0, 1, 1),
    ((), -1, 0, 3),
]
IDS = [f"{s}-d{d}-size{k}-step{st}" for s, d, k, st in CASES]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_unfold_matches_torch(case, dtype):
    torch = require_torch()
    shape, dim, size, step = case
    torch.manual_seed(0)
    tx = torch.randn(shape, dtype=getattr(torch, dtype), requires_grad=True)
    ox = to_aw(tx)
    t_out, o_out = tx.unfold(dim, size, step), ox.unfold(dim, size, step)
    assert graph_names(o_out) == graph_names(t_out)
    assert_close(o_out, t_out, dtype, "value")
    f_t, f_o = t_out.grad_fn, o_out.grad_fn
    for name in ("_saved_dimension", "_saved_size", "_saved_step", "_saved_self_sym_sizes"):
        assert getattr(f_o, name) == getattr(f_t, name), name
    g = torch.randn(t_out.shape, dtype=t_out.dtype)
    t_out.backward(g)
    o_out.backward(to_aw(g))
    assert_close(ox.grad, tx.grad, dtype, "grad")


@pytest.mark.parametrize("case", CASES[:8], ids=IDS[:8])
def test_unfold_gradient_matches_finite_differences(case):
    torch = require_torch()
    shape, dim, size, step = case
    torch.manual_seed(0)
    x = to_aw(torch.randn(shape, dtype=torch.float64)).requires_grad_()
    assert aw.autograd.gradcheck(lambda t: t.unfold(dim, size, step) * 1.5, [x])


def test_unfold_is_a_view():
    x = aw.arange(10.0)
    w = x.unfold(0, 4, 3)
    assert w._base is x
    x[4] = 100.0
    assert w[1, 1].item() == 100.0
    assert w[0, 0].item() == 0.0
    # a view of a view: the base is the first tensor
    assert x.view(2, 5).unfold(1, 2, 2)._base is x


def test_unfold_of_a_non_contiguous_tensor():
    torch = require_torch()
    t = torch.arange(24.0).reshape(4, 6).t()
    o = to_aw(torch.arange(24.0).reshape(4, 6)).t()
    np.testing.assert_array_equal(o.unfold(1, 2, 1).numpy(), t.unfold(1, 2, 1).numpy())


ERRORS = [
    ("too_big", lambda t: t.ones(2, 7).unfold(1, 8, 1)),
    ("step_zero", lambda t: t.ones(2, 7).unfold(1, 3, 0)),
    ("step_negative", lambda t: t.ones(2, 7).unfold(1, 3, -1)),
    ("size_negative", lambda t: t.ones(2, 7).unfold(1, -1, 1)),
    ("dim_range", lambda t: t.ones(2, 7).unfold(2, 1, 1)),
    ("scalar_too_big", lambda t: t.ones(()).unfold(0, 2, 1)),
    ("leaf_view_inplace", lambda t: t.ones(2, 7, requires_grad=True).unfold(1, 3, 2).mul_(2)),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors_match_torch(case):
    assert_same_error(require_torch(), case[1])
