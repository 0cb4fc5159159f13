"""``nn.utils.parametrize`` and ``nn.utils.parametrizations`` against PyTorch."""

from __future__ import annotations

import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, assert_same_error, graph_names, to_aw


def _build(lib, kind: str, how: str):
    lib.manual_seed(0)
    m = lib.nn.Linear(3, 4) if kind == "linear" else lib.nn.Conv2d(2, 3, 3)
    getattr(lib.nn.utils.parametrizations, how)(m)
    return m


@pytest.mark.parametrize("how", ["weight_norm", "spectral_norm"])
@pytest.mark.parametrize("kind", ["linear", "conv"])
def test_against_torch(kind, how):
    torch = require_torch()
    tm, om = _build(torch, kind, how), _build(aw, kind, how)
    assert repr(om) == repr(tm)
    assert type(om).__name__ == type(tm).__name__
    tsd, osd = tm.state_dict(), om.state_dict()
    assert list(osd) == list(tsd)
    for k in tsd:
        assert_close(osd[k], tsd[k], "float32", k)
    assert graph_names(om.weight) == graph_names(tm.weight)
    x = torch.randn(2, 3) if kind == "linear" else torch.randn(1, 2, 5, 5)
    t_opt = torch.optim.SGD(tm.parameters(), lr=0.1)
    o_opt = aw.optim.SGD(om.parameters(), lr=0.1)
    for _ in range(3):
        t_opt.zero_grad()
        o_opt.zero_grad()
        (tm(x) ** 2).sum().backward()
        (om(to_aw(x)) ** 2).sum().backward()
        for (name, p), (_, q) in zip(tm.named_parameters(), om.named_parameters()):
            assert_close(q.grad, p.grad, "float32", f"grad of {name}")
        t_opt.step()
        o_opt.step()
    for k, v in tm.state_dict().items():
        assert_close(om.state_dict()[k], v, "float32", k)
    tm.eval()
    om.eval()
    assert_close(om(to_aw(x)), tm(x), "float32", "eval output")


class _Double(aw.nn.Module):
    def forward(self, x):
        return x * 2

    def right_inverse(self, x):
        return x / 2


@pytest.mark.parametrize("leave", [True, False])
def test_register_and_remove(leave):
    P = aw.nn.utils.parametrize
    m = aw.nn.Linear(3, 2)
    w = m.weight.detach().clone()
    P.register_parametrization(m, "weight", _Double())
    assert P.is_parametrized(m) and P.is_parametrized(m, "weight")
    assert not P.is_parametrized(m, "bias")
    assert P.type_before_parametrizations(m) is aw.nn.Linear
    assert aw.allclose(m.weight, w)  # right_inverse stored w / 2
    assert aw.allclose(m.parametrizations.weight.original, w / 2)
    with P.cached():
        assert m.weight is m.weight
    m.weight = w * 4  # assignment goes through right_inverse
    assert aw.allclose(m.parametrizations.weight.original, w * 2)
    P.remove_parametrizations(m, "weight", leave_parametrized=leave)
    assert type(m) is aw.nn.Linear and not P.is_parametrized(m)
    assert aw.allclose(m.weight, w * 4 if leave else w * 2)
    assert isinstance(m.weight, aw.nn.Parameter)
    assert list(m.state_dict()) == ["bias", "weight"]  # re-registered last, as in PyTorch


def test_weight_norm_cannot_leave_unparametrized():
    torch = require_torch()

    def remove(lib):
        m = lib.nn.utils.parametrizations.weight_norm(lib.nn.Linear(3, 2))
        lib.nn.utils.parametrize.remove_parametrizations(m, "weight", leave_parametrized=False)

    assert_same_error(torch, remove)
    m = aw.nn.utils.parametrizations.weight_norm(aw.nn.Linear(3, 2))
    w = m.weight.detach().clone()
    aw.nn.utils.parametrize.remove_parametrizations(m, "weight")
    assert aw.allclose(m.weight, w) and isinstance(m.weight, aw.nn.Parameter)


def test_errors():
    torch = require_torch()
    assert_same_error(
        torch,
        lambda lib: lib.nn.utils.parametrize.register_parametrization(
            lib.nn.Linear(3, 2), "nope", lib.nn.Identity()
        ),
    )
    assert_same_error(
        torch,
        lambda lib: lib.nn.utils.parametrize.remove_parametrizations(lib.nn.Linear(3, 2), "weight"),
    )
    assert_same_error(torch, lambda lib: lib.nn.utils.parametrizations.spectral_norm(lib.nn.ReLU()))


def test_old_weight_norm_api():
    torch = require_torch()
    mods = []
    for lib in (torch, aw):
        lib.manual_seed(0)
        with pytest.warns(FutureWarning, match="parametrizations.weight_norm"):
            mods.append(lib.nn.utils.weight_norm(lib.nn.Linear(3, 4)))
    tm, om = mods
    assert list(om.state_dict()) == list(tm.state_dict()) == ["bias", "weight_g", "weight_v"]
    assert graph_names(om.weight) == graph_names(tm.weight)
    x = torch.randn(2, 3)
    tm(x).sum().backward()
    om(to_aw(x)).sum().backward()
    for name in ("weight_g", "weight_v", "bias"):
        assert_close(getattr(om, name).grad, getattr(tm, name).grad, "float32", name)
    torch.nn.utils.remove_weight_norm(tm)
    aw.nn.utils.remove_weight_norm(om)
    assert list(om.state_dict()) == ["bias", "weight"]
    assert_close(om.weight, tm.weight, "float32", "weight")
    assert_same_error(torch, lambda lib: lib.nn.utils.remove_weight_norm(lib.nn.Linear(3, 4)))
