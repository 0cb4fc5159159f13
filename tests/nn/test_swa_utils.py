"""torch.optim.swa_utils: AveragedModel (SWA, EMA, avg_fn, use_buffers), SWALR, update_bn,
compared with PyTorch after the same training steps."""

from __future__ import annotations

import numpy as np
import pytest

from tests.nn._both import error, same


def _data(m, *shape, shift=0.0):
    n = int(np.prod(shape))
    return m.tensor(np.sin(np.arange(n) * 0.9 + shift).reshape(shape), dtype=m.float64)


def _model(m):
    m.manual_seed(0)
    return m.nn.Sequential(
        m.nn.Linear(3, 4), m.nn.BatchNorm1d(4), m.nn.ReLU(), m.nn.Linear(4, 1)
    ).double()


def _train(m, averaged_kw, steps=5):
    swa = m.optim.swa_utils
    model = _model(m)
    kw = dict(averaged_kw)
    for key in ("multi_avg_fn", "avg_fn"):
        if key in kw:
            kw[key] = getattr(swa, kw[key][0])(*kw[key][1:])
    avg = swa.AveragedModel(model, **kw)
    opt = m.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = swa.SWALR(opt, swa_lr=0.05, anneal_epochs=3, anneal_strategy="linear")
    lrs = []
    for i in range(steps):
        x = _data(m, 6, 3, shift=i)
        loss = model(x).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        avg.update_parameters(model)
        sched.step()
        lrs.append(sched.get_last_lr())
    loader = [_data(m, 6, 3, shift=10 + i) for i in range(3)]
    m.optim.swa_utils.update_bn(loader, avg)
    avg.eval()
    out = avg(_data(m, 2, 3, shift=7))
    return [lrs, int(avg.n_averaged), dict(avg.state_dict()), out, avg.training, repr(avg)]


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"use_buffers": True},
        {"multi_avg_fn": ("get_ema_multi_avg_fn", 0.9)},
        {"multi_avg_fn": ("get_ema_multi_avg_fn", 0.9), "use_buffers": True},
        {"avg_fn": ("get_ema_avg_fn", 0.8)},
        {"multi_avg_fn": ("get_swa_multi_avg_fn",)},
        {"avg_fn": ("get_swa_avg_fn",), "use_buffers": True},
    ],
)
def test_averaged_model_matches_torch(kw):
    same(lambda m: _train(m, kw))


@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("anneal_epochs", [0, 1, 4])
def test_swalr_schedule(strategy, anneal_epochs):
    def run(m):
        w = m.nn.Parameter(m.zeros(2))
        b = m.nn.Parameter(m.zeros(1))
        opt = m.optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.3}], lr=1.0)
        s = m.optim.swa_utils.SWALR(opt, [0.1, 0.2], anneal_epochs, strategy)
        lrs = [s.get_last_lr()]
        for _ in range(6):
            opt.step()
            s.step()
            lrs.append(s.get_last_lr())
        return [lrs, opt.param_groups[1]["swa_lr"]]

    same(run)


def test_swa_errors():
    def run(m):
        swa = m.optim.swa_utils
        opt = m.optim.SGD([m.nn.Parameter(m.zeros(2))], lr=1.0)
        lin = m.nn.Linear(2, 2)
        return [
            error(lambda: swa.SWALR(opt, 0.1, anneal_strategy="step")),
            error(lambda: swa.SWALR(opt, 0.1, anneal_epochs=-1)),
            error(lambda: swa.SWALR(opt, [0.1, 0.2])),
            error(lambda: swa.get_ema_multi_avg_fn(1.5)),
            error(lambda: swa.get_ema_avg_fn(-0.1)),
            error(
                lambda: swa.AveragedModel(
                    lin, avg_fn=swa.get_swa_avg_fn(), multi_avg_fn=swa.get_swa_multi_avg_fn()
                )
            ),
        ]

    same(run)


def test_update_bn_without_batch_norm_is_a_no_op():
    def run(m):
        model = m.nn.Linear(3, 1)
        model.eval()
        m.optim.swa_utils.update_bn([_data(m, 2, 3)], model)
        return model.training

    assert same(run) is False
