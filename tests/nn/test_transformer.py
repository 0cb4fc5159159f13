"""Transformer decoder layers against PyTorch: same weights (copied through state_dict), same
outputs and gradients of the inputs and of every parameter, same repr."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import error_of, run_both

pytestmark = pytest.mark.oracle

LAYER_KW = dict(d_model=8, nhead=2, dim_feedforward=16, dropout=0.0)


def _causal(lib, T):
    return lib.nn.Transformer.generate_square_subsequent_mask(T)


def _bool_causal(lib, T):
    return lib.ones(T, T, dtype=lib.bool).triu(1)


def _padding(lib, N, L):
    mask = np.zeros((N, L), dtype=bool)
    mask[0, -1] = True
    return lib.from_numpy(mask)


# (id, constructor kwargs, forward kwargs over (lib, tgt len, memory len, batch))
DECODER_CASES = [
    ("post_norm", dict(), lambda lib, T, S, N: {}),
    ("norm_first", dict(norm_first=True), lambda lib, T, S, N: {}),
    ("batch_first", dict(batch_first=True), lambda lib, T, S, N: {}),
    ("gelu", dict(activation="gelu"), lambda lib, T, S, N: {}),
    ("callable_act", dict(activation=lambda x: x.tanh()), lambda lib, T, S, N: {}),
    ("no_bias", dict(bias=False, layer_norm_eps=1e-3), lambda lib, T, S, N: {}),
    ("tgt_mask", dict(), lambda lib, T, S, N: {"tgt_mask": _causal(lib, T)}),
    (
        "tgt_is_causal",
        dict(norm_first=True),
        lambda lib, T, S, N: {"tgt_mask": _causal(lib, T), "tgt_is_causal": True},
    ),
    ("bool_mask", dict(), lambda lib, T, S, N: {"tgt_mask": _bool_causal(lib, T)}),
    (
        "padding_masks",
        dict(batch_first=True),
        lambda lib, T, S, N: {
            "tgt_key_padding_mask": _padding(lib, N, T),
            "memory_key_padding_mask": _padding(lib, N, S),
        },
    ),
    (
        "memory_mask",
        dict(),
        lambda lib, T, S, N: {
            "memory_mask": lib.from_numpy(np.linspace(-1, 1, T * S).reshape(T, S)),
            "tgt_mask": _causal(lib, T),
            "tgt_key_padding_mask": _padding(lib, N, T),
        },
    ),
]


def _run(torch, make, dtype, batch_first, fwd, unbatched=False, train=True):
    T, S, N, E = 5, 4, 3, 8
    torch.manual_seed(3)
    if unbatched:
        shapes = [(T, E), (S, E)]
    else:
        shapes = [(N, T, E), (N, S, E)] if batch_first else [(T, N, E), (S, N, E)]
    inputs = [torch.randn(*s, dtype=torch.float64) for s in shapes]

    def kwargs(lib):
        kw = fwd(lib, T, S, N)
        return {k: (v.to(getattr(lib, dtype)) if _is_float(v) else v) for k, v in kw.items()}

    run_both(torch, make, inputs, dtype, train=train, kwargs=kwargs, graph=False)


def _is_float(v):
    return hasattr(v, "is_floating_point") and v.is_floating_point()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", DECODER_CASES, ids=[c[0] for c in DECODER_CASES])
def test_decoder_layer_matches_torch(case, dtype):
    torch = require_torch()
    _, kw, fwd = case
    _run(
        torch,
        lambda nn: nn.TransformerDecoderLayer(**LAYER_KW, **kw),
        dtype,
        kw.get("batch_first", False),
        fwd,
    )


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_decoder_stack_matches_torch(dtype, norm_first):
    torch = require_torch()

    def make(nn):
        layer = nn.TransformerDecoderLayer(**LAYER_KW, norm_first=norm_first, batch_first=True)
        return nn.TransformerDecoder(layer, num_layers=2, norm=nn.LayerNorm(8))

    _run(torch, make, dtype, True, lambda lib, T, S, N: {"tgt_mask": _causal(lib, T)})


def test_decoder_layer_unbatched_and_eval_with_dropout():
    torch = require_torch()

    def make(nn):
        return nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.3)

    _run(torch, make, "float64", False, lambda lib, T, S, N: {}, unbatched=True, train=False)


def test_decoder_without_norm_and_defaults():
    torch = require_torch()
    make = lambda nn: nn.TransformerDecoder(  # noqa: E731
        nn.TransformerDecoderLayer(8, 4, dim_feedforward=12, dropout=0.0), num_layers=3
    )
    _run(torch, make, "float64", False, lambda lib, T, S, N: {"tgt_mask": _bool_causal(lib, T)})


def test_decoder_errors_match_torch():
    torch = require_torch()
    cases = [
        lambda t: t.nn.TransformerDecoderLayer(8, 2, activation="tanh"),
        lambda t: t.nn.TransformerDecoderLayer(8, 3),
        lambda t: t.nn.TransformerDecoderLayer(8, 2, dropout=0.0)(
            t.zeros(3, 2, 8), t.zeros(4, 2, 8), tgt_is_causal=True
        ),
    ]
    for case in cases:
        expected = error_of(lambda c=case: c(torch))
        assert expected is not None
        assert error_of(lambda c=case: c(aw)) == expected


# nn.Transformer: (id, constructor kwargs, forward kwargs over (lib, src len, tgt len, batch))
MODEL_KW = dict(
    d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=16, dropout=0.0
)
MODEL_CASES = [
    ("post_norm", dict(), lambda lib, S, T, N: {}),
    ("norm_first", dict(norm_first=True), lambda lib, S, T, N: {}),
    (
        "batch_first_masks",
        dict(batch_first=True, activation="gelu"),
        lambda lib, S, T, N: {
            "tgt_mask": _causal(lib, T),
            "src_key_padding_mask": _padding(lib, N, S),
            "tgt_key_padding_mask": _padding(lib, N, T),
            "memory_key_padding_mask": _padding(lib, N, S),
        },
    ),
    (
        "all_masks_causal",
        dict(bias=False, layer_norm_eps=1e-3),
        lambda lib, S, T, N: {
            "src_mask": _bool_causal(lib, S),
            "tgt_mask": _causal(lib, T),
            "memory_mask": lib.from_numpy(np.linspace(-1, 1, T * S).reshape(T, S)),
            "src_is_causal": True,
            "tgt_is_causal": True,
        },
    ),
]


def _run_model(torch, make, dtype, batch_first, fwd, unbatched=False, train=True):
    S, T, N, E = 4, 5, 3, 8
    torch.manual_seed(4)
    if unbatched:
        shapes = [(S, E), (T, E)]
    else:
        shapes = [(N, S, E), (N, T, E)] if batch_first else [(S, N, E), (T, N, E)]
    inputs = [torch.randn(*s, dtype=torch.float64) for s in shapes]

    def kwargs(lib):
        kw = fwd(lib, S, T, N)
        return {k: (v.to(getattr(lib, dtype)) if _is_float(v) else v) for k, v in kw.items()}

    return run_both(torch, make, inputs, dtype, train=train, kwargs=kwargs, graph=False)


@pytest.mark.filterwarnings("ignore:enable_nested_tensor")
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", MODEL_CASES, ids=[c[0] for c in MODEL_CASES])
def test_transformer_matches_torch(case, dtype):
    torch = require_torch()
    _, kw, fwd = case
    make = lambda nn: nn.Transformer(**MODEL_KW, **kw)  # noqa: E731
    _run_model(torch, make, dtype, kw.get("batch_first", False), fwd)


@pytest.mark.filterwarnings("ignore:enable_nested_tensor")
def test_transformer_unbatched_eval_and_custom_parts():
    torch = require_torch()

    def make(nn):
        enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 4, 12, dropout=0.2), 1)
        return nn.Transformer(8, 4, num_decoder_layers=1, dim_feedforward=12, custom_encoder=enc)

    _run_model(torch, make, "float64", False, lambda lib, S, T, N: {}, unbatched=True, train=False)


@pytest.mark.filterwarnings("ignore:enable_nested_tensor")
def test_transformer_seeded_init_matches_torch():
    torch = require_torch()
    torch.manual_seed(7)
    tm = torch.nn.Transformer(**MODEL_KW)
    aw.manual_seed(7)
    om = aw.nn.Transformer(**MODEL_KW)
    theirs, ours = tm.state_dict(), om.state_dict()
    assert list(ours) == list(theirs)
    for name, value in theirs.items():
        np.testing.assert_array_equal(ours[name].numpy(), value.numpy(), err_msg=name)
    assert (om.d_model, om.nhead, om.batch_first) == (tm.d_model, tm.nhead, tm.batch_first)
    assert repr(om) == repr(tm)


def test_square_subsequent_mask_matches_torch():
    torch = require_torch()
    for kw in ({}, {"dtype": "float32"}):
        theirs = torch.nn.Transformer.generate_square_subsequent_mask(
            4, **{k: getattr(torch, v) for k, v in kw.items()}
        )
        ours = aw.nn.Transformer.generate_square_subsequent_mask(
            4, device=None, **{k: getattr(aw, v) for k, v in kw.items()}
        )
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        assert ours.dtype.__repr__() == theirs.dtype.__repr__()


@pytest.mark.filterwarnings("ignore:enable_nested_tensor")
def test_transformer_errors_match_torch():
    torch = require_torch()

    def call(t, batch_first, src, tgt, **kw):
        torch.manual_seed(0)
        model = t.nn.Transformer(8, 2, 1, 1, 16, 0.0, batch_first=batch_first)
        return model(t.zeros(*src), t.zeros(*tgt), **kw)

    cases = [
        lambda t: call(t, False, (4, 2, 8), (5, 3, 8)),
        lambda t: call(t, True, (2, 4, 8), (3, 5, 8)),
        lambda t: call(t, False, (4, 2, 6), (5, 2, 6)),
        lambda t: call(t, True, (2, 4, 8), (2, 5, 4)),
        lambda t: call(t, False, (4, 8), (5, 6)),
        lambda t: call(t, False, (4, 2, 8), (5, 2, 8), tgt_is_causal=True),
        lambda t: t.nn.Transformer(8, 3),
        lambda t: t.nn.Transformer(8, 2, activation="tanh"),
    ]
    for case in cases:
        expected = error_of(lambda c=case: c(torch))
        assert expected is not None
        assert error_of(lambda c=case: c(aw)) == expected


def _nested_tensor_warnings(lib, make):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = make(lib.nn)
    enc = m.encoder if isinstance(m, lib.nn.Transformer) else m
    return [(w.category, str(w.message)) for w in caught], enc.use_nested_tensor


NESTED_TENSOR_CASES = {
    "seq_first": lambda nn: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2), 2),
    "batch_first": lambda nn: nn.TransformerEncoder(
        nn.TransformerEncoderLayer(8, 2, batch_first=True), 2
    ),
    "norm_first": lambda nn: nn.TransformerEncoder(
        nn.TransformerEncoderLayer(8, 2, batch_first=True, norm_first=True), 2
    ),
    "odd_heads": lambda nn: nn.TransformerEncoder(
        nn.TransformerEncoderLayer(8, 1, batch_first=True), 1
    ),
    "no_bias": lambda nn: nn.TransformerEncoder(
        nn.TransformerEncoderLayer(8, 2, batch_first=True, bias=False), 1
    ),
    "gelu_module": lambda nn: nn.TransformerEncoder(
        nn.TransformerEncoderLayer(8, 2, batch_first=True, activation=nn.GELU()), 1
    ),
    "other_activation": lambda nn: nn.TransformerEncoder(
        nn.TransformerEncoderLayer(8, 2, batch_first=True, activation=nn.functional.silu), 1
    ),
    "disabled": lambda nn: nn.TransformerEncoder(
        nn.TransformerEncoderLayer(8, 2), 1, enable_nested_tensor=False
    ),
    "transformer": lambda nn: nn.Transformer(8, 2, 1, 1, 16),
    "transformer_batch_first": lambda nn: nn.Transformer(8, 2, 1, 1, 16, batch_first=True),
}


@pytest.mark.parametrize("case", list(NESTED_TENSOR_CASES))
def test_encoder_warns_why_nested_tensors_are_off_like_torch(case):
    torch = require_torch()
    make = NESTED_TENSOR_CASES[case]
    assert _nested_tensor_warnings(aw, make) == _nested_tensor_warnings(torch, make)


def test_encoder_layer_activation_flag_like_torch():
    torch = require_torch()
    for act in ("relu", "gelu", torch.nn.functional.relu, torch.nn.functional.silu):
        ours = aw.nn.functional.silu if act is torch.nn.functional.silu else act
        ours = aw.nn.functional.relu if act is torch.nn.functional.relu else ours
        t = torch.nn.TransformerEncoderLayer(8, 2, activation=act)
        o = aw.nn.TransformerEncoderLayer(8, 2, activation=ours)
        assert o.activation_relu_or_gelu == t.activation_relu_or_gelu
