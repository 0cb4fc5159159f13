"""``nn.SyncBatchNorm`` on one CPU process (PyTorch falls back to ``F.batch_norm``, in train
and eval mode) and ``convert_sync_batchnorm``, against PyTorch."""

from __future__ import annotations

import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, copy_weights, error_of, graph_names, to_aw

pytestmark = pytest.mark.oracle

CONFIGS = [
    {},
    {"momentum": None},
    {"affine": False},
    {"bias": False, "eps": 1e-3},
    {"track_running_stats": False},
]


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (2, 3, 4, 4), (2, 3, 2, 3, 2)])
@pytest.mark.parametrize("kw", CONFIGS, ids=[str(c) for c in CONFIGS])
def test_forward_backward_and_running_stats_match_torch(kw, shape):
    torch = require_torch()
    torch.manual_seed(0)
    tm, om = torch.nn.SyncBatchNorm(3, **kw).double(), aw.nn.SyncBatchNorm(3, **kw).double()
    assert repr(om) == repr(tm)
    assert om.process_group is tm.process_group is None
    if om.weight is not None:
        with torch.no_grad():
            tm.weight.uniform_(0.5, 1.5)
    copy_weights(tm, om)
    for step, train in enumerate([True, True, False, True]):
        tm.train(train)
        om.train(train)
        x = (torch.randn(*shape, dtype=torch.float64) + step).requires_grad_()
        ox = to_aw(x)
        t_out, o_out = tm(x), om(ox)
        assert graph_names(o_out) == graph_names(t_out)
        assert_close(o_out, t_out, "float64", f"step {step}")
        g = torch.randn(t_out.shape, dtype=torch.float64)
        t_out.backward(g)
        o_out.backward(to_aw(g))
        assert_close(ox.grad, x.grad, "float64", f"grad step {step}")
        for name, b in tm.named_buffers():
            assert_close(
                dict(om.named_buffers())[name],
                b,
                "float64" if b.is_floating_point() else "float64",
                name,
            )


@pytest.mark.parametrize(
    "make",
    [lambda m: m.randn(3), lambda m: m.randn(3, 0), lambda m: m.randn(2, 0, 4)],
    ids=["1d", "no_channels", "no_channels_3d"],
)
def test_errors_match_torch(make):
    torch = require_torch()
    expected = error_of(lambda: torch.nn.SyncBatchNorm(3)(make(torch)))
    assert expected is not None
    assert error_of(lambda: aw.nn.SyncBatchNorm(3)(make(aw))) == expected


def _net(nn):
    return nn.Sequential(
        nn.Conv2d(3, 4, 1),
        nn.BatchNorm2d(4, momentum=None, affine=False),
        nn.Sequential(nn.BatchNorm1d(5, eps=1e-3, track_running_stats=False), nn.ReLU()),
        nn.InstanceNorm2d(4),
        nn.BatchNorm3d(2, bias=False),
    )


def _describe(net, original):
    """Per module: type, training flag, and which parameters/buffers are the original's objects."""
    old = dict(original.named_modules()) if original is not None else {}
    rows = []
    for name, mod in net.named_modules():
        shared = []
        for attr in ("weight", "bias", "running_mean", "running_var", "num_batches_tracked"):
            value = getattr(mod, attr, None)
            before = getattr(old.get(name), attr, None) if name in old else None
            shared.append(value is None or value is before)
        rows.append((name, type(mod).__name__, mod.training, tuple(shared)))
    return rows


def test_convert_sync_batchnorm_matches_torch():
    torch = require_torch()
    tnet, onet = _net(torch.nn), _net(aw.nn)
    tnet[2][0].eval()
    onet[2][0].eval()
    copy_weights(tnet, onet)
    before_t, before_o = _describe(tnet, None), _describe(onet, None)
    assert [r[:3] for r in before_o] == [r[:3] for r in before_t]
    t_conv = torch.nn.SyncBatchNorm.convert_sync_batchnorm(tnet, process_group="group")
    o_conv = aw.nn.SyncBatchNorm.convert_sync_batchnorm(onet, process_group="group")
    assert (o_conv is onet) and (t_conv is tnet)
    assert repr(o_conv) == repr(t_conv)
    assert _describe(o_conv, onet) == _describe(t_conv, tnet)
    assert o_conv[1].process_group == "group"
    assert list(o_conv.state_dict()) == list(t_conv.state_dict())


def test_convert_a_lone_batchnorm_shares_its_tensors():
    torch = require_torch()
    for lib in (torch, aw):
        bn = lib.nn.BatchNorm1d(3)
        bn.qconfig = "q"
        bn.eval()
        sync = lib.nn.SyncBatchNorm.convert_sync_batchnorm(bn)
        assert type(sync).__name__ == "SyncBatchNorm" and sync is not bn
        assert sync.weight is bn.weight and sync.running_var is bn.running_var
        assert sync.qconfig == "q" and not sync.training
