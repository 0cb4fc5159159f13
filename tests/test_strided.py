"""``as_strided``/``as_strided_``/``as_strided_scatter``, storages (``untyped_storage``,
``storage``, ``storage_offset``), ``torch.is_storage`` and ``torch.typename``, against PyTorch.

The op table checks values, gradients (finite differences and PyTorch), graphs and second
derivatives of the as_strided cases; here: views and storages, printing and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch


def _run(lib, call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(lib)


def _same(call):
    torch = require_torch()
    assert _run(aw, call) == _run(torch, call)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: repr(m.arange(10.0).as_strided((3, 4), (2, 1), 1)),
        lambda m: repr(m.as_strided(m.arange(10.0)[2:], (2,), (1,))),  # the view's own offset
        lambda m: repr(m.arange(10.0)[2:].as_strided((2, 2), (1, 1), 0)),  # storage's start
        lambda m: repr(m.arange(10, dtype=m.int32).as_strided((2, 3), (0, 3))),
        lambda m: repr(m.arange(10.0).as_strided((0,), (1,), 11)),  # empty: no bounds check
        lambda m: repr(m.arange(10.0).as_strided((2, 0), (1, 1), 9)),
        lambda m: repr(m.arange(6.0).as_strided([2, 2], m.Size([1, 2]), 1).stride()),
        lambda m: m.arange(12.0).view(3, 4)[1:, 2:].as_strided((2,), (4,)).storage_offset(),
    ],
)
def test_as_strided_values_like_torch(call):
    _same(call)


def test_as_strided_is_a_view_of_the_base():
    x = aw.arange(10.0)
    v = x[2:].as_strided((2, 2), (1, 2), 3)
    assert v._base is x and v.storage_offset() == 3
    v[0, 0] = 100.0
    assert x[3].item() == 100.0 and x._version == v._version == 1


def test_as_strided_grad_fn_attributes():
    torch = require_torch()
    for m in (aw, torch):
        x = m.arange(10.0, requires_grad=True)
        fn = x.as_strided((3, 4), (2, 1), 1).grad_fn
        got = (type(fn).__name__, fn._saved_size, fn._saved_stride, fn._saved_storage_offset)
        assert got == ("AsStridedBackward0", (3, 4), (2, 1), 1)
        fn = x.as_strided((2,), (1,)).grad_fn
        assert fn._saved_storage_offset is None


def test_as_strided_sliding_windows_gradient_counts_overlaps():
    torch = require_torch()
    grads = []
    for m in (aw, torch):
        x = m.arange(8.0, requires_grad=True)
        win = x.as_strided((3, 4), (2, 1))  # three windows of four, two apart
        (win * m.arange(12.0).view(3, 4)).sum().backward()
        grads.append(x.grad.tolist())
    assert grads[0] == grads[1] == [0.0, 1.0, 6.0, 8.0, 14.0, 16.0, 10.0, 11.0]


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.arange(10.0).as_strided((3, 4), (2, 1), 5),
        lambda m: m.arange(10.0).as_strided((11,), (1,)),
        lambda m: m.arange(10.0).as_strided((3,), (1,), -1),
        lambda m: m.arange(10.0).as_strided((3,), (-1,)),
        lambda m: m.arange(10.0).as_strided((3, 4), (2,)),
        lambda m: m.arange(10.0).as_strided((-1,), (1,)),
        lambda m: m.arange(10.0).as_strided(3, 1),
        lambda m: m.arange(10.0).as_strided((2,), (1,), storage_offset=1.5),
        lambda m: m.as_strided_scatter(m.zeros(6), m.ones(3), (2, 2), (1, 2), 1),
        lambda m: m.as_strided_scatter(m.zeros(6), m.ones(2, 2), (2, 2), (1, 2), 3),
    ],
)
def test_as_strided_errors_like_torch(call):
    assert_raises_like_torch(call)


def test_as_strided_inplace_like_torch():
    def call(m):
        c = m.zeros(6) * 1
        out = c.as_strided_((2, 2), (1, 2), 1)
        w = m.arange(10.0)[2:]
        w.as_strided_((2,), (3,))
        y = m.zeros(6, requires_grad=True) * 1
        y.as_strided_((2, 2), (1, 2), 1)
        return (out is c, repr(c), c.storage_offset(), c.stride(), repr(w), w.storage_offset(),
                type(y.grad_fn).__name__)  # fmt: skip

    _same(call)


def test_as_strided_scatter_like_torch():
    torch = require_torch()
    for m in (aw, torch):
        a = m.arange(6.0)
        src = m.tensor([[10.0, 11.0], [12.0, 13.0]], requires_grad=True)
        r = m.as_strided_scatter(a, src, (2, 2), (1, 2), 1)
        assert r.tolist() == [0.0, 10.0, 12.0, 11.0, 13.0, 5.0]
        fn = r.grad_fn
        assert type(fn).__name__ == "AsStridedScatterBackward0"
        assert (fn._saved_size, fn._saved_stride, fn._saved_storage_offset) == ((2, 2), (1, 2), 1)
        r.backward(m.arange(6.0))
        assert src.grad.tolist() == [[1.0, 3.0], [2.0, 4.0]]


def test_as_strided_scatter_input_gradient_is_the_true_derivative():
    # NOTE: PyTorch 2.13 gives ``input`` the region's gradient instead of the gradient
    # outside it (its as_strided_scatter_backward; flagged in pytorch/pytorch#77128). We give
    # the derivative, which finite differences confirm.
    x = aw.randn(6, dtype=aw.float64, requires_grad=True)
    src = aw.randn(2, 2, dtype=aw.float64, requires_grad=True)
    fn = lambda x, s: aw.as_strided_scatter(x * x, s * s, (2, 2), (1, 2), 1)  # noqa: E731
    assert aw.autograd.gradcheck(fn, (x, src))
    fn(x, src).backward(aw.arange(6.0, dtype=aw.float64))
    assert x.grad.tolist() == pytest.approx([0.0, 0, 0, 0, 0, 10 * x[5].item()])


def test_inplace_on_a_view_still_names_as_strided_backward():
    torch = require_torch()
    out = []
    for m in (aw, torch):
        q = m.zeros(3, 4, requires_grad=True)
        h = q * 2
        hv = h[1]
        hv.mul_(3)
        fn = hv.grad_fn
        (hv.sum() + h.sum()).backward()
        out.append((type(fn).__name__, fn._saved_size, fn._saved_stride,
                    fn._saved_storage_offset, q.grad.tolist()))  # fmt: skip
    assert out[0] == out[1]


# --- storages --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call",
    [
        lambda m: (
            m.arange(6.0)[2:].untyped_storage().data_ptr()
            == m.arange(6.0).untyped_storage().data_ptr()
        ),
        lambda m: (lambda x: x[2:].untyped_storage().data_ptr() == x.untyped_storage().data_ptr())(
            m.arange(6.0)
        ),
        lambda m: (lambda x: x.untyped_storage() is x[1:].untyped_storage())(m.arange(3.0)),
        lambda m: (lambda s: (len(s), s.nbytes(), s.size(), str(s.device), s.element_size()))(
            m.arange(6.0)[2:].untyped_storage()
        ),
        lambda m: m.arange(3.0).untyped_storage().tolist(),
        lambda m: repr(m.arange(2.0).untyped_storage()),
        lambda m: repr(m.arange(2.0).untyped_storage()[1:3]),
        lambda m: (m.arange(6.0).untyped_storage()[-1], m.tensor([1.0]).untyped_storage()[3]),
        lambda m: (lambda s: (len(s), s.size(), s.nbytes(), s.element_size(), s.tolist()))(
            m.arange(6.0)[2:].storage()
        ),
        lambda m: (lambda s: (str(s.dtype), s.type(), s[-1], list(s)))(m.arange(4).storage()),
        lambda m: repr(m.arange(3).storage()),
        lambda m: repr(m.tensor([], dtype=m.int32).storage()),
        lambda m: repr(m.tensor([True, False]).storage()),
        lambda m: (lambda t: (t.storage().tolist(), t.storage_offset(), t[1:].storage_offset()))(
            m.arange(12.0).view(3, 4).t()
        ),
        lambda m: (m.zeros(0).untyped_storage().nbytes(), m.zeros(0).storage_offset()),
        lambda m: m.arange(6.0).untyped_storage().type(),
    ],
)
def test_storage_like_torch(call):
    _same(call)


def test_storage_writes_through_to_the_tensor():
    def call(m):
        x = m.arange(4.0)
        x[1:].storage()[0] = 9.0  # element 0 of the storage, not of the view
        x.untyped_storage()[11] = 65  # element 2's high byte: 2.0 -> 8.0
        return x.tolist()

    _same(call)
    assert _run(aw, call) == [9.0, 1.0, 8.0, 3.0]


@pytest.mark.parametrize("index", [100, -100, "a"])
def test_storage_index_errors_like_torch(index):
    assert_raises_like_torch(lambda m: m.arange(6.0).untyped_storage()[index])
    assert_raises_like_torch(lambda m: m.arange(6.0).storage()[index])


def test_typed_storage_slice_error_like_torch():
    assert_raises_like_torch(lambda m: m.arange(6.0).storage()[1:3])


def test_storage_warns_like_torch():
    torch = require_torch()
    import autograd_widgets.storage as st

    st._warned[0] = False
    with pytest.warns(UserWarning, match="TypedStorage is deprecated") as ours:
        aw.ones(1).storage()
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        aw.ones(1).storage()  # once per process, as PyTorch
    assert not again
    torch.storage._warn_typed_storage_removal.__dict__.pop("has_warned", None)
    with pytest.warns(UserWarning) as theirs:
        torch.ones(1).storage()
    assert str(ours[0].message) == str(theirs[0].message)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.typename(m.ones(2)),
        lambda m: m.typename(m.ones(2, dtype=m.float64)),
        lambda m: [m.typename(m.ones(1, dtype=d)) for d in (m.int8, m.uint8, m.int16, m.int32)],
        lambda m: [m.typename(m.ones(1, dtype=d)) for d in (m.int64, m.bool, m.float16)],
        lambda m: m.typename(m.nn.Parameter(m.ones(1))),
        lambda m: m.typename(m.nn.Linear(1, 1)),
        lambda m: m.typename(m.nn.Linear),
        lambda m: (m.typename(None), m.typename([1]), m.typename(3), m.typename(m.float32)),
        lambda m: (m.typename(m.ones(1).storage()), m.typename(m.ones(1).untyped_storage())),
        lambda m: (m.is_storage(m.ones(1).storage()), m.is_storage(m.ones(1).untyped_storage())),
        lambda m: (m.is_storage(m.ones(1)), m.is_storage(None)),
        lambda m: (repr(type(m.ones(1).untyped_storage())), repr(m.UntypedStorage)),
    ],
)
def test_typename_and_is_storage_like_torch(call):
    _same(call)


def test_as_strided_on_fortran_ordered_base():
    # A result in a transposed layout (as PyTorch keeps it) has that layout's storage.
    torch = require_torch()
    got = []
    for m in (aw, torch):
        y = m.arange(6.0).view(2, 3).t() * 1
        got.append((y.stride(), y.as_strided((6,), (1,)).tolist()))
    assert got[0] == got[1]
    np.testing.assert_equal(got[0][1], [0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
