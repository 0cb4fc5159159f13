"""``aw.draw`` on real torch tensors, live in JupyterLab: a later ``backward()`` shows up."""

from __future__ import annotations

import pytest

from tests._oracle import require_torch
from tests.browser.test_graph_widget_lab import RENDERED, svg_texts, wait_for_text
from tests.browser.test_timeline_lab import wait_graph

pytestmark = [pytest.mark.browser, pytest.mark.oracle]

SEED = [
    "import torch\n"
    "import autograd_widgets as aw\n"
    "x = torch.ones(2, 2, requires_grad=True)\n"
    "out = ((x**2)*3).mean()\n"
    "w = aw.draw(out)\n"
    "w",
    "out.backward()",
    "from torch.overrides import _get_current_function_mode_stack as stack\n"
    "w.close()\n"
    "print('modes left:', sum(type(m).__name__ == '_LiveMode' for m in stack()))",
]


def test_seed_on_real_torch_shows_grad_and_order_without_refresh(lab, lab_page):
    require_torch()
    page = lab_page
    name = lab.write_notebook("torch_live.ipynb", SEED)
    lab.open(page, name)
    lab.run_cell(page, 0)
    page.wait_for_selector(RENDERED)
    texts = " ".join(svg_texts(page))
    for op in ("PowBackward0", "MulBackward0", "MeanBackward0", "AccumulateGrad"):
        assert op in texts, texts
    assert "1.5000" not in texts

    lab.run_cell(page, 1)  # no refresh(): PyTorch's hooks tell the widget
    wait_for_text(page, "1.5000")
    page.wait_for_function(
        "() => document.querySelector('.aw-graph .aw-passes')?.textContent"
        ".includes('backward passes: 1')",
        timeout=10_000,
    )
    assert page.locator(".aw-graph g.node.aw-exec").count() >= 4
    lab.screenshot(page.locator(".aw-graph"), "torch-live.png")

    # the timeline, as on our tensors: drawn, then the backward pass
    bar = page.locator(".aw-graph .aw-timeline")
    page.wait_for_function(
        "() => document.querySelector('.aw-graph .aw-timeline')?.dataset.count === '2'",
        timeout=10_000,
    )
    page.locator(".aw-graph .aw-tl-prev").click()  # as drawn: no .grad yet
    wait_graph(page, 0, "!t.includes('1.5000')")
    page.locator(".aw-graph .aw-tl-live").click()
    wait_graph(page, 0, "t.includes('1.5000')")
    assert bar.get_attribute("data-count") == "2"

    lab.run_cell(page, 2)
    assert "modes left: 0" in lab.output_text(page, 2)
    assert not [e for e in page.aw_errors if "aw-" in e or "autograd" in e.lower()]


COMPARE = [
    "%load_ext autograd_widgets\nimport autograd_widgets as torch",
    "%%compare_torch\nx = torch.ones(2, 2, requires_grad=True)\nout = ((x**2)*3).mean()\nout",
    "%%compare_torch\nout.backward()\nprint(x.grad)",
    "%%compare_torch\ny = (x * (2 if torch.__name__ == 'autograd_widgets' else 3)).sum()\nprint(y)",
]


def test_compare_torch_magic_in_jupyterlab(lab, lab_page):
    require_torch()
    page = lab_page
    name = lab.write_notebook("compare_torch.ipynb", COMPARE)
    lab.open(page, name)
    for i in range(len(COMPARE)):
        lab.run_cell(page, i)
    assert "compare_torch: no differences" in lab.output_text(page, 1)
    second = lab.output_text(page, 2)
    assert "compare_torch: no differences" in second
    assert "tensor([[1.5000, 1.5000]," in second  # the cell's own output is shown too
    third = lab.output_text(page, 3)
    assert "compare_torch: 2 difference(s)" in third, third
    assert "tensor(8., grad_fn=<SumBackward0>)" in third
    assert "tensor(12., grad_fn=<SumBackward0>)" in third
    lab.screenshot(page.locator(".jp-Cell").nth(3), "compare-torch.png")
