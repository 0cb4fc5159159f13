"""``nn.utils.prune`` against PyTorch: masks, re-parametrisation, containers, errors.

The tutorial's prints are compared in ``tests/conformance/programs/74_pruning_tutorial.py``;
these tests cover each method and every error path. Random masks are compared entry for
entry: ``rand``/``rand_like`` follow PyTorch's generator and ``topk``/``kthvalue`` its ties.
"""

from __future__ import annotations

import importlib
import re
import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, copy_weights, error_of, graph_names, to_aw

_ADDR = re.compile(r"0x[0-9a-f]+")


def _torch():
    torch = require_torch()
    importlib.import_module("torch.nn.utils.prune")  # torch.nn.utils does not import it itself
    return torch


def _pair(make):
    """The same module on both sides (PyTorch's weights copied into ours)."""
    torch = _torch()
    torch.manual_seed(0)
    tm = make(torch)
    om = make(aw)
    copy_weights(tm, om)
    return torch, tm, om


def _same_state(tm, om):
    assert [n for n, _ in om.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert [n for n, _ in om.named_buffers()] == [n for n, _ in tm.named_buffers()]
    tsd, osd = tm.state_dict(), om.state_dict()
    assert list(osd) == list(tsd)
    for k in tsd:
        assert_close(osd[k], tsd[k], "float32", k)


def _same_error(call):
    want, got = error_of(lambda: call(_torch())), error_of(lambda: call(aw))
    assert want is not None
    assert got is not None and got[0] == want[0], (got, want)
    assert _ADDR.sub("0x", got[1]) == _ADDR.sub("0x", want[1])


def _conv(lib):
    return lib.nn.Conv2d(3, 4, 3)


@pytest.mark.parametrize(
    "how",
    [
        ("random_unstructured", dict(amount=0.3)),
        ("random_unstructured", dict(amount=7)),
        ("l1_unstructured", dict(amount=0.5)),
        ("l1_unstructured", dict(amount=0)),
        ("random_structured", dict(amount=2, dim=0)),
        ("random_structured", dict(amount=0.5, dim=-1)),
        ("ln_structured", dict(amount=0.5, n=2, dim=0)),
        ("ln_structured", dict(amount=1, n=1, dim=1)),
        ("ln_structured", dict(amount=0.34, n=float("inf"), dim=-2)),
        ("ln_structured", dict(amount=0.25, n=float("-inf"), dim=0)),
        ("identity", {}),
    ],
)
def test_each_method_matches(how):
    fn, kwargs = how
    torch, tm, om = _pair(_conv)
    torch.manual_seed(5)
    aw.manual_seed(5)
    assert getattr(torch.nn.utils.prune, fn)(tm, "weight", **kwargs) is tm
    assert getattr(aw.nn.utils.prune, fn)(om, "weight", **kwargs) is om
    _same_state(tm, om)
    assert isinstance(om.weight_orig, aw.nn.Parameter)
    assert "weight" not in om._parameters and "weight" not in om._buffers
    assert graph_names(om.weight) == graph_names(tm.weight)
    assert_close(om.weight, tm.weight, "float32", "pruned weight")
    hooks_t, hooks_o = list(tm._forward_pre_hooks.values()), list(om._forward_pre_hooks.values())
    assert [type(h).__name__ for h in hooks_o] == [type(h).__name__ for h in hooks_t]
    assert _ADDR.sub("0x", repr(hooks_o)) == _ADDR.sub("0x", repr(hooks_t))


def test_forward_uses_recomputed_weight_and_gradients():
    torch, tm, om = _pair(lambda lib: lib.nn.Linear(6, 5))
    torch.nn.utils.prune.l1_unstructured(tm, "weight", amount=0.4)
    aw.nn.utils.prune.l1_unstructured(om, "weight", amount=0.4)
    torch.nn.utils.prune.l1_unstructured(tm, "bias", amount=2)
    aw.nn.utils.prune.l1_unstructured(om, "bias", amount=2)
    x = torch.linspace(-2, 2, 18).view(3, 6)
    for step in range(2):
        # the hook recomputes ``weight`` from the updated ``weight_orig`` on every call
        with torch.no_grad():
            tm.weight_orig.mul_(1.5)
        with aw.no_grad():
            om.weight_orig.mul_(1.5)
        to, oo = tm(x), om(to_aw(x))
        assert_close(oo, to, "float32", f"output {step}")
        (to**2).sum().backward()
        (oo**2).sum().backward()
        assert_close(om.weight_orig.grad, tm.weight_orig.grad, "float32", "weight_orig.grad")
        assert_close(om.bias_orig.grad, tm.bias_orig.grad, "float32", "bias_orig.grad")
    assert (om.weight_orig.grad.numpy()[om.weight_mask.numpy() == 0] == 0).all()


def test_iterative_pruning_builds_a_container():
    torch, tm, om = _pair(_conv)
    tp, op = torch.nn.utils.prune, aw.nn.utils.prune
    for lib_p, m, seed_lib in ((tp, tm, torch), (op, om, aw)):
        seed_lib.manual_seed(2)
        lib_p.random_unstructured(m, "weight", amount=0.3)
        lib_p.ln_structured(m, "weight", amount=1, n=2, dim=0)
        lib_p.l1_unstructured(m, "weight", amount=5)
        lib_p.random_structured(m, "weight", amount=0.5, dim=1)
        lib_p.l1_unstructured(m, "weight", amount=0.1)
    _same_state(tm, om)
    (hook,) = om._forward_pre_hooks.values()
    assert isinstance(hook, op.PruningContainer)
    assert [type(h).__name__ for h in hook] == [
        "RandomUnstructured",
        "LnStructured",
        "L1Unstructured",
        "RandomStructured",
        "L1Unstructured",
    ]
    assert len(hook) == 5 and isinstance(hook[1], op.LnStructured)
    assert_close(om.weight, tm.weight, "float32", "weight")


def test_remove_makes_pruning_permanent():
    torch, tm, om = _pair(_conv)
    for lib, m in ((torch, tm), (aw, om)):
        lib.manual_seed(4)
        lib.nn.utils.prune.l1_unstructured(m, "weight", amount=0.5)
        lib.nn.utils.prune.random_unstructured(m, "bias", amount=1)
        assert lib.nn.utils.prune.is_pruned(m)
        lib.nn.utils.prune.remove(m, "weight")
    _same_state(tm, om)
    assert isinstance(om.weight, aw.nn.Parameter) and om.weight.is_leaf
    assert [n for n, _ in om.named_parameters()] == ["bias_orig", "weight"]
    for lib, m in ((torch, tm), (aw, om)):
        lib.nn.utils.prune.remove(m, "bias")
        assert not lib.nn.utils.prune.is_pruned(m)
        assert not m._forward_pre_hooks
    _same_state(tm, om)
    _same_error(lambda lib: lib.nn.utils.prune.remove(lib.nn.Linear(2, 2), "weight"))


def test_importance_scores_and_global_unstructured():
    def make(lib):
        return lib.nn.Sequential(lib.nn.Linear(4, 6), lib.nn.ReLU(), lib.nn.Linear(6, 3))

    torch, tm, om = _pair(make)
    scores_t = {(tm[0], "weight"): torch.arange(24.0).view(6, 4).flip(0)}
    scores_o = {(om[0], "weight"): aw.arange(24.0).view(6, 4).flip(0)}
    torch.nn.utils.prune.l1_unstructured(tm[2], "bias", 1)  # a mask that global respects
    aw.nn.utils.prune.l1_unstructured(om[2], "bias", 1)
    for lib, m, scores in ((torch, tm, scores_t), (aw, om, scores_o)):
        params = [(m[0], "weight"), (m[2], "weight"), (m[2], "bias")]
        assert (
            lib.nn.utils.prune.global_unstructured(
                params, lib.nn.utils.prune.L1Unstructured, importance_scores=scores, amount=0.4
            )
            is None
        )
    _same_state(tm, om)
    torch.nn.utils.prune.ln_structured(
        tm[0], "weight", 2, n=1, dim=1, importance_scores=torch.arange(24.0).view(6, 4)
    )
    aw.nn.utils.prune.ln_structured(
        om[0], "weight", 2, n=1, dim=1, importance_scores=aw.arange(24.0).view(6, 4)
    )
    _same_state(tm, om)


def test_l1_ties_pick_what_torch_picks():
    def make(lib):
        m = lib.nn.Linear(5, 4)
        with lib.no_grad():
            m.weight.copy_(
                lib.tensor([[1.0, -1, 2, 1, 0], [0, 1, -1, 1, 2], [2, 2, 1, 0, 0]] + [[1.0] * 5])
            )
        return m

    torch, tm, om = _pair(make)
    for amount in (3, 7, 0.45):
        t2, o2 = make(torch), make(aw)
        torch.nn.utils.prune.l1_unstructured(t2, "weight", amount)
        aw.nn.utils.prune.l1_unstructured(o2, "weight", amount)
        assert o2.weight_mask.tolist() == t2.weight_mask.tolist(), amount


def test_custom_from_mask_and_subclass():
    torch, tm, om = _pair(lambda lib: lib.nn.Linear(3, 2))
    mask = [[1.0, 0, 1], [0, 0, 1]]
    torch.nn.utils.prune.custom_from_mask(tm, "weight", torch.tensor(mask))
    aw.nn.utils.prune.custom_from_mask(om, "weight", aw.tensor(mask))
    _same_state(tm, om)

    def every_other(lib):
        class EveryOther(lib.nn.utils.prune.BasePruningMethod):
            PRUNING_TYPE = "unstructured"

            def compute_mask(self, t, default_mask):
                mask = default_mask.clone()
                mask.view(-1)[::2] = 0
                return mask

        return EveryOther

    t_cls, o_cls = every_other(torch), every_other(aw)
    t_method = t_cls.apply(tm, "bias")
    o_method = o_cls.apply(om, "bias")
    assert o_method._tensor_name == "bias"
    _same_state(tm, om)
    # BasePruningMethod.prune: the masked tensor, nothing registered
    v = [3.0, -1.0, 2.0, 0.5]
    assert (
        o_cls().prune(aw.tensor(v)).tolist()
        == t_cls().prune(torch.tensor(v)).tolist()
        == [0.0, -1.0, 0.0, 0.5]
    )
    got = aw.nn.utils.prune.L1Unstructured(2).prune(
        aw.tensor(v), importance_scores=aw.tensor([4.0, 3, 2, 1])
    )
    want = torch.nn.utils.prune.L1Unstructured(2).prune(
        torch.tensor(v), importance_scores=torch.tensor([4.0, 3, 2, 1])
    )
    assert got.tolist() == want.tolist()
    assert t_method.apply_mask(tm).tolist() == o_method.apply_mask(om).tolist()


def test_state_dict_round_trip_into_a_pruned_module():
    torch, tm, om = _pair(_conv)
    torch.nn.utils.prune.l1_unstructured(tm, "weight", amount=0.5)
    fresh = _conv(aw)
    aw.nn.utils.prune.identity(fresh, "weight")
    fresh.load_state_dict({k: to_aw(v, False) for k, v in tm.state_dict().items()})
    fresh(aw.zeros(1, 3, 5, 5))  # the hook recomputes the weight from the loaded mask
    assert_close(fresh.weight, tm.weight, "float32", "weight")


def test_amount_validation():
    def make_pruned(amount, fn="l1_unstructured", **kw):
        def call(lib):
            m = lib.nn.Linear(3, 2)
            getattr(lib.nn.utils.prune, fn)(m, "weight", amount, **kw)
            return m

        return call

    for amount in (-1, 1.5, -0.1, "0.2", None, 7, 2.0):
        _same_error(make_pruned(amount))
        _same_error(make_pruned(amount, "random_unstructured"))
    _same_error(make_pruned(3, "random_structured", dim=0))
    _same_error(make_pruned(4, "ln_structured", n=2, dim=1))
    _same_error(make_pruned(1, "ln_structured", n=2, dim=2))
    _same_error(make_pruned(0.5, "ln_structured", n=2, dim=-3))
    # an error undoes the re-parametrisation (the parameter is registered again, last)
    names = []
    for lib in (_torch(), aw):
        m = lib.nn.Linear(3, 2)
        with pytest.raises(ValueError):
            lib.nn.utils.prune.l1_unstructured(m, "weight", 7)
        names.append([n for n, _ in m.named_parameters()])
        assert not m._forward_pre_hooks and not list(m.named_buffers())
        assert isinstance(m.weight, lib.nn.Parameter)
    assert names[0] == names[1] == ["bias", "weight"]


def test_other_errors():
    p = "nn.utils.prune"

    def get(lib):
        mod = lib
        for part in p.split("."):
            mod = getattr(mod, part)
        return mod

    _same_error(lambda lib: get(lib).random_structured(lib.nn.Linear(3, 2), "bias", 1, dim=0))
    _same_error(
        lambda lib: get(lib).l1_unstructured(
            lib.nn.Linear(3, 2), "weight", 1, importance_scores=lib.ones(3)
        )
    )
    _same_error(lambda lib: get(lib).L1Unstructured(1).prune(lib.ones(3), None, lib.ones(2)))
    _same_error(lambda lib: get(lib).L1Unstructured(1).apply_mask(lib.nn.Linear(2, 2)))
    _same_error(lambda lib: get(lib).PruningContainer(get(lib).Identity(), get(lib).Identity()))
    _same_error(lambda lib: get(lib).global_unstructured(3, get(lib).L1Unstructured, amount=1))

    def bad_scores(lib):
        m = lib.nn.Linear(2, 2)
        get(lib).global_unstructured([(m, "weight")], get(lib).L1Unstructured, [1], amount=1)

    _same_error(bad_scores)

    def structured_global(lib):
        m = lib.nn.Linear(2, 2)
        get(lib).global_unstructured([(m, "weight")], get(lib).RandomStructured, amount=1)

    _same_error(structured_global)

    def container_add(lib):
        m = lib.nn.Linear(2, 2)
        c = get(lib).Identity.apply(m, "weight")
        c2 = get(lib).PruningContainer(c)
        c2.add_pruning_method(3)

    _same_error(container_add)

    def container_other_name(lib):
        m = lib.nn.Linear(2, 2)
        c = get(lib).PruningContainer(get(lib).Identity.apply(m, "weight"))
        c.add_pruning_method(get(lib).Identity.apply(m, "bias"))

    _same_error(container_other_name)

    def custom_mask_shape(lib):
        get(lib).custom_from_mask(lib.nn.Linear(2, 2), "weight", lib.ones(3))

    _same_error(custom_mask_shape)

    def two_hooks(lib):
        m = lib.nn.Linear(2, 2)
        m.register_forward_pre_hook(get(lib).Identity.apply(m, "weight"))
        get(lib).identity(m, "weight")

    _same_error(two_hooks)

    def odd_type(kind):
        def call(lib):
            odd = type("Odd", (get(lib).Identity,), {"PRUNING_TYPE": kind})
            m = lib.nn.Linear(2, 2)
            get(lib).identity(m, "weight")
            odd.apply(m, "weight")

        return call

    _same_error(odd_type("odd"))
    _same_error(odd_type("structured"))  # without a ``dim``


def test_names_and_reprs():
    torch = _torch()
    tp, op = torch.nn.utils.prune, aw.nn.utils.prune
    for name in tp.__all__ if hasattr(tp, "__all__") else op.__all__:
        assert hasattr(op, name), name
    assert repr(op.L1Unstructured) == repr(tp.L1Unstructured)
    assert op.RandomStructured.PRUNING_TYPE == tp.RandomStructured.PRUNING_TYPE
    assert op.CustomFromMask.PRUNING_TYPE == tp.CustomFromMask.PRUNING_TYPE == "global"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = op.l1_unstructured(aw.nn.Linear(2, 2), "weight", 1)
    assert np.count_nonzero(m.weight_mask.numpy()) == 3
    with pytest.raises(TypeError):
        op.BasePruningMethod()
