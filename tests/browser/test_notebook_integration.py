"""Notebook integration in a real JupyterLab: GradModeToggle, %%no_grad, TensorView.

Uses the shared JupyterLab + Chromium fixture of ``conftest.py``; screenshots
go to ``test-artifacts/``.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.browser.conftest import ROOT, STATIC

pytestmark = pytest.mark.browser

TOGGLE = ".aw-toggle"
VIEW = ".aw-tensor"


@pytest.fixture(scope="module", autouse=True)
def _bundles():
    """Build the front end when this file's bundles are missing (the fixture checks the graph's)."""
    if all((STATIC / n).exists() for n in ("grad_mode_toggle.js", "tensor_view.js")):
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("front end not built and npm not found")
    subprocess.run([npm, "--prefix", str(ROOT / "js"), "run", "build"], check=True)


@pytest.fixture(autouse=True)
def _close_tabs_after(lab_page):
    """Leave no notebook open: JupyterLab would restore it into the next test's page."""
    yield
    try:
        lab_page.evaluate(
            """async () => {
                const app = window.jupyterapp;
                if (!app) return;
                await app.commands.execute('docmanager:save-all');  // no "unsaved" dialog
                await app.commands.execute('application:close-all');
            }"""
        )
        lab_page.wait_for_function(
            "() => !document.querySelector('.jp-NotebookPanel')", timeout=10_000
        )
        lab_page.wait_for_timeout(1_000)  # let the workspace save the empty layout
    except Exception:  # noqa: BLE001 - best effort: the page may be gone already
        pass


def open_alone(lab, page, name: str) -> None:
    """Open ``name`` and close the tabs JupyterLab restores from earlier tests
    (the fixture's cell locators search every notebook in the page)."""
    lab.open(page, name)
    page.evaluate("() => window.jupyterapp.commands.execute('application:close-other-tabs')")
    page.wait_for_function("() => document.querySelectorAll('.jp-NotebookPanel').length === 1")


def _our_errors(page) -> list[str]:
    return [e for e in page.aw_errors if "autograd" in e.lower() or "aw-" in e]


def test_toggle_applies_to_the_next_cell(lab, lab_page):
    page = lab_page
    name = lab.write_notebook(
        "toggle.ipynb",
        [
            "%load_ext autograd_widgets\n"
            "import autograd_widgets as torch\n"
            "from autograd_widgets.widgets import GradModeToggle\n"
            "GradModeToggle()",
            "x = torch.ones(2, 2, requires_grad=True)\ny = x * 2\nprint(repr(y))\nprint(y.grad_fn)",
            "z = x * 2\nprint(repr(z))",
            "GradModeToggle()",
        ],
    )
    open_alone(lab, page, name)
    lab.run_cell(page, 0)
    toggle = page.locator(TOGGLE).first
    toggle.wait_for()
    assert toggle.get_attribute("data-enabled") == "true"
    assert "grad mode" in toggle.inner_text() and "on" in toggle.inner_text()

    toggle.locator("button").click()
    page.wait_for_selector(f"{TOGGLE}[data-enabled='false'][data-pending='true']")
    assert "from the next cell" in toggle.inner_text()
    lab.screenshot(lab.cell(page, 0), "grad-mode-toggle-pending.png")

    lab.run_cell(page, 1)
    out = lab.output_text(page, 1)
    assert "tensor([[2., 2.],\n        [2., 2.]])" in out
    assert "requires_grad" not in out and "grad_fn" not in out
    assert out.strip().splitlines()[-1] == "None"  # y.grad_fn
    page.wait_for_selector(f"{TOGGLE}[data-enabled='false'][data-pending='false']")

    # a second toggle shows the same state; flipping it back re-enables grad
    lab.run_cell(page, 3)
    page.wait_for_function(f"() => document.querySelectorAll('{TOGGLE}').length === 2")
    second = page.locator(TOGGLE).nth(1)
    assert second.get_attribute("data-enabled") == "false"
    second.locator("button").click()
    page.wait_for_function(
        f"() => [...document.querySelectorAll('{TOGGLE}')].every("
        "t => t.dataset.enabled === 'true' && t.dataset.pending === 'true')"
    )
    lab.run_cell(page, 2)
    assert "grad_fn=<MulBackward0>" in lab.output_text(page, 2)
    lab.screenshot(page.locator(".jp-Notebook"), "grad-mode-toggle.png")
    assert not _our_errors(page)


def test_no_grad_cell_then_a_normal_cell(lab, lab_page):
    page = lab_page
    name = lab.write_notebook(
        "no_grad.ipynb",
        [
            "%load_ext autograd_widgets\n"
            "import autograd_widgets as torch\n"
            "x = torch.ones(2, requires_grad=True)",
            "%%no_grad\ny = x * 2\nprint(repr(y), y.requires_grad, y.grad_fn)",
            "z = x * 2\nprint(repr(z))\n%grad_mode",
        ],
    )
    open_alone(lab, page, name)
    lab.run_all(page)
    assert lab.output_text(page, 1).strip() == "tensor([2., 2.]) False None"
    out = lab.output_text(page, 2)
    assert "tensor([2., 2.], grad_fn=<MulBackward0>)" in out
    assert "grad mode: on" in out
    lab.screenshot(page.locator(".jp-Notebook"), "no-grad-cell.png")


def test_tensor_view_shows_the_gradient_after_backward(lab, lab_page):
    page = lab_page
    name = lab.write_notebook(
        "tensor_view.ipynb",
        [
            "import autograd_widgets as torch\n"
            "from autograd_widgets.widgets import TensorView\n"
            "x = torch.ones(2, 2, requires_grad=True)\n"
            "TensorView(x, name='x')",
            "out = ((x ** 2) * 3).mean()\nout.backward()",
            "x.grad.zero_()\nNone",
            "big = torch.randn(300, 400)\nTensorView(big, name='big')",
            "cube = torch.arange(24.0).reshape(2, 3, 4) - 12\nTensorView(cube, name='cube')",
        ],
    )
    open_alone(lab, page, name)
    lab.run_cell(page, 0)
    view = page.locator(VIEW).first
    page.wait_for_selector(f"{VIEW}[data-status='ready'][data-has-grad='false']")
    assert "shape [2, 2]" in view.inner_text() and "torch.float32" in view.inner_text()
    assert "None (run backward())" in view.locator(".aw-tv-grad").inner_text()
    values = view.locator(".aw-tv-values td").all_inner_texts()
    assert values == ["1."] * 4

    lab.run_cell(page, 1)  # backward() in a later cell: the view above updates
    page.wait_for_selector(f"{VIEW}[data-has-grad='true']")
    grads = view.locator(".aw-tv-grad td").all_inner_texts()
    assert grads == ["1.5000"] * 4
    colour = view.locator(".aw-tv-grad td").first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")  # positive: tinted
    lab.screenshot(view, "tensor-view-grad.png")

    lab.run_cell(page, 2)  # zero_() on .grad
    page.wait_for_function(
        f"() => [...document.querySelectorAll('{VIEW} .aw-tv-grad td')].every(t => t.textContent === '0.')"
    )

    lab.run_cell(page, 3)  # a large tensor: one page, with a pager
    big = page.locator(VIEW).nth(1)
    big.wait_for()
    page.wait_for_function(
        f"() => document.querySelectorAll('{VIEW}')[1]?.dataset.status === 'ready'"
    )
    assert big.locator(".aw-tv-values td").count() == 20 * 12
    assert "rows 0–19 of 300" in big.locator(".aw-tv-pager").inner_text()
    big.locator(".aw-tv-pager button[title='next rows']").click()
    page.wait_for_function(
        f"() => document.querySelectorAll('{VIEW}')[1].querySelector('.aw-tv-pager')"
        ".textContent.includes('rows 20–39 of 300')"
    )
    lab.run_cell(page, 4)  # rank 3: choose the 2-d slice
    cube = page.locator(VIEW).nth(2)
    cube.wait_for()
    assert cube.locator(".aw-tv-values td").first.inner_text() == "-12."
    assert "cube[0, :, :]" in cube.locator(".aw-tv-slice").inner_text()
    cube.locator(".aw-tv-slice input").fill("1")
    cube.locator(".aw-tv-slice input").press("Enter")
    page.wait_for_function(
        f"() => document.querySelectorAll('{VIEW}')[2].querySelector('.aw-tv-values td')"
        "?.textContent === '0.'"
    )
    assert "cube[1, :, :]" in page.locator(VIEW).nth(2).locator(".aw-tv-slice").inner_text()
    lab.set_theme(page, "JupyterLab Dark")
    lab.screenshot(page.locator(".jp-Notebook"), "tensor-view-dark.png")
    lab.set_theme(page, "JupyterLab Light")
    assert not _our_errors(page)


def test_autograd_graph_magic_draws_the_cell(lab, lab_page):
    page = lab_page
    name = lab.write_notebook(
        "magic_graph.ipynb",
        [
            "%load_ext autograd_widgets\n"
            "import autograd_widgets as torch\n"
            "x = torch.ones(2, 2, requires_grad=True)\n"
            "before = (x * 5).sum()",
            "%%autograd_graph --rankdir LR\n"
            "y = x ** 2\n"
            "with torch.no_grad():\n"
            "    g = y * 0\n"
            "out = (y * 3).mean()",
            "out.backward()",
        ],
    )
    open_alone(lab, page, name)
    lab.run_cell(page, 0)
    lab.run_cell(page, 1)
    page.wait_for_selector(".aw-graph[data-status='rendered']")
    texts = " ".join(
        page.eval_on_selector_all(".aw-graph g.node text", "els => els.map(e => e.textContent)")
    )
    for label in ("PowBackward0", "MeanBackward0", "MulBackward0", "AccumulateGrad"):
        assert label in texts, texts
    assert "SumBackward0" not in texts  # made by an earlier cell
    for var in ("x", "out", "g"):
        assert var in texts.split(), texts
    lab.run_cell(page, 2)  # backward in a later cell: the drawing follows
    page.wait_for_function(
        "() => [...document.querySelectorAll('.aw-graph g.node text')]"
        ".some(t => t.textContent.includes('1.5000'))",
        timeout=30_000,
    )
    lab.screenshot(page.locator(".aw-graph"), "autograd-graph-magic.png")
    assert not _our_errors(page)


def test_rich_display_opt_in_shows_summary_and_graph_button(lab, lab_page):
    page = lab_page
    name = lab.write_notebook(
        "rich.ipynb",
        [
            "%load_ext autograd_widgets\n"
            "import autograd_widgets as torch\n"
            "x = torch.ones(2, 2, requires_grad=True)\n"
            "out = (x * 3).sum()\n"
            "out",
            "%autograd_display html\nout",
        ],
    )
    open_alone(lab, page, name)
    lab.run_cell(page, 0)
    assert "tensor(12., grad_fn=<SumBackward0>)" in lab.output_text(page, 0)  # off by default
    lab.run_cell(page, 1)
    summary = lab.cell(page, 1).locator(".aw-tensor-summary")
    summary.wait_for()
    assert "grad_fn=<SumBackward0>" in summary.inner_text()
    lab.cell(page, 1).locator("button", has_text="show graph").click()
    page.wait_for_selector(".aw-graph[data-status='rendered']")
    texts = page.eval_on_selector_all(".aw-graph g.node text", "els => els.map(e => e.textContent)")
    assert "SumBackward0" in texts and "MulBackward0" in texts
    lab.screenshot(lab.cell(page, 1), "rich-display.png")
    assert not _our_errors(page)
