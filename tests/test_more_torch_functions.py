"""torch functions without a gradient case in the op table, checked against PyTorch:
the window functions, ``range``, ``empty_strided``, ``vander``, ``unravel_index``,
quantile with NaNs, and the errors of the ops added with them."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch

WINDOWS = ("hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window")


@pytest.mark.parametrize("name", WINDOWS)
@pytest.mark.parametrize("length", [0, 1, 2, 5, 8])
@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("dtype", [None, "float64"])
def test_windows(name, length, periodic, dtype):
    torch = require_torch()
    ours = getattr(aw, name)(length, periodic, dtype=getattr(aw, dtype) if dtype else None)
    theirs = getattr(torch, name)(length, periodic, dtype=getattr(torch, dtype) if dtype else None)
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-6)


def test_window_parameters():
    torch = require_torch()
    for m_ours, m_theirs in [
        (aw.hamming_window(7, False, 0.6, 0.3), torch.hamming_window(7, False, 0.6, 0.3)),
        (aw.kaiser_window(6, True, 3.5), torch.kaiser_window(6, True, 3.5)),
        (aw.hann_window(4, requires_grad=True), torch.hann_window(4, requires_grad=True)),
    ]:
        np.testing.assert_allclose(m_ours.detach().numpy(), m_theirs.detach().numpy(), rtol=1e-6)
        assert m_ours.requires_grad == m_theirs.requires_grad


def test_range_warns_and_includes_end():
    torch = require_torch()
    for args, kw in [((1, 4), {}), ((0, 1, 0.3), {}), ((0, 3), {"dtype": "int64"})]:
        with pytest.warns(UserWarning, match="torch.range is deprecated") as ours_w:
            ours = aw.range(*args, **{k: getattr(aw, v) for k, v in kw.items()})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = torch.range(*args, **{k: getattr(torch, v) for k, v in kw.items()})
        assert repr(ours) == repr(theirs)
        assert ours_w[0].filename == __file__  # the warning points at the caller


def test_empty_strided():
    t = aw.empty_strided((2, 3), (1, 2))
    assert t.shape == (2, 3) and t.stride() == (1, 2)
    assert aw.empty_strided((2, 3), (3, 1), dtype=aw.float64).dtype == aw.float64


def test_vander_values_and_graph():
    torch = require_torch()
    for make in (
        lambda m: m.vander(m.tensor([1.0, 2.0, 3.0])),
        lambda m: m.vander(m.tensor([1, 2, 3]), N=4, increasing=True),
        lambda m: m.vander(m.tensor([True, False]), 3),
        lambda m: m.vander(m.tensor([1.0, 2.0]), N=0),
        lambda m: m.vander(m.tensor([1.0, 2.0]), N=1),
    ):
        assert repr(make(aw)) == repr(make(torch))
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    assert type(aw.vander(x).grad_fn).__name__ == "FlipBackward0"


def test_vander_backward_fails_like_pytorch():
    # ATen's vander overwrites what its cumprod saved: PyTorch's backward raises.
    assert_raises_like_torch(
        lambda m: m.vander(m.tensor([1.0, 2.0, 3.0], requires_grad=True)).sum().backward()
    )


def test_unravel_index():
    torch = require_torch()
    for make in (
        lambda m: m.unravel_index(m.tensor([4, 5, -7, 9]), (2, 3)),
        lambda m: m.unravel_index(m.tensor(4), (2, 3)),
        lambda m: m.unravel_index(m.tensor([[4, 1]], dtype=m.int32), 6),
        lambda m: m.unravel_index(m.tensor([7]), [2, 2, 2]),
    ):
        assert repr(make(aw)) == repr(make(torch))


@pytest.mark.parametrize("fname", ["quantile", "nanquantile"])
@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile_with_nans(fname, interpolation):
    torch = require_torch()
    x0 = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7
    x0[0, 1, 2] = x0[1, 2, 0] = np.nan
    x0[1, 0, :] = np.nan
    for q in (0.3, [0.0, 0.5, 1.0]):
        for dim, keepdim in ((None, False), (None, True), (1, False), (-1, True), (0, False)):
            res = []
            for m in (aw, torch):
                qq = m.tensor(q, dtype=m.float64) if isinstance(q, list) else q
                out = getattr(m, fname)(m.tensor(x0), qq, dim, keepdim, interpolation=interpolation)
                res.append(out.numpy())
            assert res[0].shape == res[1].shape
            np.testing.assert_allclose(res[0], res[1], equal_nan=True)


ERRORS = {
    "take_out_of_range": lambda m: m.take(m.ones(3), m.tensor([5])),
    "index_fill_float_index": lambda m: m.index_fill(m.ones(3), 0, m.tensor([1.0]), 1),
    "index_fill_out_of_range": lambda m: m.ones(3, 2).index_fill(0, m.tensor([3]), 1),
    "index_copy_shape": lambda m: m.ones(3, 2).index_copy(0, m.tensor([0]), m.ones(2, 2)),
    "select_scatter_size": lambda m: m.select_scatter(m.ones(4, 3), m.ones(2), 0, 0),
    "slice_scatter_size": lambda m: m.slice_scatter(m.ones(4, 3), m.ones(1, 3), 0, 1, 3),
    "diagonal_scatter_size": lambda m: m.diagonal_scatter(m.ones(4, 3), m.ones(2)),
    "masked_scatter_int_mask": lambda m: m.ones(3).masked_scatter(m.tensor([1, 0, 1]), m.ones(3)),
    "scatter_reduce_bad_reduce": lambda m: m.scatter_reduce(
        m.ones(3), 0, m.tensor([0]), m.ones(1), "foo"
    ),
    "index_put_dtype": lambda m: m.index_put(m.ones(3), (m.tensor([0]),), m.ones(1).double()),
    "quantile_q_range": lambda m: m.quantile(m.ones(3), 1.5),
    "quantile_q_tensor_range": lambda m: m.quantile(m.ones(3), m.tensor([0.5, 2.0])),
    "quantile_q_dtype": lambda m: m.quantile(m.ones(3), m.tensor(0.5, dtype=m.float64)),
    "quantile_int": lambda m: m.quantile(m.tensor([1, 2]), 0.5),
    "quantile_empty": lambda m: m.quantile(m.ones(0), 0.5),
    "quantile_q_2d": lambda m: m.quantile(m.ones(3), m.ones(2, 2) / 2),
    "quantile_interpolation": lambda m: m.nanquantile(m.ones(3), 0.5, interpolation="cubic"),
    "renorm_p": lambda m: m.renorm(m.ones(2, 2), -1, 0, 1),
    "renorm_maxnorm": lambda m: m.renorm(m.ones(2, 2), 2, 0, -1),
    "matrix_power_1d": lambda m: m.matrix_power(m.ones(3), 2),
    "matrix_power_not_square": lambda m: m.matrix_power(m.ones(2, 3), 2),
    "slogdet_not_square": lambda m: m.slogdet(m.ones(2, 3)),
    "slogdet_int": lambda m: m.linalg.slogdet(m.ones(3, 3, dtype=m.int64)),
    "logdet_not_square": lambda m: m.logdet(m.ones(2, 3)),
    "matrix_exp_not_square": lambda m: m.matrix_exp(m.ones(2, 3)),
    "matrix_exp_1d": lambda m: m.linalg.matrix_exp(m.ones(3)),
    "pinverse_1d": lambda m: m.pinverse(m.ones(3)),
    "window_int_dtype": lambda m: m.hann_window(5, dtype=m.int64),
    "window_negative": lambda m: m.kaiser_window(-1),
    "vander_2d": lambda m: m.vander(m.ones(2, 2)),
    "unravel_float": lambda m: m.unravel_index(m.tensor([1.0]), (2, 3)),
    "range_no_end": lambda m: m.range(5),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_like_pytorch(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_raises_like_torch(ERRORS[name])


def test_logdet_negative_determinant_is_nan():
    torch = require_torch()
    a = [[0.0, 1.0], [1.0, 0.0]]
    assert repr(aw.logdet(aw.tensor(a))) == repr(torch.logdet(torch.tensor(a)))
    assert repr(aw.slogdet(aw.tensor(a))) == repr(torch.slogdet(torch.tensor(a)))


def _outcome(fn):
    try:
        return repr(fn())
    except Exception as e:  # noqa: BLE001 - the type and text are what is compared
        return f"{type(e).__name__}: {e}"


SHIFTS = [
    lambda t: t.tensor([5]) >> 1,
    lambda t: t.tensor([-5]) >> 1,
    lambda t: t.tensor([5]) << 70,  # a count of the width or more: 0
    lambda t: t.tensor([5]) << -1,
    lambda t: t.tensor([-16]) >> 70,  # signed: the sign fill
    lambda t: t.tensor([200], dtype=t.uint8) >> 9,  # unsigned: 0
    lambda t: t.tensor([200], dtype=t.uint8) >> 7,
    lambda t: t.tensor([5], dtype=t.uint8) << 5,  # wraps in 8 bits
    lambda t: t.tensor([2**62]) << 2,
    lambda t: t.tensor([5], dtype=t.int8) << t.tensor([2]),  # promotes
    lambda t: t.tensor([True]) << 1,
    lambda t: 1 << t.tensor([2]),
    lambda t: 64 >> t.tensor([1, 2]),
    lambda t: t.bitwise_right_shift(t.tensor([16]), t.tensor([2, 3])),
    lambda t: t.tensor([1.5]) << 1,
    lambda t: t.tensor([16.0]) >> 2,
    lambda t: t.tensor([True, False]) << t.tensor([True, True]),
    lambda t: t.tensor([1, 2]) << t.tensor([1, 2, 3]),
    lambda t: t.tensor([6]).bitwise_and(3),
    lambda t: t.tensor([6]).bitwise_or_(1),
    lambda t: t.tensor([3]).bitwise_not_(),
    lambda t: t.tensor([True]).logical_and_(t.tensor([False])),
]


@pytest.mark.parametrize("case", range(len(SHIFTS)))
def test_shifts_and_bitwise_methods_match_torch(case):
    torch = require_torch()
    assert _outcome(lambda: SHIFTS[case](aw)) == _outcome(lambda: SHIFTS[case](torch))


def test_shift_assignment_operators():
    t = aw.tensor([3])
    t <<= 2
    assert t.tolist() == [12]
    t >>= 1
    assert t.tolist() == [6]


FREXP = [
    lambda t: t.frexp(t.tensor([-0.0, float("nan"), 5e-45, 3.4e38, float("-inf"), 8.0])),
    lambda t: t.frexp(t.tensor([1.5], dtype=t.float16)),
    lambda t: t.tensor([6.0], dtype=t.float64).frexp(),
    lambda t: t.frexp(t.tensor([3])),
    lambda t: t.frexp(t.tensor([12.0]), out=(t.empty(1), t.empty(1, dtype=t.int32))),
]


@pytest.mark.parametrize("case", range(len(FREXP)))
def test_frexp_matches_torch(case):
    torch = require_torch()
    assert _outcome(lambda: FREXP[case](aw)) == _outcome(lambda: FREXP[case](torch))
