"""``torch.autograd.forward_ad`` against PyTorch and against finite differences.

Each op case runs on both modules inside a dual level, with the same float64 inputs and
tangents (every input dual, or only the first), and compares the output and its tangent.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import autograd_widgets as aw
import autograd_widgets.autograd.forward_ad as fwAD
from tests._oracle import assert_raises_like_torch, require_torch


def _fw(m):
    return importlib.import_module(f"{m.__name__}.autograd.forward_ad")


# name -> (function of (m, *inputs), input shapes)
OPS = {
    "add": (lambda m, a, b: a + b, [(3, 4), (3, 4)]),
    "mul_broadcast": (lambda m, a, b: a * b, [(3, 4), (4,)]),
    "div": (lambda m, a, b: a / (b.abs() + 1), [(2, 3), (2, 3)]),
    "pow_scalar": (lambda m, a: a**3, [(5,)]),
    "pow_tensor": (lambda m, a, b: (a.abs() + 0.5) ** b, [(4,), (4,)]),
    "sub_rsub": (lambda m, a, b: 2.0 - a - b, [(3,), (1,)]),
    "exp": (lambda m, a: m.exp(a), [(3, 2)]),
    "log": (lambda m, a: m.log(a.abs() + 1), [(6,)]),
    "sin_cos": (lambda m, a: m.sin(a) * m.cos(a), [(4,)]),
    "tanh": (lambda m, a: m.tanh(a), [(2, 5)]),
    "sigmoid": (lambda m, a: m.sigmoid(a), [(3,)]),
    "sqrt": (lambda m, a: m.sqrt(a * a + 1), [(4,)]),
    "clamp": (lambda m, a: m.clamp(a, -0.5, 0.5), [(8,)]),
    "where": (lambda m, a, b: m.where(a > 0, a, b), [(5,), (5,)]),
    "sum_dim": (lambda m, a: a.sum(1), [(3, 4)]),
    "mean": (lambda m, a: a.mean(), [(3, 4)]),
    "prod": (lambda m, a: a.prod(0), [(3, 2)]),
    "max_dim": (lambda m, a: a.max(1).values, [(3, 4)]),
    "norm": (lambda m, a: a.norm(), [(3, 4)]),
    "var": (lambda m, a: a.var(0), [(5, 2)]),
    "logsumexp": (lambda m, a: m.logsumexp(a, 1), [(2, 3)]),
    "matmul": (lambda m, a, b: a @ b, [(3, 4), (4, 2)]),
    "bmm": (lambda m, a, b: m.bmm(a, b), [(2, 3, 4), (2, 4, 2)]),
    "mv": (lambda m, a, b: m.mv(a, b), [(3, 4), (4,)]),
    "reshape_t": (lambda m, a: a.reshape(4, 3).t() * 2, [(3, 4)]),
    "index": (lambda m, a: a[1:, ::2], [(3, 4)]),
    "cat_stack": (lambda m, a, b: m.cat([a, m.stack([b, b]).sum(0)]), [(2, 3), (2, 3)]),
    "unbind": (lambda m, a: a.unbind(0)[1] * 3, [(3, 2)]),
    "linear": (lambda m, x, w, b: m.nn.functional.linear(x, w, b), [(4, 3), (2, 3), (2,)]),
    "relu": (lambda m, a: m.nn.functional.relu(a), [(6,)]),
    "softmax": (lambda m, a: m.softmax(a, dim=1), [(2, 4)]),
    "log_softmax": (lambda m, a: m.nn.functional.log_softmax(a, dim=0), [(5,)]),
    "gelu": (lambda m, a: m.nn.functional.gelu(a), [(5,)]),
    "mse_loss": (lambda m, a, b: m.nn.functional.mse_loss(a, b), [(4,), (4,)]),
    "cross_entropy": (
        lambda m, a: m.nn.functional.cross_entropy(a, m.tensor([0, 2, 1])),
        [(3, 4)],
    ),
    "conv2d": (
        lambda m, x, w: m.nn.functional.conv2d(x, w, padding=1),
        [(1, 2, 4, 4), (3, 2, 3, 3)],
    ),
    "layer_norm": (lambda m, a: m.nn.functional.layer_norm(a, (4,)), [(2, 4)]),
    "det": (lambda m, a: m.linalg.det(a), [(3, 3)]),
    "einsum": (lambda m, a, b: m.einsum("ij,jk->ik", a, b), [(2, 3), (3, 2)]),
}


def _data(shapes, seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes], [rng.standard_normal(s) for s in shapes]


def _run(m, fn, primals, tangents, which):
    fw = _fw(m)
    with fw.dual_level():
        args = [
            fw.make_dual(m.tensor(p), m.tensor(t)) if i in which else m.tensor(p)
            for i, (p, t) in enumerate(zip(primals, tangents))
        ]
        out = fn(m, *args)
        primal, tangent = fw.unpack_dual(out)
        return primal.detach().numpy().copy(), (
            None if tangent is None else tangent.detach().numpy().copy()
        )


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("only_first", [False, True])
def test_op_tangent_matches_torch(name, only_first):
    torch = require_torch()
    fn, shapes = OPS[name]
    primals, tangents = _data(shapes, len(name))
    which = {0} if only_first else set(range(len(shapes)))
    ours = _run(aw, fn, primals, tangents, which)
    theirs = _run(torch, fn, primals, tangents, which)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", ["mul_broadcast", "div", "matmul", "softmax", "conv2d", "det"])
def test_op_tangent_matches_finite_differences(name):
    fn, shapes = OPS[name]
    primals, tangents = _data(shapes, 7)
    _, tangent = _run(aw, fn, primals, tangents, set(range(len(shapes))))
    eps = 1e-6

    def at(s):
        with aw.no_grad():
            return fn(aw, *[aw.tensor(p + s * t) for p, t in zip(primals, tangents)]).numpy()

    np.testing.assert_allclose(tangent, (at(eps) - at(-eps)) / (2 * eps), rtol=1e-5, atol=1e-7)


def test_dual_tensor_looks_like_torch():
    torch = require_torch()

    def shown(m):
        fw = _fw(m)
        with fw.dual_level() as level:
            d = fw.make_dual(m.tensor([1.0, 2.0]), m.tensor([0.5, 1.0]))
            p = m.tensor([[1.0, 2.0]], requires_grad=True)
            dp = fw.make_dual(p, m.tensor([[0.25, 3.0]]))
            y = d * 2
            out = [
                level,
                repr(d),
                d.requires_grad,
                d.grad_fn is None,
                d.is_leaf,
                repr(y),
                y.requires_grad,
                repr(y.sum()),
                repr(m.ones(3, 3, dtype=m.float64) + fw.make_dual(m.ones(3, 3), m.ones(3, 3))),
                type(dp.grad_fn).__name__,
                repr(dp.sum()).split("tangent")[1],
                repr(fw.unpack_dual(y)),
                repr(fw.unpack_dual(m.ones(2))),
                type(fw.unpack_dual(y)).__name__,
                fw.unpack_dual(y)._fields,
                repr(d > 1),
                repr(d.detach()),
            ]
        out += [repr(y), repr(fw.unpack_dual(y)), fw.unpack_dual(d).tangent is None]
        return out

    assert shown(aw) == shown(torch)


def test_tangent_kept_or_copied_as_in_torch():
    primal, tangent = aw.randn(4, 4), aw.randn(4, 4)
    with fwAD.dual_level():
        assert fwAD.unpack_dual(fwAD.make_dual(primal, tangent)).tangent is tangent
        alt = fwAD.unpack_dual(fwAD.make_dual(primal, tangent.T)).tangent
        assert alt is not tangent
        np.testing.assert_array_equal(alt.numpy(), tangent.T.numpy())


def test_backward_through_dual_graph_leaves_hidden_duals_alone():
    torch = require_torch()

    def run(m):
        fw = _fw(m)
        p = m.tensor([1.0, 2.0], requires_grad=True)
        with fw.dual_level():
            d = fw.make_dual(m.tensor([3.0, 4.0]), m.tensor([1.0, 1.0]))
            dp = fw.make_dual(p, m.tensor([0.5, 0.5]))
            out = (dp * d).sum()
            out.backward()
            return p.grad.tolist(), d.grad, fw.unpack_dual(out).tangent.item()

    assert run(aw) == run(torch)


def test_errors_like_torch():
    def outside(m):
        _fw(m).make_dual(m.ones(2), m.ones(2))

    assert_raises_like_torch(outside)
    for bad in (
        lambda m: _fw(m).make_dual(m.ones(2), m.ones(3)),
        lambda m: _fw(m).make_dual(m.ones(2, dtype=m.int64), m.ones(2)),
        lambda m: _fw(m).make_dual(m.ones(2), m.ones(2, dtype=m.int64)),
        lambda m: _fw(m).make_dual(m.ones(2), m.ones(2), level=5),
        lambda m: _fw(m).unpack_dual(_fw(m).make_dual(m.ones(2), m.ones(2)), level=3),
        lambda m: _fw(m).enter_dual_level(),
        lambda m: _fw(m).make_dual(_fw(m).make_dual(m.ones(2), m.ones(2)), m.ones(2)),
        lambda m: _fw(m).make_dual(m.ones(2), m.ones(2)).sum().backward(),
    ):

        def inside(m, bad=bad):
            with _fw(m).dual_level():
                bad(m)

        assert_raises_like_torch(inside)
    assert_raises_like_torch(lambda m: _fw(m).exit_dual_level())


def test_exit_level_out_of_order_and_reentry():
    torch = require_torch()
    for m in (aw, torch):
        fw = _fw(m)
        assert fw.enter_dual_level() == 0
        fw.exit_dual_level()
        with pytest.raises(RuntimeError, match="not the last one"):
            fw.exit_dual_level(level=0)
        with fw.dual_level():  # a fresh level after the first one closed
            d = fw.make_dual(m.ones(2), m.ones(2))
        assert fw.unpack_dual(d).tangent is None
        assert not d.requires_grad


def test_op_without_forward_formula_raises_like_torch():
    """An op recorded with PyTorch's ``NotImplemented`` node has no formula to run: the error
    is PyTorch's for an op with no forward derivative (its text for ``special_zeta``)."""
    torch = require_torch()
    with pytest.raises(NotImplementedError) as theirs, torch.autograd.forward_ad.dual_level():
        d = torch.autograd.forward_ad.make_dual(torch.ones(2) * 3, torch.ones(2))
        torch.special.zeta(d, d)
    with pytest.raises(NotImplementedError) as ours, fwAD.dual_level():
        aw.floor_divide(fwAD.make_dual(aw.ones(2) * 3, aw.ones(2)), aw.ones(2))
    assert str(ours.value) == str(theirs.value).replace("special_zeta", "floor_divide")


def test_module_with_dual_parameters_and_functional_call():
    torch = require_torch()

    def run(m):
        m.manual_seed(0)
        model = m.nn.Linear(5, 3)
        x = m.tensor(np.random.default_rng(1).standard_normal((4, 5)), dtype=m.float32)
        params = dict(model.named_parameters())
        tangents = {k: m.ones_like(p) * 0.5 for k, p in params.items()}
        fw = _fw(m)
        with fw.dual_level():
            duals = {k: fw.make_dual(p, tangents[k]) for k, p in params.items()}
            out = m.func.functional_call(model, duals, (x,))
            jvp = fw.unpack_dual(out).tangent
        model2 = m.nn.Linear(5, 3)
        with fw.dual_level():
            for k, p in params.items():
                delattr(model2, k)
                setattr(model2, k, fw.make_dual(p, tangents[k]))
            jvp2 = fw.unpack_dual(model2(x)).tangent
        _, jvp3 = m.func.jvp(lambda p: m.func.functional_call(model, p, (x,)), (params,),
                             (tangents,))  # fmt: skip
        expected = x @ tangents["weight"].T + tangents["bias"]
        return [np.round(t.detach().numpy(), 5).tolist() for t in (jvp, jvp2, jvp3, expected)]

    ours = run(aw)
    assert ours == run(torch)
    assert ours[0] == ours[1] == ours[2]


def test_custom_function_jvp():
    torch = require_torch()

    def run(m):
        class Fn(m.autograd.Function):
            @staticmethod
            def forward(ctx, foo, scale):
                result = m.exp(foo) * scale
                ctx.save_for_forward(foo)
                ctx.result = result
                return result

            @staticmethod
            def jvp(ctx, g_foo, g_scale):
                (foo,) = ctx.saved_tensors
                out = g_foo * ctx.result + g_scale * m.exp(foo)
                del ctx.result
                return out

        fw = _fw(m)
        primal = m.tensor([[0.5, -1.0], [2.0, 0.0]], dtype=m.float64, requires_grad=True)
        scale = m.tensor(3.0, dtype=m.float64)
        with fw.dual_level():
            out = Fn.apply(fw.make_dual(primal, m.ones(2, 2, dtype=m.float64)), scale)
            jvp = fw.unpack_dual(out).tangent.tolist()
        checked = m.autograd.gradcheck(
            lambda x: Fn.apply(x, scale), (primal,), check_forward_ad=True,
            check_backward_ad=False, check_undefined_grad=False, check_batched_grad=False,
        )  # fmt: skip
        return jvp, checked

    (ours, ours_ok), (theirs, theirs_ok) = run(aw), run(torch)
    # exp's last bit differs between numpy lines (and from ATen's): values within 1e-14
    np.testing.assert_allclose(ours, theirs, rtol=1e-14)
    assert ours_ok is theirs_ok is True


def test_custom_function_without_jvp_raises_like_torch():
    def call(m):
        class Fn(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2

        with _fw(m).dual_level():
            Fn.apply(_fw(m).make_dual(m.ones(2), m.ones(2)))

    assert_raises_like_torch(call)


def test_func_jvp_agrees_with_forward_ad():
    primals, tangents = _data([(3, 3), (3, 3)], 3)

    def fn(x, y):
        return (x**2 + y.sin()) @ y

    x, y = (aw.tensor(p) for p in primals)
    tx, ty = (aw.tensor(t) for t in tangents)
    _, jvp = aw.func.jvp(fn, (x, y), (tx, ty))
    with fwAD.dual_level():
        out = fn(fwAD.make_dual(x, tx), fwAD.make_dual(y, ty))
        tangent = fwAD.unpack_dual(out).tangent
    np.testing.assert_allclose(tangent.numpy(), jvp.numpy(), rtol=1e-12)


def test_dual_level_as_decorator_and_namespace():
    @fwAD.dual_level()
    def f(x):
        return fwAD.unpack_dual(fwAD.make_dual(x, x) * x).tangent

    np.testing.assert_allclose(f(aw.tensor([1.0, 2.0])).numpy(), [1.0, 4.0])
    assert aw.autograd.forward_ad is fwAD
    assert sorted(fwAD.__all__) == sorted(require_torch().autograd.forward_ad.__all__)
