"""conv3d, max_pool3d, avg_pool3d and their layers against PyTorch: values, gradients (PyTorch
and finite differences), grad_fn names and ``_saved_*`` values, indices with ties, reprs,
errors, and a training step of a tiny 3-d CNN."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, assert_same_error, check_functional, copy_weights

pytestmark = pytest.mark.oracle

DTYPES = ["float32", "float64"]

# (input shape, weight shape, conv3d keyword arguments)
CONVS = [
    ((2, 2, 4, 5, 3), (3, 2, 2, 3, 2), {}),
    ((1, 4, 5, 6, 5), (2, 2, 2, 2, 3), dict(stride=(2, 1, 2), padding=(1, 0, 2), groups=2)),
    ((1, 2, 6, 5, 5), (2, 1, 2, 2, 2), dict(dilation=(2, 1, 2), padding=1, groups=2)),
    ((1, 1, 5, 5, 4), (2, 1, 2, 3, 2), dict(padding="same", dilation=2)),
    ((2, 5, 5, 5), (4, 2, 3, 3, 3), dict(stride=2, groups=1)),  # unbatched
    ((1, 2, 3, 4, 4), (2, 2, 1, 2, 2), dict(padding="valid", stride=(1, 2, 2))),
]


def _saved(fn) -> dict:
    return {
        a: getattr(fn, a)
        for a in dir(fn)
        if a.startswith("_saved_")
        and a not in ("_saved_self", "_saved_input", "_saved_weight")
        and a not in ("_saved_result1",)
    }


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", range(len(CONVS)))
@pytest.mark.parametrize("bias", [True, False])
def test_conv3d_matches_torch(case, dtype, bias):
    torch = require_torch()
    shape, wshape, kw = CONVS[case]
    tdt = getattr(torch, dtype)
    torch.manual_seed(case)
    inputs = {"x": torch.randn(shape, dtype=tdt), "w": torch.randn(wshape, dtype=tdt)}
    if bias:
        inputs["b"] = torch.randn(wshape[0], dtype=tdt)

    def fn(F, d):
        return F.conv3d(d["x"], d["w"], d.get("b"), **kw)

    check_functional(torch, inputs, fn, list(inputs), dtype)


def test_conv3d_saved_values_match_torch():
    torch = require_torch()
    x, w, b = torch.randn(1, 2, 4, 4, 4), torch.randn(2, 1, 2, 2, 2), torch.randn(2)
    for kw in [
        dict(stride=(1, 2, 1), padding=1, dilation=(2, 1, 1), groups=2),
        dict(padding="same", groups=2),
    ]:
        t = torch.nn.functional.conv3d(x.requires_grad_(), w, b, **kw).grad_fn
        o = aw.nn.functional.conv3d(
            aw.tensor(x.detach().numpy(), requires_grad=True), aw.tensor(w.numpy()),
            aw.tensor(b.numpy()), **kw,
        ).grad_fn  # fmt: skip
        assert type(o).__name__ == type(t).__name__ == "ConvolutionBackward0"
        assert _saved(o) == _saved(t)


def test_conv3d_finite_differences():
    rng = np.random.default_rng(0)
    x = aw.tensor(rng.standard_normal((1, 2, 3, 4, 3)), requires_grad=True)
    w = aw.tensor(rng.standard_normal((2, 1, 2, 2, 2)), requires_grad=True)
    b = aw.tensor(rng.standard_normal(2), requires_grad=True)

    def f(x, w, b):
        return aw.nn.functional.conv3d(x, w, b, stride=(1, 2, 1), padding=1, groups=2)

    assert aw.autograd.gradcheck(f, [x, w, b])


POOLS = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=(2, 3, 2), stride=(1, 2, 3), padding=(1, 1, 0)),
    dict(kernel_size=3, stride=2, ceil_mode=True),
    dict(kernel_size=[2], stride=[]),
    dict(kernel_size=2, stride=1, padding=1),
]


def _pool_both(torch, name, kw, x, dtype):
    tx = torch.tensor(x, requires_grad=True)
    ox = aw.tensor(x, requires_grad=True)
    t = getattr(torch.nn.functional, name)(tx, **kw)
    o = getattr(aw.nn.functional, name)(ox, **kw)
    if isinstance(t, tuple):
        assert np.array_equal(o[1].numpy(), t[1].numpy())
        t, o = t[0], o[0]
    assert type(o.grad_fn).__name__ == type(t.grad_fn).__name__
    assert _saved(o.grad_fn) == _saved(t.grad_fn)
    assert_close(o, t, dtype, "value")
    g = np.random.default_rng(1).standard_normal(tuple(t.shape)).astype(dtype)
    t.backward(torch.tensor(g))
    o.backward(aw.tensor(g))
    assert_close(ox.grad, tx.grad, dtype, "grad")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", range(len(POOLS)))
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("batched", [True, False])
def test_max_pool3d_matches_torch(case, dtype, ties, batched):
    torch = require_torch()
    rng = np.random.default_rng(case)
    shape = (2, 2, 5, 6, 4) if batched else (2, 5, 6, 4)
    x = (rng.integers(0, 3, shape) if ties else rng.standard_normal(shape)).astype(dtype)
    _pool_both(torch, "max_pool3d", dict(POOLS[case], return_indices=True), x, dtype)
    _pool_both(torch, "max_pool3d", dict(POOLS[case], dilation=(1, 2, 1)), x, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", range(len(POOLS)))
@pytest.mark.parametrize("extra", [{}, {"count_include_pad": False}, {"divisor_override": 3}])
def test_avg_pool3d_matches_torch(case, dtype, extra):
    torch = require_torch()
    x = np.random.default_rng(case).standard_normal((2, 2, 5, 6, 4)).astype(dtype)
    _pool_both(torch, "avg_pool3d", dict(POOLS[case], **extra), x, dtype)
    _pool_both(torch, "avg_pool3d", dict(POOLS[case], **extra), x[0], dtype)


def test_max_pool3d_keeps_the_last_nan():
    torch = require_torch()
    x = np.array([[[[[1.0, np.nan], [np.nan, 2]], [[np.nan, 0], [0, 0]]]]])
    t = torch.nn.functional.max_pool3d(torch.tensor(x), 2, return_indices=True)
    o = aw.nn.functional.max_pool3d(aw.tensor(x), 2, return_indices=True)
    assert np.array_equal(o[1].numpy(), t[1].numpy())
    assert np.isnan(o[0].numpy()).all()


def test_pool3d_finite_differences():
    rng = np.random.default_rng(2)
    x = aw.tensor(rng.standard_normal((1, 2, 4, 5, 3)), requires_grad=True)
    F = aw.nn.functional
    assert aw.autograd.gradcheck(lambda t: F.max_pool3d(t, 2, 1, padding=1, ceil_mode=True), [x])
    assert aw.autograd.gradcheck(
        lambda t: F.avg_pool3d(t, 3, 2, padding=1, ceil_mode=True, count_include_pad=False), [x]
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.nn.functional.conv3d(m.randn(2, 2, 2), m.randn(1, 2, 1, 1, 1)),
        lambda m: m.nn.functional.conv3d(m.randn(1, 2, 2, 2, 2), m.randn(1, 1, 3, 3, 3)),
        lambda m: m.nn.functional.conv3d(m.randn(1, 1, 2, 2, 2), m.randn(1, 1, 3, 3, 3)),
        lambda m: m.nn.functional.conv3d(
            m.randn(1, 1, 4, 4, 4), m.randn(1, 1, 3, 3, 3), stride=2, padding="same"
        ),
        lambda m: m.nn.functional.max_pool3d(m.randn(2, 2, 2), 1),
        lambda m: m.nn.functional.avg_pool3d(m.randn(2, 2, 2), 1),
        lambda m: m.nn.functional.max_pool3d(m.randn(1, 1, 2, 2, 2), 3),
        lambda m: m.nn.functional.avg_pool3d(m.randn(1, 1, 2, 2, 2), 3),
        lambda m: m.nn.functional.max_pool3d(m.randn(1, 1, 4, 4, 4), 2, padding=2),
        lambda m: m.nn.functional.avg_pool3d(m.randn(1, 1, 4, 4, 4), 2, padding=2),
        lambda m: m.nn.functional.max_pool3d(m.randn(1, 1, 4, 4, 4), (1, 2)),
        lambda m: m.nn.functional.avg_pool3d(m.randn(1, 1, 4, 4, 4), 2, stride=(1, 2)),
        lambda m: m.nn.functional.avg_pool3d(m.randn(1, 1, 4, 4, 4), 2, padding=(1, 2)),
        lambda m: m.nn.functional.max_pool3d(m.randn(1, 1, 4, 4, 4), 2, dilation=(1, 2)),
        lambda m: m.nn.functional.max_pool3d(m.randn(1, 1, 4, 4, 4), 2, stride=0),
        lambda m: m.nn.functional.avg_pool3d(m.randn(1, 1, 4, 4, 4), 2, divisor_override=0),
        lambda m: m.nn.Conv3d(2, 3, 3, groups=2),
    ],
)
def test_errors_match_torch(call):
    assert_same_error(require_torch(), call)


LAYERS = [
    "Conv3d(1, 2, 3)",
    "Conv3d(2, 4, (1, 2, 3), stride=2, padding=1, groups=2, bias=False, padding_mode='reflect')",
    "Conv3d(2, 2, 3, padding='same', dilation=(1, 2, 1), padding_mode='circular')",
    "Conv3d(2, 2, 2, padding=(1, 0, 1), padding_mode='replicate')",
    "MaxPool3d(2)",
    "MaxPool3d((1, 2, 3), stride=1, padding=(0, 1, 1), ceil_mode=True)",
    "AvgPool3d(2)",
    "AvgPool3d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False, divisor_override=2)",
]


@pytest.mark.parametrize("spec", LAYERS)
def test_layers_match_torch(spec):
    om = eval(f"aw.nn.{spec}")  # noqa: S307
    torch = require_torch()
    tm = eval(f"torch.nn.{spec}")  # noqa: S307
    assert str(om) == str(tm)
    copy_weights(tm.double(), om.double())
    x = np.random.default_rng(3).standard_normal(
        (2, om.in_channels if "Conv" in spec else 2, 5, 6, 5)
    )
    tx, ox = torch.tensor(x, requires_grad=True), aw.tensor(x, requires_grad=True)
    t, o = tm(tx), om(ox)
    assert_close(o, t, "float64", "value")
    t.sum().backward()
    o.sum().backward()
    assert_close(ox.grad, tx.grad, "float64", "grad")
    for (name, tp), (_, op) in zip(tm.named_parameters(), om.named_parameters()):
        assert_close(op.grad, tp.grad, "float64", f"grad of {name}")


@pytest.mark.parametrize("dtype", DTYPES)
def test_tiny_3d_cnn_training_step(dtype):
    torch = require_torch()

    def make(nn):
        return nn.Sequential(
            nn.Conv3d(1, 4, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool3d(2),
            nn.Conv3d(4, 4, 3, padding=1, groups=2),
            nn.ReLU(),
            nn.AvgPool3d(2, ceil_mode=True),
            nn.Flatten(),
            nn.Linear(4 * 2 * 2 * 1, 3),
        )

    torch.manual_seed(0)
    tdt = getattr(torch, dtype)
    tm, om = make(torch.nn).to(tdt), make(aw.nn).to(getattr(aw, dtype))
    copy_weights(tm, om)
    topt = torch.optim.SGD(tm.parameters(), lr=0.1, momentum=0.9)
    oopt = aw.optim.SGD(om.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(3, 1, 8, 8, 4, dtype=tdt)
    y = torch.tensor([0, 2, 1])
    for _ in range(2):
        for m, opt, lib, xx, yy in (
            (tm, topt, torch, x, y),
            (om, oopt, aw, aw.tensor(x.numpy()), aw.tensor(y.numpy())),
        ):
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(m(xx), yy)
            loss.backward()
            opt.step()
    for (name, tp), (_, op) in zip(tm.named_parameters(), om.named_parameters()):
        assert_close(op, tp, dtype, name)


@pytest.mark.parametrize(
    "spec", ["BatchNorm3d(2)", "InstanceNorm3d(2)", "InstanceNorm3d(2, affine=True)"]
)
@pytest.mark.parametrize("shape", [(2, 2, 3, 4, 3), (2, 3, 4, 3)])
def test_norm3d_layers_match_torch(spec, shape):
    """Values, gradients and running stats; InstanceNorm's graph differs (one group_norm node here)."""
    torch = require_torch()
    if spec.startswith("Batch") and len(shape) == 4:
        assert_same_error(torch, lambda m: m.nn.BatchNorm3d(2)(m.randn(*shape)))
        return
    tm, om = eval(f"torch.nn.{spec}").double(), eval(f"aw.nn.{spec}").double()  # noqa: S307
    assert str(om) == str(tm)
    copy_weights(tm, om)
    x = np.random.default_rng(4).standard_normal(shape)
    tx, ox = torch.tensor(x, requires_grad=True), aw.tensor(x, requires_grad=True)
    t, o = tm(tx), om(ox)
    assert_close(o, t, "float64", "value")
    (t * t).sum().backward()
    (o * o).sum().backward()
    assert_close(ox.grad, tx.grad, "float64", "grad")
    for ob, tb in zip(om.buffers(), tm.buffers()):
        assert_close(ob, tb, "float64", "buffer")


TRANSPOSED = [
    "ConvTranspose3d(2, 4, 3)",
    "ConvTranspose3d(2, 4, (1, 2, 3), stride=(2, 1, 2), padding=1, output_padding=(1, 0, 1), "
    "groups=2, bias=False)",
    "ConvTranspose3d(2, 2, 2, dilation=2, stride=2, padding=(0, 1, 0))",
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("spec", TRANSPOSED)
@pytest.mark.parametrize("shape", [(2, 2, 3, 4, 3), (2, 3, 4, 3)])
def test_conv_transpose3d_matches_torch(spec, dtype, shape):
    """Values and gradients; the graph below ConvolutionBackward0 is composed here (as 2-d)."""
    torch = require_torch()
    tm = eval(f"torch.nn.{spec}").to(getattr(torch, dtype))  # noqa: S307
    om = eval(f"aw.nn.{spec}").to(getattr(aw, dtype))  # noqa: S307
    assert str(om) == str(tm)
    copy_weights(tm, om)
    x = np.random.default_rng(5).standard_normal(shape).astype(dtype)
    tx, ox = torch.tensor(x, requires_grad=True), aw.tensor(x, requires_grad=True)
    t, o = tm(tx), om(ox)
    assert type(o.grad_fn).__name__ == type(t.grad_fn).__name__
    assert_close(o, t, dtype, "value")
    (t * t).sum().backward()
    (o * o).sum().backward()
    assert_close(ox.grad, tx.grad, dtype, "grad")
    assert_close(om.weight.grad, tm.weight.grad, dtype, "weight grad")


@pytest.mark.parametrize("name", ["adaptive_avg_pool3d", "adaptive_max_pool3d"])
@pytest.mark.parametrize("size", [1, 2, (3, None, 2), (4, 5, 3)])
@pytest.mark.parametrize("shape", [(2, 2, 5, 6, 4), (2, 5, 6, 4)])
def test_adaptive_pool3d_matches_torch(name, size, shape):
    torch = require_torch()
    x = np.random.default_rng(6).integers(0, 3, shape).astype("float64")  # ties
    kw = {"return_indices": True} if "max" in name else {}
    _pool_both(torch, name, dict(kw, output_size=size), x, "float64")


@pytest.mark.parametrize("spec", ["AdaptiveAvgPool3d((2, 1, 3))", "AdaptiveMaxPool3d(2)"])
def test_adaptive_pool3d_layers(spec):
    torch = require_torch()
    tm, om = eval(f"torch.nn.{spec}"), eval(f"aw.nn.{spec}")  # noqa: S307
    assert str(om) == str(tm)
    x = np.random.default_rng(7).standard_normal((1, 2, 4, 5, 3))
    assert_close(om(aw.tensor(x)), tm(torch.tensor(x)), "float64", "value")
