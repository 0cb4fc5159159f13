"""Graph widgets in a real JupyterLab that never run injected markup, never hang
and never leak (issue 12)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

RENDERED = ".aw-graph[data-status='rendered']"


def open_alone(lab, page, name: str) -> None:
    """Open ``name``, the only notebook in the page (the cell locators search them all)."""
    lab.open(page, name)
    page.evaluate("() => window.jupyterapp.commands.execute('application:close-other-tabs')")
    page.wait_for_function("() => document.querySelectorAll('.jp-NotebookPanel').length === 1")


XSS_SETUP = (
    "%load_ext autograd_widgets\n"
    "%autograd_display html\n"
    "import autograd_widgets as torch\n"
    "M = '<img src=x onerror=\"window.__aw_xss = 1\">'\n"
    "F = type(M, (torch.autograd.Function,), {\n"
    "    'forward': staticmethod(lambda ctx, x: x * 2),\n"
    "    'backward': staticmethod(lambda ctx, g: g * 2)})\n"
    "x = torch.ones(2, requires_grad=True)\n"
    "h = F.apply(x)\n"
    "h"
)


def test_markup_in_a_function_name_is_shown_never_run(lab, lab_page):
    page = lab_page
    name = lab.write_notebook(
        "xss.ipynb", [XSS_SETUP, "torch.draw(h.sum(), names={M: x, '</text><b>y</b>': h})"]
    )
    open_alone(lab, page, name)
    lab.run_cell(page, 0)
    summary = lab.cell(page, 0).locator(".aw-tensor-summary")
    summary.wait_for()
    assert "onerror" in summary.inner_text()  # the markup, as text
    lab.run_cell(page, 1)
    page.wait_for_selector(RENDERED)
    texts = " ".join(
        page.eval_on_selector_all(".aw-graph g.node text", "e => e.map(t => t.textContent)")
    )
    assert "onerror" in texts and "</text><b>y</b>" in texts
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__aw_xss") is None
    assert page.locator(".jp-OutputArea img, .jp-OutputArea b").count() == 0
