"""``F.interpolate`` / ``nn.Upsample``: one upsample node as PyTorch's, its values and gradients.

Nearest modes are bit-equal to PyTorch. The linear modes use ATen's fused multiply-adds
(source index, blend, gradient accumulation); ``linear`` matches bit for bit on these cases,
``bilinear``/``trilinear`` to within a few ulp and ``bicubic`` to within ~20 ulp (the fused
order of ATen's 2-d/3-d nests is not reproduced exactly yet), so those get a tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
import autograd_widgets.nn.functional as AF
from tests._oracle import require_torch
from tests.nn._compare import assert_same_error

MODES = [
    ("nearest", 3),
    ("nearest", 4),
    ("nearest", 5),
    ("nearest-exact", 3),
    ("nearest-exact", 4),
    ("nearest-exact", 5),
    ("linear", 3),
    ("bilinear", 4),
    ("trilinear", 5),
    ("bicubic", 4),
]
SIZES = [
    {"size": 7},
    {"size": 3},
    {"size": 1},
    {"scale_factor": 1.7},
    {"scale_factor": 0.6},
    {"scale_factor": 2},
    {"scale_factor": 3},
    {"scale_factor": 2.5, "recompute_scale_factor": True},
]


def _shape(nd, n):
    return (2, 2) + (n, 4, 3)[: nd - 2]


def _assert_values(ours, theirs, mode, dtype):
    if mode.startswith("nearest"):
        np.testing.assert_array_equal(ours, theirs)
    else:
        ulp = np.finfo(dtype).eps * (32 if mode == "bicubic" else 8)
        np.testing.assert_allclose(ours, theirs, rtol=ulp, atol=ulp)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [5, 1])
@pytest.mark.parametrize("kw", SIZES, ids=lambda k: "-".join(f"{a}={b}" for a, b in k.items()))
@pytest.mark.parametrize("mode,nd", MODES)
def test_against_torch(mode, nd, kw, n, dtype):
    torch = require_torch()
    rng = np.random.default_rng(0)
    a = rng.standard_normal(_shape(nd, n)).astype(dtype)
    for ac in [None] if mode.startswith("nearest") else [False, True]:
        k = dict(kw, mode=mode)
        if ac is not None:
            k["align_corners"] = ac
        xt = torch.tensor(a, requires_grad=True)
        xa = aw.tensor(a, requires_grad=True)
        try:
            yt = torch.nn.functional.interpolate(xt, **k)
        except RuntimeError:
            assert_same_error(torch, lambda m, k=k: m.nn.functional.interpolate(m.tensor(a), **k))
            continue
        ya = AF.interpolate(xa, **k)
        assert tuple(ya.shape) == tuple(yt.shape)
        _assert_values(ya.detach().numpy(), yt.detach().numpy(), mode, dtype)
        assert type(ya.grad_fn).__name__ == type(yt.grad_fn).__name__
        for name in dir(yt.grad_fn):
            if name.startswith("_saved"):
                assert getattr(ya.grad_fn, name) == getattr(yt.grad_fn, name), name
        g = rng.standard_normal(tuple(yt.shape)).astype(dtype)
        (gt,) = torch.autograd.grad(yt, xt, torch.tensor(g))
        ya.backward(aw.tensor(g))
        _assert_values(xa.grad.numpy(), gt.numpy(), mode, dtype)


def test_brief_example_is_one_node():
    x = aw.linspace(-1, 1, 16).view(1, 1, 4, 4).requires_grad_()
    y = AF.interpolate(x, size=(3, 5), mode="bilinear", align_corners=True)
    assert type(y.grad_fn).__name__ == "UpsampleBilinear2DBackward0"
    assert y.grad_fn.next_functions[0][0].__class__.__name__ == "AccumulateGrad"


@pytest.mark.parametrize("mode,nd", MODES)
def test_finite_differences_and_double_backward(mode, nd):
    rng = np.random.default_rng(1)
    a = rng.standard_normal(_shape(nd, 3))
    kw = {"scale_factor": 1.5, "mode": mode}
    x = aw.tensor(a, requires_grad=True)
    y = AF.interpolate(x, **kw)
    w = rng.standard_normal(tuple(y.shape))
    (y * aw.tensor(w)).sum().backward()
    eps = 1e-6
    num = np.zeros_like(a)
    for i in np.ndindex(a.shape):
        d = np.zeros_like(a)
        d[i] = eps
        hi = AF.interpolate(aw.tensor(a + d), **kw).numpy()
        lo = AF.interpolate(aw.tensor(a - d), **kw).numpy()
        num[i] = ((hi - lo) * w).sum() / (2 * eps)
    np.testing.assert_allclose(x.grad.numpy(), num, rtol=1e-6, atol=1e-8)
    # The backward is itself a node (PyTorch's ...BackwardBackward0), linear in the gradient.
    x = aw.tensor(a, requires_grad=True)
    y = AF.interpolate(x, **kw)
    gy = aw.tensor(w, requires_grad=True)
    (gx,) = aw.autograd.grad(y, x, gy, create_graph=True)
    assert type(gx.grad_fn).__name__ == type(y.grad_fn).__name__.replace(
        "Backward0", "BackwardBackward0"
    )
    v = rng.standard_normal(a.shape)
    (ggy,) = aw.autograd.grad((gx * aw.tensor(v)).sum(), gy)
    np.testing.assert_allclose(ggy.numpy(), AF.interpolate(aw.tensor(v), **kw).numpy())


def test_double_backward_against_torch():
    torch = require_torch()
    rng = np.random.default_rng(2)
    a = rng.standard_normal((1, 2, 3, 4))
    g = rng.standard_normal((1, 2, 6, 8))
    outs, names = [], None
    for m in (torch, aw):
        x = m.tensor(a, requires_grad=True)
        gy = m.tensor(g, requires_grad=True)
        y = m.nn.functional.interpolate(x, scale_factor=2, mode="bilinear")
        (gx,) = m.autograd.grad(y, x, gy, create_graph=True)
        node = gx.grad_fn
        names = names or [k for k in dir(node) if k.startswith("_saved")]
        saved = {k: getattr(node, k) for k in names}
        outs.append((type(node).__name__, saved))
    assert outs[0] == outs[1]


@pytest.mark.parametrize(
    "call",
    [
        lambda m, x: m.nn.functional.interpolate(x, size=3, scale_factor=2),
        lambda m, x: m.nn.functional.interpolate(x),
        lambda m, x: m.nn.functional.interpolate(x, size=3, align_corners=True),
        lambda m, x: m.nn.functional.interpolate(x, size=(3, 3, 3)),
        lambda m, x: m.nn.functional.interpolate(x, scale_factor=(2, 2, 2)),
        lambda m, x: m.nn.functional.interpolate(x, size=3, recompute_scale_factor=True),
        lambda m, x: m.nn.functional.interpolate(x, size=3, mode="linear"),
        lambda m, x: m.nn.functional.interpolate(x, size=3, mode="trilinear"),
        lambda m, x: m.nn.functional.interpolate(x[0], size=3, mode="bilinear"),
        lambda m, x: m.nn.functional.interpolate(x, size=3, mode="cubic"),
        lambda m, x: m.nn.functional.interpolate(x[0], size=3, mode="bicubic"),
        lambda m, x: m.nn.functional.interpolate(x, size=3, mode="nearest", antialias=True),
        lambda m, x: m.nn.functional.interpolate(x[:, :, :1, :1], scale_factor=0.5),
    ],
)
def test_errors(call):
    torch = require_torch()
    a = np.zeros((1, 1, 2, 2), np.float32)
    assert_same_error(torch, lambda m: call(m, m.tensor(a)))


def test_module_reprs():
    torch = require_torch()
    for args in [
        {"scale_factor": 2, "mode": "bilinear"},
        {"size": (3, 4)},
        {"scale_factor": 1.5, "mode": "nearest"},
    ]:
        assert repr(aw.nn.Upsample(**args)) == repr(torch.nn.Upsample(**args))
    for cls in ("UpsamplingNearest2d", "UpsamplingBilinear2d"):
        ours = getattr(aw.nn, cls)(scale_factor=2)
        theirs = getattr(torch.nn, cls)(scale_factor=2)
        assert repr(ours) == repr(theirs)
        a = np.random.default_rng(3).standard_normal((1, 2, 3, 3)).astype(np.float32)
        _assert_values(ours(aw.tensor(a)).numpy(), theirs(torch.tensor(a)).numpy(), "b", np.float32)


def test_antialias_not_supported_yet():
    x = aw.zeros(1, 1, 4, 4)
    with pytest.raises(NotImplementedError, match="antialias"):
        AF.interpolate(x, size=2, mode="bilinear", antialias=True)


@pytest.mark.parametrize("mode,nd", MODES)
def test_integer_input_errors(mode, nd):
    torch = require_torch()
    a = np.ones((2, 3) + (2,) * (nd - 2), np.int64)
    assert_same_error(
        torch, lambda m: m.nn.functional.interpolate(m.tensor(a), scale_factor=2, mode=mode)
    )


def test_float16_runs():
    torch = require_torch()
    a = np.random.default_rng(4).standard_normal((1, 2, 3, 3)).astype(np.float16)
    for mode in ("nearest", "bilinear"):
        ours = AF.interpolate(aw.tensor(a), scale_factor=2, mode=mode)
        theirs = torch.nn.functional.interpolate(torch.tensor(a), scale_factor=2, mode=mode)
        assert ours.dtype == aw.float16
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=2e-3, atol=2e-3)


@pytest.mark.parametrize("name", ["upsample", "upsample_nearest", "upsample_bilinear"])
def test_deprecated_upsample_functions(name):
    torch = require_torch()
    a = np.random.default_rng(5).standard_normal((1, 2, 3, 3)).astype(np.float32)
    with pytest.warns(UserWarning) as ours_w:
        ours = getattr(AF, name)(aw.tensor(a), scale_factor=2)
    with pytest.warns(UserWarning) as theirs_w:
        theirs = getattr(torch.nn.functional, name)(torch.tensor(a), scale_factor=2)
    assert str(ours_w[0].message) == str(theirs_w[0].message)
    _assert_values(ours.numpy(), theirs.numpy(), "bilinear", np.float32)


@pytest.mark.parametrize("nd", [3, 4, 5])
@pytest.mark.parametrize("kw", [{"size": 2}, {"size": 3}, {"scale_factor": 0.5}])
def test_area_is_adaptive_average_pooling(nd, kw):
    torch = require_torch()
    x = np.random.default_rng(nd).standard_normal(_shape(nd, 5)).astype(np.float32)
    a = aw.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    ours = AF.interpolate(a, mode="area", **kw)
    theirs = torch.nn.functional.interpolate(t, mode="area", **kw)
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6, atol=1e-6)
    g = np.random.default_rng(0).standard_normal(theirs.shape).astype(np.float32)
    ours.backward(aw.tensor(g))
    theirs.backward(torch.tensor(g))
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-6, atol=1e-6)
