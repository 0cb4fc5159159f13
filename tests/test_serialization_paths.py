"""Files saved before the tensor core moved to ``autograd_widgets/core/`` name its old
modules; ``load`` still reads them (with and without ``weights_only``)."""

from __future__ import annotations

import io
import pickle

import autograd_widgets as aw
from autograd_widgets import serialization


def _old_style_pickle(obj) -> bytes:
    """``obj`` pickled as the package before the move wrote it (protocol 2, GLOBAL opcodes
    naming ``autograd_widgets.tensor`` / ``autograd_widgets._dtype``)."""
    data = pickle.dumps(obj, protocol=2)
    for new, old in (
        (b"autograd_widgets.core.tensor\n", b"autograd_widgets.tensor\n"),
        (b"autograd_widgets.core._dtype\n", b"autograd_widgets._dtype\n"),
    ):
        data = data.replace(new, old)
    assert b"autograd_widgets.core" not in data
    return data


def test_files_naming_the_old_core_modules_still_load():
    state = {"w": aw.arange(6.0).reshape(2, 3), "dtype": aw.float64, "size": aw.Size([2, 3])}
    data = _old_style_pickle(state)
    for weights_only in (True, False):
        back = aw.load(io.BytesIO(data), weights_only=weights_only)
        assert back["w"].equal(state["w"]) and back["dtype"] is aw.float64
        assert back["size"] == aw.Size([2, 3])
    assert serialization._Unpickler(io.BytesIO(data)).load()["w"].shape == (2, 3)


def test_new_files_name_the_core_folder():
    buf = io.BytesIO()
    aw.save(aw.ones(2), buf)
    assert aw.load(io.BytesIO(buf.getvalue())).equal(aw.ones(2))
