"""GraphWidget speed benchmark in a real JupyterLab driven by headless Chromium.

Measures what issue 5 ("Speed") asks for, with Debian's ``/usr/bin/chromium``
and the JupyterLab server/notebook helpers of ``tests/browser/conftest.py``:

1. **Latency**: time from the kernel drawing a graph to its SVG being on
   screen, for graphs of 10, 100, 1,000 and 2,000 wire nodes (a chain of
   mul/tanh/add ops, and a binary tree of additions over leaves).  The cell
   prints ``time.time()`` before ``draw()``, after it (the ``comm_open`` with
   the graph has been sent) and after ``display()``; the page records, with
   ``performance.timeOrigin + performance.now()`` (same wall clock), when each
   websocket message arrives, when the widget's root element appears, when its
   ``data-status`` turns ``layout`` and ``rendered`` (a MutationObserver), and
   the next frame after that (painted).  Long tasks come from a
   ``PerformanceObserver``.  Each run is a fresh kernel and page; the first
   draw of a page (cold: assets + Graphviz start) is reported apart.
2. **Bytes**: websocket frames seen by Playwright (``page.on("websocket")``,
   ``framereceived``/``framesent``) while each of 20 cells draws one 50-node
   graph, classified by Jupyter message type; plus the kernel-side sizes of
   the widget state and display bundle.
3. **Training loop**: 1,000 SGD steps of a small MLP (``autograd_widgets.nn``)
   with and without a live GraphWidget of the loss on screen (interleaved,
   medians), and memory: tracemalloc and RSS at step 100 vs step 1,000, and the
   tab's JS heap / DOM nodes before and after (CDP, after a GC).

    python bench/bench_widget.py            # 5 runs (~5 minutes)
    python bench/bench_widget.py --quick    # 2 runs, chains only (~2 minutes)

Results (markdown, JSON, screenshots ``widget-*.png``, a kernel profile of
the live loop) go to ``bench/results/`` (git-ignored).  Not a test: pytest
does not collect it.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
import shutil
import statistics
import sys
import tempfile
import textwrap
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT))

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from bench.machine import describe  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, Lab, _ensure_frontend  # noqa: E402

SIZES = (10, 100, 1000, 2000)
#: graphs whose ops all reuse two leaves (long edges) take Graphviz far longer
SHARED_SIZES = (10, 100, 300, 1000)
SHARED_TIMEOUT = 60_000
RENDERED = ".aw-graph[data-status='rendered']"
TIMEOUT = 180_000

# ---------------------------------------------------------------------------------------------
# page instrumentation (installed before JupyterLab loads)

TRACKER_JS = r"""
(() => {
  const now = () => performance.timeOrigin + performance.now();
  const dec = new TextDecoder();
  const typeOf = (d) => {
    const head = typeof d === 'string' ? d.slice(0, 2000) : dec.decode(new Uint8Array(d, 0, Math.min(2000, d.byteLength)));
    const m = /"msg_type":\s*"([a-z_]+)"/.exec(head);
    return m ? m[1] : '?';
  };
  const awb = (window.__awb = { frames: [], list: [], longtasks: [] });
  const WS = window.WebSocket;
  window.WebSocket = class extends WS {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const d = e.data;
        const size = typeof d === 'string' ? d.length : d.byteLength || d.size || 0;
        const t = now();
        awb.frames.push([t, size, size > 300 ? typeOf(d) : '']);
      });
    }
  };
  let n = 0;
  const seen = new WeakMap();
  const scan = () => {
    const t = now();
    for (const el of document.querySelectorAll('.aw-graph')) {
      let r = seen.get(el);
      if (!r) {
        r = { id: ++n, first: t };
        seen.set(el, r);
        awb.list.push(r);
        el.dataset.awb = String(r.id);
      }
      const s = el.dataset.status;
      if (s === 'layout' && !r.layout) r.layout = t;
      if (s === 'rendered' && !r.rendered) {
        r.rendered = t;
        r.nodes = Number(el.dataset.nodes || 0);
        r.layoutMs = Number(el.dataset.layoutMs || 0);
        r.installMs = Number(el.dataset.installMs || 0);
        r.renderMs = Number(el.dataset.renderMs || 0);
        r.svgNodes = el.querySelectorAll('g.node').length;
        requestAnimationFrame(() => setTimeout(() => (r.painted = now()), 0));
      }
      if (s === 'error' && !r.error) r.error = el.textContent.slice(0, 300);
    }
  };
  new MutationObserver(scan).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'],
  });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) awb.longtasks.push([performance.timeOrigin + e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { /* no long task API */ }
})();
"""

# ---------------------------------------------------------------------------------------------
# kernel-side code

LATENCY_SETUP = textwrap.dedent(
    """
    import gc, json, time
    import autograd_widgets as torch
    from autograd_widgets.graph import LiveGraph
    from IPython.display import display
    torch.manual_seed(0)

    def _chain(k):
        # a chain whose every edge is local: mul by a fresh leaf, tanh, add a constant
        y = torch.randn(4, requires_grad=True)
        for i in range(k):
            if i % 3 == 0:
                y = y * torch.randn(4, requires_grad=True)
            elif i % 3 == 1:
                y = y.tanh()
            else:
                y = y + 1
        return y.sum()

    def _shared(k):
        # like an unrolled RNN: every op reuses the same two leaves (long edges)
        x = torch.randn(4, requires_grad=True)
        w = torch.randn(4, requires_grad=True)
        y = x
        for i in range(k):
            if i % 3 == 0:
                y = y * w
            elif i % 3 == 1:
                y = y.tanh()
            else:
                y = y + x
        return y.sum()

    def _tree(k):
        xs = [torch.randn(3, requires_grad=True) for _ in range(k)]
        while len(xs) > 1:
            nxt = [xs[i] + xs[i + 1] for i in range(0, len(xs) - 1, 2)]
            if len(xs) % 2:
                nxt.append(xs[-1])
            xs = nxt
        return xs[0].sum()

    _SHAPES = {"chain": _chain, "tree": _tree, "shared": _shared}

    def _count(shape, k):
        out = _SHAPES[shape](k)  # LiveGraph holds its roots weakly: keep it alive
        return len(LiveGraph(out).to_json(max_nodes=10**6)["nodes"])

    def _k_for(shape, n):
        # wire nodes are linear in k: fit on two probes, then step to the closest k
        a, b = _count(shape, 8), _count(shape, 16)
        k = max(1, round(8 + (n - a) * 8 / (b - a)))
        while k > 1 and _count(shape, k) > n:
            k -= 1
        return k

    _K = {}
    _prev = None

    def _measure(shape, n):
        global _prev
        if _prev is not None:
            _prev.close()
            _prev = None
            time.sleep(0.3)
        if (shape, n) not in _K:
            _K[shape, n] = _k_for(shape, n)
        k = _K[shape, n]
        out = _SHAPES[shape](k)
        gc.collect()
        t0 = time.time()
        w = torch.draw(out, max_nodes=10**6)
        t1 = time.time()
        display(w)
        t2 = time.time()
        _prev = w
        print("AWBENCH " + json.dumps({"t0": t0, "t1": t1, "t2": t2,
              "nodes": len(w.graph["nodes"]), "edges": len(w.graph["edges"])}))
    """
)

#: the first widget of a page, then 3 s more work in the same cell
BUSY_CELL = "_measure('chain', 1000)\ntime.sleep(3)"

BYTES_SETUP = LATENCY_SETUP + textwrap.dedent(
    """
    _K50 = _k_for("chain", 50)
    _ws = []

    def _draw50():
        w = torch.draw(_chain(_K50))
        _ws.append(w)
        display(w)

    def _sizes():
        from autograd_widgets.widgets._diff import compact_graph
        out = []
        for w in _ws:
            state = w.get_state()
            bundle = w._repr_mimebundle_()[0]
            out.append({
                "nodes": len(w.graph["nodes"]),
                "state": len(json.dumps(state, default=str)),
                "esm": len(state.get("_esm", "")),
                "graph": len(json.dumps(compact_graph(w.graph, w), separators=(",", ":"))),
                "bundle": {k: len(v if isinstance(v, str) else json.dumps(v)) for k, v in bundle.items()},
                "assets_sent": w.stats["assets_sent"],
            })
        print("AWBENCH " + json.dumps(out))
    """
)

TRAIN_SETUP = textwrap.dedent(
    """
    import gc, json, os, time, tracemalloc
    import autograd_widgets as torch
    from autograd_widgets import nn
    from IPython.display import display
    # (inputs, hidden layers, batch)
    _MODELS = {"small": (32, (64,), 64), "medium": (256, (128,), 64)}
    _PAGE = os.sysconf("SC_PAGE_SIZE")

    def _rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE

    def _loss():
        return nn.functional.cross_entropy(model(_X), _Y)

    def _train(steps=1000, widget=None, trace=False, profile=None):
        before = dict(widget.stats, calls=widget._throttle.calls) if widget is not None else None
        mem = {}
        if trace:
            gc.collect()
            tracemalloc.start()
        prof = None
        if profile:
            import cProfile
            prof = cProfile.Profile()
            prof.enable()
        t = time.perf_counter()
        c = time.process_time()
        for step in range(steps):
            opt.zero_grad()
            loss = _loss()
            loss.backward()
            opt.step()
            if trace and step + 1 in (100, steps):
                gc.collect()
                mem[step + 1] = {"traced": tracemalloc.get_traced_memory()[0], "rss": _rss()}
        wall = time.perf_counter() - t
        cpu = time.process_time() - c
        if prof is not None:
            prof.disable()
            import io, pstats
            s = io.StringIO()
            pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(35)
            s2 = io.StringIO()
            pstats.Stats(prof, stream=s2).sort_stats("tottime").print_stats(25)
            with open(profile, "w") as f:
                f.write(s.getvalue() + "\\n\\n" + s2.getvalue())
        res = {"wall": wall, "cpu": cpu, "loss": float(loss)}
        if trace:
            res["peak"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            res["mem"] = mem
        if widget is not None:
            after = dict(widget.stats, calls=widget._throttle.calls)
            res["widget"] = {k: after[k] - before[k] for k in after}
            res["nodes"] = len(widget.graph["nodes"])
            res["subscribed"] = widget.subscribed
        print("AWBENCH " + json.dumps(res))

    def _use(kind):
        global _X, _Y, model, opt
        torch.manual_seed(0)
        d, hidden, batch = _MODELS[kind]
        _X = torch.randn(batch, d)
        _Y = torch.randint(0, 10, (batch,))
        layers, prev = [], d
        for h in hidden:
            layers += [nn.Linear(prev, h), nn.ReLU()]
            prev = h
        model = nn.Sequential(*layers, nn.Linear(prev, 10))
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        _train(50)  # warm up

    _use("small")
    """
)

TRAIN_DRAW = textwrap.dedent(
    """
    # a live widget of the loss; `_drawn` keeps the drawn loss alive so the widget
    # stays subscribed (it follows the parameters' .grad and in-place updates)
    _drawn = _loss()
    _drawn.backward()
    _w = torch.draw(_drawn)
    display(_w)
    """
)
TRAIN_CLOSE = "_w.close()\ndel _w, _drawn\ngc.collect()"


# ---------------------------------------------------------------------------------------------
# helpers


def _median(xs: list[float]) -> float | None:
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def _fmt(x: float | None, digits: int = 0) -> str:
    if x is None:
        return "–"
    return f"{x:,.{digits}f}"


def _awbench(text: str) -> Any:
    for line in text.splitlines():
        if line.startswith("AWBENCH "):
            return json.loads(line[len("AWBENCH ") :])
    raise RuntimeError(f"no AWBENCH line in cell output:\n{text[-3000:]}")


def _shutdown_kernels(lab: Lab) -> None:
    """Shut down every kernel of the benchmark's own server (fresh kernel per run)."""
    headers = {"Authorization": f"token {lab.token}"}
    req = urllib.request.Request(f"{lab.url}/api/sessions", headers=headers)
    with urllib.request.urlopen(req, timeout=10) as r:
        sessions = json.load(r)
    for s in sessions:
        req = urllib.request.Request(
            f"{lab.url}/api/sessions/{s['id']}", headers=headers, method="DELETE"
        )
        urllib.request.urlopen(req, timeout=30).close()


class Session:
    """One notebook in one fresh page (and a fresh kernel)."""

    def __init__(self, lab: Lab, context: Any, name: str, cells: list[str]) -> None:
        self.lab = lab
        self.page = context.new_page()
        self.page.set_default_timeout(TIMEOUT)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.frames: list[tuple[str, int, str]] = []
        self.page.on("websocket", self._on_ws)
        lab.write_notebook(name, cells)
        lab.open(self.page, name, timeout=TIMEOUT)

    def _on_ws(self, ws: Any) -> None:
        ws.on("framereceived", lambda p: self.frames.append(("in", *_frame_info(p))))
        ws.on("framesent", lambda p: self.frames.append(("out", *_frame_info(p))))

    def run(self, index: int) -> str:
        self.lab.run_cell(self.page, index, timeout=TIMEOUT)
        return self.lab.output_text(self.page, index)

    def tracker(self) -> dict[str, Any]:
        return self.page.evaluate("() => window.__awb")

    def close(self) -> None:
        self.page.close()
        _shutdown_kernels(self.lab)


_MSG_TYPE = re.compile(rb'"msg_type":\s*"([a-z_]+)"')


def _frame_info(payload: Any) -> tuple[int, str]:
    data = payload.encode() if isinstance(payload, str) else bytes(payload)
    m = _MSG_TYPE.search(data[:4000])
    return len(data), (m.group(1).decode() if m else "?")


# ---------------------------------------------------------------------------------------------
# 1. latency


def _latency_point(s: Session, index: int, timeout: float = TIMEOUT) -> dict[str, Any]:
    k = _awbench(s.run(index))
    try:
        s.page.wait_for_function(
            """() => { const l = window.__awb.list; const r = l[l.length - 1];
                       return r && (r.painted || r.error); }""",
            timeout=timeout,
        )
    except PlaywrightTimeout:
        return {"nodes": k["nodes"], "edges": k["edges"], "timeout": timeout}
    tr = s.tracker()
    r = tr["list"][-1]
    if r.get("error"):
        raise RuntimeError(f"widget error: {r['error']}")
    t0, t1, t2 = (k[n] * 1000 for n in ("t0", "t1", "t2"))
    frames = [f for f in tr["frames"] if f[0] >= t0]
    opened = next((f[0] for f in frames if f[2] == "comm_open"), None)
    shown = next((f[0] for f in frames if f[2] == "display_data"), None)
    longest = max(
        (d for start, d in tr["longtasks"] if start + d >= t0 and start <= r["painted"]),
        default=0.0,
    )
    return {
        "nodes": k["nodes"],
        "edges": k["edges"],
        "total": r["painted"] - t0,  # draw() called -> SVG painted
        "from_send": r["painted"] - t2,  # display() sent -> SVG painted
        "kernel": t2 - t0,  # draw() + display() in the kernel
        "draw": t1 - t0,
        "wire_open": (opened - t0) if opened else None,  # comm_open leaves during draw()
        "wire_display": (shown - t2) if shown else None,
        "to_view": r["first"] - t2,  # display sent -> the widget's root element exists
        "to_layout": r["layout"] - r["first"] if r.get("layout") else None,
        "layout_phase": r["rendered"] - (r.get("layout") or r["first"]),
        "layout_ms": r.get("layoutMs"),
        "install_ms": r.get("installMs"),
        "render_ms": r.get("renderMs"),
        "paint": r["painted"] - r["rendered"],
        "display": t2 - t1,
        # view work besides Graphviz and installing the SVG: assets/toDot/worker
        # messages/SVG transfer, + the frame until painted
        "view_other": (r["painted"] - r["first"])
        - (r.get("layoutMs") or 0)
        - (r.get("installMs") or 0),
        "longest_task": longest,
        "svg_nodes": r.get("svgNodes"),
        "awb_id": r["id"],
    }


def bench_latency(lab: Lab, context: Any, runs: int, shapes: tuple[str, ...]) -> dict[str, Any]:
    # "shared" goes last: a layout that never ends keeps the page's one worker busy
    points = [
        (shape, n) for shape in shapes for n in (SHARED_SIZES if shape == "shared" else SIZES)
    ]
    cells = [LATENCY_SETUP, "_measure('chain', 1000)"] + [
        f"_measure({shape!r}, {n})" for shape, n in points
    ]
    out: dict[str, Any] = {"cold": [], "cold_busy": [], "warm": {f"{s}-{n}": [] for s, n in points}}
    gave_up: set[tuple[str, int]] = set()
    for run in range(runs):
        # the page's first widget while its cell goes on working (a training loop after
        # display(draw(loss))): the view and Graphviz must not wait for the kernel to idle
        s = Session(lab, context, f"latency_busy_{run}.ipynb", [LATENCY_SETUP, BUSY_CELL])
        try:
            s.run(0)
            busy = _latency_point(s, 1)
            out["cold_busy"].append(busy)
            print(f"  run {run + 1}: cold chain-1000, cell busy 3 s: {busy['total']:.0f} ms")
        finally:
            s.close()
        s = Session(lab, context, f"latency_{run}.ipynb", cells)
        try:
            s.run(0)
            cold = _latency_point(s, 1)
            out["cold"].append(cold)
            print(f"  run {run + 1}: cold chain-1000 {cold['total']:.0f} ms", flush=True)
            for i, (shape, n) in enumerate(points):
                if (shape, n) in gave_up:
                    continue
                p = _latency_point(s, i + 2, SHARED_TIMEOUT if shape == "shared" else TIMEOUT)
                out["warm"][f"{shape}-{n}"].append(p)
                if "timeout" in p:
                    print(
                        f"  run {run + 1}: {shape}-{n}: not on screen after {p['timeout'] / 1000:.0f} s"
                    )
                    gave_up.update(q for q in points if q[0] == shape and q[1] >= n)
                    break  # the page's layout worker is still busy
                print(
                    f"  run {run + 1}: {shape}-{n}: {p['nodes']} nodes, {p['total']:.0f} ms "
                    f"(layout {p['layout_ms']:.0f}, install {p['install_ms']:.0f})",
                    flush=True,
                )
                if run == 0 and n == 1000:
                    el = s.page.locator(f".aw-graph[data-awb='{p['awb_id']}']")
                    el.scroll_into_view_if_needed()
                    el.screenshot(path=str(RESULTS / f"widget-{n}-{shape}.png"))
                    for _ in range(12):  # and a legible close-up (1.25x a click)
                        el.locator(".aw-zoom-in").click()
                    s.page.wait_for_timeout(300)
                    el.screenshot(path=str(RESULTS / f"widget-{n}-{shape}-zoom.png"))
            if s.errors:
                out.setdefault("page_errors", []).extend(s.errors)
        finally:
            s.close()
    return out


# ---------------------------------------------------------------------------------------------
# 2. bytes


def bench_bytes(lab: Lab, context: Any, count: int = 20) -> dict[str, Any]:
    cells = [BYTES_SETUP, "pass"] + ["_draw50()"] * count + ["_sizes()"]
    s = Session(lab, context, "bytes.ipynb", cells)
    try:
        s.run(0)
        per: list[dict[str, Any]] = []
        for i in range(1, count + 2):
            start = len(s.frames)
            s.run(i)
            if i > 1:
                s.page.wait_for_function(
                    f'() => document.querySelectorAll("{RENDERED}").length >= {i - 1}',
                    timeout=TIMEOUT,
                )
            s.page.wait_for_timeout(300)  # trailing messages (e.g. the front end's replies)
            got = s.frames[start:]
            kinds: dict[str, int] = {}
            for direction, size, kind in got:
                key = f"{direction}:{kind}"
                kinds[key] = kinds.get(key, 0) + size
            per.append(
                {
                    "in": sum(sz for d, sz, _ in got if d == "in"),
                    "out": sum(sz for d, sz, _ in got if d == "out"),
                    "largest_in": max((sz for d, sz, _ in got if d == "in"), default=0),
                    "kinds": kinds,
                }
            )
        kernel = _awbench(s.run(count + 2))
        assets_keys = s.page.evaluate(
            "() => Object.keys((window.__autograd_widgets_graph__ || {assets: {}}).assets)"
        )
        rendered = s.page.locator(RENDERED).count()
    finally:
        s.close()
    base, widgets = per[0], per[1:]
    return {
        "baseline_cell": base,
        "widgets": widgets,
        "kernel": kernel,
        "assets_keys": len(assets_keys),
        "rendered": rendered,
    }


# ---------------------------------------------------------------------------------------------
# 3. training loop


def _tab_metrics(page: Any) -> dict[str, float]:
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("HeapProfiler.enable")
        cdp.send("HeapProfiler.collectGarbage")
        cdp.send("Performance.enable")
        m = {x["name"]: x["value"] for x in cdp.send("Performance.getMetrics")["metrics"]}
    finally:
        cdp.detach()
    return {"js_heap": m.get("JSHeapUsedSize", 0.0), "dom_nodes": m.get("Nodes", 0.0)}


def bench_training(lab: Lab, context: Any, runs: int, profile_path: Path) -> dict[str, Any]:
    cells = [
        TRAIN_SETUP,  # 0
        "_use('small')",  # 1
        "_use('medium')",  # 2
        "_train(1000)",  # 3 without a widget
        TRAIN_DRAW,  # 4
        "_train(1000, widget=_w)",  # 5 with a live widget on screen
        TRAIN_CLOSE,  # 6
        "_train(1000, trace=True)",  # 7
        "_train(1000, widget=_w, trace=True)",  # 8
        f"_train(1000, widget=_w, profile={str(profile_path)!r})",  # 9
    ]
    s = Session(lab, context, "training.ipynb", cells)
    out: dict[str, Any] = {"tab": {}}

    def live_run() -> dict[str, Any]:
        s.run(4)
        s.page.wait_for_selector(RENDERED, timeout=TIMEOUT)
        res = _awbench(s.run(5))
        s.page.wait_for_timeout(500)
        s.run(6)
        return res

    try:
        s.run(0)
        for kind, n in (("small", runs), ("medium", max(1, (runs + 1) // 2))):
            s.run(1 if kind == "small" else 2)
            plain, live = out.setdefault(kind, {"plain": [], "live": []}).values()
            for run in range(n):
                # alternate the order, so that drift on a busy machine evens out
                if run % 2:
                    live.append(live_run())
                    plain.append(_awbench(s.run(3)))
                else:
                    plain.append(_awbench(s.run(3)))
                    live.append(live_run())
                p, q = plain[-1], live[-1]
                print(
                    f"  {kind} run {run + 1}: CPU plain {p['cpu']:.2f} s, live {q['cpu']:.2f} s; "
                    f"wall {p['wall']:.2f} / {q['wall']:.2f} s "
                    f"({q['widget']['calls']} updates, {q['widget']['bytes']} bytes)",
                    flush=True,
                )
        s.run(1)
        out["mem_plain"] = _awbench(s.run(7))
        s.run(4)
        s.page.wait_for_selector(RENDERED, timeout=TIMEOUT)
        s.page.wait_for_timeout(1000)
        out["tab"]["before"] = _tab_metrics(s.page)
        out["mem_live"] = _awbench(s.run(8))
        s.page.wait_for_timeout(1500)  # let the last update render
        out["tab"]["after"] = _tab_metrics(s.page)
        out["profiled"] = _awbench(s.run(9))
        s.run(6)
        out["page_errors"] = s.errors
    finally:
        s.close()
    return out


# ---------------------------------------------------------------------------------------------
# report


def report(res: dict[str, Any]) -> str:
    lines = [
        f"# GraphWidget benchmark ({res['when']}, {res['runs']} runs, medians)",
        "",
        f"Chromium {res['chromium']}, JupyterLab {res['jupyterlab']}, "
        f"Python {res['python']}, {res['cpus']} CPUs.",
        "",
    ]
    machine = [f"Machine: {res.get('machine', 'not recorded')}", ""]
    if "latency" in res:
        lines += machine + _report_latency(res)
    if "bytes" in res:
        lines += machine + _report_bytes(res)
    if "training" in res:
        lines += machine + _report_training(res)
    return "\n".join(lines) + "\n"


def _report_latency(res: dict[str, Any]) -> list[str]:
    lines = [
        "## 1. draw() to SVG on screen",
        "",
        "`total` = `draw()` called in the kernel → the first frame after the widget's "
        '`data-status="rendered"` (MutationObserver + requestAnimationFrame); `sent→screen` '
        "starts when `display()` has returned. Kernel: `draw()` (graph model + comm_open "
        "with the state) and `display()` (includes the static-SVG fallback, run by the `dot` "
        "binary for graphs of ≤ 300 nodes). Page: `view start` = display() returned → the "
        "widget's root element exists; `layout` = Graphviz (WebAssembly) in the worker; "
        "`install` = parsing/inserting the SVG + svg-pan-zoom; `other` = the rest of the "
        "view's time (DOT generation, worker messages, paint); `longest task` = longest "
        "main-thread task in the interval (the page stays responsive while it is small).",
        "",
        "| graph | nodes | edges | total ms | sent→screen ms | draw() ms | display() ms "
        "| view start ms | layout ms | install ms | other ms | longest task ms |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    lat = res["latency"]
    rows = [
        ("chain-1000, first widget of the page (cold)", lat["cold"]),
        ("chain-1000, cold, its cell busy 3 s after display()", lat.get("cold_busy", [])),
    ] + [(k, v) for k, v in lat["warm"].items()]
    for name, ps in rows:
        if not ps:
            continue
        if any("timeout" in p for p in ps):
            lines.append(
                f"| {name} | {_fmt(ps[0]['nodes'])} | {_fmt(ps[0]['edges'])} | **not on screen "
                f"after {ps[0]['timeout'] / 1000:.0f} s** | | | | | | | | |"
            )
            continue
        med = {key: _median([p.get(key) for p in ps]) for key in ps[0] if key != "awb_id"}
        lines.append(
            f"| {name} | {_fmt(med['nodes'])} | {_fmt(med['edges'])} | **{_fmt(med['total'])}** "
            f"| {_fmt(med['from_send'])} | {_fmt(med['draw'])} | {_fmt(med['display'])} "
            f"| {_fmt(med['to_view'])} | {_fmt(med['layout_ms'])} | {_fmt(med['install_ms'])} "
            f"| {_fmt(med['view_other'])} | {_fmt(med['longest_task'])} |"
        )
    return lines


def _report_bytes(res: dict[str, Any]) -> list[str]:
    b = res["bytes"]
    w = b["widgets"]
    first, extra = w[0], w[1:]
    extra_in = _median([x["in"] for x in extra])
    widget_kinds = ("in:comm_open", "in:display_data", "in:comm_msg")
    extra_widget = _median([sum(x["kinds"].get(k, 0) for k in widget_kinds) for x in extra])
    k0 = b["kernel"][0]
    return [
        "",
        f"## 2. Bytes per widget (20 widgets of a {k0['nodes']}-node graph, one cell each)",
        "",
        "Websocket frames seen by Playwright while each cell ran until its widget rendered "
        "(+300 ms). `widget msgs` = comm_open + display_data + comm_msg received.",
        "",
        "| | received bytes | widget msgs bytes | sent bytes | largest frame |",
        "|---|--:|--:|--:|--:|",
        f"| empty cell (`pass`) | {_fmt(b['baseline_cell']['in'])} | – | "
        f"{_fmt(b['baseline_cell']['out'])} | {_fmt(b['baseline_cell']['largest_in'])} |",
        f"| first widget | {_fmt(first['in'])} | "
        f"{_fmt(sum(first['kinds'].get(k, 0) for k in widget_kinds))} | {_fmt(first['out'])} "
        f"| {_fmt(first['largest_in'])} |",
        f"| each extra widget (median of {len(extra)}) | {_fmt(extra_in)} | "
        f"{_fmt(extra_widget)} | {_fmt(_median([x['out'] for x in extra]))} "
        f"| {_fmt(_median([x['largest_in'] for x in extra]))} |",
        "",
        f"Kernel side, per widget: state JSON {_fmt(k0['state'])} B (of which `_esm` "
        f"{_fmt(k0['esm'])} B, compact graph {_fmt(k0['graph'])} B); display bundle "
        + ", ".join(f"{k} {_fmt(v)} B" for k, v in k0["bundle"].items())
        + f". Assets (view + Graphviz worker) sent {sum(x['assets_sent'] for x in b['kernel'])} "
        f"time(s) per page; asset promises in the page: {b['assets_keys']}; "
        f"widgets rendered: {b['rendered']}.",
    ]


def _report_training(res: dict[str, Any]) -> list[str]:
    t = res["training"]
    titles = {"small": "MLP 32-64-10", "medium": "MLP 256-128-10"}
    lines = [
        "",
        "## 3. Training loop, 1,000 SGD steps (batch 64), kernel side",
        "",
        "`CPU s` = the kernel's `time.process_time()` over the loop (the primary number: "
        "this machine is shared, so wall time also measures other processes); plain and "
        "live runs alternate.",
        "",
        "| model | runs | CPU s, no widget | CPU s, live widget | CPU slowdown | wall s, no widget "
        "| wall s, live | wall slowdown | updates sent (full / patch) | bytes sent |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for kind in ("small", "medium"):
        if kind not in t:
            continue
        plain, live = t[kind]["plain"], t[kind]["live"]
        pw, lw = _median([x["wall"] for x in plain]), _median([x["wall"] for x in live])
        pc, lc = _median([x["cpu"] for x in plain]), _median([x["cpu"] for x in live])
        upd = live[len(live) // 2]["widget"]
        lines.append(
            f"| {titles[kind]} | {len(plain)} | {pc:.3f} | {lc:.3f} | **{(lc / pc - 1) * 100:+.0f}%** "
            f"| {pw:.3f} | {lw:.3f} | {(lw / pw - 1) * 100:+.0f}% | {upd['calls']} "
            f"({upd['full']} / {upd['patch']}) | {_fmt(upd['bytes'])} |"
        )
    mp, ml = t["mem_plain"], t["mem_live"]

    def grow(m: dict[str, Any], key: str) -> str:
        a, z = m["mem"]["100"][key], m["mem"]["1000"][key]
        return f"{a / 1e6:.2f} → {z / 1e6:.2f}"

    tb, ta = t["tab"]["before"], t["tab"]["after"]
    lines += [
        "",
        "Memory, small MLP (one run each, tracemalloc on):",
        "",
        "| | tracemalloc MB, step 100 → 1000 | tracemalloc peak MB | RSS MB, step 100 → 1000 |",
        "|---|--:|--:|--:|",
        f"| no widget | {grow(mp, 'traced')} | {mp['peak'] / 1e6:.2f} | {grow(mp, 'rss')} |",
        f"| live widget | {grow(ml, 'traced')} | {ml['peak'] / 1e6:.2f} | {grow(ml, 'rss')} |",
        "",
        f"Tab (CDP, after a forced GC) before → after the live loop: JS heap "
        f"{tb['js_heap'] / 1e6:.1f} → {ta['js_heap'] / 1e6:.1f} MB, DOM nodes "
        f"{tb['dom_nodes']:.0f} → {ta['dom_nodes']:.0f}.",
    ]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="2 runs, chain graphs only")
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument(
        "--only", choices=("latency", "bytes", "training"), action="append", default=None
    )
    ap.add_argument(
        "--shapes",
        choices=("chain", "tree", "shared"),
        action="append",
        default=None,
        help="latency: only these graph shapes (repeatable)",
    )
    args = ap.parse_args()
    runs = args.runs or (2 if args.quick else 5)
    shapes = ("chain",) if args.quick else ("chain", "tree", "shared")
    if args.shapes:
        shapes = tuple(s for s in ("chain", "tree", "shared") if s in args.shapes)
    only = set(args.only or ("latency", "bytes", "training"))

    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    _ensure_frontend()
    import os

    import jupyterlab

    res: dict[str, Any] = {
        "when": stamp,
        "runs": runs,
        "jupyterlab": jupyterlab.__version__,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "machine": describe(with_torch=False).replace("\n", "; "),
    }
    # one BLAS thread in the kernel: on this 2-core machine, shared with the browser,
    # threaded BLAS made matmuls up to 10x slower (see bench_core.py --threads)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    base = Path(tempfile.mkdtemp(prefix="aw-bench-"))
    lab = Lab(base)
    lab.start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            res["chromium"] = browser.version
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.add_init_script(TRACKER_JS)
            try:
                if "latency" in only:
                    print("1. latency", flush=True)
                    res["latency"] = bench_latency(lab, context, runs, shapes)
                if "bytes" in only:
                    print("2. bytes per widget", flush=True)
                    res["bytes"] = bench_bytes(lab, context)
                if "training" in only:
                    print("3. training loop", flush=True)
                    res["training"] = bench_training(
                        lab, context, runs, RESULTS / f"widget-profile-{stamp}.txt"
                    )
            finally:
                browser.close()
    finally:
        lab.stop()
        shutil.rmtree(base, ignore_errors=True)
    (RESULTS / f"widget-{stamp}.json").write_text(json.dumps(res, indent=1))
    md = report(res)
    (RESULTS / f"widget-{stamp}.md").write_text(md)
    print()
    print(md)
    print(f"results: {RESULTS}/widget-{stamp}.*")


if __name__ == "__main__":
    main()
