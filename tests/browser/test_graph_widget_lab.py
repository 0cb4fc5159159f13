"""``torch.draw`` end to end: real tensors, a real kernel, JupyterLab, Chromium."""

from __future__ import annotations

import json

RENDERED = ".aw-graph[data-status='rendered']"

TUTORIAL = [
    # the autograd tutorial's first example, with `y ** 2` so PowBackward0 appears
    "import autograd_widgets as torch\n"
    "x = torch.ones(2, 2, requires_grad=True)\n"
    "y = x + 2\n"
    "z = y ** 2 * 3\n"
    "out = z.mean()\n"
    "w = torch.draw(out)\n"
    "w",
    "out.backward()",
    "print('selected:', repr(w.selected))",
    "w.selected = [n['id'] for n in w.graph['nodes'] if n['label'] == 'MeanBackward0'][0]",
]


def svg_texts(page, root: str = ".aw-graph") -> list[str]:
    return page.eval_on_selector_all(f"{root} g.node text", "els => els.map(e => e.textContent)")


def wait_for_text(page, fragment: str, root: str = ".aw-graph") -> None:
    page.wait_for_function(
        """([root, frag]) => [...document.querySelectorAll(root + ' g.node text')]
            .some((t) => t.textContent.includes(frag))""",
        arg=[root, fragment],
        timeout=30_000,
    )


def test_tutorial_graph_backward_click_and_themes(lab, lab_page):
    page = lab_page
    name = lab.write_notebook("tutorial.ipynb", TUTORIAL)
    lab.open(page, name)
    lab.run_cell(page, 0)
    page.wait_for_selector(RENDERED)
    texts = " ".join(svg_texts(page))
    for op in ("PowBackward0", "MulBackward0", "MeanBackward0", "AddBackward0", "AccumulateGrad"):
        assert op in texts, texts
    assert "4.5" not in texts

    # backward in a later cell: the widget already on screen shows the leaf's grad
    lab.run_cell(page, 1)
    wait_for_text(page, "4.5000")
    # The leaf's grad (grad_accumulated) and the pass counter (backward_end) may arrive in
    # two throttled updates, ~100 ms apart: wait for the second.
    page.wait_for_function(
        "() => document.querySelector('.aw-graph .aw-passes')?.textContent"
        ".includes('backward passes: 1')",
        timeout=10_000,
    )
    assert page.locator(".aw-graph g.node.aw-exec").count() >= 5

    # click a node: the details panel opens and the kernel's `selected` follows
    pow_node = page.locator(".aw-graph g.node", has_text="PowBackward0")
    node_id = pow_node.get_attribute("data-node-id")
    pow_node.click()
    details = page.locator(".aw-graph .aw-details")
    details.wait_for(state="visible")
    assert "PowBackward0" in details.locator("h3").inner_text()
    assert "_saved_self" in details.inner_text() or "saved" in details.inner_text()
    lab.run_cell(page, 2)
    assert f"selected: {node_id!r}" in lab.output_text(page, 2)
    # ancestors/descendants stay lit, the rest fades
    assert page.locator(".aw-graph svg.aw-has-sel g.node.aw-lit").count() >= 4

    # and the other way: Python selects, the panel follows
    lab.run_cell(page, 3)
    page.wait_for_function(
        "() => document.querySelector('.aw-graph .aw-details h3')?.textContent.includes('MeanBackward0')"
    )

    # for the README: the whole graph, the leaf selected (its grad in the panel)
    graph = page.locator(".aw-graph")
    graph.locator(".aw-fit").click()
    graph.locator("g.node.aw-k-leaf").click()
    assert "4.5000" in graph.locator(".aw-details").inner_text()
    graph.locator(".aw-fit").click()
    page.mouse.move(0, 0)
    page.wait_for_timeout(200)
    lab.screenshot(graph, "graph-light.png")
    light_bg = graph.evaluate("e => getComputedStyle(e).backgroundColor")
    lab.set_theme(page, "JupyterLab Dark")
    dark_bg = graph.evaluate("e => getComputedStyle(e).backgroundColor")
    assert light_bg != dark_bg
    lab.screenshot(graph, "graph-dark.png")
    lab.set_theme(page, "JupyterLab Light")
    assert not [e for e in page.aw_errors if "aw-" in e or "autograd" in e.lower()]


def test_toolbar_search_toggles_and_keyboard(lab, lab_page):
    page = lab_page
    name = lab.write_notebook("toolbar.ipynb", [TUTORIAL[0], "print(w.rankdir, w.show_saved)"])
    lab.open(page, name)
    lab.run_cell(page, 0)
    page.wait_for_selector(RENDERED)
    root = page.locator(".aw-graph")
    # search highlights matches
    root.locator(".aw-search").fill("PowBack")
    assert root.locator("g.node.aw-match").count() == 1
    root.locator(".aw-search").fill("")
    assert root.locator("g.node.aw-match").count() == 0
    # direction and saved-tensor toggles round-trip through the kernel
    root.locator(".aw-rankdir").select_option("LR")
    page.wait_for_function(
        "() => document.querySelector('.aw-graph').dataset.status === 'rendered'"
    )
    root.locator(".aw-toggle-saved").uncheck()
    page.wait_for_timeout(300)
    page.wait_for_selector(RENDERED)
    lab.run_cell(page, 1)
    assert "LR False" in lab.output_text(page, 1)
    # keyboard: focus a node, Enter selects it, Escape clears
    first = root.locator("g.node[data-node-id]").first
    first.focus()
    page.keyboard.press("Enter")
    root.locator(".aw-details").wait_for(state="visible")
    page.keyboard.press("Escape")
    root.locator(".aw-details").wait_for(state="hidden")
    # zoom buttons change the pan/zoom transform; fit restores it
    get_view = "() => { const g = document.querySelector('.aw-graph g.svg-pan-zoom_viewport'); return (g.getAttribute('transform') || '') + (g.getAttribute('style') || ''); }"
    before = page.evaluate(get_view)
    root.locator(".aw-zoom-in").click()
    # svg-pan-zoom applies the new matrix on the next animation frame
    page.wait_for_function(f"(b) => ({get_view})() !== b", arg=before, timeout=5_000)
    root.locator(".aw-fit").click()
    # export SVG downloads the drawing
    with page.expect_download() as dl:
        root.locator(".aw-export-svg").click()
    assert dl.value.suggested_filename.endswith(".svg")


def test_twenty_widgets_share_one_graphviz(lab, lab_page):
    """Graphviz (~0.8 MB) crosses the wire once per page, not once per widget."""
    page = lab_page
    frames: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(len(f))))
    cells = [
        "import json\n"
        "from autograd_widgets.widgets import GraphWidget\n"
        "from IPython.display import display\n"
        f"g = json.loads({json.dumps(json.dumps(_graph50()))})\n"
        "ws = [GraphWidget(graph=g) for _ in range(20)]\n"
        "for w in ws:\n"
        "    display(w)",
        "print('assets sent', sum(w.stats['assets_sent'] for w in ws))",
    ]
    name = lab.write_notebook("twenty.ipynb", cells)
    lab.open(page, name)
    start_count = len(frames)
    lab.run_cell(page, 0)
    page.wait_for_function(
        "() => document.querySelectorAll(\".aw-graph[data-status='rendered']\").length === 20",
        timeout=60_000,
    )
    received = frames[start_count:]
    total = sum(received)
    lab.run_cell(page, 1)
    assert "assets sent 1" in lab.output_text(page, 1)
    keys = page.evaluate("() => Object.keys(window.__autograd_widgets_graph__.assets)")
    assert len(keys) == 1
    assets = max(received)  # the one message with the view and the Graphviz worker
    assert assets > 700_000 and sorted(received)[-2] < 100_000
    per_widget = (total - assets) / 20
    print(
        f"20 widgets of 50 nodes: {total} bytes received, assets {assets} once, "
        f"~{per_widget:.0f} bytes per widget (incl. the static SVG fallback)"
    )
    assert per_widget < 50_000


def _graph50() -> dict:
    from tests.browser.graphs import big_graph

    return big_graph(50)


def test_live_loop_updates_while_the_cell_runs(lab, lab_page):
    """A loop in one cell: the widget drawn before it updates while the cell runs
    (throttled), and the last state arrives."""
    page = lab_page
    cells = [
        TUTORIAL[0],
        "import time\n"
        "for step in range(30):\n"
        "    loss = (((x + 2) ** 2) * 3).mean()\n"
        "    loss.backward()  # accumulates 4.5 into x.grad each time\n"
        "    time.sleep(0.05)\n",
    ]
    name = lab.write_notebook("loop.ipynb", cells)
    lab.open(page, name)
    lab.run_cell(page, 0)
    page.wait_for_selector(RENDERED)
    page.evaluate(
        """() => {
            window.__awSeen = new Set();
            window.__awPoll = setInterval(() => {
                for (const t of document.querySelectorAll('.aw-graph g.node text'))
                    if (t.textContent.startsWith('grad ')) window.__awSeen.add(t.textContent);
            }, 30);
        }"""
    )
    lab.run_cell(page, 1)
    wait_for_text(page, "[[135., 135.]")  # 30 x 4.5: the last state is delivered
    seen = page.evaluate("() => { clearInterval(window.__awPoll); return [...window.__awSeen]; }")
    print(f"distinct grads seen during the loop: {len(seen)}")
    assert len(seen) >= 3  # it updated while the cell ran, not only at the end


def test_first_widget_renders_while_its_cell_still_runs(lab, lab_page):
    """The kernel sends the view and Graphviz with its first graph widget, unasked: the
    page need not wait for the kernel to be idle to answer a request for them."""
    page = lab_page
    cells = [
        "import time\n"
        "import autograd_widgets as torch\n"
        "from IPython.display import display\n"
        "x = torch.ones(2, requires_grad=True)\n"
        "out = (x * 3).sum()\n"
        "display(torch.draw(out))\n"
        "time.sleep(20)  # e.g. a training loop\n"
        "print('done')",
    ]
    name = lab.write_notebook("first_while_busy.ipynb", cells)
    lab.open(page, name)
    lab.cell(page, 0).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(RENDERED, timeout=15_000)
    prompt = lab.cell(page, 0).locator(".jp-InputArea-prompt").text_content() or ""
    assert "*" in prompt  # the cell is still running
    assert "MulBackward0" in " ".join(svg_texts(page))
    lab.wait_idle(page, timeout=60_000)
