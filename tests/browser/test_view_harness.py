"""The view module on a bare page (no JupyterLab): failure paths that are hard
to provoke through a kernel."""

from __future__ import annotations

from tests.browser.conftest import STATIC, _ensure_frontend
from tests.browser.graphs import big_graph, example_graph

MOUNT = """async ([view, worker, graph, failing]) => {
  const mod = await import(URL.createObjectURL(new Blob([view], {type: 'text/javascript'})));
  const real = new mod.LayoutClient(URL.createObjectURL(new Blob([worker], {type: 'text/javascript'})));
  window.__layout = real;
  window.__dots = [];
  const layout = failing === 'budget'
    ? { layout: (dot) => { window.__dots.push(dot);  // as if concentrate=true broke Graphviz
        return dot.includes('concentrate') ? Promise.reject(new Error('lost edge (simulated)')) : real.layout(dot); } }
    : failing ? { layout: () => Promise.reject(new Error('out of memory (simulated)')) } : real;
  const state = {graph, _rev: 1, selected: null, show_saved: true, show_values: false, rankdir: 'TB'};
  const model = {get: (k) => state[k], set: (k, v) => { state[k] = v; }, save_changes() {}, on() {}, off() {}, send() {}};
  const store = {graph, rev: 1, subscribe() { return () => {}; }};
  window.__cleanup = mod.render({model, el: document.getElementById('host'), layout, store, styleKey: 't'});
}"""


def _mount(page, failing: bool | str, graph=None) -> None:
    _ensure_frontend()
    view = (STATIC / "graph_view.js").read_text()
    worker = (STATIC / "graph_layout_worker.js").read_text()
    page.set_content("<div id=host style='width:900px'></div>")
    page.evaluate(MOUNT, [view, worker, graph or example_graph(), failing])


def test_failed_layout_is_shown_in_the_widget(page):
    _mount(page, failing=True)
    page.wait_for_selector(".aw-graph[data-status='error']")
    assert "out of memory (simulated)" in page.locator(".aw-message").inner_text()


def test_worker_recovers_after_bad_dot_and_cleanup_empties_the_view(page):
    _mount(page, failing=False)
    page.wait_for_selector(".aw-graph[data-status='rendered']")
    err = page.evaluate(
        "() => window.__layout.layout('digraph { a -> ').then(() => 'ok', (e) => e.message)"
    )
    assert err != "ok"
    ok = page.evaluate(
        "() => window.__layout.layout('digraph { a -> b }').then((r) => r.svg.includes('<svg'))"
    )
    assert ok is True
    page.evaluate("() => window.__cleanup()")
    assert page.locator("#host").inner_html() == ""


def test_big_graph_falls_back_to_a_layout_without_the_budget(page):
    _mount(page, failing="budget", graph=big_graph(200))
    page.wait_for_selector(".aw-graph[data-status='rendered']", timeout=60_000)
    dots = page.evaluate("() => window.__dots")
    assert len(dots) == 2 and "concentrate" in dots[0] and "concentrate" not in dots[1]
    assert page.locator(".aw-graph g.node").count() == 200
