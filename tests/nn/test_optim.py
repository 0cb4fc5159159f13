"""Optimizers and schedulers: 20 steps from the same start land where PyTorch's land."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import TOL, copy_weights, to_aw

pytestmark = pytest.mark.oracle

OPTIMIZERS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, maximize=False)),
    ("SGD", dict(lr=0.01, maximize=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.05, amsgrad=True)),
    ("Adam", dict(lr=0.01, maximize=True, eps=1e-6)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.02, weight_decay=0.3, amsgrad=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.01)),
    ("RMSprop", dict(lr=0.005, alpha=0.9, momentum=0.5)),
    ("Adagrad", dict(lr=0.1)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.05)),
    ("Adadelta", dict(lr=2.0, maximize=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.02, initial_accumulator_value=0.1)),
    ("Adamax", dict()),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.05)),
    ("Adamax", dict(lr=0.01, maximize=True)),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.01, betas=(0.85, 0.99), weight_decay=0.05, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("NAdam", dict(lr=0.005, maximize=True, eps=1e-6)),
    ("RAdam", dict()),
    ("RAdam", dict(lr=0.01, betas=(0.9, 0.9), weight_decay=0.05)),
    ("RAdam", dict(lr=0.01, betas=(0.8, 0.8), weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.01, maximize=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.001, etas=(0.3, 1.5), step_sizes=(1e-4, 0.01))),
    ("Rprop", dict(lr=0.01, maximize=True)),
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.05, lambd=1e-3, alpha=0.5, t0=5, weight_decay=0.01)),
    ("ASGD", dict(lr=0.05, t0=0, maximize=True)),
    ("Adafactor", dict()),
    ("Adafactor", dict(lr=0.05, beta2_decay=-0.5, eps=(1e-20, 1e-2), d=2.0, weight_decay=0.1)),
    ("Adafactor", dict(lr=0.005, eps=(None, 0.5), maximize=True)),
    ("Adafactor", dict(lr=0.2, d=1.0)),
]


def _problem(lib, model, dtype, step):
    """A fixed regression batch per step (the same numbers on both sides)."""
    rng = np.random.default_rng(step)
    x = lib.from_numpy(rng.standard_normal((16, 5)).astype(dtype))
    y = lib.from_numpy(rng.standard_normal((16, 2)).astype(dtype))
    return ((model(x) - y) ** 2).mean()


def _models(torch, dtype):
    torch.manual_seed(0)
    make = lambda nn: nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 2))  # noqa: E731
    tm = make(torch.nn).to(getattr(torch, dtype))
    om = make(aw.nn).to(getattr(aw, dtype))
    copy_weights(tm, om)
    return tm, om


def _train(lib, model, opt, dtype, steps, sched=None, start=0):
    lrs = []
    for s in range(start, start + steps):
        opt.zero_grad()
        loss = _problem(lib, model, dtype, s)
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()
            lrs.append(sched.get_last_lr())
    return lrs


def _assert_params(om, tm, dtype, tol_scale=1.0):
    tol = {k: v * tol_scale for k, v in TOL[dtype].items()}
    for (name, o), (_, t) in zip(om.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), err_msg=name, **tol)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(
    "case", OPTIMIZERS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(OPTIMIZERS)]
)
def test_optimizer_matches_torch(case, dtype):
    torch = require_torch()
    name, kwargs = case
    tm, om = _models(torch, dtype)
    topt = getattr(torch.optim, name)(tm.parameters(), **kwargs)
    oopt = getattr(aw.optim, name)(om.parameters(), **kwargs)
    assert repr(oopt) == repr(topt)
    _train(torch, tm, topt, dtype, 20)
    _train(aw, om, oopt, dtype, 20)
    _assert_params(om, tm, dtype, 1.0 if dtype == "float64" else 10.0)
    # Same state layout as PyTorch (keys, shapes, the float32 step counter).
    tsd, osd = topt.state_dict(), oopt.state_dict()
    assert osd["param_groups"] == tsd["param_groups"]
    assert list(osd["state"]) == list(tsd["state"])
    for k, tstate in tsd["state"].items():
        assert list(osd["state"][k]) == list(tstate)  # same keys, in the same order
        for key, v in tstate.items():
            if isinstance(v, torch.Tensor):
                assert osd["state"][k][key].dtype.__repr__() == repr(v.dtype), key
                ours = osd["state"][k][key].numpy()
                np.testing.assert_allclose(ours, v.numpy(), err_msg=key, rtol=1e-3, atol=1e-6)


@pytest.mark.parametrize(
    "name",
    [
        "SGD",
        "Adam",
        "RMSprop",
        "Adagrad",
        "Adadelta",
        "Adamax",
        "NAdam",
        "RAdam",
        "Rprop",
        "ASGD",
        "Adafactor",
    ],
)
def test_state_dict_round_trip(name):
    kwargs = {"SGD": dict(lr=0.05, momentum=0.9)}.get(name, dict(lr=0.01))
    aw.manual_seed(0)
    model = aw.nn.Sequential(aw.nn.Linear(5, 8), aw.nn.Tanh(), aw.nn.Linear(8, 2))
    twin = copy.deepcopy(model)
    opt = getattr(aw.optim, name)(model.parameters(), **kwargs)
    _train(aw, model, opt, "float32", 10)
    saved_model, saved_opt = copy.deepcopy(model.state_dict()), copy.deepcopy(opt.state_dict())
    _train(aw, model, opt, "float32", 10, start=10)
    twin.load_state_dict(saved_model)
    opt2 = getattr(aw.optim, name)(twin.parameters(), **kwargs)
    opt2.load_state_dict(saved_opt)
    assert opt2.state_dict()["param_groups"] == saved_opt["param_groups"]
    _train(aw, twin, opt2, "float32", 10, start=10)
    for a, b in zip(model.parameters(), twin.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_optimizer_state_dict_loads_into_torch_layout():
    torch = require_torch()
    tm, om = _models(torch, "float32")
    topt = torch.optim.Adam(tm.parameters(), lr=0.01)
    _train(torch, tm, topt, "float32", 5)
    tsd = topt.state_dict()
    osd = {
        "state": {k: {kk: to_aw(vv) for kk, vv in v.items()} for k, v in tsd["state"].items()},
        "param_groups": tsd["param_groups"],
    }
    oopt = aw.optim.Adam(om.parameters(), lr=0.5)
    oopt.load_state_dict(osd)
    copy_weights(tm, om)
    assert oopt.param_groups[0]["lr"] == 0.01
    _train(torch, tm, topt, "float32", 5, start=5)
    _train(aw, om, oopt, "float32", 5, start=5)
    _assert_params(om, tm, "float32", 10.0)


SCHEDULERS = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.001)),
    ("LambdaLR", dict(lr_lambda=lambda epoch: 1.0 / (1 + epoch))),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=3, mode="triangular2")),
]


@pytest.mark.parametrize("case", SCHEDULERS, ids=[c[0] for c in SCHEDULERS])
def test_scheduler_matches_torch(case):
    torch = require_torch()
    name, kwargs = case
    tm, om = _models(torch, "float64")
    topt = torch.optim.SGD(tm.parameters(), lr=0.1, momentum=0.9)
    oopt = aw.optim.SGD(om.parameters(), lr=0.1, momentum=0.9)
    tsched = getattr(torch.optim.lr_scheduler, name)(topt, **kwargs)
    osched = getattr(aw.optim.lr_scheduler, name)(oopt, **kwargs)
    assert osched.get_last_lr() == tsched.get_last_lr()
    tl = _train(torch, tm, topt, "float64", 20, tsched)
    ol = _train(aw, om, oopt, "float64", 20, osched)
    np.testing.assert_allclose(ol, tl, rtol=1e-12)
    _assert_params(om, tm, "float64")
    tsd, osd = tsched.state_dict(), osched.state_dict()
    assert sorted(osd) == sorted(tsd)
    for key in ("last_epoch", "base_lrs", "_step_count", "_last_lr"):
        assert osd[key] == pytest.approx(tsd[key])
    # Round trip: a fresh scheduler picks up where this one stopped.
    fresh = getattr(aw.optim.lr_scheduler, name)(oopt, **kwargs)
    fresh.load_state_dict(osd)
    assert fresh.last_epoch == 20 and fresh.get_last_lr() == osched.get_last_lr()


def _cyclic_run(m, opt_name, kwargs):
    p = m.nn.Parameter(m.ones(2))
    opt = getattr(m.optim, opt_name)(
        [p], lr=0.3, **({"momentum": 0.9} if opt_name == "SGD" else {})
    )
    sched = m.optim.lr_scheduler.CyclicLR(opt, base_lr=[0.01], max_lr=0.2, **kwargs)
    seen = []
    for _ in range(9):
        opt.step()
        sched.step()
        group = opt.param_groups[0]
        seen.append(
            (
                sched.get_last_lr()[0],
                group.get("momentum"),
                group["betas"][0] if "betas" in group else None,
            )
        )
    return seen, sorted(sched.state_dict())


CYCLIC = [
    dict(mode="triangular", step_size_up=2, step_size_down=3),
    dict(mode="exp_range", gamma=0.9, step_size_up=2),
    dict(scale_fn=lambda x: 0.5**x, scale_mode="iterations", step_size_up=3),
]


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
@pytest.mark.parametrize("kwargs", CYCLIC, ids=["triangular", "exp_range", "scale_fn"])
def test_cyclic_lr_cycles_lr_and_momentum_like_torch(kwargs, opt_name):
    torch = require_torch()
    ours, theirs = _cyclic_run(aw, opt_name, kwargs), _cyclic_run(torch, opt_name, kwargs)
    assert ours[1] == theirs[1]
    np.testing.assert_allclose(np.array(ours[0], float), np.array(theirs[0], float), rtol=1e-15)


def test_cyclic_lr_errors_like_torch():
    torch = require_torch()
    for make in (
        lambda m, p: m.optim.lr_scheduler.CyclicLR(m.optim.Adagrad(p), 0.1, 1.0),
        lambda m, p: m.optim.lr_scheduler.CyclicLR(m.optim.SGD(p, lr=1.0), 0.1, 1.0, mode="x"),
        lambda m, p: m.optim.lr_scheduler.CyclicLR(m.optim.SGD(p, lr=1.0), [0.1, 0.2], 1.0),
    ):
        errors = []
        for m in (aw, torch):
            with pytest.raises(ValueError) as info:
                make(m, [m.nn.Parameter(m.ones(2))])
            errors.append(str(info.value))
        assert errors[0] == errors[1]


def test_scheduler_warns_when_stepped_before_optimizer():
    p = aw.nn.Parameter(aw.ones(2))
    opt = aw.optim.SGD([p], lr=0.1)
    sched = aw.optim.lr_scheduler.StepLR(opt, 1)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()


def _error(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__, str(exc)
    return None


ERRORS = [
    lambda t: t.optim.SGD([], lr=0.1),
    lambda t: t.optim.Adam([t.ones(2, requires_grad=True) * 2]),
    lambda t: t.optim.SGD(t.ones(2), lr=0.1),
    lambda t: t.optim.SGD([t.ones(2)], lr=-1),
    lambda t: t.optim.SGD([t.ones(2)], lr=0.1, nesterov=True),
    lambda t: t.optim.Adam([t.ones(2)], betas=(1.0, 0.9)),
    lambda t: t.optim.Adadelta([t.ones(2)], rho=1.5),
    lambda t: t.optim.Adadelta([t.ones(2)], eps=-1),
    lambda t: t.optim.SGD([{"params": [t.nn.Parameter(t.ones(1))]}, {"params": 3}], lr=0.1),
    lambda t: t.optim.Adamax([t.ones(2)], lr=-0.1),
    lambda t: t.optim.Adamax([t.ones(2)], betas=(0.9, 1.0)),
    lambda t: t.optim.Adamax([t.ones(2)], eps=-1),
    lambda t: t.optim.Adamax([t.ones(2)], weight_decay=-1),
    lambda t: t.optim.NAdam([t.ones(2)], momentum_decay=-1),
    lambda t: t.optim.NAdam([t.ones(2)], betas=(-0.1, 0.9)),
    lambda t: t.optim.NAdam([t.ones(2)], lr=t.ones(2)),
    lambda t: t.optim.RAdam([t.ones(2)], weight_decay=-0.5),
    lambda t: t.optim.RAdam([t.ones(2)], eps=-1e-8),
    lambda t: t.optim.Rprop([t.ones(2)], etas=(1.5, 1.2)),
    lambda t: t.optim.Rprop([t.ones(2)], etas=(0.5, 0.9)),
    lambda t: t.optim.Rprop([t.ones(2)], lr=-1),
    lambda t: t.optim.ASGD([t.ones(2)], weight_decay=-1),
    lambda t: t.optim.ASGD([t.ones(2)], lr=-0.01),
    lambda t: t.optim.Adafactor([t.ones(2)], lr=-0.01),
    lambda t: t.optim.Adafactor([t.ones(2)], lr=t.ones(2)),
    lambda t: t.optim.Adafactor([t.ones(2)], beta2_decay=0.5),
    lambda t: t.optim.Adafactor([t.ones(2)], eps=(-1.0, 1e-3)),
    lambda t: t.optim.Adafactor([t.ones(2)], eps=(None, -1e-3)),
    lambda t: t.optim.Adafactor([t.ones(2)], d=0.5),
    lambda t: t.optim.Adafactor([t.ones(2)], weight_decay=-1),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_optimizer_errors_match_torch(i):
    torch = require_torch()
    expected = _error(lambda: ERRORS[i](torch))
    assert expected is not None
    assert _error(lambda: ERRORS[i](aw)) == expected


def test_param_groups_and_zero_grad():
    a, b = aw.nn.Parameter(aw.ones(2)), aw.nn.Parameter(aw.ones(3))
    opt = aw.optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.5)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    (a.sum() + b.sum()).backward()
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), 0.9)
    np.testing.assert_allclose(b.detach().numpy(), 0.5)
    opt.zero_grad()
    assert a.grad is None and b.grad is None
    loss = opt.step(lambda: (a * 2).sum())
    assert float(loss) == pytest.approx(3.6, rel=1e-6)


def test_clip_grad_and_vector_utils_match_torch():
    torch = require_torch()
    tm, om = _models(torch, "float64")
    _problem(torch, tm, "float64", 0).backward()
    _problem(aw, om, "float64", 0).backward()
    u, tu = aw.nn.utils, torch.nn.utils
    for norm_type in (2.0, 1.0, float("inf")):
        tn = tu.clip_grad_norm_(tm.parameters(), 0.1, norm_type=norm_type)
        on = u.clip_grad_norm_(om.parameters(), 0.1, norm_type=norm_type)
        assert float(on) == pytest.approx(float(tn), rel=1e-10)
    tu.clip_grad_value_(tm.parameters(), 0.01)
    u.clip_grad_value_(om.parameters(), 0.01)
    for o, t in zip(om.parameters(), tm.parameters()):
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-10)
    tv, ov = tu.parameters_to_vector(tm.parameters()), u.parameters_to_vector(om.parameters())
    np.testing.assert_allclose(ov.detach().numpy(), tv.detach().numpy())
    u.vector_to_parameters(ov * 0 + 1, om.parameters())
    assert all((p.detach().numpy() == 1).all() for p in om.parameters())


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_adafactor_on_batched_matrices_and_tensor_lr(dtype):
    """Row/column factors over the last two dims of a 3-d parameter; a tensor learning rate."""
    torch = require_torch()
    rng = np.random.default_rng(0)
    start = rng.standard_normal((3, 4, 5)).astype(dtype)
    vec = rng.standard_normal(6).astype(dtype)
    results = []
    for lib in (torch, aw):
        w = lib.nn.Parameter(lib.from_numpy(start.copy()))
        b = lib.nn.Parameter(lib.from_numpy(vec.copy()))
        opt = lib.optim.Adafactor([w, b], lr=lib.tensor(0.03), weight_decay=0.01)
        for s in range(15):
            opt.zero_grad()
            target = lib.from_numpy(
                np.random.default_rng(s).standard_normal((3, 4, 5)).astype(dtype)
            )
            loss = ((w - target) ** 3).abs().sum() + (b.sin() * b).sum()
            loss.backward()
            opt.step()
        state = opt.state_dict()["state"][0]
        results.append(
            [w.detach().numpy(), b.detach().numpy()]
            + [state[k].numpy() for k in ("row_var", "col_var")]
        )
    tol = TOL[dtype] if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
    for ours, theirs in zip(results[1], results[0]):
        assert ours.shape == theirs.shape
        np.testing.assert_allclose(ours, theirs, **tol)


def _plateau_run(m):
    p = m.nn.Parameter(m.ones(2))
    opt = m.optim.SGD([p], lr=1.0)
    s = m.optim.lr_scheduler.ReduceLROnPlateau(
        opt, mode="max", factor=0.1, patience=2, threshold=0.01, threshold_mode="abs",
        cooldown=1, min_lr=0.001,
    )  # fmt: skip
    seen = [s.get_last_lr()]
    for metric in [0.5, 0.6, 0.6, 0.6, 0.605, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]:
        opt.step()
        s.step(metric)
        seen.append((s.get_last_lr(), s.num_bad_epochs, s.cooldown_counter, s.best))
    state = s.state_dict()
    fresh = m.optim.lr_scheduler.ReduceLROnPlateau(opt)
    fresh.load_state_dict(state)
    opt.add_param_group({"params": [m.nn.Parameter(m.ones(1))], "lr": 0.5})
    for _ in range(3):
        fresh.step(0.0)
    listed = m.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=[0.0, 0.0])
    listed.optimizer.add_param_group({"params": [m.nn.Parameter(m.ones(1))]})
    try:
        listed.step(1.0)
        listed.step(2.0)
        error = None
    except RuntimeError as e:
        error = str(e)
    return (
        seen,
        list(state),
        fresh.get_last_lr(),
        fresh.mode_worse,
        isinstance(s, m.optim.lr_scheduler.LRScheduler),
        error,
    )


def test_reduce_lr_on_plateau_matches_torch():
    torch = require_torch()
    assert _plateau_run(aw) == _plateau_run(torch)


def test_scheduler_errors_like_torch():
    torch = require_torch()
    cases = [
        lambda m, o: m.optim.lr_scheduler.StepLR(o, 1, last_epoch=3),
        lambda m, o: m.optim.lr_scheduler.ReduceLROnPlateau("opt"),
        lambda m, o: m.optim.lr_scheduler.ReduceLROnPlateau(o, factor=1.0),
        lambda m, o: m.optim.lr_scheduler.ReduceLROnPlateau(o, mode="avg"),
        lambda m, o: m.optim.lr_scheduler.ReduceLROnPlateau(o, threshold_mode="x"),
        lambda m, o: m.optim.lr_scheduler.ReduceLROnPlateau(o, min_lr=[0.1, 0.2]),
    ]
    for case in cases:
        errors = []
        for m in (aw, torch):
            opt = m.optim.SGD([m.nn.Parameter(m.ones(1))], lr=0.1)
            with pytest.raises(Exception) as info:  # noqa: PT011
                case(m, opt)
            errors.append((type(info.value).__name__, str(info.value)))
        assert errors[0] == errors[1]
