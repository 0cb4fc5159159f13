"""Small utilities real programs call, against PyTorch: ``torch.cuda`` on a CPU-only build,
``torch.version``, ``nn.modules.utils``, ``nn.utils.stateless``/``fusion``/
``clip_grads_with_norm_``, ``testing.make_tensor``, ``allow_mutation_on_saved_tensors`` and
``func.linearize``."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, copy_weights, error_of, to_aw


def _outcome(lib, call):
    """``("ok", repr(value))`` or ``(error type, message)``, warnings turned into errors off."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return "ok", repr(call(lib))
        except Exception as exc:  # noqa: BLE001
            return type(exc).__name__, str(exc)


@pytest.mark.parametrize(
    "name",
    [
        "empty_cache()",
        "synchronize()",
        "synchronize(0)",
        "memory_allocated()",
        "memory_allocated(0)",
        "max_memory_allocated()",
        "memory_reserved()",
        "max_memory_reserved()",
        "reset_peak_memory_stats()",
        "reset_accumulated_memory_stats()",
        "reset_max_memory_allocated()",
        "memory_stats()",
        "is_initialized()",
        "current_device()",
        "get_device_name()",
        "get_device_name(0)",
        "get_device_properties(0)",
        "get_device_capability()",
        "set_device(-1)",
        "set_device(0)",
        "mem_get_info()",
        "ipc_collect()",
        "init()",
        "is_available()",
        "device_count()",
    ],
)
def test_cuda_on_a_cpu_only_build(name):
    torch = require_torch()
    call = lambda lib: eval("lib.cuda." + name)  # noqa: E731, S307 - fixed strings above
    assert _outcome(aw, call) == _outcome(torch, call)


def test_cuda_reset_max_memory_allocated_warns_first():
    torch = require_torch()
    for lib in (torch, aw):
        with pytest.warns(FutureWarning, match="reset_peak_memory_stats"):
            with pytest.raises(AttributeError):
                lib.cuda.reset_max_memory_allocated()


def test_version():
    torch = require_torch()
    for name in ("cuda", "hip", "rocm", "xpu", "debug"):
        assert getattr(aw.version, name) == getattr(torch.version, name), name
    assert aw.version.__version__ == aw.__version__
    assert isinstance(aw.version.git_version, str)


def test_module_utils():
    torch = require_torch()
    tu, ou = torch.nn.modules.utils, aw.nn.modules.utils
    for name in ("_single", "_pair", "_triple", "_quadruple"):
        for value in (3, (1, 2), [4, 5, 6], "ab", range(2)):
            assert getattr(ou, name)(value) == getattr(tu, name)(value)
        assert getattr(ou, name).__name__ == getattr(tu, name).__name__ == name
    assert ou._ntuple(5, "five")(1) == tu._ntuple(5, "five")(1) == (1,) * 5
    assert ou._ntuple(2)(7).__class__ is tuple and ou._ntuple(2).__name__ == "parse"
    assert ou._reverse_repeat_tuple((1, 2, 3), 2) == tu._reverse_repeat_tuple((1, 2, 3), 2)
    assert ou._list_with_default([None, 3], [1, 2, 5, 6]) == tu._list_with_default(
        [None, 3], [1, 2, 5, 6]
    )
    assert ou._list_with_default(4, [1]) == 4
    assert error_of(lambda: ou._list_with_default([1, 2], [5, 6])) == error_of(
        lambda: tu._list_with_default([1, 2], [5, 6])
    )
    for prefix in ("module.", "net"):
        sd_t = torch.nn.Sequential(torch.nn.Linear(2, 2)).state_dict()
        sd_t = type(sd_t)({"module." + k: v for k, v in sd_t.items()}, **{})
        sd_t._metadata = {"": {}, "module": {"v": 1}, "module.0": {"v": 1}}
        sd_o = type(sd_t)(sd_t)
        sd_o._metadata = dict(sd_t._metadata)
        tu.consume_prefix_in_state_dict_if_present(sd_t, prefix)
        ou.consume_prefix_in_state_dict_if_present(sd_o, prefix)
        assert list(sd_o) == list(sd_t) and sd_o._metadata == sd_t._metadata


def test_stateless_functional_call_warns_and_calls():
    torch = require_torch()
    torch.manual_seed(0)
    tm = torch.nn.Linear(3, 2)
    om = aw.nn.Linear(3, 2)
    copy_weights(tm, om)
    x = torch.linspace(-1, 1, 6).view(2, 3)
    w = torch.arange(6.0).view(2, 3)
    outs = []
    for lib, m, xx, ww in ((torch, tm, x, w), (aw, om, to_aw(x), to_aw(w))):
        with pytest.warns(FutureWarning) as rec:
            outs.append(lib.nn.utils.stateless.functional_call(m, {"weight": ww}, (xx,)))
        outs.append(str(rec[0].message))
    assert outs[3] == outs[1]
    assert_close(outs[2], outs[0], "float32", "functional_call")


def test_clip_grads_with_norm():
    torch = require_torch()
    for max_norm in (0.5, 100.0):
        grads = []
        for lib in (torch, aw):
            ps = [lib.nn.Parameter(lib.ones(3)), lib.nn.Parameter(lib.ones(2, 2))]
            (ps[0] * lib.tensor([1.0, -2.0, 3.0])).sum().backward()
            (ps[1] ** 3).sum().backward()
            total = lib.nn.utils.get_total_norm([p.grad for p in ps])
            assert lib.nn.utils.clip_grads_with_norm_(ps, max_norm, total) is None
            grads.append([p.grad for p in ps])
            # a single tensor and no gradients at all
            lib.nn.utils.clip_grads_with_norm_(ps[0], max_norm, total)
            lib.nn.utils.clip_grads_with_norm_([lib.nn.Parameter(lib.ones(1))], 1.0, total)
        for o, t in zip(grads[1], grads[0]):
            assert o.numpy().tolist() == t.numpy().tolist()


@pytest.mark.parametrize("kind", ["conv2d", "conv1d", "conv_transpose2d", "linear", "linear1"])
def test_fusion_matches_torch(kind):
    torch = require_torch()

    def make(lib):
        nn = lib.nn
        if kind == "conv2d":
            return nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3)
        if kind == "conv1d":
            return nn.Conv1d(2, 4, 2, bias=False), nn.BatchNorm1d(4, affine=False)
        if kind == "conv_transpose2d":
            return nn.ConvTranspose2d(2, 3, 2), nn.BatchNorm2d(3)
        if kind == "linear":
            return nn.Linear(4, 3), nn.BatchNorm1d(3)
        return nn.Linear(4, 3), nn.BatchNorm1d(1)

    torch.manual_seed(0)
    tmods = make(torch)
    omods = make(aw)
    for t, o in zip(tmods, omods):
        with torch.no_grad():
            for b in t.buffers():
                if b.is_floating_point():
                    b.copy_(torch.rand(b.shape) + 0.5)
            for p in t.parameters():
                p.add_(torch.rand(p.shape))
        copy_weights(t, o)
        t.eval()
        o.eval()
    fuse = "fuse_linear_bn_eval" if kind.startswith("linear") else "fuse_conv_bn_eval"
    kw = {"transpose": True} if kind == "conv_transpose2d" else {}
    tf = getattr(torch.nn.utils.fusion, fuse)(*tmods, **kw)
    of = getattr(aw.nn.utils.fusion, fuse)(*omods, **kw)
    assert of is not omods[0] and type(of) is type(omods[0])
    for (n, p), (_, q) in zip(tf.named_parameters(), of.named_parameters()):
        assert type(q) is aw.nn.Parameter and q.is_leaf and q.requires_grad == p.requires_grad
        assert_close(q, p, "float32", n)
    if kind == "linear1":  # a one-feature batch norm scales every output alike
        return
    shape = {"conv2d": (1, 2, 5, 5), "conv1d": (2, 2, 6), "conv_transpose2d": (1, 2, 3, 3)}
    x = torch.linspace(-2, 2, int(np.prod(shape.get(kind, (2, 4))))).view(shape.get(kind, (2, 4)))
    assert_close(of(to_aw(x)), tmods[1](tmods[0](x)), "float32", "fused output")
    # training mode is refused
    omods[1].train()
    tmods[1].train()
    _same(lambda lib, m: getattr(lib.nn.utils.fusion, fuse)(*m), torch, tmods, omods)


def _same(call, torch, tmods, omods):
    assert error_of(lambda: call(aw, omods)) == error_of(lambda: call(torch, tmods)) is not None


def test_fusion_weights_functions():
    torch = require_torch()
    args = lambda lib: (  # noqa: E731
        lib.ones(3, 2, 2, 2),
        None,
        lib.tensor([0.1, 0.2, 0.3]),
        lib.tensor([1.0, 2.0, 4.0]),
        1e-5,
        None,
        None,
    )
    tw, tb = torch.nn.utils.fusion.fuse_conv_bn_weights(*args(torch))
    ow, ob = aw.nn.utils.fusion.fuse_conv_bn_weights(*args(aw))
    assert_close(ow, tw, "float32", "weight")
    assert_close(ob, tb, "float32", "bias")
    assert ow.requires_grad == tw.requires_grad and ob.requires_grad == tb.requires_grad
    largs = lambda lib: (  # noqa: E731
        lib.ones(3, 2),
        None,
        lib.zeros(3),
        lib.ones(3),
        0.0,
        lib.ones(3) * 2,
        lib.ones(3),
    )  # noqa: E731, E501
    tw, tb = torch.nn.utils.fusion.fuse_linear_bn_weights(*largs(torch))
    ow, ob = aw.nn.utils.fusion.fuse_linear_bn_weights(*largs(aw))
    assert_close(ow, tw, "float32", "weight")
    assert_close(ob, tb, "float32", "bias")


@pytest.mark.parametrize(
    "kw",
    [
        dict(dtype="float32"),
        dict(dtype="float64", low=-1, high=1),
        dict(dtype="float16", exclude_zero=True),
        dict(dtype="float32", requires_grad=True, noncontiguous=True),
        dict(dtype="float32", low=-1e39, high=1e39),
        dict(dtype="int64"),
        dict(dtype="int8", low=-1000, high=5, exclude_zero=True),
        dict(dtype="uint8", noncontiguous=True),
        dict(dtype="int32", low=2.5, high=7.2),
        dict(dtype="int16", low=0, high=2, exclude_zero=True),
        dict(dtype="bool"),
        dict(dtype="bool", exclude_zero=True),
    ],
)
def test_make_tensor_matches_torch(kw):
    torch = require_torch()
    kw = dict(kw)
    dt = kw.pop("dtype")
    torch.manual_seed(3)
    aw.manual_seed(3)
    t = torch.testing.make_tensor((3, 5), dtype=getattr(torch, dt), device="cpu", **kw)
    o = aw.testing.make_tensor(3, 5, dtype=getattr(aw, dt), device="cpu", **kw)
    assert repr(o) == repr(t)
    assert o.stride() == t.stride() and o.is_contiguous() == t.is_contiguous()
    assert o.requires_grad == t.requires_grad and o.is_leaf


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.testing.make_tensor(2, dtype=lib.int64, device="cpu", requires_grad=True),
        lambda lib: lib.testing.make_tensor(2, dtype=lib.float32, device="cpu", low=3, high=1),
        lambda lib: lib.testing.make_tensor(2, dtype=lib.float32, device="cpu", low=float("nan")),
        lambda lib: lib.testing.make_tensor(2, dtype=lib.uint8, device="cpu", low=-9, high=-1),
        lambda lib: lib.testing.make_tensor(2, dtype=lib.int8, device="cpu", low=200, high=300),
        lambda lib: lib.testing.make_tensor(
            2, 2, dtype=lib.float32, device="cpu", noncontiguous=True, memory_format=1
        ),
    ],
)
def test_make_tensor_errors(call):
    torch = require_torch()
    assert error_of(lambda: call(aw)) == error_of(lambda: call(torch)) is not None


def test_make_tensor_low_equals_high_warns():
    torch = require_torch()
    for lib in (torch, aw):
        with pytest.warns(FutureWarning, match="low==high"):
            t = lib.testing.make_tensor((2,), dtype=lib.float32, device="cpu", low=1, high=1)
        assert t.tolist() == [1.0, 1.0]


def _mutation_program(lib, view_index=None):
    """Forward, in-place changes of saved tensors, backward: all inside the context."""
    with lib.autograd.graph.allow_mutation_on_saved_tensors() as ctx:
        a = lib.tensor([[0.5, 1.0, 2.0], [-1.0, 3.0, 0.25]], requires_grad=True)
        b = a.clone()
        out = (b**2).sum() + (b.sin() * b).sum()
        b.sin_()  # saved by pow, sin and mul: each must still see the old b
        b.mul_(2)
        c = a * 2
        out2 = (c.exp() * c).sum()
        if view_index is None:
            c.copy_(lib.zeros(2, 3))
        else:
            c[view_index].mul_(3)
        d = a.tanh()  # tanh saves its result
        out3 = d.sum()
        d.add_(1)
        (out + out2 + out3).backward()
        return a.grad, type(ctx).__name__, b


@pytest.mark.parametrize("view_index", [None, 0])
def test_allow_mutation_on_saved_tensors_gradients(view_index):
    torch = require_torch()
    tg, tname, tb = _mutation_program(torch, view_index)
    og, oname, ob = _mutation_program(aw, view_index)
    assert oname == tname
    assert_close(og, tg, "float32", "grad")
    assert_close(ob, tb, "float32", "mutated tensor")


def test_allow_mutation_on_saved_tensors_view_at_an_offset():
    # PyTorch keys storages by data_ptr, so an in-place change through a view that starts
    # later in memory (c[1]) is not noticed there and backward sees the new values; here the
    # saved value is kept, which is what the context promises. Check ours against the formula.
    og, _, _ = _mutation_program(aw, 1)
    a = np.array([[0.5, 1.0, 2.0], [-1.0, 3.0, 0.25]], dtype=np.float64)
    c = 2 * a
    want = 2 * a + np.cos(a) * a + np.sin(a) + 2 * np.exp(c) * (1 + c) + 1 - np.tanh(a) ** 2
    np.testing.assert_allclose(og.numpy(), want, rtol=1e-5)


def test_allow_mutation_on_saved_tensors_rules():
    torch = require_torch()

    def outside(lib):
        with lib.autograd.graph.allow_mutation_on_saved_tensors():
            a = lib.ones(2, requires_grad=True)
            out = (a * a).sum()
        out.backward()

    def nested(lib):
        with lib.autograd.graph.allow_mutation_on_saved_tensors():
            with lib.autograd.graph.allow_mutation_on_saved_tensors():
                pass

    def without(lib):
        a = lib.ones(2, requires_grad=True)
        b = a.clone()
        out = (b**2).sum()
        b.add_(1)
        out.backward()

    for call in (outside, nested, without):
        want, got = error_of(lambda: call(torch)), error_of(lambda: call(aw))  # noqa: B023
        assert want is not None and got is not None and got[0] == want[0]
        assert re.sub(r"\[.*?\]", "", got[1])[:60] == re.sub(r"\[.*?\]", "", want[1])[:60]
    # the context ends cleanly after an error and can be entered again
    with aw.autograd.graph.allow_mutation_on_saved_tensors():
        x = aw.ones(2, requires_grad=True)
        y = x * 1
        z = (y * y).sum()
        z.backward()  # nothing mutated: the saved tensor itself is used
    assert x.grad.tolist() == [2.0, 2.0]


def _linearize_program(lib):
    x = lib.tensor([0.5, 1.0], requires_grad=True)
    out, fn = lib.func.linearize(lambda a, b: a.sin() * b, x, lib.ones(2))
    lines = [repr(out), repr(fn(lib.ones(2), lib.zeros(2)).detach())]
    lines.append(repr(fn(lib.tensor([1.0, 2.0]), lib.ones(2)).detach()))
    for bad in [
        (lib.ones(2),),
        (lib.ones(3), lib.ones(2)),
        (lib.ones(2, dtype=lib.float64), lib.ones(2)),
        ([lib.ones(2)], lib.ones(2)),
    ]:
        lines.append(repr(error_of(lambda: fn(*bad))))  # noqa: B023
    out, fn = lib.func.linearize(
        lambda d: {"s": d["a"].exp(), "t": (d["a"] * 2, d["a"].sum())},
        {"a": lib.tensor([0.1, 0.2])},
    )
    lines += [repr(out), repr(fn({"a": lib.tensor([1.0, 2.0])}))]
    out, fn = lib.func.linearize(lambda m: m @ m, lib.tensor([[1.0, 2.0], [0.5, -1.0]]))
    lines.append(repr(fn(lib.tensor([[0.0, 1.0], [1.0, 0.0]]))))
    return lines


def test_linearize_matches_torch():
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's FX constant folding warns
        want = _linearize_program(torch)
    assert _linearize_program(aw) == want
