"""``torch.func`` against PyTorch: each recipe runs on both modules on the same inputs.

A recipe is ``fn(m) -> plain data`` (nested lists of floats, flags); the test asserts
autograd_widgets returns what torch returns. Error cases compare type and text.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch

RECIPES = {}


def recipe(fn):
    RECIPES[fn.__name__] = fn
    return fn


def plain(x):
    """Tensors (in any pytree) as rounded lists, with whether they carry a grad_fn."""
    if isinstance(x, (tuple, list)):
        return [plain(v) for v in x]
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if hasattr(x, "detach"):
        return (tuple(x.shape), np.asarray(x.detach().tolist(), dtype=float), x.requires_grad)
    return x


def data(m, *shape, seed=0):
    return m.tensor(np.random.default_rng(seed).standard_normal(shape))


@recipe
def grad_of_cube(m):
    x = data(m, 4)
    g = m.func.grad(lambda x: (x**3).sum())(x)
    return [g, x.grad, x.requires_grad]


@recipe
def grad_of_grad(m):
    x = data(m, 3)

    def f(x):
        return (m.sin(x) * x).sum()

    return m.func.grad(lambda x: m.func.grad(f)(x).sum())(x)


@recipe
def grad_argnums_and_aux(m):
    x, y = data(m, 3), data(m, 3, seed=1)

    def f(x, y):
        loss = (x * y.exp()).sum()
        return loss, {"y2": y * 2, "loss": loss}

    return [
        m.func.grad(f, argnums=(0, 1), has_aux=True)(x, y),
        m.func.grad_and_value(f, argnums=1, has_aux=True)(x, y),
        m.func.grad(lambda x, y: (x * y).sum(), argnums=-1)(x, y),
    ]


@recipe
def grad_through_closure_and_requires_grad(m):
    w = data(m, 3, seed=2).requires_grad_()
    x = data(m, 3)
    g = m.func.grad(lambda x: (x * w).pow(2).sum())(x)  # depends on w: keeps its graph
    (g.sum()).backward()
    xr = data(m, 3).requires_grad_()
    h = m.func.grad(lambda x: (x**3).sum())(xr)
    return [g, w.grad, h, xr.grad]


@recipe
def grad_of_dict_pytree(m):
    params = {"a": data(m, 2), "b": data(m, 2, seed=3)}
    return m.func.grad(lambda p: (p["a"] * p["b"].tanh()).sum())(params)


@recipe
def vjp_recipe(m):
    x = data(m, 3)
    out, fn = m.func.vjp(lambda x: (x.sin(), x.cos() * 2), x)
    grads = fn((m.ones(3, dtype=m.float64), data(m, 3, seed=4)))
    _, fn2, aux = m.func.vjp(lambda x: (x * x, x.exp()), x, has_aux=True)
    return [out, grads, fn2(m.ones(3, dtype=m.float64)), aux]


@recipe
def jacrev_recipes(m):
    x, y = data(m, 3), data(m, 2, seed=1)
    w = data(m, 2, 3, seed=5)

    def f(x, y):
        return (w @ x.sin()) * y

    return [
        m.func.jacrev(f)(x, y),
        m.func.jacrev(f, argnums=(0, 1))(x, y),
        m.func.jacrev(lambda x: (x.exp(), x.sum()))(x),
        m.func.jacfwd(f, argnums=1)(x, y),
        m.func.jacrev(lambda x: (x.sin(), x), has_aux=True)(x),
    ]


@recipe
def jacrev_of_jacrev_and_hessian(m):
    x = data(m, 3)

    def f(x):
        return (x.sin() * x.exp()).sum()

    return [
        m.func.jacrev(m.func.jacrev(f))(x),
        m.func.hessian(f)(x),
        m.func.hessian(lambda x, y: (x * y * y).sum(), argnums=1)(x, x + 1),
    ]


@recipe
def jvp_recipes(m):
    x, t = data(m, 3), data(m, 3, seed=6)
    return [
        m.func.jvp(lambda x: x.sin() * x, (x,), (t,)),
        m.func.jvp(lambda x, y: (x * y, y.exp()), (x, t), (t, x)),
        m.func.jvp(lambda x: (x.tanh(), x * 3), (x,), (t,), has_aux=True),
    ]


@recipe
def vmap_in_and_out_dims(m):
    x, y = data(m, 2, 3), data(m, 3, 2, seed=1)
    b = data(m, 3, seed=2)
    return [
        m.vmap(m.dot)(x, x),
        m.func.vmap(m.add, in_dims=(0, 1))(x, y),
        m.vmap(m.mul, in_dims=(1, None))(y, b * 0 + 1.5),
        m.vmap(lambda a: a * 2, out_dims=1)(x),
        m.vmap(lambda a: (a.sum(), a * 2), out_dims=(0, 1))(x),
        m.vmap(lambda a, s: a * s, in_dims=(0, None))(x, 3.0),
        m.vmap(lambda a: a, in_dims=-1)(x),
        m.vmap(lambda a: {"s": a.sum(), "p": (a, a.exp())})(x),
        m.vmap(lambda a, d: a + d["k"][0] * d["k"][1], in_dims=(0, {"k": (None, 1)}))(
            x, {"k": (b, y)}
        ),
        m.vmap(lambda a: (a * 2, m.tensor(3.0)), out_dims=(0, None))(x),
    ]


@recipe
def vmap_nested(m):
    x, y = data(m, 2, 3), data(m, 4, 3, seed=1)
    return [
        m.vmap(m.vmap(m.dot, in_dims=(None, 0)), in_dims=(0, None))(x, y),
        m.vmap(m.vmap(lambda a: a * a))(x),
    ]


@recipe
def per_sample_grads_of_mlp(m):
    m.manual_seed(0)
    model = m.nn.Sequential(m.nn.Linear(4, 5), m.nn.Tanh(), m.nn.Linear(5, 3))
    x = data(m, 6, 4).float()
    y = m.tensor([0, 2, 1, 1, 0, 2])
    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def loss_one(params, buffers, sample, target):
        out = m.func.functional_call(
            model, (params, buffers), (sample.unsqueeze(0),)
        )  # one sample as a batch of one
        return m.nn.functional.cross_entropy(out, target.unsqueeze(0))

    grads = m.func.vmap(m.func.grad(loss_one), in_dims=(None, None, 0, 0))(params, buffers, x, y)
    loops = [m.func.grad(loss_one)(params, buffers, x[i], y[i]) for i in range(6)]
    return [grads, loops, model[0].weight.grad]


@recipe
def ensembling_with_stack_module_state(m):
    m.manual_seed(1)
    models = [m.nn.Linear(3, 2) for _ in range(4)]
    params, buffers = m.func.stack_module_state(models)
    x = data(m, 5, 3).float()

    def call(p, b, x):
        return m.func.functional_call(models[0], (p, b), (x,))

    out = m.vmap(call, in_dims=(0, 0, None))(params, buffers, x)
    return [out, {k: v.requires_grad for k, v in params.items()}]


@recipe
def functional_call_swaps_and_restores(m):
    m.manual_seed(2)
    model = m.nn.Linear(3, 2)
    x = data(m, 3).float()
    w = m.ones(2, 3)
    out = m.func.functional_call(model, {"weight": w}, x)
    out2 = m.func.functional_call(model, ({"weight": w}, {"bias": m.zeros(2)}), args=(x,))
    bn = m.nn.BatchNorm1d(2)
    m.func.functional_call(bn, {"running_mean": m.ones(2)}, (m.ones(4, 2),))
    return [out, out2, model.weight, bn.running_mean]


@recipe
def functional_call_tied_weights(m):
    m.manual_seed(3)
    model = m.nn.Sequential(m.nn.Linear(2, 2, bias=False), m.nn.Linear(2, 2, bias=False))
    model[1].weight = model[0].weight
    x = m.ones(2)
    w = m.eye(2) * 2
    return [
        m.func.functional_call(model, {"0.weight": w}, (x,)),
        m.func.functional_call(model, {"0.weight": w}, (x,), tie_weights=False),
    ]


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_recipe_matches_torch(name):
    torch = require_torch()
    theirs = RECIPES[name](torch)
    ours = RECIPES[name](aw)
    assert_same(plain(ours), plain(theirs))


def assert_same(ours, theirs, where="result"):
    assert type(ours) is type(theirs), where
    if isinstance(ours, dict):
        assert list(ours) == list(theirs), where
        for k in ours:
            assert_same(ours[k], theirs[k], f"{where}[{k!r}]")
    elif isinstance(ours, (list, tuple)) and not isinstance(ours, np.ndarray):
        assert len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(ours, np.ndarray):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6, err_msg=where)
    else:
        assert ours == theirs, where


def test_functional_call_restores_on_error():
    model = aw.nn.Linear(3, 2)
    weight = model.weight
    with pytest.raises(RuntimeError):
        aw.func.functional_call(model, {"weight": aw.ones(5, 5)}, (aw.ones(3),))
    assert model.weight is weight


def test_vmap_is_top_level_and_func_names_are_torch_names():
    torch = require_torch()
    assert aw.vmap is aw.func.vmap
    ours = importlib.import_module("autograd_widgets.func")
    assert set(ours.__all__) <= set(dir(torch.func))


ERRORS = {
    "grad_non_scalar": lambda m: m.func.grad(lambda x: x * 2)(m.ones(3)),
    "grad_tuple_output": lambda m: m.func.grad(lambda x: (x.sum(), 1))(m.ones(3)),
    "grad_aux_not_pair": lambda m: m.func.grad(lambda x: x.sum(), has_aux=True)(m.ones(3)),
    "grad_float_output": lambda m: m.func.grad(lambda x: x.sum().item())(m.ones(3)),
    "grad_argnum_range": lambda m: m.func.grad(lambda x: x.sum(), argnums=2)(m.ones(3)),
    "grad_argnums_repeat": lambda m: m.func.grad(lambda x: x.sum(), argnums=(0, 0))(m.ones(3)),
    "grad_argnums_empty": lambda m: m.func.grad(lambda x: x.sum(), argnums=())(m.ones(3)),
    "grad_not_tensor": lambda m: m.func.grad(lambda x: x)(1.0),
    "jacrev_argnum": lambda m: m.func.jacrev(lambda x: x, argnums=1)(m.ones(3)),
    "vmap_sizes": lambda m: m.vmap(m.add)(m.ones(3), m.ones(4)),
    "vmap_all_none": lambda m: m.vmap(m.add, in_dims=(None, None))(m.ones(3), m.ones(3)),
    "vmap_structure": lambda m: m.vmap(m.add, in_dims=(0,))(m.ones(3), m.ones(3)),
    "vmap_nested_structure": lambda m: m.vmap(lambda a, b: a, in_dims=(None, (0, 0)))(
        m.ones(3), (m.ones(3), m.ones(3), m.ones(3))
    ),
    "vmap_dict_structure": lambda m: m.vmap(lambda a, b: a, in_dims=(0, {"a": 0}))(
        m.ones(3), {"b": m.ones(3)}
    ),
    "vmap_dim_range": lambda m: m.vmap(m.add, in_dims=(2, 0))(m.ones(3), m.ones(3)),
    "vmap_float_dim": lambda m: m.vmap(m.add, in_dims=(0.5, 0))(m.ones(3), m.ones(3)),
    "vmap_list_in_dims": lambda m: m.vmap(m.add, in_dims=[0, 0])(m.ones(3), m.ones(3)),
    "vmap_non_tensor_output": lambda m: m.vmap(lambda x: 1)(m.ones(3)),
    "vmap_out_dims_structure": lambda m: m.vmap(lambda x: x, out_dims=(0, 0))(m.ones(3)),
    "vmap_randomness": lambda m: m.vmap(lambda x: x, randomness="foo")(m.ones(3)),
    "vmap_no_inputs": lambda m: m.vmap(lambda x: x)(),
    "vmap_non_tensor_input": lambda m: m.vmap(lambda x: x)(1.0),
    "vmap_scalar_input": lambda m: m.vmap(lambda x: x)(m.tensor(1.0)),
    "functional_call_strict": lambda m: m.func.functional_call(
        m.nn.Linear(2, 2), {"weight": m.ones(2, 2), "foo": m.ones(1)}, (m.ones(2),), strict=True
    ),
    "functional_call_repeated": lambda m: m.func.functional_call(
        m.nn.Linear(2, 2), ({"weight": m.ones(2, 2)}, {"weight": m.ones(2, 2)}), (m.ones(2),)
    ),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_matches_torch(name):
    assert_raises_like_torch(ERRORS[name], aw)
