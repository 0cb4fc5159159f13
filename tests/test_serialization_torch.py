"""``torch.save`` / ``torch.load`` as the "Save and load" tutorial and the serialization
notes use them, compared with PyTorch: views saved together still share memory, and
``weights_only`` refuses a global with PyTorch's message and its allowlist API."""

from __future__ import annotations

import io
import pickle

import pytest

import autograd_widgets as aw
from autograd_widgets import serialization
from autograd_widgets.core.tensor import _rebuild_view
from tests._oracle import require_torch


def _round_trip(m, obj, **load_kwargs):
    buf = io.BytesIO()
    m.save(obj, buf)
    buf.seek(0)
    return m.load(buf, **load_kwargs)


def _shared_views(m):
    # the "Saving and loading tensors preserves views" example of PyTorch's notes
    numbers = m.arange(1, 10)
    evens = numbers[1::2]
    loaded_numbers, loaded_evens = _round_trip(m, [numbers, evens])
    loaded_evens *= 2
    t = m.arange(12.0).reshape(3, 4)
    cols, rows = _round_trip(m, {"c": t.t(), "r": t[1:]}).values()
    rows[0, 0] = -1.0
    return loaded_numbers.tolist(), cols.tolist(), cols.stride(), cols.is_contiguous()


def test_views_saved_together_share_memory_after_load():
    torch = require_torch()
    assert _shared_views(aw) == _shared_views(torch)


def test_a_view_saved_alone_loads_with_its_values():
    torch = require_torch()
    for m in (aw, torch):
        t = m.arange(12.0).reshape(3, 4)
        back = _round_trip(m, t[:, 1::2])
        assert back.tolist() == [[1.0, 3.0], [5.0, 7.0], [9.0, 11.0]]
        assert back.stride() == (4, 2)
        back2 = _round_trip(m, t[1:].flip(0), weights_only=False)
        assert back2.tolist() == t[1:].flip(0).tolist()


def _refused_message(m, path_of):
    with pytest.raises(pickle.UnpicklingError) as info:
        _round_trip(m, m.nn.Linear(2, 2))
    return str(info.value).replace(path_of(m.nn.Linear), "LINEAR")


def test_weights_only_refusal_has_pytorchs_message():
    torch = require_torch()

    def path_of(cls):
        return f"{cls.__module__}.{cls.__qualname__}"

    assert _refused_message(aw, path_of) == _refused_message(torch, path_of)


class _Config:
    def __init__(self, n):
        self.n = n


def test_safe_globals_allow_a_module_and_a_class():
    torch = require_torch()
    for m in (aw, torch):
        lin = m.nn.Linear(2, 2)
        with m.serialization.safe_globals([m.nn.Linear]):
            back = _round_trip(m, lin)
        assert back.weight.tolist() == lin.weight.tolist()
        assert m.nn.Linear not in m.serialization.get_safe_globals()
        before = len(m.serialization.get_safe_globals())
        m.serialization.add_safe_globals([_Config])
        try:
            assert _round_trip(m, {"cfg": _Config(3)})["cfg"].n == 3
            assert len(m.serialization.get_safe_globals()) == before + 1
        finally:
            m.serialization.clear_safe_globals()
        assert m.serialization.get_safe_globals() == []


def _bad_tuple_errors(m):
    errors = []
    for bad, exc in (((_Config, "a", "b"), ValueError), ((_Config, 1), TypeError)):
        m.serialization.add_safe_globals([bad])
        try:
            with pytest.raises(exc) as info:
                _round_trip(m, {"cfg": _Config(3)})
            errors.append(str(info.value))
        finally:
            m.serialization.clear_safe_globals()
    return errors


def test_safe_globals_tuple_checks_like_pytorch():
    torch = require_torch()
    assert _bad_tuple_errors(aw) == _bad_tuple_errors(torch)


class _ViewOfBytes:
    def __reduce__(self):
        return (_rebuild_view, (b"\0" * 8, 0, (1,), (8,), "float64", False))


def test_rebuild_view_refuses_a_non_array():
    data = pickle.dumps(_ViewOfBytes(), protocol=2)
    with pytest.raises(TypeError):
        serialization.load(io.BytesIO(data), weights_only=True)


def _load_onto(m, map_location):
    buf = io.BytesIO()
    m.save({"w": m.ones(2)}, buf)
    buf.seek(0)
    try:
        return m.load(buf, map_location=map_location)["w"].tolist()
    except RuntimeError as e:
        return str(e)


@pytest.mark.parametrize("where", ["cuda", "cuda:0", "xpu", "cpu"])
def test_map_location_onto_a_missing_accelerator_fails_like_torch(where):
    torch = require_torch()
    assert _load_onto(aw, where) == _load_onto(torch, where)
    assert _load_onto(aw, aw.device(where)) == _load_onto(torch, torch.device(where))


def test_weights_only_reads_devices_dtypes_sizes_and_plain_values():
    torch = require_torch()

    def checkpoint(m):
        return {
            "x": m.arange(3),
            "s": m.Size([2, 3]),
            "dt": m.float16,
            "dev": m.device("cpu"),
            "t": (1, 2.5, "a", None),
            "p": m.nn.Parameter(m.ones(2)),
        }

    ours = repr(_round_trip(aw, checkpoint(aw), weights_only=True))
    assert ours == repr(_round_trip(torch, checkpoint(torch), weights_only=True))
