"""``nn.RNNBase`` / ``nn.RNNCellBase`` as the real bases of the recurrent modules (weight lists,
checks, reprs), and the deprecated ``nn.Container`` and ``nn.NLLLoss2d``, against PyTorch."""

from __future__ import annotations

import warnings

import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, copy_weights, error_of, to_aw

pytestmark = pytest.mark.oracle

LAYERS = [
    ("RNN", (3, 5), {}),
    ("RNN", (3, 5), {"num_layers": 2, "nonlinearity": "relu", "bidirectional": True}),
    ("LSTM", (3, 5), {"num_layers": 2, "bias": False, "batch_first": True}),
    ("GRU", (3, 5), {"bidirectional": True, "dropout": 0.0}),
]


@pytest.mark.parametrize("case", LAYERS, ids=[f"{c[0]}-{i}" for i, c in enumerate(LAYERS)])
def test_recurrent_layers_share_rnnbase(case):
    torch = require_torch()
    name, args, kw = case
    tm, om = getattr(torch.nn, name)(*args, **kw), getattr(aw.nn, name)(*args, **kw)
    assert isinstance(om, aw.nn.RNNBase) and isinstance(tm, torch.nn.RNNBase)
    assert repr(om) == repr(tm)
    assert om.mode == tm.mode
    assert om._flat_weights_names == tm._flat_weights_names
    assert om._all_weights == tm._all_weights
    copy_weights(tm, om)
    params = dict(om.named_parameters())
    assert [id(w) for w in om._flat_weights] == [id(params[n]) for n in om._flat_weights_names]
    ours, theirs = om.all_weights, tm.all_weights
    assert [len(ws) for ws in ours] == [len(ws) for ws in theirs]
    for ow, tw in zip(ours, theirs):
        for a, b in zip(ow, tw):
            assert_close(a, b, "float32")
    assert om.flatten_parameters() is None


def test_assigning_a_weight_updates_flat_weights():
    torch = require_torch()
    for lib in (torch, aw):
        m = lib.nn.GRU(2, 3)
        new = lib.nn.Parameter(lib.zeros(9, 2))
        m.weight_ih_l0 = new
        assert m._flat_weights[0] is new
        assert m.all_weights[0][0] is new


def test_flat_weights_follow_dtype_conversion():
    m = aw.nn.LSTM(2, 3).double()
    assert [w.dtype for w in m._flat_weights] == [aw.float64] * 4
    params = dict(m.named_parameters())
    assert all(w is params[n] for w, n in zip(m._flat_weights, m._flat_weights_names))


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN_TANH", "RNN_RELU"])
def test_rnnbase_built_directly(mode):
    torch = require_torch()
    tm, om = torch.nn.RNNBase(mode, 4, 6, 2), aw.nn.RNNBase(mode, 4, 6, 2)
    assert repr(om) == repr(tm)
    assert [(n, tuple(p.shape)) for n, p in om.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in tm.named_parameters()
    ]
    x = torch.zeros(3, 2, 4)
    assert error_of(lambda: om(to_aw(x))) == error_of(lambda: tm(x))


@pytest.mark.parametrize("name", ["GRU", "LSTM"])
def test_rnnbase_helpers_match_torch(name):
    torch = require_torch()
    tm = getattr(torch.nn, name)(4, 6, 2, batch_first=True)
    om = getattr(aw.nn, name)(4, 6, 2, batch_first=True)
    x = torch.zeros(3, 5, 4)
    assert om.get_expected_hidden_size(to_aw(x), None) == tm.get_expected_hidden_size(x, None)
    bad_h = torch.zeros(2, 4, 6)
    if name == "LSTM":
        bad_h = (torch.zeros(2, 3, 6), bad_h)
    to = (lambda h: tuple(map(to_aw, h))) if name == "LSTM" else to_aw
    assert error_of(lambda: om.check_forward_args(to_aw(x), to(bad_h), None)) == error_of(
        lambda: tm.check_forward_args(x, bad_h, None)
    )
    for bad_x in (
        torch.zeros(3, 5, 2),
        torch.zeros(3, 4),
        torch.zeros(3, 5, 4, dtype=torch.float64),
    ):
        assert error_of(lambda b=bad_x: om.check_input(to_aw(b), None)) == error_of(
            lambda b=bad_x: tm.check_input(b, None)
        )
    perm = torch.tensor([2, 0, 1])
    h = torch.arange(12.0).reshape(1, 3, 4)
    h = (h, h + 1) if name == "LSTM" else h
    ours, theirs = om.permute_hidden(to(h), to_aw(perm)), tm.permute_hidden(h, perm)
    for a, b in zip(ours, theirs) if name == "LSTM" else [(ours, theirs)]:
        assert_close(a, b, "float32")
    assert om.permute_hidden(to(h), None) is not None


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
def test_forward_still_matches_torch(name):
    torch = require_torch()
    torch.manual_seed(0)
    tm = getattr(torch.nn, name)(3, 4, num_layers=2, bidirectional=True)
    om = getattr(aw.nn, name)(3, 4, num_layers=2, bidirectional=True)
    copy_weights(tm, om)
    x = torch.randn(5, 2, 3)
    t_out, o_out = tm(x)[0], om(to_aw(x))[0]
    assert_close(o_out, t_out, "float32")


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_batch_first_output_grad_fn_and_grads_match_torch(name, bidirectional):
    torch = require_torch()
    torch.manual_seed(0)
    tm = getattr(torch.nn, name)(3, 4, batch_first=True, bidirectional=bidirectional)
    om = getattr(aw.nn, name)(3, 4, batch_first=True, bidirectional=bidirectional)
    copy_weights(tm, om)
    x = torch.randn(2, 5, 3)
    t_out, o_out = tm(x)[0], om(to_aw(x))[0]
    # RNN and GRU: ATen's in-place transpose_ (TransposeBackward1); LSTM: TransposeBackward0
    assert type(o_out.grad_fn).__name__ == type(t_out.grad_fn).__name__
    assert o_out.stride() == t_out.stride()
    assert_close(o_out, t_out, "float32")
    g = torch.randn(t_out.shape)
    t_out.backward(g)
    o_out.backward(to_aw(g))
    for pt, po in zip(tm.parameters(), om.parameters()):
        assert_close(po.grad, pt.grad, "float32")


RNN_ERRORS = [
    ("mode", lambda nn: nn.RNNBase("LSTMX", 3, 4)),
    ("hidden_zero", lambda nn: nn.LSTM(3, 0)),
    ("input_zero", lambda nn: nn.GRU(0, 4)),
    ("hidden_float", lambda nn: nn.LSTM(3, 4.0)),
    ("input_float", lambda nn: nn.RNN(3.0, 4)),
    ("bias_type", lambda nn: nn.GRU(3, 4, bias=1)),
    ("batch_first_type", lambda nn: nn.GRU(3, 4, batch_first="yes")),
    ("num_layers", lambda nn: nn.LSTM(3, 4, num_layers=0)),
    ("dropout_range", lambda nn: nn.LSTM(3, 4, dropout=1.5)),
    ("dropout_bool", lambda nn: nn.LSTM(3, 4, dropout=True)),
    ("proj_negative", lambda nn: nn.LSTM(3, 4, proj_size=-1)),
    ("proj_big", lambda nn: nn.LSTM(3, 4, proj_size=4)),
    ("proj_gru", lambda nn: nn.GRU(3, 4, proj_size=2)),
    ("proj_rnn", lambda nn: nn.RNN(3, 4, proj_size=2)),
    ("nonlinearity_positional", lambda nn: nn.RNN(3, 4, 1, "sigmoid")),
]


@pytest.mark.parametrize("case", RNN_ERRORS, ids=[e[0] for e in RNN_ERRORS])
def test_rnn_constructor_errors_match_torch(case):
    torch = require_torch()
    expected = error_of(lambda: case[1](torch.nn))
    assert expected is not None
    assert error_of(lambda: case[1](aw.nn)) == expected


def test_rnn_takes_nonlinearity_as_fourth_positional_argument():
    torch = require_torch()
    for lib in (torch, aw):
        r = lib.nn.RNN(3, 4, 2, "relu", False, True)
        assert (r.nonlinearity, r.bias, r.batch_first, r.num_layers) == ("relu", False, True, 2)
    assert repr(aw.nn.RNN(3, 4, 2, "relu", False)) == repr(torch.nn.RNN(3, 4, 2, "relu", False))


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_lstm_with_projections_matches_torch(num_layers, batch_first, bidirectional):
    torch = require_torch()
    torch.manual_seed(0)
    kw = dict(num_layers=num_layers, batch_first=batch_first, bidirectional=bidirectional)
    tm = torch.nn.LSTM(3, 5, proj_size=2, **kw)
    om = aw.nn.LSTM(3, 5, proj_size=2, **kw)
    assert repr(om) == repr(tm)
    assert [(n, tuple(p.shape)) for n, p in om.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in tm.named_parameters()
    ]
    copy_weights(tm, om)
    x = torch.randn(2, 4, 3)
    dirs = 2 if bidirectional else 1
    batch = 2 if batch_first else 4
    h0 = torch.randn(num_layers * dirs, batch, 2)
    c0 = torch.randn(num_layers * dirs, batch, 5)
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore"
        )  # torch: "LSTM with projections is not supported with oneDNN"
        for state in (None, (h0, c0)):
            t_out, (t_h, t_c) = tm(x, state)
            o_out, (o_h, o_c) = om(to_aw(x), None if state is None else tuple(map(to_aw, state)))
            for a, b in ((o_out, t_out), (o_h, t_h), (o_c, t_c)):
                assert_close(a, b, "float32")
            (t_out.sum() + t_c.sum()).backward()
            (o_out.sum() + o_c.sum()).backward()
        for pt, po in zip(tm.parameters(), om.parameters()):
            assert_close(po.grad, pt.grad, "float32")
        packed = torch.nn.utils.rnn.pack_sequence([torch.randn(3, 3), torch.randn(2, 3)])
        t_p, (t_h, t_c) = tm(packed)
        o_p, (o_h, o_c) = om(aw.nn.utils.rnn.PackedSequence(*map(_to_aw_or_none, packed)))
        for a, b in ((o_p.data, t_p.data), (o_h, t_h), (o_c, t_c)):
            assert_close(a, b, "float32")
    x1 = torch.randn(4, 3)
    assert tuple(om(to_aw(x1))[1][0].shape) == tuple(tm(x1)[1][0].shape)


def _to_aw_or_none(t):
    return None if t is None else to_aw(t)


HIDDEN_ERRORS = [
    (
        "lstm_h_size",
        lambda m: m.nn.LSTM(3, 4)(m.zeros(5, 2, 3), (m.zeros(1, 3, 4), m.zeros(1, 3, 4))),
    ),
    (
        "lstm_c_size",
        lambda m: m.nn.LSTM(3, 4)(m.zeros(5, 2, 3), (m.zeros(1, 2, 4), m.zeros(1, 2, 3))),
    ),
    (
        "lstm_proj_h",
        lambda m: m.nn.LSTM(3, 4, proj_size=2)(
            m.zeros(5, 2, 3), (m.zeros(1, 2, 4), m.zeros(1, 2, 4))
        ),
    ),
    (
        "lstm_batched_2d",
        lambda m: m.nn.LSTM(3, 4)(m.zeros(5, 2, 3), (m.zeros(2, 4), m.zeros(2, 4))),
    ),
    (
        "lstm_unbatched_3d",
        lambda m: m.nn.LSTM(3, 4)(m.zeros(5, 3), (m.zeros(1, 1, 4), m.zeros(1, 1, 4))),
    ),
    ("gru_size", lambda m: m.nn.GRU(3, 4, batch_first=True)(m.zeros(5, 2, 3), m.zeros(1, 2, 4))),
    ("gru_batched_2d", lambda m: m.nn.GRU(3, 4)(m.zeros(5, 2, 3), m.zeros(2, 4))),
    ("rnn_unbatched_3d", lambda m: m.nn.RNN(3, 4)(m.zeros(5, 3), m.zeros(1, 1, 4))),
    ("rnn_input_4d", lambda m: m.nn.RNN(3, 4)(m.zeros(1, 5, 2, 3))),
    ("gru_input_1d", lambda m: m.nn.GRU(3, 4)(m.zeros(3))),
    ("lstm_input_4d", lambda m: m.nn.LSTM(3, 4)(m.zeros(1, 5, 2, 3))),
    ("input_size", lambda m: m.nn.LSTM(3, 4, batch_first=True)(m.zeros(5, 2, 2))),
    ("dtype", lambda m: m.nn.GRU(3, 4)(m.zeros(5, 2, 3, dtype=m.float64))),
]


@pytest.mark.parametrize("case", HIDDEN_ERRORS, ids=[e[0] for e in HIDDEN_ERRORS])
def test_forward_argument_errors_match_torch(case):
    torch = require_torch()
    expected = error_of(lambda: case[1](torch))
    assert expected is not None
    assert error_of(lambda: case[1](aw)) == expected


def test_unbatched_batch_first_matches_torch():
    torch = require_torch()
    torch.manual_seed(0)
    for name in ("LSTM", "GRU", "RNN"):
        tm = getattr(torch.nn, name)(3, 4, batch_first=True)
        om = getattr(aw.nn, name)(3, 4, batch_first=True)
        copy_weights(tm, om)
        x = torch.randn(5, 3)
        t_out, o_out = tm(x)[0], om(to_aw(x))[0]
        assert type(o_out.grad_fn).__name__ == type(t_out.grad_fn).__name__
        assert_close(o_out, t_out, "float32")


def test_dropout_with_one_layer_warns_like_torch():
    torch = require_torch()
    messages = []
    for lib in (torch, aw):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.nn.GRU(3, 4, dropout=0.25)
        messages.append([(x.category, str(x.message)) for x in w])
    assert messages[0] == messages[1] and len(messages[0]) == 1


CELLS = [
    ("RNNCell", (3, 5), {}),
    ("RNNCell", (3, 5), {"bias": False, "nonlinearity": "relu"}),
    ("LSTMCell", (3, 5), {}),
    ("GRUCell", (3, 5), {"bias": False}),
]


@pytest.mark.parametrize("case", CELLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(CELLS)])
def test_cells_share_rnncellbase(case):
    torch = require_torch()
    name, args, kw = case
    tm, om = getattr(torch.nn, name)(*args, **kw), getattr(aw.nn, name)(*args, **kw)
    assert isinstance(om, aw.nn.RNNCellBase)
    assert repr(om) == repr(tm)
    assert [(n, tuple(p.shape)) for n, p in om.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in tm.named_parameters()
    ]
    copy_weights(tm, om)
    x = torch.randn(2, 3)
    t_out, o_out = tm(x), om(to_aw(x))
    t_out, o_out = (t_out[0], o_out[0]) if name == "LSTMCell" else (t_out, o_out)
    assert_close(o_out, t_out, "float32")


def test_rnncellbase_built_directly():
    torch = require_torch()
    tm, om = torch.nn.RNNCellBase(3, 4, False, 2), aw.nn.RNNCellBase(3, 4, False, 2)
    assert repr(om) == repr(tm)
    assert [(n, tuple(p.shape)) for n, p in om.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in tm.named_parameters()
    ]
    assert list(om.state_dict()) == list(tm.state_dict())


def _caught(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn()
    return out, [(x.category, str(x.message)) for x in w]


def test_container_is_deprecated_module_with_children():
    torch = require_torch()
    tm, tw = _caught(lambda: torch.nn.Container(a=torch.nn.ReLU(), b=torch.nn.Linear(2, 3)))
    om, ow = _caught(lambda: aw.nn.Container(a=aw.nn.ReLU(), b=aw.nn.Linear(2, 3)))
    assert ow == tw and tw
    assert repr(om) == repr(tm)
    assert list(om.state_dict()) == list(tm.state_dict())
    assert aw.nn.Container.__deprecated__ == torch.nn.Container.__deprecated__


def test_nllloss2d_is_deprecated_nllloss():
    torch = require_torch()
    tl, tw = _caught(lambda: torch.nn.NLLLoss2d(ignore_index=1, reduction="sum"))
    ol, ow = _caught(lambda: aw.nn.NLLLoss2d(ignore_index=1, reduction="sum"))
    assert ow == tw and tw
    assert isinstance(ol, aw.nn.NLLLoss) and repr(ol) == repr(tl)
    torch.manual_seed(0)
    x = torch.randn(2, 3, 4, 4).log_softmax(1)
    y = torch.randint(0, 3, (2, 4, 4))
    assert_close(ol(to_aw(x), to_aw(y)), tl(x, y), "float32")
