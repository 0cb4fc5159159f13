"""``aw.draw`` on real torch tensors, live in JupyterLab: a later ``backward()`` shows up."""

from __future__ import annotations

import pytest

from tests._oracle import require_torch
from tests.browser.test_graph_widget_lab import RENDERED, svg_texts, wait_for_text

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
    "print('modes left:', len(stack()))",
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

    lab.run_cell(page, 2)
    assert "modes left: 0" in lab.output_text(page, 2)
    assert not [e for e in page.aw_errors if "aw-" in e or "autograd" in e.lower()]
