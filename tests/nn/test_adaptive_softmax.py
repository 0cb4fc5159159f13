"""``nn.AdaptiveLogSoftmaxWithLoss`` against PyTorch with copied weights: forward output and
loss, gradients of the input and every parameter, ``log_prob``, ``predict``, reprs, errors."""

from __future__ import annotations

import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, copy_weights, error_of, graph_names, to_aw

pytestmark = pytest.mark.oracle

CONFIGS = [
    ((16, 20, [5, 12]), {}),
    ((16, 20, [5, 12]), {"div_value": 2.0, "head_bias": True}),
    ((8, 10, [3]), {"div_value": 1.0}),
]


def _pair(torch, args, kw, dtype="float64"):
    torch.manual_seed(0)
    tm = torch.nn.AdaptiveLogSoftmaxWithLoss(*args, **kw).to(getattr(torch, dtype))
    om = aw.nn.AdaptiveLogSoftmaxWithLoss(*args, **kw).to(getattr(aw, dtype))
    copy_weights(tm, om)
    return tm, om


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("targets", ["mixed", "head_only", "tail_only"])
@pytest.mark.parametrize("config", CONFIGS, ids=["two_clusters", "bias_div2", "one_cluster"])
def test_forward_and_gradients_match_torch(config, targets, dtype):
    torch = require_torch()
    args, kw = config
    tm, om = _pair(torch, args, kw, dtype)
    assert repr(om) == repr(tm)
    n_classes, short = args[1], args[2][0]
    torch.manual_seed(1)
    x = torch.randn(9, args[0], dtype=getattr(torch, dtype), requires_grad=True)
    y = {
        "mixed": torch.randint(0, n_classes, (9,)),
        "head_only": torch.randint(0, short, (9,)),
        "tail_only": torch.randint(short, n_classes, (9,)),
    }[targets]
    ox = to_aw(x)
    t_res, o_res = tm(x, y), om(ox, to_aw(y))
    assert type(o_res).__name__ == type(t_res).__name__ == "_ASMoutput"
    assert o_res._fields == t_res._fields
    assert graph_names(o_res.loss) == graph_names(t_res.loss)
    assert_close(o_res.output, t_res.output, dtype, "output")
    assert_close(o_res.loss, t_res.loss, dtype, "loss")
    (t_res.loss + t_res.output.sum() * 0.3).backward()
    (o_res.loss + o_res.output.sum() * 0.3).backward()
    assert_close(ox.grad, x.grad, dtype, "input grad")
    tparams, oparams = dict(tm.named_parameters()), dict(om.named_parameters())
    assert list(oparams) == list(tparams)
    for name, p in tparams.items():
        if p.grad is None:
            assert oparams[name].grad is None, name
        else:
            assert_close(oparams[name].grad, p.grad, dtype, name)


def test_unbatched_input():
    torch = require_torch()
    tm, om = _pair(torch, *CONFIGS[0])
    x = torch.randn(16, dtype=torch.float64)
    for y in (torch.tensor(3), torch.tensor(17)):
        t_res, o_res = tm(x, y), om(to_aw(x), to_aw(y))
        assert_close(o_res.output, t_res.output, "float64")
        assert_close(o_res.loss, t_res.loss, "float64")


@pytest.mark.parametrize("config", CONFIGS, ids=["two_clusters", "bias_div2", "one_cluster"])
def test_log_prob_and_predict_match_torch(config):
    torch = require_torch()
    args, kw = config
    tm, om = _pair(torch, args, kw)
    torch.manual_seed(2)
    x = torch.randn(12, args[0], dtype=torch.float64, requires_grad=True)
    ox = to_aw(x)
    t_lp, o_lp = tm.log_prob(x), om.log_prob(ox)
    assert graph_names(o_lp) == graph_names(t_lp)
    assert_close(o_lp, t_lp, "float64", "log_prob")
    g = torch.randn(t_lp.shape, dtype=torch.float64)
    t_lp.backward(g)
    o_lp.backward(to_aw(g))
    assert_close(ox.grad, x.grad, "float64", "log_prob grad")
    assert_close(om.predict(ox), tm.predict(x), "float64", "predict")


@pytest.mark.parametrize("which", ["head", "tail", "mixed"])
def test_predict_branches(which):
    """``predict`` has three paths: every row's head argmax in the shortlist, none, some."""
    torch = require_torch()
    tm, om = _pair(torch, *CONFIGS[1])  # head_bias=True: the bias steers the head's argmax
    shift = {"head": [20.0] * 5 + [-20.0] * 2, "tail": [-20.0] * 5 + [20.0] * 2}.get(which)
    if shift is not None:
        with torch.no_grad():
            tm.head.bias.add_(torch.tensor(shift, dtype=torch.float64))
        copy_weights(tm, om)
    torch.manual_seed(5)
    x = torch.randn(40, 16, dtype=torch.float64) * 3
    head_pick = tm.head(x).argmax(1) >= 5
    assert {"head": not head_pick.any(), "tail": head_pick.all()}.get(
        which, head_pick.any() and not head_pick.all()
    )
    assert_close(om.predict(to_aw(x)), tm.predict(x), "float64")


ERRORS = [
    ("empty", lambda nn, t: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [])),
    ("unsorted", lambda nn, t: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [5, 3])),
    ("too_big", lambda nn, t: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 10])),
    ("repeated", lambda nn, t: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 3])),
    ("fraction", lambda nn, t: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [2.5])),
    (
        "batch",
        lambda nn, t: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3])(
            t.zeros(4, 8), t.zeros(3, dtype=t.long)
        ),
    ),
    (
        "input_3d",
        lambda nn, t: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3])(
            t.zeros(4, 2, 8), t.zeros(4, dtype=t.long)
        ),
    ),
    (
        "input_2d_0d_target",
        lambda nn, t: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3])(t.zeros(4, 8), t.tensor(1)),
    ),
    (
        "target_2d",
        lambda nn, t: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3])(
            t.zeros(4, 8), t.zeros(4, 1, dtype=t.long)
        ),
    ),
    (
        "target_range",
        lambda nn, t: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3])(t.zeros(2, 8), t.tensor([1, 12])),
    ),
]


@pytest.mark.parametrize("case", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(case):
    torch = require_torch()
    expected = error_of(lambda: case[1](torch.nn, torch))
    assert expected is not None
    assert error_of(lambda: case[1](aw.nn, aw)) == expected
