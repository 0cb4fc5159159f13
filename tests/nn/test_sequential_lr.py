"""``SequentialLR`` and ``ChainedScheduler`` against PyTorch: learning rates step by step,
nesting, state_dict round trips and the construction errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch

pytestmark = pytest.mark.oracle


def _warmup_cosine(m, opt):
    s = m.optim.lr_scheduler
    warm = s.LinearLR(opt, start_factor=0.1, total_iters=3)
    decay = s.CosineAnnealingLR(opt, T_max=6, eta_min=0.01)
    return s.SequentialLR(opt, [warm, decay], milestones=[3])


def _three_phases(m, opt):
    s = m.optim.lr_scheduler
    parts = [s.ConstantLR(opt, factor=0.5, total_iters=2), s.ExponentialLR(opt, 0.9),
             s.StepLR(opt, 2, gamma=0.5)]  # fmt: skip
    return s.SequentialLR(opt, parts, milestones=[2, 5])


def _chained(m, opt):
    s = m.optim.lr_scheduler
    return s.ChainedScheduler(
        [s.ConstantLR(opt, factor=0.3, total_iters=4), s.ExponentialLR(opt, 0.8)]
    )


def _nested(m, opt):
    # A SequentialLR inside a ChainedScheduler (the other way round fails in PyTorch too:
    # restarting a ChainedScheduler at a milestone raises NotImplementedError there).
    s = m.optim.lr_scheduler
    warm = s.SequentialLR(
        opt, [s.LinearLR(opt, 0.2, total_iters=2), s.MultiplicativeLR(opt, lambda e: 0.95)], [2]
    )
    return s.ChainedScheduler([warm, s.ExponentialLR(opt, 0.9)])


BUILDERS = {"warmup_cosine": _warmup_cosine, "three_phases": _three_phases,
            "chained": _chained, "nested": _nested}  # fmt: skip


def _lrs(m, build, steps=12):
    p = m.nn.Parameter(m.ones(2))
    opt = m.optim.SGD([{"params": [p]}, {"params": [m.nn.Parameter(m.ones(1))], "lr": 0.5}], lr=0.1)
    sched = build(m, opt)
    lrs = [sched.get_last_lr()]
    for _ in range(steps):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr())
    return lrs, [g["lr"] for g in opt.param_groups], sched


@pytest.mark.parametrize("case", sorted(BUILDERS))
def test_learning_rates_match_torch(case):
    torch = require_torch()
    theirs, t_groups, t_sched = _lrs(torch, BUILDERS[case])
    ours, o_groups, o_sched = _lrs(aw, BUILDERS[case])
    np.testing.assert_allclose(np.array(ours), np.array(theirs), rtol=1e-12)
    np.testing.assert_allclose(o_groups, t_groups, rtol=1e-12)
    assert sorted(o_sched.state_dict()) == sorted(t_sched.state_dict())
    if hasattr(t_sched, "last_epoch"):  # SequentialLR has one, ChainedScheduler none
        assert o_sched.last_epoch == t_sched.last_epoch


def test_state_dict_round_trip():
    lrs, _, sched = _lrs(aw, _warmup_cosine, steps=4)
    state = sched.state_dict()
    p = aw.nn.Parameter(aw.ones(2))
    opt = aw.optim.SGD(
        [{"params": [p]}, {"params": [aw.nn.Parameter(aw.ones(1))], "lr": 0.5}], lr=0.1
    )
    fresh = _warmup_cosine(aw, opt)
    fresh.load_state_dict(state)
    assert "_schedulers" in state and fresh.last_epoch == sched.last_epoch
    assert fresh._schedulers[1].last_epoch == sched._schedulers[1].last_epoch


def _opt(m):
    return m.optim.SGD([m.nn.Parameter(m.ones(1))], lr=0.1)


ERRORS = {
    "no_schedulers": lambda m: m.optim.lr_scheduler.SequentialLR(_opt(m), [], []),
    "milestones": lambda m: (lambda o: m.optim.lr_scheduler.SequentialLR(
        o, [m.optim.lr_scheduler.ExponentialLR(o, 0.9)], [3]))(_opt(m)),
    "plateau": lambda m: (lambda o: m.optim.lr_scheduler.SequentialLR(
        o, [m.optim.lr_scheduler.ReduceLROnPlateau(o)], []))(_opt(m)),
    "chained_empty": lambda m: m.optim.lr_scheduler.ChainedScheduler([]),
    "not_a_scheduler": lambda m: m.optim.lr_scheduler.ChainedScheduler([object()], _opt(m)),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_match_torch(case):
    assert_raises_like_torch(ERRORS[case])
