"""Lazy modules against PyTorch: repr and state_dict before and after the first forward,
the class they become, values and gradients once materialised, and the errors."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch
from tests.nn._compare import TOL, copy_weights, to_aw

pytestmark = pytest.mark.oracle

# (constructor, input shape) per lazy module.
LAZY = {
    "LazyLinear": (lambda nn: nn.LazyLinear(6), (4, 3)),
    "LazyLinear_nobias_3d": (lambda nn: nn.LazyLinear(2, bias=False), (2, 5, 3)),
    "LazyConv1d": (lambda nn: nn.LazyConv1d(4, 3, stride=2, bias=False), (2, 3, 9)),
    "LazyConv1d_unbatched": (lambda nn: nn.LazyConv1d(2, 2), (3, 7)),
    "LazyConv2d": (lambda nn: nn.LazyConv2d(4, 3, padding=1, groups=2), (2, 6, 5, 5)),
    "LazyBatchNorm1d": (lambda nn: nn.LazyBatchNorm1d(), (5, 3)),
    "LazyBatchNorm1d_3d": (lambda nn: nn.LazyBatchNorm1d(momentum=None), (4, 3, 6)),
    "LazyBatchNorm1d_plain": (
        lambda nn: nn.LazyBatchNorm1d(affine=False, track_running_stats=False),
        (5, 2),
    ),
    "LazyBatchNorm2d": (lambda nn: nn.LazyBatchNorm2d(eps=1e-3), (2, 3, 4, 4)),
}


def _describe(module):
    state = module.state_dict()
    return (
        repr(module),
        repr(type(module)).split(".")[-1],
        [(k, repr(v) if aw.nn.parameter.is_lazy(v) or _torch_lazy(v) else tuple(v.shape))
         for k, v in state.items()],
        [(n, type(p).__name__) for n, p in module.named_parameters()],
        [(n, type(b).__name__) for n, b in module.named_buffers()],
        bool(module.has_uninitialized_params()) if hasattr(module, "has_uninitialized_params")
        else None,
    )  # fmt: skip


def _torch_lazy(t) -> bool:
    torch = require_torch()
    return torch.nn.parameter.is_lazy(t)


@pytest.mark.parametrize("case", sorted(LAZY))
def test_lazy_module_matches_torch(case):
    torch = require_torch()
    make, shape = LAZY[case]
    tm, om = make(torch.nn), make(aw.nn)
    assert _describe(om) == _describe(tm)  # before the first forward

    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    tx = torch.tensor(x, requires_grad=True)
    ox = aw.tensor(x, requires_grad=True)
    tm(tx)  # materialises torch's module; ours copies its initial values after its own call
    om(ox)
    assert _describe(om) == _describe(tm)
    assert not om._forward_pre_hooks and not om._load_state_dict_pre_hooks
    copy_weights(tm, om)

    t_out, o_out = tm(tx), om(ox)
    np.testing.assert_allclose(o_out.detach().numpy(), t_out.detach().numpy(), **TOL["float32"])
    t_out.square().sum().backward()
    o_out.square().sum().backward()
    np.testing.assert_allclose(ox.grad.numpy(), tx.grad.numpy(), **TOL["float32"])
    for (name, tp), (_, op) in zip(tm.named_parameters(), om.named_parameters(), strict=True):
        np.testing.assert_allclose(op.grad.numpy(), tp.grad.numpy(), err_msg=name, **TOL["float32"])


def test_materialised_parameters_are_the_same_objects():
    """An optimizer built before the first forward keeps training the materialised weights."""
    layer = aw.nn.LazyLinear(3)
    opt = aw.optim.SGD(layer.parameters(), lr=0.1)
    weight = layer.weight
    loss = layer(aw.ones(2, 4)).sum()
    assert layer.weight is weight and type(weight) is aw.nn.Parameter
    loss.backward()
    before = weight.detach().clone()
    opt.step()
    assert not aw.equal(weight, before)


def test_load_state_dict_materialises_like_torch():
    torch = require_torch()
    source = torch.nn.Linear(5, 8)
    tl, ol = torch.nn.LazyLinear(8), aw.nn.LazyLinear(8)
    tl.load_state_dict(source.state_dict())
    ol.load_state_dict({k: to_aw(v, False) for k, v in source.state_dict().items()})
    assert _describe(ol) == _describe(tl)
    assert aw.equal(ol.weight, to_aw(source.weight, False))
    x = torch.linspace(-1, 1, 10).reshape(2, 5)
    np.testing.assert_allclose(
        ol(to_aw(x)).detach().numpy(), tl(x).detach().numpy(), **TOL["float32"]
    )
    assert _describe(ol) == _describe(tl)  # in_features taken from the loaded weight


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_dtype_before_and_after_materialisation(dtype):
    torch = require_torch()
    for make in (lambda m: m.nn.LazyLinear(3).to(getattr(m, dtype)),
                 lambda m: m.nn.LazyLinear(3, dtype=getattr(m, dtype)),
                 lambda m: m.nn.LazyBatchNorm1d().double()):  # fmt: skip
        t_mod, o_mod = make(torch), make(aw)
        assert str(o_mod.weight.dtype) == str(t_mod.weight.dtype)
        x = np.ones((2, 4))
        t_mod(torch.tensor(x, dtype=t_mod.weight.dtype))
        o_mod(aw.tensor(x, dtype=o_mod.weight.dtype))
        assert str(o_mod.weight.dtype) == str(t_mod.weight.dtype)


def test_copies_of_a_lazy_module_stay_lazy():
    layer = aw.nn.Sequential(aw.nn.LazyLinear(2), aw.nn.LazyBatchNorm1d())
    for clone in (copy.deepcopy(layer), pickle.loads(pickle.dumps(layer))):
        assert (
            clone[0].has_uninitialized_params()
            and repr(clone[0].weight) == "<UninitializedParameter>"
        )
        clone(aw.ones(3, 5))
        assert repr(clone) == (
            "Sequential(\n  (0): Linear(in_features=5, out_features=2, bias=True)\n"
            "  (1): BatchNorm1d(2, eps=1e-05, momentum=0.1, affine=True, bias=True, "
            "track_running_stats=True)\n)"
        )
    assert layer[0].has_uninitialized_params()


ERRORS = {
    "add": lambda m: m.nn.LazyLinear(3).weight + 1,
    "sum": lambda m: m.nn.LazyLinear(3).weight.sum(),
    "numel": lambda m: sum(p.numel() for p in m.nn.LazyLinear(3).parameters()),
    "shape": lambda m: m.nn.LazyLinear(3).bias.shape,
    "matmul": lambda m: m.ones(2, 2) @ m.nn.LazyLinear(3).weight,
    "conv_groups": lambda m: m.nn.LazyConv1d(4, 3, groups=2)(m.ones(1, 3, 5)),
    "conv_dims": lambda m: m.nn.LazyConv2d(4, 3)(m.ones(3, 5)),
    "batchnorm_dims": lambda m: m.nn.LazyBatchNorm2d()(m.ones(2, 3)),
    "linear_scalar_input": lambda m: m.nn.LazyLinear(3)(m.tensor(1.0)),
    "mixed_dtype": lambda m: m.nn.LazyLinear(3)(m.ones(2, 2, dtype=m.float64)),
    "loaded_size_mismatch": lambda m: _loaded(m)(m.ones(2, 4)),
}


def _loaded(m):
    layer = m.nn.LazyLinear(2)
    layer.load_state_dict({"weight": m.ones(2, 3), "bias": m.zeros(2)})
    return layer


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_match_torch(case):
    assert_raises_like_torch(ERRORS[case])


def test_uninitialized_parameter_basics_match_torch():
    torch = require_torch()
    for cls in ("UninitializedParameter", "UninitializedBuffer"):
        t, o = getattr(torch.nn, cls)(), getattr(aw.nn, cls)()
        assert repr(o) == repr(t) and repr(type(o)) == repr(type(t))
        assert (o.requires_grad, str(o.dtype), o.is_leaf) == (
            t.requires_grad,
            str(t.dtype),
            t.is_leaf,
        )
        assert tuple(o.size()) == tuple(t.size()) and repr(o.data) == repr(t.data)
        assert aw.nn.parameter.is_lazy(o) and not aw.nn.parameter.is_lazy(aw.zeros(1))
        o.materialize((2, 3))
        t.materialize((2, 3))
        assert repr(type(o)) == repr(type(t)) and o.shape == t.shape
