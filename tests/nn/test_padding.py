"""F.pad's reflect/replicate/circular modes and the padding layers against PyTorch: values,
gradients (PyTorch and finite differences), grad_fn names and ``_saved_padding``, reprs, errors."""

from __future__ import annotations

import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_same_error, check_functional, to_aw

pytestmark = pytest.mark.oracle

# (input shape, pad): 1/2/3-d padding, batched and unbatched, negative widths, widths of size-1.
SHAPES = [
    ((2, 5), (1, 2)),
    ((2, 3, 5), (4, 0)),
    ((2, 3, 5), (-1, 3)),
    ((3, 4, 5), (1, 2, 0, 3)),
    ((2, 3, 4, 5), (2, 1, 3, -1)),
    ((2, 3, 4, 5), (1, 1, 2, 0, 1, 2)),
    ((1, 2, 3, 4, 5), (0, 2, 1, 1, 2, 1)),
]
MODES = ["reflect", "replicate", "circular"]
CASES = [(m, s, p) for m in MODES for s, p in SHAPES]
IDS = [f"{m}-{len(s)}d-{p}" for m, s, p in CASES]


def _input(torch, shape, dtype):
    torch.manual_seed(2)
    return {"x": torch.randn(shape, dtype=getattr(torch, dtype))}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_pad_matches_torch(case, dtype):
    torch = require_torch()
    mode, shape, pad = case
    check_functional(
        torch,
        _input(torch, shape, dtype),
        lambda F, d: F.pad(d["x"], pad, mode=mode),
        ["x"],
        dtype,
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_pad_gradients_match_finite_differences(case):
    torch = require_torch()
    mode, shape, pad = case
    x = to_aw(_input(torch, shape, "float64")["x"]).requires_grad_()
    assert aw.autograd.gradcheck(lambda t: aw.nn.functional.pad(t, pad, mode=mode), [x])


@pytest.mark.parametrize("mode", ["reflect", "replicate"])
def test_saved_padding_as_torch_shows_it(mode):
    torch = require_torch()
    t = torch.randn(2, 3, 5, requires_grad=True)
    o = to_aw(t)
    pad = (-1, 2)
    tf = torch.nn.functional.pad(t, pad, mode=mode).grad_fn
    of = aw.nn.functional.pad(o, pad, mode=mode).grad_fn
    assert of._saved_padding == tf._saved_padding
    assert of._saved_self.shape == tf._saved_self.shape


def test_pad_without_grad_keeps_integer_dtype():
    torch = require_torch()
    t = torch.arange(10).reshape(2, 5)
    for mode in MODES:
        ours = aw.nn.functional.pad(to_aw(t), (2, 1), mode=mode)
        assert repr(ours) == repr(torch.nn.functional.pad(t, (2, 1), mode=mode))
        assert ours.grad_fn is None


MODULES = [
    ("ReflectionPad1d", 2, (2, 3, 5)),
    ("ReflectionPad2d", (1, 2, 0, 1), (3, 4, 5)),
    ("ReflectionPad3d", 1, (1, 2, 3, 4, 5)),
    ("ReplicationPad1d", (3, 0), (3, 5)),
    ("ReplicationPad2d", 2, (1, 3, 4, 5)),
    ("ReplicationPad3d", (1, 0, 2, 1, 0, 3), (2, 3, 4, 5)),
    ("CircularPad1d", 2, (2, 3, 5)),
    ("CircularPad2d", (1, 2, 2, 1), (1, 3, 4, 5)),
    ("CircularPad3d", 1, (2, 3, 4, 5)),
    ("ZeroPad3d", (1, 0, 2, 1, 0, 3), (2, 3, 4, 5)),
    ("ZeroPad1d", 1, (2, 3, 5)),
]


@pytest.mark.parametrize("case", MODULES, ids=[c[0] for c in MODULES])
def test_pad_modules_match_torch(case):
    torch = require_torch()
    name, padding, shape = case
    tm, om = getattr(torch.nn, name)(padding), getattr(aw.nn, name)(padding)
    assert repr(om) == repr(tm)
    check_functional(
        torch,
        _input(torch, shape, "float64"),
        lambda F, d: (tm if F is torch.nn.functional else om)(d["x"]),
        ["x"],
        "float64",
    )


def test_constant_pad3d_matches_torch():
    torch = require_torch()
    tm, om = (
        torch.nn.ConstantPad3d((1, 2, 0, 1, 2, 0), 3.5),
        aw.nn.ConstantPad3d((1, 2, 0, 1, 2, 0), 3.5),
    )
    assert repr(om) == repr(tm)
    check_functional(
        torch,
        _input(torch, (2, 3, 4, 5), "float64"),
        lambda F, d: (tm if F is torch.nn.functional else om)(d["x"]),
        ["x"],
        "float64",
    )


def _pad(shape, pad, mode, **kw):
    return lambda t: t.nn.functional.pad(t.ones(shape), pad, mode=mode, **kw)


ERRORS = [
    ("reflect_too_wide_w", _pad((1, 2, 5), (5, 0), "reflect")),
    ("reflect_too_wide_h", _pad((1, 2, 3, 4), (1, 1, 3, 0), "reflect")),
    ("reflect_too_wide_d", _pad((1, 2, 3, 4, 5), (1, 1, 0, 0, 3, 0), "reflect")),
    ("reflect_too_wide_unbatched", _pad((1, 2, 5), (1, 2, 3, 4), "reflect")),
    ("reflect_value", _pad((1, 2, 5), (1, 1), "reflect", value=1.0)),
    ("reflect_too_small", _pad((1, 2, 5), (-3, -3), "reflect")),
    ("replicate_too_small", _pad((1, 2, 5), (-3, -3), "replicate")),
    ("replicate_empty", _pad((1, 0, 5), (1, 1), "replicate")),
    ("reflect_empty_2d", _pad((2, 0, 3, 3), (1, 1, 1, 1), "reflect")),
    ("reflect_4d_size_2", _pad((1, 2, 3, 4), (1, 2), "reflect")),
    ("replicate_1d_input", _pad((5,), (1, 1), "replicate")),
    ("circular_5d_size_4", _pad((1, 2, 3, 4, 5), (1, 2, 1, 1), "circular")),
    ("circular_wraps_twice", _pad((1, 2, 5), (6, 0), "circular")),
    ("circular_empty", _pad((1, 2, 5), (-3, -3), "circular")),
    ("unknown_mode", _pad((1, 2, 5), (1, 1), "bogus")),
    ("odd_length", _pad((1, 2, 5), (1,), "reflect")),
    ("circular_module_dims", lambda t: t.nn.CircularPad2d(1)(t.ones(5, 5))),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors_match_torch(case):
    torch = require_torch()
    _, fn = case
    assert_same_error(torch, fn)
