"""``torch._foreach_*`` against PyTorch: every function, every overload its schema has
(scalar, scalar list, tensor list, 0-d tensor), the in-place forms, the list errors, and
gradients through the out-of-place forms (``ops/_foreach.py``)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets.ops import _foreach
from tests._oracle import require_torch

_RNG = np.random.default_rng(0)
# values in (0.1, 0.9): every unary op (log, acos, rsqrt...) is defined there
_DATA = {
    name: [(_RNG.random(s) * 0.8 + 0.1).astype(np.float32) for s in ((2, 3), (4,))]
    for name in ("L", "L2", "L3")
}


def _env(m):
    env = {k: [m.tensor(a.copy()) for a in v] for k, v in _DATA.items()}
    env.update(
        m=m,
        s0=m.tensor(0.75),
        packed=m.tensor([0.5, -2.0]),
        A=[m.tensor(np.arange(6.0).reshape(2, 3)), m.tensor(np.ones((4, 2)))],
        B=[m.tensor(np.arange(6.0).reshape(3, 2)), m.tensor(np.full((2, 5), 0.5))],
        inf=float("inf"),
    )
    return env


_UNARY = _foreach._UNARY
CASES = [f"_foreach_{op}(L)" for op in _UNARY]
for _op, (_tensor_ok, _alpha_ok) in _foreach._BINARY.items():
    CASES += [f"_foreach_{_op}(L, 0.7)", f"_foreach_{_op}(L, [0.5, 2.0])", f"_foreach_{_op}(L, L2)"]
    if _tensor_ok:
        CASES.append(f"_foreach_{_op}(L, s0)")
    if _alpha_ok:
        CASES.append(f"_foreach_{_op}(L, L2, alpha=-1.5)")
CASES += [
    "_foreach_add(L, s0, alpha=3)",
    "_foreach_add(L, 2)",
    "_foreach_maximum(L, [0.5, 0.2])",
    "_foreach_addcmul(L, L2, L3)",
    "_foreach_addcmul(L, L2, L3, 0.5)",
    "_foreach_addcmul(L, L2, L3, [0.5, -1.0])",
    "_foreach_addcmul(L, L2, L3, packed)",
    "_foreach_addcdiv(L, L2, L3)",
    "_foreach_addcdiv(L, L2, L3, -0.25)",
    "_foreach_addcdiv(L, L2, L3, [0.5, -1.0])",
    "_foreach_addcdiv(L, L2, L3, packed)",
    "_foreach_lerp(L, L2, 0.3)",
    "_foreach_lerp(L, L2, [0.3, 0.8])",
    "_foreach_lerp(L, L2, L3)",
    "_foreach_lerp(L, L2, s0)",
    "_foreach_pow(L, 2)",
    "_foreach_pow(L, 0.5)",
    "_foreach_pow(L, [2.0, 3])",
    "_foreach_pow(L, L2)",
    "_foreach_pow(2.0, L)",
    "_foreach_norm(L)",
    "_foreach_norm(L, 1)",
    "_foreach_norm(L, inf)",
    "_foreach_norm(L, 3)",
    "_foreach_norm(L, 2, dtype=m.float64)",
    "_foreach_powsum(L)",
    "_foreach_powsum(L, 3)",
    "_foreach_max(L)",
    "_foreach_clone(L)",
    "_foreach_mm(A, B)",
]
# in place: each out-of-place case with the trailing underscore (the ones with an in-place
# form), plus copy_ and zero_, which have only that form
_NO_INPLACE = (
    "_foreach_norm",
    "_foreach_powsum",
    "_foreach_max(",
    "_foreach_clone",
    "_foreach_mm",
    "_foreach_pow(2.0",
)
INPLACE = [c.replace("(", "_(", 1) for c in CASES if not c.startswith(_NO_INPLACE)]
INPLACE += ["_foreach_copy_(L, L2)", "_foreach_zero_(L)"]


def _run(m, case):
    env = _env(m)
    return eval("m." + case, env), env


def _as_np(t):
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def _same(theirs, ours):
    a, b = _as_np(theirs), _as_np(ours)
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_allclose(b, a, rtol=2e-6, atol=1e-7)


def test_every_foreach_function_exists():
    torch = require_torch()
    theirs = {n for n in dir(torch) if n.startswith("_foreach_")}
    assert {n for n in dir(aw) if n.startswith("_foreach_")} == theirs
    covered = {c.split("(")[0] for c in CASES + INPLACE}
    assert covered == theirs  # every function has a case below


@pytest.mark.parametrize("case", CASES)
def test_out_of_place_matches_pytorch(case):
    torch = require_torch()
    theirs, _ = _run(torch, case)
    ours, _ = _run(aw, case)
    assert type(ours) is type(theirs) is tuple and len(ours) == len(theirs)
    for t, o in zip(theirs, ours):
        _same(t, o)


@pytest.mark.parametrize("case", INPLACE)
def test_in_place_matches_pytorch(case):
    torch = require_torch()
    theirs, t_env = _run(torch, case)
    ours, o_env = _run(aw, case)
    assert theirs is t_env["L"] and ours is o_env["L"]  # the list it was given, itself
    for t, o in zip(t_env["L"], o_env["L"]):
        _same(t, o)


ERRORS = [
    "_foreach_add([], 1)",
    "_foreach_add([], [])",
    "_foreach_add([], L)",
    "_foreach_add(L, [])",
    "_foreach_add(L, [1.0])",
    "_foreach_add(L, L2[:1])",
    "_foreach_add_(L, L2[:1])",
    "_foreach_add(L, [L2[0], L2[0]])",
    "_foreach_add(L, m.ones(2))",
    "_foreach_mul(L, m.ones(1))",
    "_foreach_add_(L, [m.ones(2, 2), m.ones(4)])",
    "_foreach_sqrt([])",
    "_foreach_sqrt_([])",
    "_foreach_zero_([])",
    "_foreach_norm([])",
    "_foreach_max([])",
    "_foreach_max([m.ones(0)])",
    "_foreach_clone([])",
    "_foreach_addcmul(L, L2, L3[:1])",
    "_foreach_addcmul(L, L2, L3, [1.0])",
    "_foreach_addcmul(L, L2, L3, m.ones(3))",
    "_foreach_addcdiv_(L, L2, L3, m.ones(1, 2))",
    "_foreach_lerp(L, L2[:1], 0.5)",
    "_foreach_lerp(L, L2, L3[:1])",
    "_foreach_lerp_(L, L2, [0.5])",
    "_foreach_copy_(L, L2[:1])",
    "_foreach_copy_(L, [m.ones(2), m.ones(4)])",
    "_foreach_pow(2.0, [])",
    "_foreach_mm(A, [])",
    "_foreach_norm([m.ones(2, dtype=m.int64)])",
    "_foreach_sub([m.ones(2, dtype=m.bool)], 1)",
    "_foreach_neg([m.ones(2, dtype=m.bool)])",
    "_foreach_add_([m.ones(2, requires_grad=True)], 1.0)",
    "_foreach_add(L, [L2[0], 1.0])",
]


@pytest.mark.parametrize("case", ERRORS)
def test_errors_match_pytorch(case):
    torch = require_torch()
    with pytest.raises(Exception) as theirs:
        _run(torch, case)
    with pytest.raises(type(theirs.value)) as ours:
        _run(aw, case)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    "case",
    [
        "_foreach_add(L, 2)",
        "_foreach_sqrt(L)",
        "_foreach_div(L, [2.0, -0.5])",
        "_foreach_maximum(L, [0.5, 0.2])",
        "_foreach_lerp(L, L2, L3)",
        "_foreach_addcmul(L, L2, L3, 0.5)",
        "_foreach_norm(L)",
        "_foreach_pow(2.0, L)",
        "_foreach_mm(A, B)",
        "_foreach_sub(L, L2, alpha=0.5)",
    ],
)
def test_gradients_through_the_out_of_place_forms(case):
    torch = require_torch()
    grads = []
    for m in (torch, aw):
        env = _env(m)
        leaves = [t for k in ("L", "L2", "L3", "A", "B") for t in env[k]] + [env["s0"]]
        for t in leaves:
            t.requires_grad_(True)
        out = eval("m." + case, env)
        sum(o.sum() for o in out).backward()
        grads.append([None if t.grad is None else t.grad.numpy() for t in leaves])
    for t, o in zip(*grads):
        assert (t is None) == (o is None)
        if t is not None:
            np.testing.assert_allclose(o, t, rtol=2e-6, atol=1e-7)
