"""``F.multi_head_attention_forward`` and ``nn.MultiheadAttention`` on it, against PyTorch:
outputs, attention weights, gradients of every input and parameter, graph names (PyTorch's
``need_weights=False`` path runs a fused kernel, so only its values are compared), errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, copy_weights, error_of, graph_names, to_aw

pytestmark = pytest.mark.oracle

E, H, L, S, N = 8, 2, 3, 4, 2


def _tensors(torch):
    torch.manual_seed(0)
    p = lambda *s: torch.randn(*s, dtype=torch.float64, requires_grad=True)  # noqa: E731
    d = {
        "q": p(L, N, E),
        "k": p(S, N, E),
        "v": p(S, N, E),
        "W": p(3 * E, E),
        "B": p(3 * E),
        "OW": p(E, E),
        "OB": p(E),
        "bk": p(1, 1, E),
        "bv": p(1, 1, E),
        "Wq": p(E, E),
        "Wk": p(E, 5),
        "Wv": p(E, 6),
        "k5": p(S, N, 5),
        "v6": p(S, N, 6),
        "q1": p(L, E),
        "k1": p(S, E),
        "v1": p(S, E),
        "sk": p(N * H, S, E // H),
        "sv": p(N * H, S, E // H),
    }
    d["mask"] = torch.rand(L, S) > 0.7
    d["mask3"] = torch.randn(N * H, L, S, dtype=torch.float64)
    d["kpm"] = torch.tensor([[False, False, False, True], [False, True, False, False]])
    d["fmask"] = torch.zeros(L, S, dtype=torch.float64).masked_fill(d["mask"], -1e9)
    return d


def _fwd(F, d, q, k, v, **kw):
    base = dict(
        bias_k=None,
        bias_v=None,
        add_zero_attn=False,
        dropout_p=0.0,
        in_proj_weight=d["W"],
        in_proj_bias=d["B"],
    )
    base.update({key: (d[val] if isinstance(val, str) else val) for key, val in kw.items()})
    return F.multi_head_attention_forward(
        d[q],
        d[k],
        d[v],
        E,
        H,
        base.pop("in_proj_weight"),
        base.pop("in_proj_bias"),
        base.pop("bias_k"),
        base.pop("bias_v"),
        base.pop("add_zero_attn"),
        base.pop("dropout_p"),
        d["OW"],
        d["OB"],
        **base,
    )


CASES = [
    ("self", ("q", "q", "q"), {}),
    ("shared_kv", ("q", "k", "k"), {}),
    ("separate", ("q", "k", "v"), {}),
    ("bool_mask_kpm", ("q", "k", "v"), {"attn_mask": "mask", "key_padding_mask": "kpm"}),
    ("mask_3d", ("q", "k", "v"), {"attn_mask": "mask3", "average_attn_weights": False}),
    ("bias_kv_zero_attn", ("q", "k", "v"), {"bias_k": "bk", "bias_v": "bv", "add_zero_attn": True}),
    (
        "zero_attn_mask",
        ("q", "k", "v"),
        {"add_zero_attn": True, "attn_mask": "fmask", "key_padding_mask": "kpm"},
    ),
    (
        "separate_proj",
        ("q", "k5", "v6"),
        {
            "use_separate_proj_weight": True,
            "q_proj_weight": "Wq",
            "k_proj_weight": "Wk",
            "v_proj_weight": "Wv",
            "in_proj_weight": None,
        },
    ),
    ("static_kv", ("q", "k", "v"), {"static_k": "sk", "static_v": "sv"}),
    ("no_bias", ("q", "k", "v"), {"in_proj_bias": None}),
    ("unbatched", ("q1", "k1", "v1"), {"attn_mask": "mask"}),
    ("no_weights", ("q", "k", "v"), {"need_weights": False, "attn_mask": "fmask"}),
    (
        "no_weights_causal",
        ("q", "q", "q"),
        {"need_weights": False, "attn_mask": "fmask", "is_causal": True},
    ),
    ("eval_dropout", ("q", "k", "v"), {"dropout_p": 0.5, "training": False}),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_functional_matches_torch(case):
    torch = require_torch()
    name, qkv, kw = case
    td = _tensors(torch)
    od = {k: to_aw(v) for k, v in td.items()}
    t_out, t_w = _fwd(torch.nn.functional, td, *qkv, **kw)
    o_out, o_w = _fwd(aw.nn.functional, od, *qkv, **kw)
    if not name.startswith("no_weights"):
        assert graph_names(o_out) == graph_names(t_out)
        assert_close(o_w, t_w, "float64", "weights")
    else:
        assert o_w is None and t_w is None
    assert_close(o_out, t_out, "float64", "output")
    torch.manual_seed(1)
    g = torch.randn(t_out.shape, dtype=torch.float64)
    t_loss = (t_out * g).sum() + (0 if t_w is None else (t_w * t_w).sum())
    o_loss = (o_out * to_aw(g)).sum() + (0 if o_w is None else (o_w * o_w).sum())
    t_loss.backward()
    o_loss.backward()
    for key, t in td.items():
        if t.requires_grad and t.grad is not None:
            assert_close(od[key].grad, t.grad, "float64", f"grad of {key}")
        elif t.requires_grad:
            assert od[key].grad is None, key


MODULES = [
    ({}, {}),
    ({"batch_first": True, "bias": False}, {}),
    ({"add_bias_kv": True, "add_zero_attn": True}, {"key_padding_mask": True}),
    ({"kdim": 5, "vdim": 6, "batch_first": True}, {"attn_mask": True}),
    ({"add_bias_kv": True, "kdim": 5, "vdim": 5}, {"need_weights": False}),
]


@pytest.mark.parametrize("case", MODULES, ids=[str(m[0]) for m in MODULES])
def test_module_matches_torch(case):
    torch = require_torch()
    kw, call = case
    torch.manual_seed(0)
    tm = torch.nn.MultiheadAttention(E, H, **kw).double()
    aw.manual_seed(0)
    om = aw.nn.MultiheadAttention(E, H, **kw).double()
    assert repr(om) == repr(tm)
    assert [(n, tuple(p.shape)) for n, p in om.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in tm.named_parameters()
    ]
    for (n, a), (_, b) in zip(om.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, err_msg=n)
    copy_weights(tm, om)
    kd, vd = kw.get("kdim", E), kw.get("vdim", E)
    bf = kw.get("batch_first", False)
    shape = lambda n, d: (N, n, d) if bf else (n, N, d)  # noqa: E731
    q = torch.randn(*shape(L, E), dtype=torch.float64, requires_grad=True)
    k = torch.randn(*shape(S, kd), dtype=torch.float64, requires_grad=True)
    v = torch.randn(*shape(S, vd), dtype=torch.float64, requires_grad=True)
    extra_t, extra_o = {}, {}
    if call.get("key_padding_mask"):
        m = torch.tensor([[False, False, True, False], [True, False, False, False]])
        extra_t["key_padding_mask"], extra_o["key_padding_mask"] = m, to_aw(m)
    if call.get("attn_mask"):
        m = torch.triu(torch.ones(L, S, dtype=torch.bool), 1)
        extra_t["attn_mask"], extra_o["attn_mask"] = m, to_aw(m)
    if "need_weights" in call:
        extra_t["need_weights"] = extra_o["need_weights"] = call["need_weights"]
    oq, ok, ov = to_aw(q), to_aw(k), to_aw(v)
    t_out, t_w = tm(q, k, v, **extra_t)
    o_out, o_w = om(oq, ok, ov, **extra_o)
    assert_close(o_out, t_out, "float64", "output")
    if t_w is not None:
        assert_close(o_w, t_w, "float64", "weights")
        assert graph_names(o_out) == graph_names(t_out)
    t_out.sum().backward()
    o_out.sum().backward()
    for a, b in ((oq, q), (ok, k), (ov, v)):
        assert_close(a.grad, b.grad, "float64", "input grad")
    for (n, a), (_, b) in zip(om.named_parameters(), tm.named_parameters()):
        assert_close(a.grad, b.grad, "float64", f"grad of {n}")


def test_self_attention_keeps_the_packed_projection_with_batch_first():
    """``query is key is value`` survives the batch_first transpose: one in-projection."""
    torch = require_torch()
    tm = torch.nn.MultiheadAttention(E, H, batch_first=True).double()
    om = aw.nn.MultiheadAttention(E, H, batch_first=True).double()
    copy_weights(tm, om)
    x = torch.randn(N, L, E, dtype=torch.float64, requires_grad=True)
    ox = to_aw(x)
    t_out, o_out = tm(x, x, x)[0], om(ox, ox, ox)[0]
    assert graph_names(o_out) == graph_names(t_out)
    assert_close(o_out, t_out, "float64")


def test_mismatched_mask_types_warn_like_torch():
    torch = require_torch()
    caught = []
    for lib in (torch, aw):
        m = lib.nn.MultiheadAttention(E, H)
        x = lib.zeros(L, N, E)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m(x, x, x, key_padding_mask=lib.zeros(N, L, dtype=lib.bool), attn_mask=lib.zeros(L, L))
        caught.append([(x.category, str(x.message)) for x in w])
    assert caught[0] == caught[1] and caught[0]


def _e(F, m, **kw):
    x3 = m.zeros(L, N, E)
    args = dict(q=x3, k=x3, v=x3)
    args.update(kw.pop("inputs", {}))
    return F.multi_head_attention_forward(
        args["q"], args["k"], args["v"], kw.pop("embed", E), kw.pop("heads", H),
        kw.pop("w", m.zeros(3 * E, E)), None, kw.pop("bias_k", None), kw.pop("bias_v", None),
        False, 0.0, m.zeros(E, E), None, **kw,
    )  # fmt: skip


ERRORS = [
    ("query_1d", lambda F, m: _e(F, m, inputs={"q": m.zeros(E)})),
    ("key_2d", lambda F, m: _e(F, m, inputs={"k": m.zeros(L, E)})),
    (
        "unbatched_key_3d",
        lambda F, m: _e(
            F, m, inputs={"q": m.zeros(L, E), "k": m.zeros(L, N, E), "v": m.zeros(L, E)}
        ),
    ),
    ("kpm_3d", lambda F, m: _e(F, m, key_padding_mask=m.zeros(1, N, L, dtype=m.bool))),
    ("mask_4d", lambda F, m: _e(F, m, attn_mask=m.zeros(1, 1, L, L))),
    ("mask_2d_shape", lambda F, m: _e(F, m, attn_mask=m.zeros(L, L + 1))),
    ("mask_3d_shape", lambda F, m: _e(F, m, attn_mask=m.zeros(3, L, L))),
    ("mask_int", lambda F, m: _e(F, m, attn_mask=m.zeros(L, L, dtype=m.int64))),
    ("causal_no_mask", lambda F, m: _e(F, m, is_causal=True)),
    ("embed", lambda F, m: _e(F, m, embed=E + 1)),
    ("heads", lambda F, m: _e(F, m, heads=3)),
    ("bias_k_only", lambda F, m: _e(F, m, bias_k=m.zeros(1, 1, E))),
    ("separate_missing", lambda F, m: _e(F, m, use_separate_proj_weight=True)),
    ("packed_missing", lambda F, m: _e(F, m, w=None)),
    ("kpm_shape", lambda F, m: _e(F, m, key_padding_mask=m.zeros(N, L + 1, dtype=m.bool))),
    ("static_k", lambda F, m: _e(F, m, static_k=m.zeros(3, L, E // H))),
]


@pytest.mark.parametrize("case", ERRORS, ids=[e[0] for e in ERRORS])
def test_functional_errors_match_torch(case):
    torch = require_torch()
    expected = error_of(lambda: case[1](torch.nn.functional, torch))
    assert expected is not None
    assert error_of(lambda: case[1](aw.nn.functional, aw)) == expected


@pytest.mark.parametrize(
    "make",
    [
        lambda t: t.randn(4, 3, 5, dtype=t.float64).transpose(0, 1),
        lambda t: t.randn(2, 5, 3, 4, dtype=t.float64).permute(0, 2, 3, 1),
        lambda t: t.randn(3, 2, 5, dtype=t.float64)[:, 0].unsqueeze(1),
        lambda t: t.randn(2, 3, 5, dtype=t.float64),
    ],
    ids=["transposed", "permuted", "sliced", "contiguous"],
)
def test_linear_graph_follows_input_contiguity_like_torch(make):
    """ATen's ``linear`` folds a contiguous N-d input into one addmm, else runs matmul + add_.
    Both sides draw ``make``'s input from the same seed, so values and layout agree."""
    torch = require_torch()
    torch.manual_seed(0)
    x = make(torch).detach().requires_grad_()
    aw.manual_seed(0)
    ox = make(aw).detach().requires_grad_()
    assert ox.is_contiguous() == x.is_contiguous()
    w = torch.randn(6, 5, dtype=torch.float64, requires_grad=True)
    b = torch.randn(6, dtype=torch.float64, requires_grad=True)
    ow, ob = to_aw(w), to_aw(b)
    t_out = torch.nn.functional.linear(x, w, b)
    o_out = aw.nn.functional.linear(ox, ow, ob)
    assert graph_names(o_out) == graph_names(t_out)
    assert_close(o_out, t_out, "float64")
    g = torch.randn(t_out.shape, dtype=torch.float64)
    t_out.backward(g)
    o_out.backward(to_aw(g))
    for a, t in ((ox, x), (ow, w), (ob, b)):
        assert_close(a.grad, t.grad, "float64")
