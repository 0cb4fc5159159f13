"""The graph widget in a real JupyterLab, fed hand-written graphs (no tensor core needed)."""

from __future__ import annotations

import json

from tests.browser.graphs import big_graph, example_graph

RENDERED = ".aw-graph[data-status='rendered']"


def svg_texts(page, root: str = ".aw-graph") -> list[str]:
    return page.eval_on_selector_all(f"{root} g.node text", "els => els.map(e => e.textContent)")


def _graph_cell(var: str, graph: dict, **opts: object) -> str:
    args = "".join(f", {k}={v!r}" for k, v in opts.items())
    return (
        "import json\n"
        "from autograd_widgets.widgets import GraphWidget\n"
        f"{var} = GraphWidget(graph=json.loads({json.dumps(graph)!r}){args})\n"
        f"{var}"
    )


def test_fixture_graph_renders_and_updates(lab, lab_page):
    page = lab_page
    after = example_graph(grad="tensor([[1.5000, 1.5000],\n        [1.5000, 1.5000]])")
    name = lab.write_notebook(
        "fixture.ipynb",
        [_graph_cell("w", example_graph()), f"w.update_graph(json.loads({json.dumps(after)!r}))"],
    )
    lab.open(page, name)
    lab.run_cell(page, 0)
    page.wait_for_selector(RENDERED)
    texts = svg_texts(page)
    for label in ("PowBackward0", "MulBackward0", "MeanBackward0", "x (2, 2)", "AccumulateGrad"):
        assert label in texts
    assert page.locator(".aw-graph g.node[data-node-id]").count() == 6
    lab.run_cell(page, 1)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.aw-graph g.node text')].some(t => t.textContent.includes('1.5000'))"
    )
    assert "backward passes: 1" in page.locator(".aw-passes").inner_text()
    page.locator(".aw-graph g.node[data-node-id=n3]").click()
    page.wait_for_selector(".aw-details:not([hidden])")
    lab.screenshot(page.locator(".aw-graph"), "fixture-graph.png")
    assert not [e for e in page.aw_errors if "autograd" in e.lower()]


def test_thousand_nodes_stay_responsive(lab, lab_page):
    page = lab_page
    name = lab.write_notebook("big.ipynb", [_graph_cell("big", big_graph(1000))])
    lab.open(page, name)
    # watch the main thread: the longest gap between animation frames while the graph lays out
    page.evaluate(
        """() => {
            window.__awGaps = [];
            let last = performance.now();
            const tick = (t) => { window.__awGaps.push(t - last); last = t; if (!window.__awStop) requestAnimationFrame(tick); };
            requestAnimationFrame(tick);
        }"""
    )
    lab.run_cell(page, 0)
    page.wait_for_selector(".aw-graph[data-status='layout'], .aw-graph[data-status='rendered']")
    # a click while laying out is handled at once (the search box takes focus and text)
    page.locator(".aw-graph .aw-search").click()
    page.keyboard.type("Tanh")
    assert page.locator(".aw-graph .aw-search").input_value() == "Tanh"
    page.wait_for_selector(RENDERED, timeout=60_000)
    page.evaluate("() => { window.__awStop = true; }")
    gaps = page.evaluate("() => window.__awGaps")
    assert page.locator(".aw-graph g.node[data-node-id]").count() == 1000
    layout_ms = int(page.get_attribute(".aw-graph", "data-layout-ms"))
    render_ms = int(page.get_attribute(".aw-graph", "data-render-ms"))
    install_ms = int(page.get_attribute(".aw-graph", "data-install-ms"))
    print(
        f"1000 nodes: layout {layout_ms} ms in the worker, {render_ms} ms to SVG, {install_ms} ms on the main thread; longest frame gap {max(gaps):.0f} ms"
    )
    # search found the TanhBackward0 nodes
    assert page.locator(".aw-graph g.node.aw-match").count() > 100
    # fitted to the view, 1,000 nodes are a pixel or two each: search, Enter
    # centres the first match, zoom in, then click it with the mouse
    search = page.locator(".aw-graph .aw-search")
    search.fill("MulBackward0")
    search.press("Enter")
    first = page.eval_on_selector(".aw-details", "e => e.dataset.nodeId")
    for _ in range(10):
        page.locator(".aw-graph .aw-zoom-in").click()
    page.locator(".aw-graph .aw-details button[aria-label='Close details']").click()
    page.locator(f".aw-graph g.node[data-node-id='{first}']").click()
    page.wait_for_selector(f".aw-details[data-node-id='{first}']:not([hidden])")
    assert "MulBackward0" in page.locator(".aw-details h3").inner_text()
    lab.screenshot(page.locator(".aw-graph"), "graph-1000.png")
