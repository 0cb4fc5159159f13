"""``F.fractional_max_pool2d/3d`` and ``nn.FractionalMaxPool2d/3d`` against PyTorch: values,
indices, gradients (and finite differences), graph names, double backward, the samples drawn
from the shared seed, module reprs and errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, error_of, graph_names, to_aw

pytestmark = pytest.mark.oracle

# (input shape, kernel, output_size, output_ratio, dims)
CASES = [
    ((2, 3, 9, 11), 3, (4, 5), None, 2),
    ((2, 3, 9, 11), (2, 3), (8, 7), None, 2),
    ((3, 10, 12), 2, None, (0.5, 0.7), 2),
    ((1, 2, 20, 17), (3, 2), None, (0.4, 0.9), 2),
    ((2, 2, 7, 8, 9), 2, (3, 4, 5), None, 3),
    ((2, 2, 7, 8, 9), (3, 2, 2), (4, 6, 2), None, 3),
    ((2, 6, 7, 8), 2, None, (0.5, 0.5, 0.6), 3),
]
IDS = [f"{c[4]}d-{i}" for i, c in enumerate(CASES)]


def _samples(torch, shape, dims, dtype):
    batch = shape[0] if len(shape) == dims + 2 else 1
    return torch.rand(batch, shape[-dims - 1], dims, dtype=dtype)


def _call(lib, x, case, samples, **kw):
    _, k, out, ratio, dims = case
    fn = getattr(lib.nn.functional, f"fractional_max_pool{dims}d")
    return fn(x, k, output_size=out, output_ratio=ratio, _random_samples=samples, **kw)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_values_indices_and_grads_match_torch(case, dtype):
    torch = require_torch()
    tdt = getattr(torch, dtype)
    torch.manual_seed(0)
    x = torch.randn(*case[0], dtype=tdt, requires_grad=True)
    samples = _samples(torch, case[0], case[4], tdt)
    ox = to_aw(x)
    t_out, t_ind = _call(torch, x, case, samples, return_indices=True)
    o_out, o_ind = _call(aw, ox, case, to_aw(samples), return_indices=True)
    assert graph_names(o_out) == graph_names(t_out)
    assert_close(o_out, t_out, dtype, "values")
    np.testing.assert_array_equal(o_ind.numpy(), t_ind.numpy())
    assert o_ind.dtype == aw.int64
    fn = o_out.grad_fn
    assert fn._saved_kernel_size == t_out.grad_fn._saved_kernel_size
    assert fn._saved_output_size == t_out.grad_fn._saved_output_size
    np.testing.assert_array_equal(fn._saved_result1.numpy(), t_out.grad_fn._saved_result1.numpy())
    torch.manual_seed(1)
    g = torch.randn(t_out.shape, dtype=tdt)
    t_out.backward(g)
    o_out.backward(to_aw(g))
    assert_close(ox.grad, x.grad, dtype, "grad")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_samples_drawn_from_the_seed_like_torch(case):
    """Without ``_random_samples`` both draw ``rand(N, C, dims)``: the same seed, the same pools."""
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal(case[0])
    torch.manual_seed(11)
    t_out, t_ind = _call(torch, torch.tensor(x), case, None, return_indices=True)
    aw.manual_seed(11)
    o_out, o_ind = _call(aw, aw.tensor(x), case, None, return_indices=True)
    assert_close(o_out, t_out, "float64")
    np.testing.assert_array_equal(o_ind.numpy(), t_ind.numpy())


@pytest.mark.parametrize("dims", [2, 3])
def test_with_indices_spelling_and_double_backward(dims):
    torch = require_torch()
    case = CASES[0] if dims == 2 else CASES[4]
    x_np = np.random.default_rng(1).standard_normal(case[0])
    s_np = np.random.default_rng(2).random((case[0][0], case[0][1], dims))

    def run(m):
        x = m.tensor(x_np, requires_grad=True)
        fn = getattr(m.nn.functional, f"fractional_max_pool{dims}d_with_indices")
        out, ind = fn(x, case[1], case[2], _random_samples=m.tensor(s_np))
        (g,) = m.autograd.grad((out**2).sum(), x, create_graph=True)
        (gg,) = m.autograd.grad((g * g).sum(), x)
        return type(g.grad_fn).__name__, graph_names(g), g, gg, ind

    (*a, ga, gga, ia), (*b, gb, ggb, ib) = run(aw), run(torch)
    assert a == b
    assert a[0] == f"FractionalMaxPool{dims}DBackwardBackward0"
    assert_close(ga, gb, "float64")
    assert_close(gga, ggb, "float64")
    np.testing.assert_array_equal(ia.numpy(), ib.numpy())


def test_nan_picks_the_windows_last_nan_like_torch():
    torch = require_torch()
    x = torch.randn(1, 1, 6, 6, dtype=torch.float64)
    x[0, 0, 1, 1] = x[0, 0, 1, 2] = x[0, 0, 4, 3] = float("nan")
    s = torch.tensor([[[0.3, 0.6]]], dtype=torch.float64)
    t_out, t_ind = torch.nn.functional.fractional_max_pool2d(x, 2, (3, 3), None, True, s)
    o_out, o_ind = aw.nn.functional.fractional_max_pool2d(to_aw(x), 2, (3, 3), None, True, to_aw(s))
    np.testing.assert_array_equal(o_ind.numpy(), t_ind.numpy())
    np.testing.assert_array_equal(np.isnan(o_out.numpy()), np.isnan(t_out.numpy()))


@pytest.mark.parametrize("case", [CASES[0], CASES[5]], ids=["2d", "3d"])
def test_gradient_matches_finite_differences(case):
    rng = np.random.default_rng(3)
    # distinct values, spaced out: no tie can flip under the finite-difference step
    x = aw.tensor(rng.permutation(np.prod(case[0])).reshape(case[0]) * 0.1, requires_grad=True)
    s = aw.tensor(rng.random((case[0][0], case[0][1], case[4])))
    assert aw.autograd.gradcheck(lambda x: _call(aw, x, case, s), (x,))


MODULES = [
    ("FractionalMaxPool2d", (3,), {"output_size": (4, 5)}),
    ("FractionalMaxPool2d", ((2, 3),), {"output_ratio": 0.5, "return_indices": True}),
    ("FractionalMaxPool3d", (2,), {"output_size": 3}),
    ("FractionalMaxPool3d", (2,), {"output_ratio": (0.5, 0.6, 0.7), "return_indices": True}),
]


@pytest.mark.parametrize("case", MODULES, ids=[f"{c[0]}-{i}" for i, c in enumerate(MODULES)])
def test_modules_match_torch(case):
    torch = require_torch()
    name, args, kw = case
    dims = 2 if "2d" in name else 3
    shape = (2, 3, 9, 11) if dims == 2 else (2, 2, 7, 8, 9)
    samples = torch.rand(2, shape[1], dims, dtype=torch.float64)
    for with_samples in (False, True):
        extra = {"_random_samples": samples} if with_samples else {}
        tm = getattr(torch.nn, name)(*args, **kw, **extra)
        om = getattr(aw.nn, name)(*args, **kw, **{k: to_aw(v) for k, v in extra.items()})
        assert repr(om) == repr(tm)
        assert (om.kernel_size, om.output_size, om.output_ratio, om.return_indices) == (
            tm.kernel_size,
            tm.output_size,
            tm.output_ratio,
            tm.return_indices,
        )
        assert list(om.state_dict()) == list(tm.state_dict())
        x = np.random.default_rng(4).standard_normal(shape)
        torch.manual_seed(5)
        t_res = tm(torch.tensor(x))
        aw.manual_seed(5)
        o_res = om(aw.tensor(x))
        if kw.get("return_indices"):
            np.testing.assert_array_equal(o_res[1].numpy(), t_res[1].numpy())
            t_res, o_res = t_res[0], o_res[0]
        assert_close(o_res, t_res, "float64")


def _x(m, *shape):
    return m.zeros(*shape)


F_ERRORS = [
    ("no_size", lambda F, m: F.fractional_max_pool2d(_x(m, 1, 2, 9, 9), 3)),
    (
        "ratio_len",
        lambda F, m: F.fractional_max_pool2d(_x(m, 1, 2, 9, 9), 3, output_ratio=(0.5,) * 3),
    ),
    (
        "ratio_float_2d",
        lambda F, m: F.fractional_max_pool2d(_x(m, 1, 2, 9, 9), 3, output_ratio=0.5),
    ),
    ("too_tall", lambda F, m: F.fractional_max_pool2d(_x(m, 1, 2, 9, 11), 3, (8, 5))),
    ("too_wide", lambda F, m: F.fractional_max_pool2d(_x(m, 1, 2, 9, 11), 3, (4, 10))),
    (
        "dims",
        lambda F, m: F.fractional_max_pool2d(
            _x(m, 1, 1, 2, 9, 9), 2, (3, 3), _random_samples=m.rand(1, 1, 2)
        ),
    ),
    (
        "empty",
        lambda F, m: F.fractional_max_pool2d(
            _x(m, 2, 3, 0, 9), 2, (3, 3), _random_samples=m.rand(2, 3, 2)
        ),
    ),
    (
        "samples_batch",
        lambda F, m: F.fractional_max_pool2d(
            _x(m, 2, 3, 9, 9), 2, (3, 3), _random_samples=m.rand(1, 3, 2)
        ),
    ),
    (
        "samples_channels",
        lambda F, m: F.fractional_max_pool2d(
            _x(m, 2, 3, 9, 9), 2, (3, 3), _random_samples=m.rand(2, 2, 2)
        ),
    ),
    (
        "samples_last",
        lambda F, m: F.fractional_max_pool2d(
            _x(m, 2, 3, 9, 9), 2, (3, 3), _random_samples=m.rand(2, 3, 1)
        ),
    ),
    (
        "samples_dtype",
        lambda F, m: F.fractional_max_pool2d(
            _x(m, 2, 3, 9, 9), 2, (3, 3), _random_samples=m.rand(2, 3, 2, dtype=m.float64)
        ),
    ),
    (
        "kernel_len",
        lambda F, m: F.fractional_max_pool2d(
            _x(m, 2, 3, 9, 9), (2, 2, 2), (3, 3), _random_samples=m.rand(2, 3, 2)
        ),
    ),
    (
        "output_len",
        lambda F, m: F.fractional_max_pool2d(
            _x(m, 2, 3, 9, 9), 2, (3, 3, 3), _random_samples=m.rand(2, 3, 2)
        ),
    ),
    ("time_3d", lambda F, m: F.fractional_max_pool3d(_x(m, 1, 2, 7, 8, 9), 2, (6, 4, 4))),
    ("height_3d", lambda F, m: F.fractional_max_pool3d(_x(m, 1, 2, 7, 8, 9), 2, (3, 7, 4))),
    (
        "samples_3d",
        lambda F, m: F.fractional_max_pool3d(
            _x(m, 1, 2, 7, 8, 9), 2, (3, 4, 4), _random_samples=m.rand(1, 2, 2)
        ),
    ),
    ("no_size_3d", lambda F, m: F.fractional_max_pool3d(_x(m, 1, 2, 7, 8, 9), 2)),
]


@pytest.mark.parametrize("case", F_ERRORS, ids=[e[0] for e in F_ERRORS])
def test_functional_errors_match_torch(case):
    torch = require_torch()
    expected = error_of(lambda: case[1](torch.nn.functional, torch))
    assert expected is not None
    assert error_of(lambda: case[1](aw.nn.functional, aw)) == expected


M_ERRORS = [
    ("no_size", lambda nn: nn.FractionalMaxPool2d(3)),
    ("both", lambda nn: nn.FractionalMaxPool2d(3, output_size=2, output_ratio=0.5)),
    ("ratio_big", lambda nn: nn.FractionalMaxPool2d(3, output_ratio=1.5)),
    ("ratio_3d", lambda nn: nn.FractionalMaxPool3d(3, output_ratio=(0.5, 1.0, 0.5))),
    ("kernel_3d", lambda nn: nn.FractionalMaxPool3d(0, output_size=2)),
    ("kernel_tuple_3d", lambda nn: nn.FractionalMaxPool3d((2, 0, 2), output_size=2)),
    ("no_size_3d", lambda nn: nn.FractionalMaxPool3d(2)),
]


@pytest.mark.parametrize("case", M_ERRORS, ids=[e[0] for e in M_ERRORS])
def test_module_errors_match_torch(case):
    torch = require_torch()
    expected = error_of(lambda: case[1](torch.nn))
    assert expected is not None
    assert error_of(lambda: case[1](aw.nn)) == expected
