"""The widgets in Chinese: a notebook whose metadata asks for ``zh`` (as the
Chinese tutorials' does) draws a Chinese graph widget (toolbar, legend, details
panel, the words in the nodes), GradModeToggle and TensorView, with no English
word left but code; JupyterLab's language setting does the same for a notebook
that asks for nothing; the synced ``language`` trait switches a widget on screen."""

from __future__ import annotations

import json
import re
import urllib.request

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
    page.mouse.move(0, 0)
    lab.screenshot(page.locator(".aw-graph"), "graph-zh.png")  # for the README
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


# -- every text of every widget -------------------------------------------------------

ALL_WIDGETS = [
    "%load_ext autograd_widgets\n"
    "import autograd_widgets as torch\n"
    "from autograd_widgets.widgets import GradModeToggle, TensorView\n"
    "x = torch.ones(2, requires_grad=True)\n"
    "out = (x * 2).sum()\n"
    "w = torch.draw(out, show_values=True)\n"
    "w",
    "out.backward()",
    "toggle = GradModeToggle()\ntoggle",
    "%grad_mode off",
    "cube = torch.arange(24.0).reshape(2, 3, 4).requires_grad_()\n"
    "cv = TensorView(cube, name='cube', rows=2, cols=2)\ncv",
    "xv = TensorView(x, name='x')\nxv",
    "print(w.language, toggle.language, cv.language, xv.language)",
]

# Words that are code (PyTorch names, Python literals, dtypes, keys, file formats), the
# user's names, and nothing else: every other ASCII word in a zh widget is a missed text.
CODE_WORDS = {
    "grad_fn", "AccumulateGrad", "requires_grad", "no_grad", "max_nodes", "dtype", ".grad",
    "None", "True", "False", "NaN", "Inf", "backward", "torch.set_grad_enabled", "float32",
    "torch.float32", "SVG", "PNG", "Graphviz", "Autograd", "autograd", "Tab", "Enter",
    "Escape", "x", "out", "cube", "tensor",
}  # fmt: skip
CODE_PATTERN = re.compile(r"^[A-Z][A-Za-z]*Backward\d*$|^e[+-]\d+$")

# Every text node, title, aria-label and placeholder under the widgets' roots.
TEXTS = """(roots) => {
  const out = [];
  for (const root of document.querySelectorAll(roots)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) out.push(walker.currentNode.textContent);
    for (const el of [root, ...root.querySelectorAll('*')])
      for (const a of ['title', 'aria-label', 'placeholder'])
        if (el.getAttribute(a)) out.push(el.getAttribute(a));
  }
  return out;
}"""


def english_words(texts: list[str]) -> set[str]:
    words = set()
    for text in texts:
        for word in re.findall(r"\.?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*", text):
            if word not in CODE_WORDS and not CODE_PATTERN.match(word):
                words.add(word)
    return words


def _run_all_widgets(lab, page):
    lab.run_cell(page, 0)
    page.wait_for_selector(RENDERED)
    lab.run_cell(page, 1)  # backward: the leaf's grad and the "ran #k" marks are drawn
    page.wait_for_function(
        "() => document.querySelectorAll('.aw-graph g.node.aw-exec').length > 0", timeout=30_000
    )
    page.wait_for_selector(RENDERED)
    for i in (2, 3, 4, 5):
        lab.run_cell(page, i)
    page.wait_for_selector(".aw-toggle[data-pending='false'][data-enabled='false']")
    page.wait_for_selector(".aw-tensor .aw-tv-slice")
    page.wait_for_selector(".aw-tensor .aw-tv-pager")


def test_every_widget_in_a_zh_notebook_speaks_chinese_only(lab, lab_page):
    page = lab_page
    name = lab.write_notebook("language_all_zh.ipynb", ALL_WIDGETS)
    path = lab.root / name
    nb = nbformat.read(path, as_version=4)
    nb.metadata["autograd_widgets"] = {"lang": "zh"}
    nbformat.write(nb, path)
    lab.open(page, name)
    _run_all_widgets(lab, page)

    toggle = page.locator(".aw-toggle")
    assert toggle.locator("button").inner_text().split() == ["梯度模式", "关"]
    assert "现在创建的张量不会有 grad_fn" in toggle.inner_text()
    assert "torch.set_grad_enabled(True)" in toggle.locator("button").get_attribute("title")
    views = page.locator(".aw-tensor")
    cube, x = views.nth(0), views.nth(1)
    assert "形状 [2, 3, 4]" in cube.locator(".aw-tv-meta").inner_text()
    assert cube.locator(".aw-tv-slice span").first.inner_text() == "切片"
    assert "第 0–1 行，共 3 行" in cube.locator(".aw-tv-pager").inner_text()
    assert "数值" in cube.locator("figcaption").first.inner_text()
    assert "None（请先运行 backward()）" in cube.locator(".aw-tv-grad").inner_text()
    assert "最小" in x.locator(".aw-tv-stats").first.inner_text()
    node_text = " ".join(page.locator(".aw-graph svg text").all_text_contents())
    assert "梯度 [2., 2.]" in node_text and "第 1 个执行" in node_text, node_text

    texts = page.evaluate(TEXTS, ".aw-graph, .aw-toggle, .aw-tensor")
    assert len(texts) > 50
    assert english_words(texts) == set(), english_words(texts)
    assert english_words(["grad mode off", "MulBackward0 (2,) torch.float32"]) == {
        "grad",
        "mode",
        "off",
    }  # the check can fail
    lab.run_cell(page, 6)
    assert lab.output_text(page, 6).strip() == "zh zh zh zh"
    assert not page.aw_errors, page.aw_errors


def _put_setting(lab, plugin: str, raw: dict) -> None:
    request = urllib.request.Request(
        f"{lab.url}/lab/api/settings/{plugin}?token={lab.token}",
        data=json.dumps({"raw": json.dumps(raw)}).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status in (200, 204)


def test_jupyterlab_language_setting_makes_unchosen_widgets_chinese(lab, lab_page):
    """JupyterLab's language setting (Settings > Language, here through the settings
    API as the menu stores it): JupyterLab writes it into <html lang> even without a
    language pack installed; widgets whose language nothing chose follow it and tell
    the kernel; a widget given ``language="en"`` stays English."""
    page = lab_page
    cells = [*ALL_WIDGETS, "e = torch.draw(out, language='en')\ne", "print(e.language)"]
    name = lab.write_notebook("language_lab_setting.ipynb", cells)
    plugin = "@jupyterlab/translation-extension:plugin"
    _put_setting(lab, plugin, {"locale": "zh_CN"})
    try:
        lab.open(page, name)
        assert page.evaluate("() => document.documentElement.lang") == "zh-CN"
        _run_all_widgets(lab, page)
        assert page.locator(".aw-graph .aw-zoom-in").first.get_attribute("title") == "放大"
        assert page.locator(".aw-toggle button").inner_text().split() == ["梯度模式", "关"]
        assert "形状" in page.locator(".aw-tensor .aw-tv-meta").first.inner_text()
        texts = page.evaluate(TEXTS, ".aw-graph, .aw-toggle, .aw-tensor")
        assert english_words(texts) == set(), english_words(texts)
        lab.run_cell(page, 6)
        assert lab.output_text(page, 6).strip() == "zh zh zh zh"
        lab.run_cell(page, 7)
        english = lab.cell(page, 7).locator(RENDERED)
        english.wait_for()
        assert english.locator(".aw-zoom-in").get_attribute("title") == "Zoom in"
        lab.run_cell(page, 8)
        assert lab.output_text(page, 8).strip() == "en"
    finally:
        _put_setting(lab, plugin, {})
    assert not page.aw_errors, page.aw_errors
