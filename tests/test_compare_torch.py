"""``compare_torch`` / ``%%compare_torch``: one cell run here and on real PyTorch."""

from __future__ import annotations

import sys

import pytest

import autograd_widgets as aw
from autograd_widgets.notebook import compare
from tests._oracle import require_torch

pytestmark = pytest.mark.oracle

SEED = [
    "x = torch.ones(2, 2, requires_grad=True)\nout = ((x**2)*3).mean()\nprint(out)\nout",
    "out.backward()\nprint(x.grad)",
]
#: the same code, but the learner's version doubles where PyTorch's triples
DIFFERENT = (
    "y = (x * (2 if torch.__name__ == 'autograd_widgets' else 3)).sum()\n"
    "y.backward()\n"
    "print('<b>y</b> =', y.item())"
)


@pytest.fixture
def ns():
    require_torch()
    namespace = {}
    exec("import autograd_widgets as torch", namespace)
    return namespace


def test_the_seed_cells_show_no_differences(ns):
    for cell in SEED:
        result = aw.compare_torch(cell, ns)
        assert result.same, str(result)
        assert str(result) == "compare_torch: no differences"
        assert "no differences" in result._repr_html_()
    # the user's namespace holds what the autograd_widgets run made, nothing of torch's
    assert isinstance(ns["x"], aw.Tensor) and isinstance(ns["out"], aw.Tensor)
    assert ns["x"].grad.tolist() == [[1.5, 1.5], [1.5, 1.5]]
    assert ns["torch"] is aw
    # the second cell ran backward() on PyTorch's own graph from the first cell
    assert result.graphs[0]["nodes"] and not result.graphs[2]


def test_a_different_cell_shows_where_it_differs(ns):
    aw.compare_torch(SEED[0], ns)
    result = aw.compare_torch(DIFFERENT, ns)
    assert not result.same
    what = {w: (a, b) for w, a, b in result.differences}
    assert what == {
        "printed line 1": ("<b>y</b> = 8.0", "<b>y</b> = 12.0"),
        "`y` values": ("8.", "12."),
        "`x`.grad": ("[[2. 2.] [2. 2.]]", "[[3. 3.] [3. 3.]]"),
    }  # the graphs agree: MulBackward0 either way
    html = result._repr_html_()
    assert "<b>y</b>" not in html and "&lt;b&gt;y&lt;/b&gt;" in html  # printed text is escaped
    assert "difference(s)" in html


def test_graphs_that_differ_are_highlighted(ns):
    cell = (
        "x = torch.ones(2, 2, requires_grad=True)\n"
        "z = (x * 2).sum() if torch.__name__ == 'autograd_widgets' else (x * 2).mean()"
    )
    result = aw.compare_torch(cell, ns)
    rows = [(a, b) for w, a, b in result.differences if w.startswith("graph node")]
    assert rows == [
        (
            "SumBackward0 (backward, inputs from nodes [2])",
            "MeanBackward0 (backward, inputs from nodes [2])",
        )
    ]
    ours, theirs, bad = result.graphs
    assert {n["label"] for n in ours["nodes"] if n["id"] in bad} == {"SumBackward0"}
    if result.svgs[0] is not None:  # `dot` is on PATH: differing nodes drawn in red
        assert 'stroke="#d62728"' in result.svgs[0]
        assert "<script" not in result._repr_html_()


def test_printed_numbers_within_tolerance_are_equal():
    lines = compare.compare_lines(
        ["loss 0.3333", "w at 0x7f00"], ["loss 0.3334", "w at 0x8e11"], 1e-5, 1e-6
    )
    assert lines == []  # one unit in the last printed digit; addresses never match
    assert compare.compare_lines(["loss 0.33"], ["loss 0.35"], 1e-5, 1e-6) == [
        (1, "loss 0.33", "loss 0.35")
    ]
    assert compare.compare_lines(["a"], [], 1e-5, 1e-6) == [(1, "a", "<no line>")]


def test_the_pytorch_run_leaves_the_namespace_alone(ns):
    ns["losses"] = [1.0]
    ns["w"] = aw.tensor([1.0, 2.0], requires_grad=True)
    before = dict(ns)
    result = aw.compare_torch("losses.append(2.0)\nw.grad = w * 0 + 1\nk = 3", ns)
    assert result.same, str(result)
    assert ns["losses"] == [1.0, 2.0]  # appended once, by our run
    assert ns["w"] is before["w"] and isinstance(ns["w"].grad, aw.Tensor)
    assert ns["k"] == 3 and all(ns[k] is v for k, v in before.items() if k != "__builtins__")


def test_an_error_on_one_side_is_a_difference(ns):
    result = aw.compare_torch("torch.ones(2).no_such_method()", ns)
    assert result.same  # both raise the same error
    result = aw.compare_torch(
        "torch.ones(2) if torch.__name__ == 'autograd_widgets' else torch.ones(2).nope()", ns
    )
    assert [w for w, _, _ in result.differences][0] == "error"


def test_without_torch_the_message_is_clear(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ModuleNotFoundError, match="compare_torch needs PyTorch"):
        aw.compare_torch("1 + 1", {})


def test_the_cell_magic(capsys):
    require_torch()
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    ip.run_cell("%load_ext autograd_widgets")
    try:
        ip.run_cell("import autograd_widgets as torch")
        results = [ip.run_cell("%%compare_torch\n" + cell).result for cell in SEED]
        assert all(r.same for r in results), [str(r) for r in results]
        assert isinstance(ip.user_ns["x"], aw.Tensor)
        assert "tensor([[1.5000, 1.5000]," in capsys.readouterr().out  # the cell's own output
        r = ip.run_cell(
            "%%compare_torch --rtol 0.1\nprint(1.0 if torch.__name__ == 'torch' else 1.05)"
        )
        assert r.result.same  # within 10%
        sys.modules["torch_saved"] = sys.modules.get("torch")
        sys.modules["torch"] = None
        try:
            r = ip.run_cell("%%compare_torch\nprint(1)")
        finally:
            sys.modules["torch"] = sys.modules.pop("torch_saved")
        assert r.result is None and r.error_in_exec is None
        assert "compare_torch needs PyTorch" in capsys.readouterr().out
    finally:
        ip.run_cell("%unload_ext autograd_widgets")
        for name in ("x", "out", "torch"):
            ip.user_ns.pop(name, None)


def test_history_from_uncompared_cells_is_explained(ns):
    ns["h"] = aw.ones(2, requires_grad=True) * 2  # made outside compare_torch: no twin
    result = aw.compare_torch("s = h.sum()\nprint(s.item())", ns)
    # same values and output; the graphs differ below `h`, and the note says why
    assert all(w.startswith("graph node") for w, _, _ in result.differences), str(result)
    assert result.notes and result.notes[0].startswith("h came from cells not run under")
    assert "note: h came from" in str(result) and "note: h came from" in result._repr_html_()
