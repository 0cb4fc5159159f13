"""Benchmarks in a real JupyterLab (run with ``-m browser``; numbers printed and
saved to ``test-artifacts/graph-speed.json``): time from the kernel sending a
graph to its SVG being on screen, for 10 to 2,000 nodes."""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import ARTIFACTS

SIZES = (10, 100, 1000, 2000)


@pytest.mark.slow
def test_time_to_svg(lab, lab_page):
    page = lab_page
    cells = [
        "import json, time\n"
        "from IPython.display import display\n"
        "from autograd_widgets.widgets import GraphWidget\n"
        "from tests.browser.graphs import big_graph\n"
        "sent = {}\n"
        "warm = GraphWidget(graph=big_graph(5))  # loads Graphviz into the page first\n"
        "warm",
    ]
    for n in SIZES:
        cells.append(
            f"g = big_graph({n})\n"
            f"w{n} = GraphWidget(graph=g, max_nodes=5000)\n"
            f"sent[{n}] = time.time() * 1000\n"
            f"display(w{n})"
        )
    cells.append("print(json.dumps(sent))")
    name = lab.write_notebook("speed.ipynb", cells)
    lab.open(page, name)
    lab.run_cell(page, 0)
    page.wait_for_selector(".aw-graph[data-status='rendered']")
    results = {}
    for i, n in enumerate(SIZES, start=1):
        lab.run_cell(page, i)
        root = page.locator(".aw-graph").nth(i)
        root.locator("xpath=self::*[@data-status='rendered']").wait_for(timeout=120_000)
        results[n] = {
            "rendered_at": int(root.get_attribute("data-rendered-at")),
            "layout_ms": int(root.get_attribute("data-layout-ms")),
            "main_thread_ms": int(root.get_attribute("data-install-ms")),
        }
    lab.run_cell(page, len(SIZES) + 1)
    out = lab.output_text(page, len(SIZES) + 1)
    sent = {int(k): v for k, v in json.loads(out.strip().splitlines()[-1]).items()}
    for n in SIZES:
        results[n]["kernel_to_svg_ms"] = round(results[n]["rendered_at"] - sent[n])
        del results[n]["rendered_at"]
        print(f"{n:>5} nodes: {results[n]}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "graph-speed.json").write_text(json.dumps(results, indent=2))
    assert results[1000]["kernel_to_svg_ms"] < 10_000
