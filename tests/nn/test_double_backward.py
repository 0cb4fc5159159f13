"""Double backward (``create_graph=True``) through convolution, pooling and padding, against
PyTorch: the ``...BackwardBackward0`` nodes (names, edges, ``_saved_*`` values), second and
third derivatives, finite differences of second derivatives (``gradgradcheck``), and the
programs that need them: a WGAN-GP gradient penalty on a conv critic, one MAML step with a
CNN, Hessian-vector products and ``torch.func.hessian`` of a small convnet. (The op table,
``tests/op_table.py``, compares more argument combinations' second derivatives.)"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, copy_weights

pytestmark = pytest.mark.oracle

DTYPES = ["float32", "float64"]

# (name, function of (m, *inputs), input shapes)
OPS = [
    ("conv1d", lambda m, x, w, b: m.nn.functional.conv1d(x, w, b, stride=2, padding=1),
     [(2, 3, 7), (4, 3, 3), (4,)]),
    ("conv1d_same", lambda m, x, w: m.nn.functional.conv1d(x, w, padding="same", dilation=2),
     [(2, 3, 7), (4, 3, 3)]),
    ("conv2d_groups", lambda m, x, w, b: m.nn.functional.conv2d(
        x, w, b, stride=(2, 1), padding=(1, 2), dilation=(2, 1), groups=2),
     [(2, 4, 6, 5), (6, 2, 3, 2), (6,)]),
    ("conv2d_unbatched", lambda m, x, w: m.nn.functional.conv2d(x, w, padding=1),
     [(3, 5, 4), (2, 3, 3, 3)]),
    ("conv3d", lambda m, x, w, b: m.nn.functional.conv3d(x, w, b, stride=(1, 2, 1), padding=1),
     [(1, 2, 4, 5, 3), (3, 2, 2, 3, 2), (3,)]),
    # (no output_padding: PyTorch's third derivative refuses it)
    ("conv_transpose2d", lambda m, x, w: m.nn.functional.conv_transpose2d(
        x, w, stride=2, padding=1, dilation=2), [(1, 3, 3, 4), (3, 2, 3, 3)]),
    ("max_pool1d", lambda m, x: m.nn.functional.max_pool1d(x, 3, 2, 1), [(2, 3, 9)]),
    ("max_pool2d", lambda m, x: m.nn.functional.max_pool2d(x, 3, 2, 1, ceil_mode=True),
     [(2, 2, 7, 6)]),
    ("max_pool2d_overlap", lambda m, x: m.nn.functional.max_pool2d(x, 3, 1), [(3, 6, 5)]),
    ("max_pool3d", lambda m, x: m.nn.functional.max_pool3d(x, 2, 1, 1), [(1, 2, 4, 4, 3)]),
    ("avg_pool2d", lambda m, x: m.nn.functional.avg_pool2d(
        x, 3, 2, 1, ceil_mode=True, count_include_pad=False), [(2, 2, 7, 6)]),
    ("avg_pool3d", lambda m, x: m.nn.functional.avg_pool3d(x, 2, 1, 1, divisor_override=3),
     [(1, 2, 4, 4, 3)]),
    ("adaptive_avg_pool2d", lambda m, x: m.nn.functional.adaptive_avg_pool2d(x, (3, 2)),
     [(2, 3, 7, 5)]),
    ("adaptive_max_pool3d", lambda m, x: m.nn.functional.adaptive_max_pool3d(x, (2, 3, 2)),
     [(1, 2, 5, 4, 3)]),
    ("reflect1d", lambda m, x: m.nn.functional.pad(x, (2, 1), mode="reflect"), [(2, 3, 6)]),
    ("reflect2d", lambda m, x: m.nn.functional.pad(x, (2, 1, 1, 2), mode="reflect"),
     [(3, 6, 5)]),
    ("replicate3d", lambda m, x: m.nn.functional.pad(x, (2, 1, 1, 2, 0, 1), mode="replicate"),
     [(1, 2, 4, 3, 5)]),
    ("circular", lambda m, x: m.nn.functional.pad(x, (2, 1, 1, 2), mode="circular"),
     [(1, 2, 4, 3)]),
]  # fmt: skip
OP_IDS = [o[0] for o in OPS]


def _inputs(m, shapes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [m.tensor(rng.uniform(-1, 1, s).astype(dtype), requires_grad=True) for s in shapes]


def _first(m, fn, shapes, dtype):
    """Inputs and their gradients of ``sum(tanh(f(x))^2)`` with ``create_graph=True``."""
    ts = _inputs(m, shapes, dtype)
    out = fn(m, *ts)
    return ts, m.autograd.grad(out.tanh().pow(2).sum(), ts, create_graph=True)


def _plain(v):
    if hasattr(v, "shape") and hasattr(v, "dtype"):  # a saved tensor: compare its shape
        return ("tensor", tuple(v.shape))
    return v


def _node_summary(fn):
    """Name, ``_saved_*`` values (tensors by shape) and the names on its edges."""
    saved = {a: _plain(getattr(fn, a)) for a in dir(fn) if a.startswith("_saved_")}
    nxt = [type(f).__name__ if f else None for f, _ in fn.next_functions]
    return type(fn).__name__, saved, nxt


@pytest.mark.parametrize("name, fn, shapes", OPS, ids=OP_IDS)
def test_first_grads_record_pytorchs_double_backward_nodes(name, fn, shapes):
    torch = require_torch()
    if name in ("conv_transpose2d", "circular"):
        pytest.skip("composed of other ops here (their double backward nodes are theirs)")

    def grads(m):
        ts = _inputs(m, shapes, "float64")
        return m.autograd.grad(fn(m, *ts).pow(2).sum(), ts, create_graph=True)

    for k, (g, t) in enumerate(zip(grads(aw), grads(torch))):
        assert g.requires_grad and t.requires_grad
        fa, ft = g.grad_fn, t.grad_fn
        while type(ft).__name__ == "SqueezeBackward1":  # the 1-d ops go through 2-d ones
            assert type(fa).__name__ == "SqueezeBackward1"
            fa, ft = fa.next_functions[0][0], ft.next_functions[0][0]
        assert _node_summary(fa) == _node_summary(ft), f"grad {k}"


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, fn, shapes", OPS, ids=OP_IDS)
def test_second_and_third_derivatives_match_torch(name, fn, shapes, dtype):
    torch = require_torch()

    def run(m):
        ts, gs = _first(m, fn, shapes, dtype)
        g2 = m.autograd.grad(sum((g * g).sum() for g in gs), ts, create_graph=True)
        g3 = m.autograd.grad(sum((g * g).sum() for g in g2), ts)
        return gs + g2 + g3

    got, want = run(aw), run(torch)
    for k, (a, t) in enumerate(zip(got, want)):
        if k < 2 * len(shapes):
            assert_close(a, t, dtype, f"{name}: derivative {k}")
        else:  # third derivatives are large: float32 keeps ~6 digits of the biggest
            b = t.detach().numpy()
            np.testing.assert_allclose(
                a.detach().numpy(),
                b,
                atol=1e-5 * np.abs(b).max(),
                rtol=1e-4,
                err_msg=f"{name}: third derivative {k}",
            )


@pytest.mark.parametrize("name, fn, shapes", OPS, ids=OP_IDS)
def test_second_derivatives_match_finite_differences(name, fn, shapes):
    ts = _inputs(aw, shapes, "float64", seed=3)
    # A cube keeps the second derivative of the linear ops (pooling, padding) non-zero.
    assert aw.autograd.gradgradcheck(lambda *a: fn(aw, *a).pow(3), ts)


@pytest.mark.parametrize("dtype", DTYPES)
def test_hessian_vector_products_of_a_conv_loss(dtype):
    torch = require_torch()
    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal(s).astype(dtype) for s in [(2, 2, 6, 6), (3, 2, 3, 3), (3,)]]
    vs = [rng.standard_normal(a.shape).astype(dtype) for a in arrays]

    def hvp(m):
        x, w, b = (m.tensor(a, requires_grad=True) for a in arrays)
        h = m.nn.functional.conv2d(x, w, b, padding=1).tanh()
        loss = m.nn.functional.max_pool2d(h, 2).pow(2).mean()
        gs = m.autograd.grad(loss, (x, w, b), create_graph=True)
        dot = sum((g * m.tensor(v)).sum() for g, v in zip(gs, vs))
        return m.autograd.grad(dot, (x, w, b))

    for k, (a, t) in enumerate(zip(hvp(aw), hvp(torch))):
        assert_close(a, t, dtype, f"Hv {k}")


def _critic(m):
    nn = m.nn
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, padding_mode="reflect"),
        nn.LeakyReLU(0.2),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 4, 3, stride=2, padding=1),
        nn.LeakyReLU(0.2),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(4, 1),
    )


def test_wgan_gp_gradient_penalty_matches_torch():
    torch = require_torch()
    torch.manual_seed(0)
    critic_t = _critic(torch)
    critic_a = _critic(aw)
    copy_weights(critic_t, critic_a)
    rng = np.random.default_rng(1)
    real, fake = rng.standard_normal((2, 3, 1, 8, 8)).astype("float32")
    eps = rng.uniform(size=(3, 1, 1, 1)).astype("float32")

    def penalty_step(m, critic):
        mix = m.tensor(eps * real + (1 - eps) * fake, requires_grad=True)
        (g,) = m.autograd.grad(critic(mix).sum(), mix, create_graph=True)
        gp = ((g.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
        loss = critic(m.tensor(fake)).mean() - critic(m.tensor(real)).mean() + 10 * gp
        loss.backward()
        return loss, [p.grad for p in critic.parameters()]

    loss_a, grads_a = penalty_step(aw, critic_a)
    loss_t, grads_t = penalty_step(torch, critic_t)
    assert_close(loss_a, loss_t, "float32", "loss")
    for k, (a, t) in enumerate(zip(grads_a, grads_t)):
        assert_close(a, t, "float32", f"critic parameter {k} grad")


def test_maml_inner_step_through_a_cnn_matches_torch():
    torch = require_torch()
    rng = np.random.default_rng(2)
    shapes = [(4, 1, 3, 3), (4,), (3, 4 * 4 * 4), (3,)]
    params = [rng.standard_normal(s) * 0.5 for s in shapes]
    xs, xq = rng.standard_normal((2, 5, 1, 7, 7))
    ys, yq = rng.integers(0, 3, (2, 5))

    def model(m, p, x):
        h = m.nn.functional.conv2d(x, p[0], p[1], padding=1).relu()
        h = m.nn.functional.avg_pool2d(h, 2, ceil_mode=True)
        return m.nn.functional.linear(h.flatten(1), p[2], p[3])

    def meta_grads(m):
        p = [m.tensor(a, requires_grad=True) for a in params]
        loss = m.nn.functional.cross_entropy(model(m, p, m.tensor(xs)), m.tensor(ys))
        gs = m.autograd.grad(loss, p, create_graph=True)
        fast = [w - 0.4 * g for w, g in zip(p, gs)]
        outer = m.nn.functional.cross_entropy(model(m, fast, m.tensor(xq)), m.tensor(yq))
        outer.backward()
        return [outer] + [w.grad for w in p]

    for k, (a, t) in enumerate(zip(meta_grads(aw), meta_grads(torch))):
        assert_close(a, t, "float64", f"meta result {k}")


def test_func_hessian_of_a_small_convnet_matches_torch():
    torch = require_torch()
    rng = np.random.default_rng(4)
    x = rng.standard_normal((1, 1, 5, 5))
    w = rng.standard_normal((2, 1, 2, 2))

    def hess(m):
        def f(weight):
            h = m.nn.functional.conv2d(m.tensor(x), weight, padding=1).tanh()
            return m.nn.functional.max_pool2d(h, 2).pow(2).sum()

        return m.func.hessian(f)(m.tensor(w))

    assert_close(hess(aw), hess(torch), "float64", "hessian")


def test_conv_jvp_uses_the_double_backward():
    """Forward-mode AD through a convolution (its jvp is computed from the double backward)."""
    torch = require_torch()
    rng = np.random.default_rng(6)
    x, tx = rng.standard_normal((2, 2, 3, 5, 5))
    w, tw = rng.standard_normal((2, 4, 3, 3, 3))

    def jvp(m):
        fwd = m.autograd.forward_ad
        with fwd.dual_level():
            dx = fwd.make_dual(m.tensor(x), m.tensor(tx))
            dw = fwd.make_dual(m.tensor(w), m.tensor(tw))
            out = m.nn.functional.conv2d(dx, dw, stride=2, padding=1)
            return fwd.unpack_dual(out).tangent

    assert_close(jvp(aw), jvp(torch), "float64", "tangent")


def test_double_backward_works_after_the_first_graph_is_freed():
    """``retain_graph=False`` frees the forward nodes' saved tensors; the double backward
    node keeps its own (``_saved_grad_output``, ``_saved_input``, ``_saved_weight``), so a
    loss linear in the output still has second derivatives; a square needs the freed forward
    graph again, and both libraries say so."""
    torch = require_torch()
    rng = np.random.default_rng(7)
    xa, wa = rng.standard_normal((1, 2, 6, 6)), rng.standard_normal((3, 2, 3, 3))

    def run(m, square):
        x, w = m.tensor(xa, requires_grad=True), m.tensor(wa, requires_grad=True)
        out = m.nn.functional.conv2d(x, w)
        out = out.pow(2) if square else out
        gx, gw = m.autograd.grad(out.sum(), (x, w), create_graph=True, retain_graph=False)
        (gx.pow(2).sum() + gw.pow(2).sum()).backward()
        return x.grad, w.grad

    for a, t in zip(run(aw, False), run(torch, False)):
        assert_close(a, t, "float64")
    with pytest.raises(RuntimeError) as want:
        run(torch, True)
    with pytest.raises(RuntimeError) as got:
        run(aw, True)
    assert str(got.value) == str(want.value)


def test_grads_nobody_differentiates_further_are_not_computed():
    """The double backward node hears ``None`` for an output no gradient reached (a zero
    there would cost a whole convolution), and PyTorch's values come out."""
    torch = require_torch()
    rng = np.random.default_rng(8)
    xa, wa = rng.standard_normal((1, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3))
    seen = []

    def run(m):
        x, w = m.tensor(xa, requires_grad=True), m.tensor(wa, requires_grad=True)
        out = m.nn.functional.conv2d(x, w).pow(2).sum()
        gx, gw = m.autograd.grad(out, (x, w), create_graph=True)
        if m is aw:
            gx.grad_fn.register_prehook(lambda grads: seen.append(grads) and None)
        gx.pow(2).sum().backward()
        return x.grad, w.grad

    for a, t in zip(run(aw), run(torch)):
        assert_close(a, t, "float64")
    assert len(seen) == 1 and seen[0][0] is not None and seen[0][1] is None
