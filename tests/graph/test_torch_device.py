"""Torch tensors on any device: a summary crosses to the CPU, a ``meta`` tensor shows shapes."""

from __future__ import annotations

import pytest

from autograd_widgets.graph import GraphModel, LiveGraph, _device
from autograd_widgets.graph import _tensors as T
from autograd_widgets.graph._build import META_NOTICE
from tests._oracle import require_torch

pytestmark = pytest.mark.oracle


@pytest.fixture
def torch():
    return require_torch()


SHAPES = [(), (3,), (200,), (20, 30), (4, 5, 6), (7, 50), (0, 3), (2, 300, 2)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool", "bfloat16"])
def test_device_summary_prints_and_measures_like_the_whole_tensor(torch, shape, dtype):
    torch.manual_seed(0)
    t = (torch.randn(shape) * 3).to(getattr(torch, dtype))
    whole = T.array_info(T.to_numpy(t))
    summary = _device.device_info(t)
    assert summary[0] == whole[0]
    assert summary[2:] == whole[2:]
    if whole[1] is None:
        assert summary[1] is None
    else:
        assert summary[1] == pytest.approx(whole[1], rel=1e-6)


def test_device_summary_flags_nan_and_inf(torch):
    t = torch.tensor([1.0, float("nan"), -float("inf")] * 100)
    text, stats, nan, inf = _device.device_info(t)
    assert (nan, inf) == (True, True) and stats == {
        "min": 1.0,
        "max": 1.0,
        "mean": 1.0,
        "norm": 10.0,
    }
    assert text == T.array_info(t.numpy())[0]


def test_off_cpu_tensors_copy_only_their_edges(torch, monkeypatch):
    """A 1000 x 1000 tensor "on a GPU": 36 values and 4 statistics cross, not a million."""
    copied = []
    real = _device._cpu_numpy

    def spy(d):
        copied.append(d.numel())
        return real(d)

    monkeypatch.setattr(_device, "_cpu_numpy", spy)
    monkeypatch.setattr(T, "device_type", lambda t: "cuda")
    big = torch.randn(1000, 1000, requires_grad=True)
    out = (big * 2).sum()
    out.backward()
    m = GraphModel.from_tensors(out, names={"big": big}, namespace=None)
    leaf = m.find(kind="leaf")[0]
    assert leaf["tensor"]["value"].startswith("tensor([[")
    assert "..." in leaf["tensor"]["value"] and "..." in leaf["tensor"]["grad"]
    assert leaf["tensor"]["grad_stats"]["mean"] == pytest.approx(2.0)
    assert copied and max(copied) <= 36


def meta_program(torch):
    w = torch.randn(3, 4, device="meta", requires_grad=True)
    x = torch.empty(5, 3, device="meta")
    out = torch.relu(x @ w).sum()
    return w, out


def test_meta_tensors_draw_with_shapes_only_and_a_note(torch):
    w, out = meta_program(torch)
    m = GraphModel.from_tensors(out, names={"w": w}, namespace=None)
    assert [n["label"] for n in m.nodes if n["kind"] != "saved"] == [
        "output",
        "SumBackward0",
        "ReluBackward0",
        "MmBackward0",
        "AccumulateGrad",
    ]
    assert META_NOTICE in m.notice
    leaf = m.find(kind="leaf")[0]
    assert leaf["tensor"]["shape"] == [3, 4] and leaf["tensor"]["dtype"] == "torch.float32"
    assert leaf["tensor"]["value"] == "tensor(..., device='meta', size=(3, 4))"
    assert leaf["tensor"]["stats"] is None
    saved = [n for n in m.nodes if n["kind"] == "saved"]
    assert saved and all(
        n["tensor"]["value"].startswith("tensor(..., device='meta'") for n in saved
    )
    m.to_dot()  # the DOT of a meta drawing is made like any other


def test_meta_tensors_live_backward(torch):
    w, out = meta_program(torch)
    seen = []
    live = LiveGraph(out, callback=lambda: seen.append(live.last_change), namespace=None)
    out.backward()
    m = live.to_json()
    assert seen == ["backward_end"] and m["backward_passes"] == 1
    leaf = next(n for n in m["nodes"] if n["kind"] == "leaf")
    assert leaf["tensor"]["grad"] == "tensor(..., device='meta', size=(3, 4))"
    assert leaf["executed_order"] is not None
    live.close()


def test_cpu_and_our_tensors_have_no_note(torch):
    import autograd_widgets as aw

    for mod in (torch, aw):
        x = mod.ones(2, requires_grad=True)
        m = GraphModel.from_tensors((x * 2).sum(), namespace=None)
        assert m.notice is None or META_NOTICE not in m.notice


def test_no_edge_items_copy_nothing(torch, monkeypatch):
    from autograd_widgets.core import _printing

    monkeypatch.setattr(_printing._OPTS, "edgeitems", 0)
    t = torch.randn(50, 50)
    small, _ = _device.summary_values(t)
    assert small.size == 0
    assert _device.device_info(t)[0] == T.array_info(t.numpy())[0] == "tensor([...])"
