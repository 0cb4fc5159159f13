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


# -- helpers ------------------------------------------------------------------------------


def start_cell(page, cell) -> None:
    """Run a cell without waiting for it (Ctrl+Enter)."""
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+Enter")


def graphs_in(lab, page, index: int):
    return lab.cell(page, index).locator(".aw-graph")


def open_with_a_graph(lab, page, name: str, cells: list[str]) -> None:
    """Open a notebook alone and run its first cell, which draws a graph."""
    open_alone(lab, page, lab.write_notebook(name, cells))
    lab.run_cell(page, 0)
    graphs_in(lab, page, 0).locator("svg").wait_for()


# -- item 1: re-runs and hidden widgets ------------------------------------------------------

SETUP = (
    "import autograd_widgets as torch\n"
    "from autograd_widgets.autograd import events\n"
    "x = torch.ones(2, requires_grad=True)\n"
    "loss = (x * 3).sum()"
)


def test_rerunning_a_draw_cell_closes_the_old_widget_and_a_hidden_one_pauses(lab, lab_page):
    page = lab_page
    name = lab.write_notebook(
        "rerun.ipynb",
        [
            SETUP,
            "w = torch.draw(loss)\nw",
            "print(len(events.listeners), getattr(w, 'paused', None), w.subscribed)",
        ],
    )
    open_alone(lab, page, name)
    lab.run_cell(page, 0)
    for _ in range(5):
        lab.run_cell(page, 1)
        graphs_in(lab, page, 1).locator("svg").wait_for()
    lab.run_cell(page, 2)
    listeners, paused, subscribed = lab.output_text(page, 2).split()
    # one live widget: its LiveGraph (4 kinds), backward steps (1), errors explained (1)
    assert (listeners, paused, subscribed) == ("6", "False", "True")
    # clear the draw cell's output: its last view goes away, and the widget pauses
    lab.cell(page, 1).locator(".jp-InputArea-editor").click()
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-cell-output')")
    page.wait_for_function(
        "() => !document.querySelectorAll('.jp-Notebook .jp-CodeCell')[1].querySelector('.aw-graph')"
    )
    page.wait_for_timeout(500)
    lab.run_cell(page, 2)
    assert lab.output_text(page, 2).split() == ["0", "True", "False"]


# -- item 2: kernel restart while the page waits for the graph view -------------------------


def test_a_kernel_restart_while_waiting_for_the_view_recovers(lab, lab_page):
    page = lab_page
    open_with_a_graph(
        lab,
        page,
        "restart.ipynb",
        [
            SETUP + "\nw = torch.draw(loss)\nw",
            "import time\ndisplay(w)\ntime.sleep(120)",
            SETUP + "\ntorch.draw(loss * 2)",
        ],
    )
    # as a page that has no view code yet: the next view asks the (busy) kernel for it
    page.evaluate("() => { globalThis.__autograd_widgets_graph__.assets = {}; }")
    start_cell(page, lab.cell(page, 1))
    lab.cell(page, 1).locator(".aw-graph[data-status='loading']").wait_for()
    page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.context.sessionContext.session.kernel.restart()"
    )
    lab.wait_idle(page)
    lab.run_cell(page, 2)
    # the new kernel's first widget pushes the view: the page takes it although its
    # earlier request is still unanswered
    lab.cell(page, 2).locator(".aw-graph[data-status='rendered']").wait_for(timeout=60_000)
    assert "MulBackward0" in lab.cell(page, 2).locator(".aw-graph").inner_text()


# -- item 3: a reloaded page gets the view code pushed again ---------------------------------


def test_after_a_reload_the_first_graph_of_a_busy_cell_renders_while_it_runs(lab, lab_page):
    page = lab_page
    open_with_a_graph(
        lab,
        page,
        "reload.ipynb",
        [
            SETUP + "\ntorch.draw(loss)",
            "import time\ndisplay(torch.draw(loss * 2))\ntime.sleep(120)",
        ],
    )
    page.reload()
    page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell")
    lab.wait_idle(page)
    cell = lab.cell(page, 1)
    start_cell(page, cell)
    cell.locator(".aw-graph[data-status='rendered']").wait_for(timeout=90_000)
    # rendered while the cell still runs (its prompt shows [*])
    assert "*" in (cell.locator(".jp-InputArea-prompt").text_content() or "")
    page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.context.sessionContext.session.kernel.interrupt()"
    )
    lab.wait_idle(page)
