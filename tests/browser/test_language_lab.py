"""The graph widget in Chinese: a notebook whose metadata asks for ``zh`` (as the
Chinese tutorials' does) draws a Chinese toolbar, legend and details panel; the
synced ``language`` trait switches a widget on screen."""

from __future__ import annotations

import nbformat

RENDERED = ".aw-graph[data-status='rendered']"

CELLS = [
    "import autograd_widgets as torch\n"
    "x = torch.ones(2, requires_grad=True)\n"
    "w = torch.draw((x * 2).sum())\n"
    "w",
    "print('language:', w.language)",
    "w.language = 'en'",
]


def _legend(page) -> str:
    return page.locator(".aw-graph .aw-legend").inner_text()


def test_zh_notebook_draws_a_chinese_widget_and_the_trait_switches_it(lab, lab_page):
    page = lab_page
    name = lab.write_notebook("language_zh.ipynb", CELLS)
    path = lab.root / name
    nb = nbformat.read(path, as_version=4)
    nb.metadata["autograd_widgets"] = {"tutorial": "test", "lang": "zh"}
    nbformat.write(nb, path)

    lab.open(page, name)
    lab.run_cell(page, 0)
    page.wait_for_selector(RENDERED)
    legend = _legend(page)
    for text in ("叶子 (AccumulateGrad)", "输出", "保存的张量", "上次反向传播中执行过"):
        assert text in legend, legend
    toolbar = page.locator(".aw-graph .aw-toolbar")
    assert toolbar.locator(".aw-zoom-in").get_attribute("title") == "放大"
    assert "保存值" in toolbar.inner_text() and "数值" in toolbar.inner_text()
    assert toolbar.locator(".aw-rankdir option").first.inner_text() == "从上到下"
    page.locator(".aw-graph g.node", has_text="MulBackward0").click()
    details = page.locator(".aw-graph .aw-details")
    details.wait_for(state="visible")
    assert "类型" in details.inner_text() and "反向节点 (grad_fn)" in details.inner_text()
    lab.run_cell(page, 1)
    assert "language: zh" in lab.output_text(page, 1)

    lab.run_cell(page, 2)  # the trait, set from the kernel: the view speaks English again
    page.wait_for_function(
        "() => document.querySelector('.aw-graph .aw-legend')?.textContent"
        ".includes('leaf (AccumulateGrad)')",
        timeout=30_000,
    )
    page.wait_for_selector(RENDERED)
    assert "Zoom in" == page.locator(".aw-graph .aw-zoom-in").get_attribute("title")
    assert not page.aw_errors, page.aw_errors


def test_chinese_tutorial_03_draws_abs_and_max_ghosts_in_a_chinese_widget(lab, lab_page):
    """The zh tutorial as shipped (its metadata, its cells): ``%%autograd_graph`` shows
    ``hidden.abs().max()`` (run under no_grad) as ghost nodes, in a Chinese widget."""
    import shutil
    from pathlib import Path

    page = lab_page
    src = Path(__file__).resolve().parents[2] / "notebooks" / "zh" / "03_grad_modes.ipynb"
    shutil.copy(src, lab.root / "zh_03.ipynb")
    cells = [c for c in nbformat.read(src, as_version=4).cells if c.cell_type == "code"]
    setup = next(i for i, c in enumerate(cells) if "%load_ext" in c.source)
    graph_cell = next(i for i, c in enumerate(cells) if c.source.startswith("%%autograd_graph"))

    lab.open(page, "zh_03.ipynb")
    lab.run_cell(page, setup)
    lab.run_cell(page, graph_cell)
    root = lab.cell(page, graph_cell)
    root.locator(RENDERED).wait_for()
    ghosts = root.locator(".aw-graph g.node.aw-nograd").evaluate_all(
        "els => els.map((e) => e.textContent)"
    )
    assert any("AbsBackward0" in g for g in ghosts), ghosts
    assert any("MaxBackward1" in g for g in ghosts), ghosts
    assert "叶子 (AccumulateGrad)" in root.locator(".aw-graph .aw-legend").inner_text()
    assert not page.aw_errors, page.aw_errors
