"""``F.embedding_bag`` and ``nn.EmbeddingBag`` against PyTorch: values, gradients of the weight
and of ``per_sample_weights``, the ``EmbeddingBagBackward0`` node and its saved values, errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, error_of, run_both, to_aw

pytestmark = pytest.mark.oracle

IDX = [1, 2, 0, 5, 0, 3, 0, 9, 2, 2]
# (id, input, offsets, keyword arguments)
CASES = [
    ("sum", IDX, [0, 4, 4, 7], dict(mode="sum")),
    ("mean", IDX, [0, 4, 4, 7], dict(mode="mean")),
    ("max", IDX, [0, 4, 4, 7], dict(mode="max")),
    ("sum_padding", IDX, [0, 4, 4, 7], dict(mode="sum", padding_idx=0)),
    ("mean_padding", IDX, [0, 3, 4, 7], dict(mode="mean", padding_idx=0)),
    ("max_padding_neg", IDX, [0, 3, 4, 7], dict(mode="max", padding_idx=-10)),
    ("last_offset", IDX, [0, 4, 4, 6], dict(mode="mean", include_last_offset=True)),
    ("last_offset_max", IDX, [0, 2, 10], dict(mode="max", include_last_offset=True)),
    ("freq_sum", IDX, [0, 5], dict(mode="sum", scale_grad_by_freq=True)),
    ("freq_mean", IDX, [0, 5], dict(mode="mean", scale_grad_by_freq=True, padding_idx=2)),
    ("two_d_mean", [[1, 2, 3], [4, 4, 0]], None, dict(mode="mean")),
    ("two_d_max", [[1, 2, 3], [4, 4, 0]], None, dict(mode="max", padding_idx=4)),
    ("int32", IDX, [0, 4, 4, 7], dict(mode="sum", dtype="int32")),
]
PSW_CASES = [
    ("psw", IDX, [0, 4, 4, 7], dict(mode="sum")),
    ("psw_padding", IDX, [0, 4, 4, 7], dict(mode="sum", padding_idx=0)),
    ("psw_2d", [[1, 2, 3], [4, 4, 0]], None, dict(mode="sum", scale_grad_by_freq=True)),
]


def _args(lib, idx, offsets, kw):
    kw = dict(kw)
    idt = getattr(lib, kw.pop("dtype", "int64"))
    inp = lib.tensor(idx, dtype=idt)
    off = None if offsets is None else lib.tensor(offsets, dtype=idt)
    return inp, off, kw


def _compare(torch, case, dtype, psw):
    _, idx, offsets, kw = case
    torch.manual_seed(0)
    tw = torch.randn(10, 3, dtype=getattr(torch, dtype), requires_grad=True)
    ow = to_aw(tw)
    tp = op = None
    if psw:
        tp = torch.rand(np.shape(idx), dtype=tw.dtype, requires_grad=True)
        op = to_aw(tp)
    t_in, t_off, t_kw = _args(torch, idx, offsets, kw)
    o_in, o_off, o_kw = _args(aw, idx, offsets, kw)
    tout = torch.nn.functional.embedding_bag(t_in, tw, t_off, per_sample_weights=tp, **t_kw)
    oout = aw.nn.functional.embedding_bag(o_in, ow, o_off, per_sample_weights=op, **o_kw)
    assert_close(oout, tout, dtype, "output")
    assert type(oout.grad_fn).__name__ == type(tout.grad_fn).__name__ == "EmbeddingBagBackward0"
    tg, og = tout.grad_fn, oout.grad_fn
    for name in ("mode", "padding_idx", "scale_grad_by_freq", "sparse", "weight_sym_argsize_0"):
        assert getattr(og, f"_saved_{name}") == getattr(tg, f"_saved_{name}"), name
    # PyTorch's float32 kernels save empty bookkeeping tensors (result1..3)
    names = ("indices", "offsets") + (
        ("result1", "result2", "result3") if dtype == "float64" else ()
    )
    for name in names:
        ours, theirs = getattr(og, f"_saved_{name}"), getattr(tg, f"_saved_{name}")
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy(), err_msg=name)
    assert (og._saved_weight is None) == (tg._saved_weight is None)
    weights = torch.randn(tout.shape, dtype=tout.dtype)
    (tout * weights).sum().backward()
    (oout * to_aw(weights)).sum().backward()
    assert_close(ow.grad, tw.grad, dtype, "weight grad")
    if psw:
        assert_close(op.grad, tp.grad, dtype, "per_sample_weights grad")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_embedding_bag_matches_torch(case, dtype):
    if case[0] == "last_offset" and dtype == "float32":
        pytest.skip("left out: PyTorch's float32 kernel's gradient for a mean past the last offset")
    _compare(require_torch(), case, dtype, psw=False)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", PSW_CASES, ids=[c[0] for c in PSW_CASES])
def test_embedding_bag_per_sample_weights_matches_torch(case, dtype):
    _compare(require_torch(), case, dtype, psw=True)


def test_embedding_bag_max_norm_renormalises_like_torch():
    torch = require_torch()
    torch.manual_seed(0)
    tw = torch.randn(10, 3, dtype=torch.float64) * 3
    ow = to_aw(tw)
    inp, off = [1, 2, 4, 4], [0, 2]
    tout = torch.nn.functional.embedding_bag(
        torch.tensor(inp), tw, torch.tensor(off), max_norm=1.5, norm_type=1.0
    )
    oout = aw.nn.functional.embedding_bag(
        aw.tensor(inp), ow, aw.tensor(off), max_norm=1.5, norm_type=1.0
    )
    assert_close(oout, tout, "float64", "output")
    assert_close(ow, tw, "float64", "renormalised weight")


MODULE_CASES = [
    ("mean", dict(), [0, 3, 3, 6], False),
    ("max_padding", dict(mode="max", padding_idx=2), [0, 3, 3, 6], False),
    ("sum_psw", dict(mode="sum", include_last_offset=True), [0, 3, 6, 10], True),
    ("sum_freq", dict(mode="sum", scale_grad_by_freq=True, max_norm=2.0), [0, 5], False),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", MODULE_CASES, ids=[c[0] for c in MODULE_CASES])
def test_embedding_bag_module_matches_torch(case, dtype):
    torch = require_torch()
    _, kw, offsets, psw = case
    inputs = [torch.tensor(IDX), torch.tensor(offsets)]
    if psw:
        torch.manual_seed(5)
        inputs.append(torch.rand(len(IDX), dtype=torch.float64))
    run_both(torch, lambda nn: nn.EmbeddingBag(10, 4, **kw), inputs, dtype)


def test_embedding_bag_module_init_repr_and_from_pretrained():
    torch = require_torch()
    for kw in (dict(), dict(mode="max", padding_idx=-3, max_norm=1.0, norm_type=1.0)):
        torch.manual_seed(2)
        aw.manual_seed(2)
        tm, om = torch.nn.EmbeddingBag(6, 3, **kw), aw.nn.EmbeddingBag(6, 3, **kw)
        np.testing.assert_array_equal(om.weight.detach().numpy(), tm.weight.detach().numpy())
        assert repr(om) == repr(tm)
        assert om.padding_idx == tm.padding_idx
    w = torch.randn(5, 2, dtype=torch.float64)
    for freeze in (True, False):
        tm = torch.nn.EmbeddingBag.from_pretrained(w, freeze=freeze, mode="sum", padding_idx=1)
        om = aw.nn.EmbeddingBag.from_pretrained(to_aw(w), freeze=freeze, mode="sum", padding_idx=1)
        assert om.weight.requires_grad == tm.weight.requires_grad
        assert repr(om) == repr(tm)
        inp = [[0, 1, 4], [3, 1, 1]]
        assert_close(om(aw.tensor(inp)), tm(torch.tensor(inp)), "float64", "from_pretrained")


def test_embedding_bag_errors_match_torch():
    torch = require_torch()

    def eb(t, idx, offsets=None, weight_shape=(10, 3), **kw):
        w = t.zeros(*weight_shape, dtype=t.float64)  # float32 kernels word errors apart
        off = None if offsets is None else t.tensor(offsets)
        return t.nn.functional.embedding_bag(t.tensor(idx), w, off, **kw)

    cases = [
        lambda t: eb(t, IDX, [1, 4]),
        lambda t: eb(t, IDX, [0, 11]),
        lambda t: eb(t, [0, 11], [0]),
        lambda t: eb(t, IDX),
        lambda t: eb(t, [[1, 2]], [0]),
        lambda t: eb(t, [[[1]]]),
        lambda t: eb(t, IDX, [[0]]),
        lambda t: eb(t, IDX, [0], weight_shape=(10,)),
        lambda t: eb(t, IDX, [0], mode="median"),
        lambda t: eb(t, IDX, [0], mode="max", scale_grad_by_freq=True),
        lambda t: eb(t, IDX, [0], mode="max", sparse=True),
        lambda t: eb(t, IDX, [0], mode="mean", per_sample_weights=t.ones(10)),
        lambda t: eb(t, IDX, [0], mode="sum", per_sample_weights=t.ones(3)),
        lambda t: t.nn.EmbeddingBag(4, 2, padding_idx=4),
        lambda t: t.nn.EmbeddingBag(4, 2, padding_idx=-5),
        lambda t: t.nn.EmbeddingBag(4, 2, _weight=t.zeros(3, 2)),
        lambda t: t.nn.EmbeddingBag.from_pretrained(t.zeros(3)),
    ]
    for i, case in enumerate(cases):
        expected = error_of(lambda c=case: c(torch))
        assert expected is not None, i
        ours = error_of(lambda c=case: c(aw))
        if i == 4:  # the message names the offsets' class: torch.Tensor / ours
            assert ours[0] == expected[0] == "ValueError"
            continue
        assert ours == expected, i
