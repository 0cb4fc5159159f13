"""``F.affine_grid`` and ``F.grid_sample`` against PyTorch and finite differences.

Values and gradients (input and grid) for every mode, padding mode and ``align_corners``,
on random grids reaching outside [-1, 1]; the ``grad_fn`` names and saved values; the
warnings and errors; a small spatial transformer trained one step on both sides.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, assert_same_error, graph_names, to_aw

F = aw.nn.functional
MODES = ("bilinear", "nearest", "bicubic")
PADDINGS = ("zeros", "border", "reflection")
CASES_2D = list(itertools.product(MODES, PADDINGS, (False, True)))
CASES_3D = list(itertools.product(("bilinear", "nearest"), PADDINGS, (False, True)))


def _inputs(torch, dims, dtype, seed=0):
    """An input and a grid whose points reach well outside [-1, 1]."""
    torch.manual_seed(seed)
    dt = getattr(torch, dtype)
    if dims == 2:
        x, g = torch.randn(2, 3, 5, 6, dtype=dt), torch.rand(2, 4, 7, 2, dtype=dt)
    else:
        x, g = torch.randn(2, 3, 4, 5, 3, dtype=dt), torch.rand(2, 3, 2, 4, 3, dtype=dt)
    return x, g * 3.4 - 1.7


def _compare_sample(torch, dims, mode, padding, align, dtype):
    x, g = _inputs(torch, dims, dtype)
    tx, tg = x.clone().requires_grad_(), g.clone().requires_grad_()
    ox, og = to_aw(tx), to_aw(tg)
    kw = dict(mode=mode, padding_mode=padding, align_corners=align)
    t_out = torch.nn.functional.grid_sample(tx, tg, **kw)
    o_out = F.grid_sample(ox, og, **kw)
    assert graph_names(o_out) == graph_names(t_out)
    assert_close(o_out, t_out, dtype, "value")
    for name in ("interpolation_mode", "padding_mode", "align_corners"):
        saved = f"_saved_{name}"
        assert getattr(o_out.grad_fn, saved) == getattr(t_out.grad_fn, saved), name
    torch.manual_seed(4)
    go = torch.randn(t_out.shape, dtype=t_out.dtype)
    t_out.backward(go)
    o_out.backward(to_aw(go))
    assert_close(ox.grad, tx.grad, dtype, "grad of input")
    assert_close(og.grad, tg.grad, dtype, "grad of grid")
    return o_out, t_out


@pytest.mark.oracle
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "dims,mode,padding,align", [(2, *c) for c in CASES_2D] + [(3, *c) for c in CASES_3D]
)
def test_grid_sample_matches_torch(dims, mode, padding, align, dtype):
    torch = require_torch()
    o_out, t_out = _compare_sample(torch, dims, mode, padding, align, dtype)
    assert type(o_out.grad_fn).__name__ == f"GridSampler{dims}DBackward0"
    if mode != "bicubic":  # the forward follows ATen's operations one for one
        np.testing.assert_array_equal(o_out.detach().numpy(), t_out.detach().numpy())


@pytest.mark.parametrize(
    "dims,mode,padding,align",
    [(2, *c) for c in CASES_2D if c[0] != "nearest"]
    + [(3, *c) for c in CASES_3D if c[0] != "nearest"],
)
def test_grid_sample_finite_differences(dims, mode, padding, align):
    rng = np.random.default_rng(7)
    shape = (1, 2, 4, 5) if dims == 2 else (1, 2, 3, 4, 3)
    gshape = (1, 3, 2, 2) if dims == 2 else (1, 2, 2, 2, 3)
    x = aw.from_numpy(rng.standard_normal(shape)).requires_grad_()
    g = aw.from_numpy(rng.uniform(-1.6, 1.6, gshape)).requires_grad_()

    def fn(a, b):
        return F.grid_sample(a, b, mode=mode, padding_mode=padding, align_corners=align)

    assert aw.autograd.gradcheck(fn, [x, g], eps=1e-7, atol=1e-6)


def test_grid_sample_nearest_gradients():
    """Nearest: the input gradient is the scatter of the output's; the grid's is zero."""
    x = aw.arange(12.0, dtype=aw.float64).reshape(1, 1, 3, 4).requires_grad_()
    g = aw.tensor([[[[-1.0, -1.0], [0.9, 0.9], [3.0, 0.0]]]], dtype=aw.float64)
    g.requires_grad_()
    out = F.grid_sample(x, g, mode="nearest", align_corners=True)
    assert out.tolist() == [[[[0.0, 11.0, 0.0]]]]
    out.sum().backward()
    assert g.grad.abs().sum().item() == 0
    assert x.grad.reshape(-1).tolist() == [1.0] + [0.0] * 10 + [1.0]


@pytest.mark.oracle
def test_grid_sample_nearest_rounds_half_to_even():
    torch = require_torch()
    x = torch.arange(8.0).reshape(1, 1, 1, 8)
    # align_corners=True: pixel = (g + 1) * 3.5, so these land on k + 0.5 exactly
    px = torch.tensor([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5])
    g = torch.stack([px / 3.5 - 1, torch.zeros(7)], -1).reshape(1, 1, 7, 2)
    t_out = torch.nn.functional.grid_sample(x, g, mode="nearest", align_corners=True)
    o_out = F.grid_sample(to_aw(x), to_aw(g), mode="nearest", align_corners=True)
    assert o_out.tolist() == t_out.tolist()


@pytest.mark.oracle
@pytest.mark.parametrize("wanted", ["input", "grid"])
def test_grid_sample_one_input_requires_grad(wanted):
    torch = require_torch()
    x, g = _inputs(torch, 2, "float64", seed=3)
    kw = dict(padding_mode="border", align_corners=False)
    ts = {"input": x.clone(), "grid": g.clone()}
    ts[wanted].requires_grad_()
    os = {k: to_aw(v) for k, v in ts.items()}
    t_out = torch.nn.functional.grid_sample(ts["input"], ts["grid"], **kw)
    o_out = F.grid_sample(os["input"], os["grid"], **kw)
    assert [f is None for f, _ in o_out.grad_fn.next_functions] == [
        f is None for f, _ in t_out.grad_fn.next_functions
    ]
    t_out.sum().backward()
    o_out.sum().backward()
    assert_close(os[wanted].grad, ts[wanted].grad, "float64", f"grad of {wanted}")


def test_grid_sample_no_grad_and_dtype():
    x = aw.randn(1, 2, 3, 3)
    g = aw.rand(1, 2, 2, 2) * 2 - 1
    with aw.no_grad():
        out = F.grid_sample(x.requires_grad_(), g, align_corners=False)
    assert out.grad_fn is None and out.dtype == aw.float32
    out = F.grid_sample(x.detach(), g, align_corners=False)
    assert out.grad_fn is None and not out.requires_grad


# --- affine_grid -----------------------------------------------------------------------------
AFFINE_SIZES = [(2, 3, 4, 5), (3, 1, 28, 28), (2, 3, 1, 6), (2, 2, 3, 4, 5), (1, 1, 2, 1, 3)]


@pytest.mark.oracle
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("size", AFFINE_SIZES)
def test_affine_grid_matches_torch(size, align, dtype):
    torch = require_torch()
    torch.manual_seed(1)
    k = len(size) - 2
    theta = torch.randn(size[0], k, k + 1, dtype=getattr(torch, dtype), requires_grad=True)
    ours = to_aw(theta)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unit-size grids with align_corners=True warn
        t_out = torch.nn.functional.affine_grid(theta, size, align_corners=align)
        o_out = F.affine_grid(ours, size, align_corners=align)
    np.testing.assert_array_equal(o_out.detach().numpy(), t_out.detach().numpy())
    assert (
        graph_names(o_out)
        == graph_names(t_out)
        == ["AffineGridGeneratorBackward0", "AccumulateGrad"]
    )
    assert o_out.grad_fn._saved_size == t_out.grad_fn._saved_size
    assert o_out.grad_fn._saved_align_corners == t_out.grad_fn._saved_align_corners
    go = torch.randn(t_out.shape, dtype=t_out.dtype)
    t_out.backward(go)
    o_out.backward(to_aw(go))
    assert_close(ours.grad, theta.grad, dtype, "grad of theta")


def test_affine_grid_finite_differences_and_double_backward():
    theta = aw.randn(2, 2, 3, dtype=aw.float64, requires_grad=True)
    assert aw.autograd.gradcheck(lambda t: F.affine_grid(t, (2, 1, 3, 4), False), [theta])
    assert aw.autograd.gradgradcheck(lambda t: F.affine_grid(t, (2, 1, 3, 4), True), [theta])
    theta3 = aw.randn(1, 3, 4, dtype=aw.float64, requires_grad=True)
    assert aw.autograd.gradcheck(lambda t: F.affine_grid(t, (1, 1, 2, 3, 2), False), [theta3])


def test_affine_grid_identity_is_the_pixel_centres():
    eye = aw.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    grid = F.affine_grid(eye, (1, 1, 2, 2), align_corners=False)
    assert grid.tolist() == [[[[-0.5, -0.5], [0.5, -0.5]], [[-0.5, 0.5], [0.5, 0.5]]]]
    x = aw.randn(1, 3, 6, 7)
    same = F.grid_sample(x, F.affine_grid(eye, (1, 3, 6, 7), False), align_corners=False)
    np.testing.assert_allclose(same.numpy(), x.numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.oracle
def test_default_align_corners_warns_like_torch():
    torch = require_torch()
    theta = torch.eye(2, 3).unsqueeze(0)
    x = torch.randn(1, 1, 3, 3)
    messages = []
    for lib, t, inp in ((torch, theta, x), (aw, to_aw(theta), to_aw(x))):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            grid = lib.nn.functional.affine_grid(t, (1, 1, 3, 3))
            lib.nn.functional.grid_sample(inp, grid)
        messages.append([(w.category, str(w.message), w.filename) for w in caught])
    assert messages[0] == messages[1]
    assert len(messages[0]) == 2 and messages[0][0][2] == __file__


# --- errors -----------------------------------------------------------------------------------
def _x(lib, *shape, dtype="float32"):
    return lib.zeros(*shape, dtype=getattr(lib, dtype))


ERRORS = {
    "mode": lambda m: m.nn.functional.grid_sample(_x(m, 1, 1, 2, 2), _x(m, 1, 1, 1, 2), "x"),
    "padding": lambda m: m.nn.functional.grid_sample(
        _x(m, 1, 1, 2, 2), _x(m, 1, 1, 1, 2), padding_mode="wrap"
    ),
    "batch": lambda m: m.nn.functional.grid_sample(_x(m, 2, 1, 2, 2), _x(m, 1, 1, 1, 2)),
    "last_dim": lambda m: m.nn.functional.grid_sample(_x(m, 1, 1, 2, 2), _x(m, 1, 1, 1, 3)),
    "grid_dims": lambda m: m.nn.functional.grid_sample(_x(m, 1, 1, 2, 2), _x(m, 1, 1, 2)),
    "input_3d": lambda m: m.nn.functional.grid_sample(_x(m, 1, 2, 2), _x(m, 1, 1, 2)),
    "five_four": lambda m: m.nn.functional.grid_sample(_x(m, 1, 1, 2, 2, 2), _x(m, 1, 1, 1, 3)),
    "empty": lambda m: m.nn.functional.grid_sample(_x(m, 1, 1, 0, 2), _x(m, 1, 1, 1, 2)),
    "bicubic_3d": lambda m: m.nn.functional.grid_sample(
        _x(m, 1, 1, 2, 2, 2), _x(m, 1, 1, 1, 1, 3), mode="bicubic"
    ),
    "dtypes": lambda m: m.nn.functional.grid_sample(
        _x(m, 1, 1, 2, 2), _x(m, 1, 1, 1, 2, dtype="float64")
    ),
    "int_input": lambda m: m.nn.functional.grid_sample(
        _x(m, 1, 1, 2, 2, dtype="int32"), _x(m, 1, 1, 1, 2)
    ),
    "theta_int": lambda m: m.nn.functional.affine_grid(
        _x(m, 1, 2, 3, dtype="int64"), (1, 1, 2, 2), False
    ),
    "theta_shape": lambda m: m.nn.functional.affine_grid(_x(m, 1, 3, 3), (1, 1, 2, 2), False),
    "theta_shape_3d": lambda m: m.nn.functional.affine_grid(_x(m, 1, 2, 3), [1, 1, 2, 2, 2], False),
    "size_len": lambda m: m.nn.functional.affine_grid(_x(m, 1, 2, 3), (1, 1, 2), False),
    "size_zero": lambda m: m.nn.functional.affine_grid(_x(m, 1, 2, 3), (1, 1, 0, 2), False),
    "size_batch": lambda m: m.nn.functional.affine_grid(_x(m, 2, 2, 3), (3, 1, 2, 2), False),
    "theta_torch_size": lambda m: m.nn.functional.affine_grid(
        _x(m, 1, 3, 3), m.Size([1, 1, 2, 2]), False
    ),
}


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_like_torch(case):
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same_error(torch, ERRORS[case])


def test_grid_sample_refuses_double_backward():
    x = aw.randn(1, 1, 3, 3, dtype=aw.float64, requires_grad=True)
    g = aw.rand(1, 2, 2, 2, dtype=aw.float64)
    out = F.grid_sample(x, g, align_corners=True).sum()
    with pytest.raises(NotImplementedError, match="grid_sampler"):
        aw.autograd.grad(out, x, create_graph=True)


# --- a spatial transformer --------------------------------------------------------------------
def _stn(nn, lib):
    """The STN tutorial's pattern, small: localisation -> theta -> affine_grid -> grid_sample."""

    class STN(nn.Module):
        def __init__(self):
            super().__init__()
            self.loc = nn.Linear(2 * 8 * 8, 6)
            self.head = nn.Linear(2 * 8 * 8, 3)

        def forward(self, x):
            theta = self.loc(x.flatten(1)).view(-1, 2, 3)
            grid = nn.functional.affine_grid(theta, x.size(), align_corners=False)
            y = nn.functional.grid_sample(x, grid, align_corners=False)
            return nn.functional.log_softmax(self.head(y.flatten(1)), dim=1)

    return STN()


@pytest.mark.oracle
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_spatial_transformer_step_matches_torch(dtype):
    torch = require_torch()
    tdt, odt = getattr(torch, dtype), getattr(aw, dtype)
    torch.manual_seed(0)
    tm = _stn(torch.nn, torch).to(tdt)
    with torch.no_grad():  # start near the identity, as the tutorial does
        tm.loc.weight.mul_(0.1)
        tm.loc.bias.copy_(torch.tensor([1.0, 0, 0, 0, 1, 0], dtype=tdt))
    om = _stn(aw.nn, aw).to(odt)
    om.load_state_dict({k: to_aw(v) for k, v in tm.state_dict().items()})
    x = torch.randn(4, 2, 8, 8, dtype=tdt)
    y = torch.tensor([0, 2, 1, 2])
    t_loss = torch.nn.functional.nll_loss(tm(x), y)
    o_loss = aw.nn.functional.nll_loss(om(to_aw(x)), to_aw(y))
    assert "GridSampler2DBackward0" in graph_names(o_loss)
    assert graph_names(o_loss) == graph_names(t_loss)
    assert_close(o_loss, t_loss, dtype, "loss")
    t_loss.backward()
    o_loss.backward()
    oparams = dict(om.named_parameters())
    for name, p in tm.named_parameters():
        assert_close(oparams[name].grad, p.grad, dtype, f"grad of {name}")


def _tutorial_net(lib):
    """The network of PyTorch's "Spatial Transformer Networks" tutorial, as written there."""
    nn, F_ = lib.nn, lib.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
            self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
            self.conv2_drop = nn.Dropout2d()
            self.fc1 = nn.Linear(320, 50)
            self.fc2 = nn.Linear(50, 10)
            self.localization = nn.Sequential(
                nn.Conv2d(1, 8, kernel_size=7),
                nn.MaxPool2d(2, stride=2),
                nn.ReLU(True),
                nn.Conv2d(8, 10, kernel_size=5),
                nn.MaxPool2d(2, stride=2),
                nn.ReLU(True),
            )
            self.fc_loc = nn.Sequential(nn.Linear(10 * 3 * 3, 32), nn.ReLU(True), nn.Linear(32, 6))
            self.fc_loc[2].weight.data.zero_()
            self.fc_loc[2].bias.data.copy_(lib.tensor([1, 0, 0, 0, 1, 0], dtype=lib.float))

        def stn(self, x):
            xs = self.localization(x).view(-1, 10 * 3 * 3)
            theta = self.fc_loc(xs).view(-1, 2, 3)
            grid = F_.affine_grid(theta, x.size())
            return F_.grid_sample(x, grid)

        def forward(self, x):
            x = self.stn(x)
            x = F_.relu(F_.max_pool2d(self.conv1(x), 2))
            x = F_.relu(F_.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
            x = x.view(-1, 320)
            x = F_.relu(self.fc1(x))
            x = F_.dropout(x, training=self.training)
            return F_.log_softmax(self.fc2(x), dim=1)

    return Net()


@pytest.mark.oracle
def test_stn_tutorial_network_matches_torch():
    torch = require_torch()
    torch.manual_seed(0)
    tm, om = _tutorial_net(torch), _tutorial_net(aw)
    with torch.no_grad():  # a theta away from the identity, so the sampler's gradients matter
        tm.fc_loc[2].weight.normal_(0, 0.01)
    om.load_state_dict({k: to_aw(v) for k, v in tm.state_dict().items()})
    tm.eval()
    om.eval()
    x, y = torch.randn(8, 1, 28, 28), torch.randint(0, 10, (8,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tutorial leaves align_corners at its default
        t_loss = torch.nn.functional.nll_loss(tm(x), y)
        o_loss = aw.nn.functional.nll_loss(om(to_aw(x)), to_aw(y))
    assert graph_names(o_loss) == graph_names(t_loss)
    assert_close(o_loss, t_loss, "float32", "loss")
    t_loss.backward()
    o_loss.backward()
    oparams = dict(om.named_parameters())
    for name, p in tm.named_parameters():
        assert_close(oparams[name].grad, p.grad, "float32", f"grad of {name}")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shapes", [((0, 2, 3, 4), (0, 2, 2, 2)), ((2, 0, 3, 4), (2, 2, 2, 2))])
def test_grid_sample_empty(mode, shapes):
    x = aw.zeros(*shapes[0], requires_grad=True)
    g = aw.zeros(*shapes[1], requires_grad=True)
    out = F.grid_sample(x, g, mode=mode, align_corners=False)
    assert tuple(out.shape) == shapes[0][:2] + shapes[1][1:3]
    out.sum().backward()
    assert x.grad.shape == x.shape and g.grad.abs().sum().item() == 0
