"""The in-place spellings PyTorch has beside ``add_``/``mul_`` (comparisons, ``cumsum_``,
the ``arc*_``/``multiply_`` aliases, ``float_power_``, ``ldexp_``, ...), the small Tensor
methods added with them (``narrow_copy``, ``sum_to_size``, legacy ``new``, ``map_``,
``is_nonzero``, ``storage_offset``, ...), checked against PyTorch. Gradients and graph
names of the differentiable ones are in ``tests/op_table.py``."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch

COMPARE = "eq_ ne_ lt_ le_ gt_ ge_ greater_ greater_equal_ less_ less_equal_ not_equal_".split()


def _pair(m, data=(0.5, 2.0, 3.0)):
    x = m.tensor(list(data), requires_grad=True)
    return x, x * 1


@pytest.mark.parametrize("name", COMPARE)
@pytest.mark.parametrize("other", ["scalar", "tensor", "tensor_grad", "0d"])
def test_compare_inplace_values_graph_version(name, other):
    torch = require_torch()
    res = {}
    for m in (aw, torch):
        x, y = _pair(m)
        o = {
            "scalar": 2.0,
            "tensor": m.tensor([2.0, 2.0, 1.0]),
            "tensor_grad": m.tensor([2.0, 2.0, 1.0], requires_grad=True),
            "0d": m.tensor(2.0),
        }[other]
        v = y._version
        r = getattr(y, name)(o)
        assert r is y and y._version == v + 1
        fn = y.grad_fn
        names = [type(f).__name__ if f else None for f, _ in fn.next_functions]
        y.sum().backward()
        grads = [
            x.grad.tolist(),
            o.grad.tolist() if isinstance(o, m.Tensor) and o.requires_grad else None,
        ]
        res[m] = (y.tolist(), str(y.dtype), type(fn).__name__, names, grads)
    assert res[aw] == res[torch]


@pytest.mark.parametrize("name", ["eq_", "lt_", "ge_"])
def test_compare_inplace_integer_self(name):
    torch = require_torch()
    for dtype in ("int64", "bool"):
        theirs = getattr(torch.tensor([1, 2, 3], dtype=getattr(torch, dtype)), name)(2)
        ours = getattr(aw.tensor([1, 2, 3], dtype=getattr(aw, dtype)), name)(2)
        assert repr(ours) == repr(theirs)


def test_inplace_aliases_graph_names():
    torch = require_torch()
    cases = [
        ("cumsum_", (0,)),
        ("cumprod_", (0,)),
        ("arccos_", ()),
        ("arcsin_", ()),
        ("arctan_", ()),
        ("absolute_", ()),
        ("negative_", ()),
        ("multiply_", ("x",)),
        ("divide_", ("x",)),
        ("true_divide_", ("x",)),
        ("subtract_", ("x",)),
        ("floor_divide_", ("x",)),
        ("heaviside_", ("xd",)),
        ("hypot_", ("x",)),
        ("ldexp_", ("x",)),
        ("atan2_", ("x",)),
        ("arctan2_", ("xd",)),
        ("asinh_", ()),
        ("arccosh_", ()),
        ("atanh_", ()),
    ]
    for name, args in cases:
        out = {}
        for m in (aw, torch):
            x = m.tensor([0.1, 0.2, 0.3], requires_grad=True)
            y = x * 1 + (2.0 if "cosh" in name else 0.0)
            a = [x if s == "x" else x.detach() if s == "xd" else s for s in args]
            v = y._version
            getattr(y, name)(*a)
            try:
                y.sum().backward()
                err = None
            except Exception as e:  # noqa: BLE001 - compared with torch's below
                err = (type(e).__name__, str(e))
            grad = None if x.grad is None else np.round(x.grad.numpy(), 5).tolist()
            out[m] = (
                np.round(y.detach().numpy(), 5).tolist(),
                y._version - v,
                type(y.grad_fn).__name__,
                len(y.grad_fn.next_functions),
                err,
                grad,
            )
        assert out[aw] == out[torch], name


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.tensor([1.0, 2.0]).float_power_(2),
        lambda m: m.tensor([1, 2]).cumsum_(0, dtype=m.float32),
        lambda m: m.tensor([1.0, 2.0]).cumprod_(0, dtype=m.float64),
        lambda m: m.tensor([1, 2]).hypot_(m.tensor([1, 2])),
        lambda m: m.tensor([1, 2]).ldexp_(m.tensor([1, 2])),
        lambda m: m.tensor([1, 2], dtype=m.int32).ldexp_(m.tensor([1.0, 2.0])),
        lambda m: m.tensor([1, 2]).true_divide_(m.tensor([1, 2])),
        lambda m: m.tensor([1, 2]).divide_(2),
        lambda m: m.tensor([1.0, 2.0]).eq_(m.tensor([1.0, 2.0, 3.0])),
        lambda m: m.tensor([1.0, 2.0], requires_grad=True).lt_(1),
        lambda m: m.heaviside(m.tensor([1.0, 0.0]), m.tensor([1])),
        lambda m: m.heaviside(m.tensor([1.0, 0.0]), 0.5),
    ],
)
def test_inplace_errors(call):
    assert_raises_like_torch(call)


def test_torch_level_inplace_functions():
    torch = require_torch()
    for m in (aw, torch):
        a = m.tensor([1.0, -2.0])
        assert m.negative_(a) is a and a.tolist() == [-1.0, 2.0]
        b = m.tensor([1.0, 2.0])
        assert m.ldexp_(b, m.tensor([1, 2])) is b and b.tolist() == [2.0, 8.0]
        c = m.tensor([0.5])
        assert m.arccos_(c) is c
    f = aw.tensor([2.0, 3.0], dtype=aw.float64)
    f.float_power_(aw.tensor([2.0, 0.5], dtype=aw.float64))
    assert repr(f) == repr(
        torch.tensor([2.0, 3.0], dtype=torch.float64).float_power_(
            torch.tensor([2.0, 0.5], dtype=torch.float64)
        )
    )


def test_inplace_on_view_rebases_base():
    torch = require_torch()
    out = {}
    for m in (aw, torch):
        x = m.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        y = x * 1
        y[0].cumsum_(0)
        y[1].gt_(3.5)
        y.sum().backward()
        out[m] = (y.tolist(), type(y.grad_fn).__name__, x.grad.tolist())
    assert out[aw] == out[torch]


def test_leaf_refuses():
    assert_raises_like_torch(lambda m: m.ones(2, requires_grad=True).eq_(1))
    assert_raises_like_torch(lambda m: m.ones(2, requires_grad=True).cumsum_(0))


# --- predicates and flags ------------------------------------------------------------------------
def test_predicates_match_torch():
    torch = require_torch()
    for m in (aw, torch):
        t = m.tensor([1.0, float("-inf"), float("inf"), float("nan")])
        r = (
            t.isneginf().tolist(),
            t.isposinf().tolist(),
            t.isreal().tolist(),
            m.isreal(t).tolist(),
        )
        i = m.tensor([1, 2])
        flags = (t.is_neg(), t.is_conj(), m.is_neg(t), m.is_conj(t), t.resolve_neg() is t)
        flags += (t.resolve_conj() is t, m.resolve_neg(t) is t, m.resolve_conj(t) is t)
        if m is aw:
            ours = (r, flags, i.isreal().dtype == aw.bool)
        else:
            theirs = (r, flags, i.isreal().dtype == torch.bool)
    assert ours == theirs


def test_is_nonzero():
    torch = require_torch()
    for v in ([1.0], [0], [[True]], [[0.0]]):
        assert aw.tensor(v).is_nonzero() == torch.tensor(v).is_nonzero()
        assert aw.is_nonzero(aw.tensor(v)) == torch.is_nonzero(torch.tensor(v))
    assert_raises_like_torch(lambda m: m.tensor([1.0, 2.0]).is_nonzero())
    assert_raises_like_torch(lambda m: m.tensor([]).is_nonzero())
    assert_raises_like_torch(lambda m: bool(m.tensor([])))


def test_storage_offset():
    torch = require_torch()
    views = [
        lambda t: t,
        lambda t: t.t(),
        lambda t: t[:, 1:],
        lambda t: t[1:][:, 1:],
        lambda t: t.narrow(1, 1, 2),
        lambda t: t[1].unsqueeze(0),
        lambda t: t[1:, 2:].transpose(0, 1),
        lambda t: t.view(-1)[5:],
        lambda t: t.clone()[1],
    ]
    for v in views:
        assert (
            v(aw.arange(12.0).view(3, 4)).storage_offset()
            == v(torch.arange(12.0).view(3, 4)).storage_offset()
        )


# --- narrow_copy / split_with_sizes / sum_to_size / fill -----------------------------------------
def test_narrow_copy_is_a_contiguous_copy():
    x = aw.arange(12.0).view(3, 4)
    r = x.narrow_copy(1, 1, 2)
    assert r.is_contiguous() and r.tolist() == [[1.0, 2.0], [5.0, 6.0], [9.0, 10.0]]
    r[0, 0] = 100
    assert x[0, 1].item() == 1.0
    torch = require_torch()
    g = aw.narrow_copy(aw.arange(12.0).view(3, 4).requires_grad_(), -1, -3, 2).grad_fn
    t = torch.narrow_copy(torch.arange(12.0).view(3, 4).requires_grad_(), -1, -3, 2).grad_fn
    for name in ("_saved_dim", "_saved_start", "_saved_length", "_saved_self_sym_sizes"):
        assert getattr(g, name) == getattr(t, name), name


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.narrow_copy(m.ones(3, 4), 0, 1, 5),
        lambda m: m.narrow_copy(m.ones(3, 4), 2, 0, 1),
        lambda m: m.narrow_copy(m.ones(3, 4), -3, 0, 1),
        lambda m: m.narrow_copy(m.ones(3, 4), 0, 4, 0),
        lambda m: m.narrow_copy(m.ones(3, 4), 0, -4, 1),
        lambda m: m.narrow_copy(m.ones(3, 4), 0, 1, -1),
        lambda m: m.narrow_copy(m.tensor(1.0), 0, 0, 1),
        lambda m: m.narrow(m.ones(3, 4), 0, 1, -1),
        lambda m: m.narrow(m.ones(3, 4), 0, -4, 1),
        lambda m: m.ones(3, 4).split_with_sizes([1, 1]),
        lambda m: m.ones(3, 4).split_with_sizes(2),
        lambda m: m.ones(3, 4).split_with_sizes([1, -1, 3]),
        lambda m: m.ones(2, 3).sum_to_size(4),
        lambda m: m.ones(2, 3).sum_to_size(1, 1, 3),
        lambda m: m.ones(2, 3).sum_to_size(2, 2),
        lambda m: m.fill(m.zeros(2), m.ones(2)),
    ],
)
def test_shape_errors(call):
    assert_raises_like_torch(call)


def test_narrow_bounds_edge_values():
    torch = require_torch()
    for m in (aw, torch):
        assert tuple(m.narrow_copy(m.ones(3, 4), 0, 3, 0).shape) == (0, 4)
        assert tuple(m.narrow(m.ones(3, 4), 0, -3, 3).shape) == (3, 4)


def test_sum_to_size_graph():
    torch = require_torch()
    for size in [(1, 3), ((2, 1),), (3,), (torch.Size([1]),), (2, 3)]:
        out = {}
        for m in (aw, torch):
            y = m.ones(2, 3, requires_grad=True)
            args = tuple(m.Size(s) if isinstance(s, torch.Size) else s for s in size)
            r = y.sum_to_size(*args)
            out[m] = (r.tolist(), type(r.grad_fn).__name__, r is y)
        assert out[aw] == out[torch], size


def test_fill_values_and_dtypes():
    torch = require_torch()
    assert repr(aw.fill(aw.zeros(2, dtype=aw.int64), 3.7)) == repr(
        torch.fill(torch.zeros(2, dtype=torch.int64), 3.7)
    )
    z = aw.zeros(2)
    r = aw.fill(z, 3)
    assert r is not z and z.tolist() == [0.0, 0.0] and r.tolist() == [3.0, 3.0]


# --- legacy new, map_, map2_ ----------------------------------------------------------------------
NEW_CALLS = [
    lambda m, x: x.new(),
    lambda m, x: x.new(2, 3),
    lambda m, x: x.new([1, 2]),
    lambda m, x: x.new((2, 3)),
    lambda m, x: x.new(m.Size([2])),
    lambda m, x: x.new(m.tensor([5.0, 6.0])),
    lambda m, x: m.tensor([1, 2]).new([1.5, 2]),
    lambda m, x: x.new(device="cpu"),
    lambda m, x: x.new(0),
]


@pytest.mark.parametrize("call", NEW_CALLS)
def test_legacy_new(call):
    torch = require_torch()
    ours, theirs = call(aw, aw.tensor([1.0, 2.0])), call(torch, torch.tensor([1.0, 2.0]))
    assert ours.shape == theirs.shape and str(ours.dtype) == str(theirs.dtype)
    if 0 not in ours.shape and call not in (NEW_CALLS[1], NEW_CALLS[4]):  # (uninitialised)
        assert ours.tolist() == theirs.tolist()


def test_legacy_new_of_a_tensor_is_an_alias():
    torch = require_torch()
    for m in (aw, torch):
        y = m.tensor([1.0, 2.0], requires_grad=True)
        n = y.new(y)
        assert n is not y and n.requires_grad and type(n.grad_fn).__name__ == "AliasBackward0"
        n.sum().backward()
        assert y.grad.tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.ones(2).new("a"),
        lambda m: m.ones(2).new(2.5),
        lambda m: m.ones(2).new(-1),
        lambda m: m.ones(2).new(2, 3.0),
        lambda m: m.ones(2).new(m.tensor([1, 2])),
    ],
)
def test_legacy_new_errors(call):
    assert_raises_like_torch(call)


def test_legacy_new_signature_error_first_line():
    torch = require_torch()
    for call in (lambda m: m.ones(2).new([1, 2], 3), lambda m: m.ones(2).new(2, dtype=m.float64)):
        with pytest.raises(TypeError) as theirs:
            call(torch)
        with pytest.raises(TypeError) as ours:
            call(aw)
        assert str(ours.value).split("\n")[0] == str(theirs.value).split("\n")[0]


def test_map_and_map2():
    torch = require_torch()
    out = {}
    for m in (aw, torch):
        t = m.tensor([1.0, 2.0, 3.0])
        v = t._version
        assert t.map_(m.tensor([1.0, 1.0, 1.0]), lambda a, b: a + b * 10) is t
        t.map2_(m.tensor([1.0, 1.0, 1.0]), m.tensor(2.0), lambda a, b, c: a * b - c)
        z = m.tensor([1, 2])
        z.map_(m.tensor([1, 1]), lambda a, b: a / 2)
        kinds = m.tensor([1, 2]).map_(m.tensor([1, 1]), lambda a, b: type(a).__name__ == "int")
        out[m] = (t.tolist(), t._version - v, z.tolist(), kinds.tolist())
    assert out[aw] == out[torch]


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.ones(3).map_(m.ones(2), lambda a, b: a),
        lambda m: m.ones(2, requires_grad=True).map_(m.ones(2), lambda a, b: a),
        lambda m: (m.ones(2, requires_grad=True) * 1).map_(m.ones(2), lambda a, b: a),
        lambda m: m.ones(2).map_(m.ones(2, requires_grad=True), lambda a, b: a),
        lambda m: m.tensor([1, 2]).map_(m.tensor([1.0, 1.0]), lambda a, b: a),
        lambda m: m.tensor([1, 2]).map_([1, 1], lambda a, b: a),
        lambda m: m.tensor([1, 2]).map_(m.tensor([1, 1]), lambda a, b: "x"),
        lambda m: m.ones(2).map2_(m.ones(2), m.ones(3), lambda a, b, c: a),
    ],
)
def test_map_errors(call):
    assert_raises_like_torch(call)


# --- put ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.zeros(2, 3).put_(m.tensor([6]), m.tensor([1.0])),
        lambda m: m.zeros(2, 3).put_(m.tensor([-7]), m.tensor([1.0])),
        lambda m: m.zeros(2, 3).put_(m.tensor([1, 2]), m.tensor([1.0])),
        lambda m: m.zeros(2, 3).put_(m.tensor([1.0]), m.tensor([1.0])),
        lambda m: m.put(m.zeros(2, 3), m.tensor([1]), m.tensor([1])),
        lambda m: m.zeros(2, requires_grad=True).put_(m.tensor([1]), m.tensor([1.0])),
    ],
)
def test_put_errors(call):
    assert_raises_like_torch(call)


def test_put_duplicates_and_version():
    torch = require_torch()
    out = {}
    for m in (aw, torch):
        x = m.arange(6.0).view(2, 3).requires_grad_()
        s = m.tensor([10.0, 20.0, 30.0], requires_grad=True)
        y = x * 1
        v = y._version
        y.put_(m.tensor([5, -1, 0]), s)
        z = m.put(x, m.tensor([0, 0, 0]), s, accumulate=True)
        (y.sum() + z.sum()).backward()
        out[m] = (y.tolist(), z.tolist(), y._version - v, x.grad.tolist(), s.grad.tolist())
    assert out[aw] == out[torch]
