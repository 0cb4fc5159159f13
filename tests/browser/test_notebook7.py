"""The graph widget in Jupyter Notebook 7 (the classic-looking UI), not only in JupyterLab.

Notebook 7 is a server extension beside JupyterLab's: the session's server also
serves ``/notebooks/NAME.ipynb`` once the ``notebook`` package is installed.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

from tests.browser.test_graph_widget_lab import RENDERED, TUTORIAL, svg_texts, wait_for_text


def _require_notebook7():
    if importlib.util.find_spec("notebook") is None:
        if os.environ.get("AUTOGRAD_WIDGETS_REQUIRE_BROWSER", "") not in ("", "0"):
            pytest.fail("Jupyter Notebook 7 is not installed (pip install 'notebook>=7')")
        pytest.skip("Jupyter Notebook 7 is not installed")


def test_graph_widget_in_notebook7(lab, lab_page):
    _require_notebook7()
    page = lab_page
    name = lab.write_notebook("notebook7.ipynb", TUTORIAL[:2])
    page.goto(f"{lab.url}/notebooks/{name}?token={lab.token}")
    # Notebook 7's own shell (no JupyterLab status bar): its kernel indicator, then the cells.
    page.wait_for_selector("#main-panel .jp-NotebookPanel .jp-CodeCell", timeout=60_000)
    assert page.locator("#jp-main-statusbar").count() == 0  # really Notebook 7, not Lab
    page.wait_for_function(
        """() => {
            const k = document.querySelector('.jp-NotebookPanel .jp-KernelName, .jp-Toolbar-kernelName');
            return k && !/No Kernel|Connecting|Starting/.test(k.textContent)
                && !!document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]');
        }""",
        timeout=60_000,
    )
    page.wait_for_timeout(500)
    page.locator(".jp-CodeCell").nth(0).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")  # runs cell 0 and moves to cell 1
    page.wait_for_selector(RENDERED, timeout=60_000)
    texts = " ".join(svg_texts(page))
    for op in ("PowBackward0", "MulBackward0", "MeanBackward0", "AddBackward0", "AccumulateGrad"):
        assert op in texts, texts
    page.keyboard.press("Shift+Enter")  # out.backward(): the drawn graph shows the leaf's grad
    wait_for_text(page, "4.5000")
    lab.screenshot(page.locator(".aw-graph"), "notebook7-graph.png")
    # Notebook 7's shell logs console errors of its own under the test server's settings
    # (e.g. "Command 'filebrowser:open-path' not registered."); our front end logs none,
    # so judge the widget by its state and by uncaught errors in our modules.
    assert page.locator(".aw-graph[data-status='error']").count() == 0
    ours = [e for e in page.aw_errors if "graph_view" in e or "graph_widget" in e or "aw-" in e]
    assert ours == []
