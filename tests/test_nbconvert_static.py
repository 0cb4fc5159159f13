"""A notebook exported with nbconvert shows the graph as a static SVG (no kernel, no JS).

JupyterLab saves notebooks without widget state by default; nbconvert then skips
the widget view and renders the next richest output, the SVG that
``GraphWidget._repr_mimebundle_`` adds (drawn by a ``dot`` binary).
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
nbconvert = pytest.importorskip("nbconvert")


def test_exported_html_shows_the_graph_as_svg(tmp_path, monkeypatch):
    if shutil.which("dot") is None:
        if os.environ.get("AUTOGRAD_WIDGETS_REQUIRE_DOT", "") not in ("", "0"):
            pytest.fail("no `dot` on PATH: static SVG needs Graphviz")
        pytest.skip("no `dot` on PATH")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import autograd_widgets as torch\n"
            "x = torch.ones(2, 2, requires_grad=True)\n"
            "out = ((x ** 2) * 3).mean()\n"
            "torch.draw(out)"
        )
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    # store_widget_state=False: as JupyterLab saves a notebook by default
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", store_widget_state=False
    )
    client.execute()
    html, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    images = re.findall(
        r'data-mime-type="image/svg\+xml"[^>]*>\s*<img[^>]*src="data:image/svg\+xml;base64,([^"]+)"',
        html,
    )
    assert len(images) == 1, "the graph is not in the HTML as an SVG image"
    svg = base64.b64decode(images[0]).decode("utf-8")
    assert svg.lstrip().startswith(("<svg", "<?xml"))
    for label in ("MeanBackward0", "MulBackward0", "PowBackward0"):
        assert label in svg, label
    assert "application/vnd.jupyter.widget-view+json" not in html  # no dead widget placeholder
