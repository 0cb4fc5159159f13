"""The graph view on a bare page (no JupyterLab), issue 12: SVG is sanitized,
control characters in names are drawn and exported, export errors are shown."""

from __future__ import annotations

from autograd_widgets.widgets._limits import MAX_DRAWN_NODES
from tests.browser.conftest import STATIC, _ensure_frontend
from tests.browser.graphs import chain_graph, example_graph

# the view, with the real layout worker, or a fake one that returns `svg`
MOUNT = """async ([view, worker, graph, svg]) => {
  const mod = await import(URL.createObjectURL(new Blob([view], {type: 'text/javascript'})));
  const real = new mod.LayoutClient(URL.createObjectURL(new Blob([worker], {type: 'text/javascript'})));
  window.__layout = real;
  const layout = svg === null ? real : { layout: async () => ({ svg, ms: 1 }) };
  const state = {graph, _rev: 1, selected: null, show_saved: true, show_values: false, rankdir: 'TB'};
  const model = {get: (k) => state[k], set: (k, v) => { state[k] = v; }, save_changes() {}, on() {}, off() {}, send() {}};
  const store = {graph, rev: 1, subscribe() { return () => {}; }};
  window.__cleanup = mod.render({model, el: document.getElementById('host'), layout, store, styleKey: 't'});
}"""

HOSTILE_SVG = """<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 200 100" onload="window.__aw_xss = 'svg onload'">
 <script>window.__aw_xss = 'script'</script>
 <g id="t-n0" class="node" onmouseover="window.__aw_xss = 'hover'">
  <title>n0</title>
  <ellipse cx="50" cy="50" rx="40" ry="20" fill="url(javascript:alert(1))"/>
  <text x="50" y="50">&lt;img src=x onerror="window.__aw_xss = 'text'"&gt;</text>
  <a xlink:href="javascript:window.__aw_xss = 'link'"><text x="1" y="1">click</text></a>
  <foreignObject width="10" height="10"><img xmlns="http://www.w3.org/1999/xhtml" src="x"
     onerror="window.__aw_xss = 'foreign img'"/></foreignObject>
  <image href="x" onerror="window.__aw_xss = 'image'"/>
  <animate attributeName="fill" to="red" onbegin="window.__aw_xss = 'animate'"/>
 </g>
</svg>"""


def _mount(page, graph, svg=None) -> None:
    _ensure_frontend()
    view = (STATIC / "graph_view.js").read_text()
    worker = (STATIC / "graph_layout_worker.js").read_text()
    page.set_content("<div id=host style='width:900px'></div>")
    page.evaluate(MOUNT, [view, worker, graph, svg])


def test_hostile_svg_is_reduced_to_plain_graph_elements(page):
    _mount(page, example_graph(), HOSTILE_SVG)
    page.wait_for_selector(".aw-graph[data-status='rendered']")
    page.dispatch_event(".aw-canvas g.node", "mouseover")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__aw_xss") is None
    svg = page.locator(".aw-canvas svg")
    tags = svg.evaluate("s => [...s.querySelectorAll('*')].map(e => e.localName)")
    assert set(tags) <= {"g", "ellipse", "text", "polygon", "path"}, tags
    attrs = svg.evaluate(
        "s => [s, ...s.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))"
    )
    assert not [a for a in attrs if a.startswith("on") or "href" in a], attrs
    assert page.locator(".aw-canvas svg ellipse").get_attribute("fill") is None
    assert "onerror" in svg.inner_html()  # the label's text, escaped
    assert svg.evaluate("s => s.namespaceURI") == "http://www.w3.org/2000/svg"


def test_control_characters_in_names_render_and_export_as_png(page):
    graph = example_graph()
    graph["nodes"][4]["name"] = "x\x00y\x01z"
    graph["nodes"][0]["name"] = "out\x1b[0m"
    _mount(page, graph)
    page.wait_for_selector(".aw-graph[data-status='rendered']", timeout=60_000)
    texts = page.eval_on_selector_all(".aw-graph g.node text", "els => els.map(e => e.textContent)")
    assert any("x\u2400y\u2401z" in t for t in texts), texts
    assert any("out\u241b[0m" in t for t in texts), texts
    with page.expect_download() as info:
        page.click(".aw-export-png")
    assert info.value.suggested_filename == "autograd-graph.png"
    page.wait_for_selector(".aw-graph[data-export='done']")
    assert page.locator(".aw-export-error").is_hidden()


def test_a_failed_export_says_so(page):
    _mount(page, example_graph())
    page.wait_for_selector(".aw-graph[data-status='rendered']", timeout=60_000)
    # a browser that cannot rasterise the SVG (as an invalid SVG used to make it)
    page.evaluate(
        """() => { window.Image = class { set src(v) { setTimeout(() => this.onerror(), 0); } }; }"""
    )
    page.click(".aw-export-png")
    page.wait_for_selector(".aw-graph[data-export='error']")
    msg = page.locator(".aw-export-error")
    assert msg.is_visible() and "export failed: could not rasterise the SVG" in msg.inner_text()


def test_the_truncation_notice_is_shown_once(page):
    graph = example_graph()
    graph["truncated"] = 29
    graph["notice"] = "29 nodes not shown (max_nodes=6)"
    _mount(page, graph)
    page.wait_for_selector(".aw-graph[data-status='rendered']", timeout=60_000)
    assert page.locator(".aw-notice").first.inner_text() == "29 nodes not shown (max_nodes=6)"
    graph["notice"] = None  # a hand-made graph without a notice still says it
    _mount(page, graph)
    page.wait_for_selector(".aw-graph[data-status='rendered']", timeout=60_000)
    assert page.locator(".aw-notice").first.inner_text() == "29 nodes not shown (max_nodes)"


def test_a_chain_at_the_max_nodes_cap_lays_out_and_a_deeper_one_fails_cleanly(page):
    """The cap is where Graphviz's WebAssembly still lays out the deepest graph; past
    it the layout fails with a stack overflow and the next layout still works."""
    _mount(page, chain_graph(MAX_DRAWN_NODES))
    page.wait_for_selector(".aw-graph[data-status='rendered']", timeout=300_000)
    assert page.locator(".aw-graph g.node").count() == MAX_DRAWN_NODES
    _mount(page, chain_graph(8000))
    page.wait_for_selector(".aw-graph[data-status='error']", timeout=300_000)
    message = page.locator(".aw-message").inner_text()
    assert "Maximum call stack size exceeded" in message, message
    assert "draw fewer nodes (a smaller max_nodes" in message
    ok = page.evaluate(
        "() => window.__layout.layout('digraph { a -> b }').then((r) => r.svg.includes('<svg'))"
    )
    assert ok is True
