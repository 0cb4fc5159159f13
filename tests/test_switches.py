"""Global switches scripts call at the top (deterministic algorithms, matmul precision,
anomaly, warn-always, flush-denormal, interop threads, the deprecated default tensor type)
and ``torch.frombuffer``/``get_device``, checked against PyTorch, each test restoring the
state of both libraries."""

from __future__ import annotations

import array
import warnings

import pytest

import autograd_widgets as aw
from autograd_widgets import _switches, _threads
from tests._oracle import assert_raises_like_torch, require_torch


@pytest.fixture
def torch():
    torch = require_torch()
    saved_ours = dict(vars(_switches.state))
    saved = (
        torch.get_float32_matmul_precision(),
        torch.are_deterministic_algorithms_enabled(),
        torch.is_deterministic_algorithms_warn_only_enabled(),
        torch.is_anomaly_enabled(),
        torch.is_anomaly_check_nan_enabled(),
        torch.is_warn_always_enabled(),
        torch.get_default_dtype(),
    )
    ours = (aw.is_anomaly_enabled(), aw.is_anomaly_check_nan_enabled(), aw.get_default_dtype())
    yield torch
    vars(_switches.state).clear()
    vars(_switches.state).update(saved_ours)
    aw.set_anomaly_enabled(ours[0], ours[1])
    aw.set_default_dtype(ours[2])
    torch.set_float32_matmul_precision(saved[0])
    torch.use_deterministic_algorithms(saved[1], warn_only=saved[2])
    torch.set_anomaly_enabled(saved[3], saved[4])
    torch.set_warn_always(saved[5])
    torch.set_default_dtype(saved[6])


def _both(torch, fn):
    """``fn(m)`` on both libraries, warnings recorded: ``(result, [warning texts])`` each."""
    out = []
    for m in (aw, torch):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                r = fn(m)
            except Exception as e:  # noqa: BLE001 - compared below
                r = (type(e).__name__, str(e))
        out.append((r, [str(x.message).split(" (Triggered internally")[0] for x in w]))
    return out


def test_matmul_precision(torch):
    for value in ("high", "medium", "low", "highest"):

        def step(m, value=value):
            return m.set_float32_matmul_precision(value), m.get_float32_matmul_precision()

        ours, theirs = _both(torch, step)
        assert ours == theirs
    assert_raises_like_torch(lambda m: m.set_float32_matmul_precision(3))


def test_deterministic_state(torch):
    steps = [
        lambda m: m.use_deterministic_algorithms(True, warn_only=True),
        lambda m: m.use_deterministic_algorithms(True),
        lambda m: m.use_deterministic_algorithms(False, warn_only=True),
        lambda m: m.set_deterministic_debug_mode("warn"),
        lambda m: m.set_deterministic_debug_mode(2),
        lambda m: m.set_deterministic_debug_mode("default"),
        lambda m: m.set_deterministic_debug_mode(1),
    ]
    for step in steps:
        for m in (aw, torch):
            step(m)
        report = [
            (
                m.are_deterministic_algorithms_enabled(),
                m.is_deterministic_algorithms_warn_only_enabled(),
                m.get_deterministic_debug_mode(),
            )
            for m in (aw, torch)
        ]
        assert report[0] == report[1]


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.set_deterministic_debug_mode("x"),
        lambda m: m.set_deterministic_debug_mode(3),
        lambda m: m.set_deterministic_debug_mode(1.5),
        lambda m: m.use_deterministic_algorithms("x"),
        lambda m: m.use_deterministic_algorithms(True, warn_only=1),
    ],
)
def test_deterministic_errors(torch, call):
    assert_raises_like_torch(call)


def test_anomaly_and_warn_always(torch):
    for args in [(True,), (True, False), (False,), (False, False), (True, True)]:
        report = []
        for m in (aw, torch):
            m.set_anomaly_enabled(*args)
            report.append((m.is_anomaly_enabled(), m.is_anomaly_check_nan_enabled()))
        assert report[0] == report[1]
        assert aw.autograd.anomaly_mode.anomaly.enabled == args[0]  # what backward consults
    for b in (True, False):
        assert [(m.set_warn_always(b), m.is_warn_always_enabled()) for m in (aw, torch)] == [
            (None, b)
        ] * 2


def test_flush_denormal_and_threads(torch):
    assert aw.set_flush_denormal(True) == torch.set_flush_denormal(True)
    assert aw.set_flush_denormal(False) == torch.set_flush_denormal(False)
    assert aw.init_num_threads() is None
    assert aw.get_num_interop_threads() == torch.get_num_interop_threads()
    assert_raises_like_torch(lambda m: m.set_num_interop_threads(0))
    assert_raises_like_torch(lambda m: m.set_num_interop_threads("a"))


def test_set_num_interop_threads_once(monkeypatch):
    monkeypatch.setattr(_threads, "_interop_threads", None)
    aw.set_num_interop_threads(3)
    assert aw.get_num_interop_threads() == 3
    with pytest.raises(RuntimeError, match="cannot set number of interop threads after parallel"):
        aw.set_num_interop_threads(2)


@pytest.mark.parametrize(
    "arg",
    [
        "DoubleTensor",
        "'torch.DoubleTensor'",
        "HalfTensor",
        "'torch.FloatTensor'",
        "LongTensor",
        "'torch.IntTensor'",
        "'float'",
        "float64",
        "3",
        "'torch.cuda.FloatTensor'",
        "'torch.Foo'",
        "'foo.FloatTensor'",
    ],
)
def test_set_default_tensor_type(torch, arg):
    def call(m):
        value = eval(arg, {}, {"m": m}) if arg[0] in "'3" else getattr(m, arg)
        m.set_default_tensor_type(value)
        return str(m.get_default_dtype()), m.tensor([1.0]).type()

    _switches.state.default_tensor_type_warned = False
    for m in (aw, torch):
        m.set_warn_always(True)  # (PyTorch warns once per process otherwise)
    ours, theirs = _both(torch, call)
    assert ours == theirs


def test_set_default_tensor_type_warns_once():
    _switches.state.default_tensor_type_warned = False
    before = aw.get_default_dtype()
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            aw.set_default_tensor_type(aw.DoubleTensor)
            aw.set_default_tensor_type("torch.FloatTensor")
        assert len(w) == 1 and w[0].filename == __file__ and "deprecated" in str(w[0].message)
        assert aw.get_default_dtype() == aw.float32
    finally:
        aw.set_default_dtype(before)


# --- frombuffer, get_device ---------------------------------------------------------------------
def test_frombuffer_values_and_sharing():
    torch = require_torch()
    for kwargs in [
        {"dtype": "int32"},
        {"dtype": "int16", "count": 2, "offset": 2},
        {"dtype": "uint8", "count": -1, "offset": 3},
        {"dtype": "float32", "requires_grad": True},
    ]:
        res = []
        for m in (aw, torch):
            kw = {**kwargs, "dtype": getattr(m, kwargs["dtype"])}
            b = bytearray(b"\x01\x02\x03\x04\x05\x06\x07\x08")
            t = m.frombuffer(b, **kw)
            res.append(repr(t))
        assert res[0] == res[1]
    b = bytearray(b"\x01\x02\x03")
    t = aw.frombuffer(b, dtype=aw.uint8)
    t[0] = 9
    assert b[0] == 9  # shares memory, as PyTorch's does
    a = array.array("f", [1.5, 2.5])
    assert aw.frombuffer(a, dtype=aw.float32).tolist() == [1.5, 2.5]


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.frombuffer(bytearray(8), dtype=m.int64, count=2),
        lambda m: m.frombuffer(bytearray(8), dtype=m.int32, offset=9),
        lambda m: m.frombuffer(bytearray(8), dtype=m.int16, offset=-1),
        lambda m: m.frombuffer(bytearray(8), dtype=m.int32, offset=5),
        lambda m: m.frombuffer(bytearray(), dtype=m.int32),
        lambda m: m.frombuffer(bytearray(8), dtype=m.int32, count=0),
        lambda m: m.frombuffer([1, 2], dtype=m.int32),
        lambda m: m.frombuffer(array.array("f", [1.5])),
        lambda m: m.get_device(3),
    ],
)
def test_frombuffer_errors(call):
    assert_raises_like_torch(call)


def test_frombuffer_read_only_buffer_warns():
    torch = require_torch()
    ours, theirs = _both(torch, lambda m: m.frombuffer(b"\x01\x02", dtype=m.uint8).tolist())
    assert ours[0] == theirs[0]
    if theirs[1]:  # (PyTorch warns once per process)
        aw.core._creation._warned_read_only[0] = False
        ours = _both(torch, lambda m: m.frombuffer(b"\x01\x02", dtype=m.uint8).tolist())[0]
        assert ours[1] == theirs[1]


def test_get_device():
    torch = require_torch()
    assert aw.get_device(aw.ones(2)) == torch.get_device(torch.ones(2)) == aw.ones(2).get_device()
