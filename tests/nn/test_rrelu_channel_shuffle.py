"""``rrelu`` (training noise from the default generator, PyTorch's values; the eval formula)
and ``channel_shuffle`` against PyTorch: values, gradients, graph, module reprs, errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, assert_same_error, check_functional, graph_names, to_aw

pytestmark = pytest.mark.oracle


def _x(torch, dtype, shape=(6, 7)):
    torch.manual_seed(11)
    return torch.randn(shape, dtype=getattr(torch, dtype))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("bounds", [(1 / 8, 1 / 3), (0.05, 0.7), (0.2, 0.2)])
@pytest.mark.parametrize("inplace", [False, True])
def test_rrelu_training_draws_pytorchs_slopes(dtype, bounds, inplace):
    torch = require_torch()
    tx = _x(torch, dtype).requires_grad_()
    ox = to_aw(tx)
    torch.manual_seed(3)
    aw.manual_seed(3)
    t_out = torch.nn.functional.rrelu(tx * 1, *bounds, training=True, inplace=inplace)
    o_out = aw.nn.functional.rrelu(ox * 1, *bounds, training=True, inplace=inplace)
    assert graph_names(o_out) == graph_names(t_out)
    np.testing.assert_array_equal(o_out.detach().numpy(), t_out.detach().numpy())
    for name in ("_saved_lower", "_saved_upper", "_saved_training"):
        assert getattr(o_out.grad_fn, name) == getattr(t_out.grad_fn, name)
    if bounds[0] != bounds[1]:
        assert_close(o_out.grad_fn._saved_noise, t_out.grad_fn._saved_noise, dtype, "noise")
    # the generator moved on by as many draws as PyTorch's did
    np.testing.assert_array_equal(aw.rand(5).numpy(), torch.rand(5).numpy())
    g = torch.randn(t_out.shape, dtype=t_out.dtype)
    t_out.backward(g)
    o_out.backward(to_aw(g))
    assert_close(ox.grad, tx.grad, dtype, "grad")


def test_rrelu_inplace_takes_a_generator():
    torch = require_torch()
    tx = _x(torch, "float64")
    t = torch.nn.functional.rrelu_(
        tx.clone(), training=True, generator=torch.Generator().manual_seed(4)
    )
    o = aw.nn.functional.rrelu_(to_aw(tx), training=True, generator=aw.Generator().manual_seed(4))
    np.testing.assert_array_equal(o.numpy(), t.numpy())


def test_rrelu_training_slopes_lie_in_bounds():
    aw.manual_seed(0)
    x = -aw.rand(200, 50) - 0.1
    y = aw.nn.functional.rrelu(x, 0.1, 0.4, training=True)
    slopes = (y / x).numpy()
    assert slopes.min() >= 0.1 - 1e-6 and slopes.max() <= 0.4 + 1e-6
    assert abs(slopes.mean() - 0.25) < 0.01
    assert len(np.unique(slopes)) > 1000


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(
    "fn",
    [
        lambda F, d: F.rrelu(d["x"]),
        lambda F, d: F.rrelu(d["x"], 0.1, 0.5, training=False),
        lambda F, d: F.rrelu(d["x"] * 1, 0.1, 0.5, inplace=True),
        lambda F, d: F.rrelu_(d["x"] * 1, 0.3, 0.9),
    ],
    ids=["default", "bounds", "inplace", "rrelu_"],
)
def test_rrelu_eval_is_leaky_relu_with_the_mean_slope(fn, dtype):
    torch = require_torch()
    check_functional(torch, {"x": _x(torch, dtype)}, fn, ["x"], dtype)
    x = to_aw(_x(torch, dtype))
    ours = aw.nn.functional.rrelu(x, 0.1, 0.5)
    expected = aw.nn.functional.leaky_relu(x, 0.3)
    np.testing.assert_array_equal(ours.numpy(), expected.numpy())


def test_rrelu_gradients_match_finite_differences():
    torch = require_torch()
    x = to_aw(_x(torch, "float64")).requires_grad_()
    assert aw.autograd.gradcheck(lambda t: aw.nn.functional.rrelu(t, 0.1, 0.5), [x])

    def train(t):
        aw.manual_seed(9)  # the same slopes on every evaluation
        return aw.nn.functional.rrelu(t, 0.1, 0.5, training=True)

    assert aw.autograd.gradcheck(train, [x])


def test_rrelu_module_matches_torch():
    torch = require_torch()
    for args in [(), (0.1, 0.3, True), (0.2,)]:
        tm, om = torch.nn.RReLU(*args), aw.nn.RReLU(*args)
        assert repr(om) == repr(tm)
        tx, ox = _x(torch, "float64"), to_aw(_x(torch, "float64"))
        torch.manual_seed(1)
        aw.manual_seed(1)
        np.testing.assert_array_equal(om(ox).numpy(), tm(tx).numpy())  # training: drawn
        np.testing.assert_array_equal(om.eval()(ox).numpy(), tm.eval()(tx).numpy())


SHUFFLES = [
    ((2, 6, 3), 3),
    ((2, 6, 3, 4), 2),
    ((1, 12, 2, 2, 2), 4),
    ((2, 5, 3), 1),
    ((0, 6, 2), 6),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", SHUFFLES, ids=[str(c) for c in SHUFFLES])
def test_channel_shuffle_matches_torch(case, dtype):
    torch = require_torch()
    shape, groups = case
    x = {"x": _x(torch, dtype, shape)}
    check_functional(torch, x, lambda F, d: F.channel_shuffle(d["x"], groups), ["x"], dtype)
    t_fn = torch.nn.functional.channel_shuffle(x["x"].requires_grad_(), groups).grad_fn
    o_fn = aw.nn.functional.channel_shuffle(to_aw(x["x"]), groups).grad_fn
    assert o_fn._saved_groups == t_fn._saved_groups


def test_channel_shuffle_module_and_finite_differences():
    torch = require_torch()
    tm, om = torch.nn.ChannelShuffle(3), aw.nn.ChannelShuffle(3)
    assert repr(om) == repr(tm)
    x = _x(torch, "float64", (2, 6, 4))
    assert_close(om(to_aw(x)), tm(x), "float64")
    ox = to_aw(x).requires_grad_()
    assert aw.autograd.gradcheck(lambda t: aw.nn.functional.channel_shuffle(t, 2), [ox])


ERRORS = [
    ("rrelu_bounds_train", lambda t: t.nn.functional.rrelu(t.ones(3), 0.5, 0.1, training=True)),
    ("rrelu_bounds_eval", lambda t: t.nn.functional.rrelu(t.ones(3), 0.5, 0.1)),
    ("rrelu_long_train", lambda t: t.nn.functional.rrelu(t.ones(3, dtype=t.long), training=True)),
    ("rrelu_long_eval", lambda t: t.nn.functional.rrelu(t.ones(3, dtype=t.long))),
    ("shuffle_groups", lambda t: t.nn.functional.channel_shuffle(t.ones(2, 6, 3), 4)),
    ("shuffle_dims", lambda t: t.nn.functional.channel_shuffle(t.ones(2, 6), 3)),
    ("shuffle_zero", lambda t: t.nn.functional.channel_shuffle(t.ones(2, 6, 3), 0)),
    ("shuffle_negative", lambda t: t.nn.functional.channel_shuffle(t.ones(2, 6, 3), -2)),
    ("shuffle_module", lambda t: t.nn.ChannelShuffle(4)(t.ones(2, 6, 3))),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors_match_torch(case):
    torch = require_torch()
    _, fn = case
    assert_same_error(torch, fn)
