"""graph._source: the user's expression behind each node, captured while recording."""

from __future__ import annotations

import sys

import pytest

import autograd_widgets as aw
from autograd_widgets.graph import _source, record

EXACT = sys.version_info >= (3, 11)  # column spans; 3.10 gives the whole line


def exprs(rec):
    return [(type(n).__name__, _source.expression(n)) for n in rec.nodes()]


def test_each_node_gets_its_subexpression():
    x = aw.ones(2, 2, requires_grad=True)
    with record() as rec:
        out = ((x**2) * 3).mean()
    line = "out = ((x**2) * 3).mean()"
    assert exprs(rec) == [
        ("PowBackward0", "x**2" if EXACT else line),
        ("MulBackward0", "(x**2) * 3" if EXACT else line),
        ("MeanBackward0", "((x**2) * 3).mean()" if EXACT else line),
    ]
    assert out.grad_fn is not None


def test_library_frames_are_skipped_to_the_callers_line():
    lin = aw.nn.Linear(2, 3)
    x = aw.ones(4, 2)
    with record() as rec:
        h = lin(x).relu()
    got = dict(exprs(rec))
    assert got["AddmmBackward0"] == ("lin(x)" if EXACT else "h = lin(x).relu()")
    assert got["ReluBackward0"] == ("lin(x).relu()" if EXACT else "h = lin(x).relu()")
    assert h.shape == (4, 3)


def test_multiline_expressions_are_joined():
    x = aw.ones(2, requires_grad=True)
    with record() as rec:
        # fmt: off
        y = x + (
            x * 2
        )
        # fmt: on
    got = dict(exprs(rec))
    assert got["MulBackward0"] == "x * 2"
    assert got["AddBackward0"] == ("x + ( x * 2 )" if EXACT else "y = x + (")
    assert y.requires_grad


def test_ghosts_get_expressions_too():
    x = aw.ones(2, requires_grad=True)
    with record() as rec, aw.no_grad():
        z = x * 5
    (g,) = rec.ghosts()
    assert _source.expression(g) == ("x * 5" if EXACT else "z = x * 5")
    assert not z.requires_grad


def test_unknown_source_gives_none():
    x = aw.ones(2, requires_grad=True)
    ns = {"x": x}
    with record() as rec:
        exec(compile("y = x * 2", "<no file>", "exec"), ns)  # noqa: S102 - no source to find
    assert exprs(rec) == [("MulBackward0", None)]


def test_not_recorded_nodes_have_no_expression():
    y = aw.ones(2, requires_grad=True) * 2
    assert _source.expression(y.grad_fn) is None


def test_long_expressions_are_cut():
    x = aw.ones(2, requires_grad=True)
    with record() as rec:
        # fmt: off
        y = x + x + x + x + x + x + x + x + x + x + x + x + x + x + x + x + x + x + x + x + x  # noqa: E501
        # fmt: on
    text = _source.expression(rec.nodes()[-1])
    assert len(text) == _source.MAX_CHARS and text.endswith("…")
    assert y.shape == (2,)


@pytest.mark.skipif(not EXACT, reason="column spans need Python 3.11")
def test_utf8_columns():
    x = aw.ones(2, requires_grad=True)
    with record() as rec:
        y = x * 2  # ünïcödé before? no: after the expression, and one before below
        é = x * 3  # noqa: PLC2401
    got = [e for _, e in exprs(rec)]
    assert got == ["x * 2", "x * 3"]
    assert y.shape == é.shape


def test_models_carry_expr_for_recorded_and_live_graphs():
    from autograd_widgets.graph import GraphModel, LiveGraph

    x = aw.ones(2, requires_grad=True)
    with record() as rec:
        y = (x * 3).exp()
    assert y.requires_grad
    m = GraphModel.from_recording(rec, namespace=None)
    by_label = {n["label"]: n["expr"] for n in m.nodes}
    assert by_label["MulBackward0"] == ("x * 3" if EXACT else "y = (x * 3).exp()")
    assert by_label["ExpBackward0"] == ("(x * 3).exp()" if EXACT else "y = (x * 3).exp()")

    w = x * 4  # made while nobody listened: no expression known
    live = LiveGraph(w, callback=lambda: None, follow=True)
    try:
        z = w.sum()
        nodes = {n["label"]: n["expr"] for n in live.to_json()["nodes"]}
        assert nodes["SumBackward0"] == ("w.sum()" if EXACT else "z = w.sum()")
        assert nodes["MulBackward0"] is None
    finally:
        live.close()
    assert z.requires_grad
