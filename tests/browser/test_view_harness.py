"""The view module on a bare page (no JupyterLab): failure paths that are hard
to provoke through a kernel."""

from __future__ import annotations

from tests.browser.conftest import STATIC, _ensure_frontend
from tests.browser.graphs import example_graph

MOUNT = """async ([view, worker, graph, failing]) => {
  const mod = await import(URL.createObjectURL(new Blob([view], {type: 'text/javascript'})));
  const real = new mod.LayoutClient(URL.createObjectURL(new Blob([worker], {type: 'text/javascript'})));
  window.__layout = real;
  const layout = failing ? { layout: () => Promise.reject(new Error('out of memory (simulated)')) } : real;
  const state = {graph, _rev: 1, selected: null, show_saved: true, show_values: false, rankdir: 'TB'};
  const model = {get: (k) => state[k], set: (k, v) => { state[k] = v; }, save_changes() {}, on() {}, off() {}, send() {}};
  const store = {graph, rev: 1, subscribe() { return () => {}; }};
  window.__cleanup = mod.render({model, el: document.getElementById('host'), layout, store, styleKey: 't'});
}"""


def _mount(page, failing: bool) -> None:
    _ensure_frontend()
    view = (STATIC / "graph_view.js").read_text()
    worker = (STATIC / "graph_layout_worker.js").read_text()
    page.set_content("<div id=host style='width:900px'></div>")
    page.evaluate(MOUNT, [view, worker, example_graph(), failing])


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
