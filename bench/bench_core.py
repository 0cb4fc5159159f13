"""Core speed benchmark: autograd_widgets vs PyTorch (CPU) vs HIPS autograd vs plain numpy.

Runs the four workloads of issue 2 ("Speed") with the same torch-API code on
autograd_widgets and PyTorch, the equivalent ``autograd.grad`` code on HIPS
autograd, and a hand-written numpy forward+backward (the floor for any
numpy-backed library) where that makes sense. Every (backend, workload) pair
runs in its own fresh process; the processes take turns, round after round
(paired rounds), and each ratio is the median of the per-round ratios, so a
machine whose speed drifts (a shared VM) still gives steady ratios. All
backends start from the same numpy-generated data, and the orchestrator checks
that their gradients agree before it prints a ratio.

    python bench/bench_core.py            # full run (a few minutes)
    python bench/bench_core.py --quick    # a short run (~1 minute)

Results go to ``bench/results/`` (git-ignored) as JSON and markdown; the table
is printed on stdout. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
BACKENDS = ("aw", "torch", "hips", "numpy", "bare")
BACKEND_NAMES = {
    "aw": "autograd_widgets",
    "torch": "PyTorch",
    "hips": "HIPS autograd",
    "numpy": "numpy by hand",
    "bare": "bare Python autograd",
}
WORKLOADS = ("mlp", "chain200", "chain10k", "broadcast")
TITLES = {
    "mlp": "MLP step, batch 64, 784-256-128-10, ReLU, CE, SGD (f32)",
    "chain200": "200 elementwise ops on 3x3, fwd+bwd",
    "chain10k": "10,000 elementwise ops on (16,), fwd+bwd",
    "broadcast": "(256,1,64)*(1,128,64), tanh, mean, bwd",
}
TARGETS = {"mlp": 1.2, "chain200": 1.2, "chain10k": 1.2, "broadcast": 1.0}  # issue 17, one thread
MANY_THREADS_TARGETS = {"broadcast": 1.5}  # issue 17, default threads (PyTorch uses them all)
# The numpy floor exists where the issue quotes one (no graph to hand-write for chain200).
HAS_FLOOR = {"mlp", "chain10k", "broadcast"}
# bare_autograd.py (the least a Python define-by-run autograd does per op) runs the chains.
HAS_BARE = {"chain200", "chain10k"}

LR = 0.01
CHAIN_CYCLE = 4  # ops per cycle: * a, + b, tanh, * 0.9


# --- shared data ------------------------------------------------------------------------------
def _data(workload: str) -> dict:
    """Inputs for ``workload`` as float32 numpy arrays (same for every backend)."""
    rng = np.random.default_rng(0)

    def f32(*shape, scale=1.0):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    if workload == "mlp":
        return {
            "x": f32(64, 784),
            "y": rng.integers(0, 10, 64).astype(np.int64),
            "W1": f32(784, 256, scale=784**-0.5),
            "b1": np.zeros(256, np.float32),
            "W2": f32(256, 128, scale=256**-0.5),
            "b2": np.zeros(128, np.float32),
            "W3": f32(128, 10, scale=128**-0.5),
            "b3": np.zeros(10, np.float32),
        }
    if workload in ("chain200", "chain10k"):
        shape = (3, 3) if workload == "chain200" else (16,)
        return {"x": f32(*shape), "a": 1 + f32(*shape, scale=0.1), "b": f32(*shape, scale=0.1)}
    if workload == "broadcast":
        return {"a": f32(256, 1, 64), "b": f32(1, 128, 64)}
    raise ValueError(workload)


def _n_ops(workload: str) -> int:
    return 200 if workload == "chain200" else 10_000


# --- torch-API backends (autograd_widgets and PyTorch run the same code) ---------------------
def _torch_api(lib, workload: str):
    """Return ``(step, checksum)`` for a torch-like module ``lib``."""
    d = _data(workload)
    T = {k: lib.from_numpy(v.copy()) for k, v in d.items()}

    if workload == "mlp":
        F = lib.nn.functional
        params = [T[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3")]
        for p in params:
            p.requires_grad_(True)
        W1, b1, W2, b2, W3, b3 = params
        x, y = T["x"], T["y"]
        opt = lib.optim.SGD(params, lr=LR)

        def step():
            opt.zero_grad()
            h = (x @ W1 + b1).relu()
            h = (h @ W2 + b2).relu()
            loss = F.cross_entropy(h @ W3 + b3, y)
            loss.backward()
            opt.step()

        def grads():
            opt.zero_grad()
            h = (x @ W1 + b1).relu()
            h = (h @ W2 + b2).relu()
            F.cross_entropy(h @ W3 + b3, y).backward()
            return [p.grad.numpy() for p in params]

        return step, grads

    if workload in ("chain200", "chain10k"):
        leaves = [T[k].requires_grad_(True) for k in ("x", "a", "b")]
        return _chain(leaves, workload, lambda g: g.numpy())

    if workload == "broadcast":
        a, b = T["a"].requires_grad_(True), T["b"].requires_grad_(True)

        def step():
            (a * b).tanh().mean().backward()

        def grads():
            a.grad = b.grad = None
            step()
            return [a.grad.numpy(), b.grad.numpy()]

        return step, grads
    raise ValueError(workload)


# --- HIPS autograd --------------------------------------------------------------------------
def _hips(workload: str):
    import autograd.numpy as anp
    from autograd import grad

    def logsumexp(z, axis, keepdims):  # (autograd.scipy would need SciPy just for this)
        m = anp.max(z, axis=axis, keepdims=True)
        return m + anp.log(anp.sum(anp.exp(z - m), axis=axis, keepdims=keepdims))

    d = _data(workload)
    if workload == "mlp":
        x, y = d["x"], d["y"]
        params = [d[k].copy() for k in ("W1", "b1", "W2", "b2", "W3", "b3")]
        rows = np.arange(len(y))

        def loss_fn(ps):
            W1, b1, W2, b2, W3, b3 = ps
            h = anp.maximum(anp.dot(x, W1) + b1, 0.0)
            h = anp.maximum(anp.dot(h, W2) + b2, 0.0)
            z = anp.dot(h, W3) + b3
            logp = z - logsumexp(z, axis=1, keepdims=True)
            return -anp.mean(logp[rows, y])

        g_fn = grad(loss_fn)

        def step():
            gs = g_fn(params)
            for p, g in zip(params, gs):
                p -= LR * g

        return step, lambda: [np.asarray(g) for g in g_fn(params)]

    if workload in ("chain200", "chain10k"):
        n_cycles = _n_ops(workload) // CHAIN_CYCLE

        def f(x, a, b):
            y = x
            for _ in range(n_cycles):
                y = anp.tanh(y * a + b) * 0.9
            return anp.sum(y)

        g_fn = grad(f, argnum=(0, 1, 2))
        args = (d["x"], d["a"], d["b"])
        return (lambda: g_fn(*args)), (lambda: list(g_fn(*args)))

    if workload == "broadcast":
        g_fn = grad(lambda a, b: anp.mean(anp.tanh(a * b)), argnum=(0, 1))
        args = (d["a"], d["b"])
        return (lambda: g_fn(*args)), (lambda: list(g_fn(*args)))
    raise ValueError(workload)


# --- a bare Python autograd (bare_autograd.py): what per-op Python objects cost at least ---
def _bare(workload: str):
    import bare_autograd as bare  # bench/ is on sys.path when run as a script

    if workload not in HAS_BARE:
        raise ValueError(f"the bare autograd runs only {sorted(HAS_BARE)}")
    d = _data(workload)
    return _chain([bare.Tensor.leaf(d[k].copy()) for k in ("x", "a", "b")], workload, None)


def _chain(leaves, workload: str, to_numpy):
    """``(step, grads)`` of the chain workloads on leaves ``x, a, b`` of any torch-like
    library (autograd_widgets, PyTorch, the bare autograd)."""
    x, a, b = leaves
    n_cycles = _n_ops(workload) // CHAIN_CYCLE

    def step():
        y = x
        for _ in range(n_cycles):
            y = (y * a + b).tanh() * 0.9
        y.sum().backward()

    def grads():
        for t in leaves:
            t.grad = None
        step()
        return [t.grad if to_numpy is None else to_numpy(t.grad) for t in leaves]

    return step, grads


# --- numpy by hand (the floor) -----------------------------------------------------------------
def _numpy(workload: str):
    d = _data(workload)
    if workload == "mlp":
        x, y = d["x"], d["y"]
        params = [d[k].copy() for k in ("W1", "b1", "W2", "b2", "W3", "b3")]
        rows = np.arange(len(y))

        def grads():
            W1, b1, W2, b2, W3, b3 = params
            h1 = np.maximum(x @ W1 + b1, 0)
            h2 = np.maximum(h1 @ W2 + b2, 0)
            z = h2 @ W3 + b3
            z = z - z.max(axis=1, keepdims=True)
            e = np.exp(z)
            p = e / e.sum(axis=1, keepdims=True)
            gz = p
            gz[rows, y] -= 1
            gz /= len(y)
            gW3, gb3 = h2.T @ gz, gz.sum(0)
            g2 = (gz @ W3.T) * (h2 > 0)
            gW2, gb2 = h1.T @ g2, g2.sum(0)
            g1 = (g2 @ W2.T) * (h1 > 0)
            gW1, gb1 = x.T @ g1, g1.sum(0)
            return [gW1, gb1, gW2, gb2, gW3, gb3]

        def step():
            for p, g in zip(params, grads()):
                p -= LR * g

        return step, grads

    if workload == "chain10k":
        n_cycles = _n_ops(workload) // CHAIN_CYCLE
        x, a, b = d["x"], d["a"], d["b"]

        def grads():
            ys = []  # the input of each cycle and its tanh output
            y = x
            for _ in range(n_cycles):
                t = np.tanh(y * a + b)
                ys.append((y, t))
                y = t * np.float32(0.9)
            g = np.ones_like(y)
            ga = np.zeros_like(a)
            gb = np.zeros_like(b)
            for yin, t in reversed(ys):
                g = g * np.float32(0.9) * (1 - t * t)
                gb += g
                ga += g * yin
                g = g * a
            return [g, ga, gb]

        return grads, grads

    if workload == "broadcast":
        a, b = d["a"], d["b"]

        def grads():
            t = np.tanh(a * b)
            g = (1 - t * t) / np.float32(t.size)
            return [(g * b).sum(1, keepdims=True), (g * a).sum(0, keepdims=True)]

        return grads, grads
    raise ValueError(workload)


# --- one worker: one backend, one workload, in its own process ------------------------------------
def _threads() -> int:
    """The BLAS thread count numpy uses here (PyTorch is given the same).

    The orchestrator's ``--threads N`` reaches the workers as ``OPENBLAS_NUM_THREADS`` (and
    OMP/MKL): that value wins, so PyTorch never runs on more threads than numpy was given,
    with or without threadpoolctl installed.
    """
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(var, "").isdigit() and int(os.environ[var]) > 0:
            return int(os.environ[var])
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            if info.get("user_api") == "blas":
                return int(info["num_threads"])
    except ImportError:
        pass
    return os.cpu_count() or 1


def _blas_info() -> str:
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            if info.get("user_api") == "blas":
                return (
                    f"{info.get('internal_api')} {info.get('version')} ({info.get('architecture')})"
                )
    except ImportError:
        pass
    return "unknown"


def _time(step, quick: bool) -> dict:
    """Median seconds per ``step()`` over several rounds of ``number`` calls."""
    min_round = 0.02 if quick else 0.05
    rounds = 5 if quick else 15
    t0 = time.perf_counter()
    step()  # warm-up (and a first estimate)
    first = time.perf_counter() - t0
    for _ in range(2 if first < 0.05 else 1):
        step()
    number = max(1, int(min_round / max(first, 1e-7)))
    t1 = time.perf_counter()
    for _ in range(number):
        step()
    per = (time.perf_counter() - t1) / number
    number = max(1, int(min_round / max(per, 1e-7)))
    samples = []
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(number):
            step()
        samples.append((time.perf_counter() - t) / number)
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "rounds": rounds,
        "number": number,
    }


def _setup(backend: str, workload: str):
    """``(threads, step, grads)`` for one backend: what a worker process measures."""
    assert sys.getrecursionlimit() == 1000, "workloads run at Python's default recursion limit"
    threads = _threads()
    if backend == "aw":
        import autograd_widgets as lib

        step, grads = _torch_api(lib, workload)
    elif backend == "torch":
        import torch as lib

        lib.set_num_threads(threads)
        threads = lib.get_num_threads()  # what PyTorch really runs on, for the record
        step, grads = _torch_api(lib, workload)
    elif backend == "hips":
        step, grads = _hips(workload)
    elif backend == "numpy":
        step, grads = _numpy(workload)
    elif backend == "bare":
        step, grads = _bare(workload)
    else:
        raise ValueError(backend)
    return threads, step, grads


def worker(backend: str, workload: str, quick: bool) -> dict:
    """One process, one backend: its own warm-up and rounds (``--sequential``)."""
    threads, step, grads = _setup(backend, workload)
    check = [np.asarray(g, dtype=np.float64).tolist() for g in grads()]
    out = {"backend": backend, "workload": workload, "threads": threads, "grads": check}
    out.update(_time(step, quick))
    return out


def serve(backend: str, workload: str) -> None:
    """One process, one backend, timed on request (the paired rounds).

    Prints a JSON line (threads, gradients, a warm-up estimate of one step), then for
    every line ``N`` read from stdin runs ``N`` steps and prints their total seconds;
    an empty line or end of input ends it. The orchestrator asks each backend in turn,
    so only one process runs at a time.
    """
    threads, step, grads = _setup(backend, workload)
    check = [np.asarray(g, dtype=np.float64).tolist() for g in grads()]
    t0 = time.perf_counter()
    step()  # warm-up (and a first estimate)
    first = time.perf_counter() - t0
    for _ in range(2 if first < 0.05 else 1):
        step()
    head = {"backend": backend, "workload": workload, "threads": threads, "grads": check}
    head["per_step"] = first
    print(json.dumps(head), flush=True)
    for line in sys.stdin:
        if not line.strip():
            break
        n = int(line)
        t = time.perf_counter()
        for _ in range(n):
            step()
        print(repr(time.perf_counter() - t), flush=True)


# --- orchestrator -------------------------------------------------------------------------------
def _worker_env(threads: int | None) -> dict:
    env = dict(os.environ)
    if threads:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(threads)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), env.get("PYTHONPATH")]))
    return env


def _run_worker(backend: str, workload: str, quick: bool, threads: int | None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", backend, workload]
    if quick:
        cmd.append("--quick")
    env = _worker_env(threads)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1200)
    if proc.returncode != 0:
        return {"backend": backend, "workload": workload, "error": proc.stderr.strip()[-2000:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _run_paired(backends, workload: str, quick: bool, threads: int | None, rounds=None) -> dict:
    """Time every backend of ``workload`` in rounds that take turns (see ``serve``).

    One process per backend, all started before the first round and each warmed up; then
    round after round, every backend runs enough steps to last ``min_round`` seconds, one
    backend at a time, in an order that rotates each round. A machine that slows down for a
    while slows every backend's round of that moment alike, so the per-round ratios
    (``paired``) stay put where medians taken minutes apart would not.
    Returns ``{backend: result}``; a result has ``samples`` (seconds per step, one per
    round) or ``error``.
    """
    min_round = 0.02 if quick else 0.05
    rounds = rounds or (9 if quick else 21)
    env = _worker_env(threads)
    script = str(Path(__file__).resolve())
    procs, logs, results = {}, {}, {}
    try:
        for b in backends:
            logs[b] = tempfile.TemporaryFile(mode="w+")  # stderr: a full pipe would block
            procs[b] = subprocess.Popen(
                [sys.executable, script, "--serve", b, workload],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=logs[b],
                text=True,
                env=env,
            )
        live = []
        for b in backends:  # (the servers warm up one after the other: each blocks on its pipe)
            line = procs[b].stdout.readline()
            if not line:
                results[b] = {"backend": b, "workload": workload, "error": _log(procs[b], logs[b])}
                continue
            r = json.loads(line)
            r["number"] = max(1, int(min_round / max(r.pop("per_step"), 1e-7)))
            r["samples"] = []
            results[b] = r
            live.append(b)
        for i in range(-1, rounds):  # round -1 calibrates ``number`` and is not kept
            for b in live[i % len(live) :] + live[: i % len(live)] if live else ():
                r = results[b]
                if "error" in r:
                    continue
                p = procs[b]
                p.stdin.write(f"{r['number']}\n")
                p.stdin.flush()
                line = p.stdout.readline()
                if not line:
                    r["error"] = _log(p, logs[b])
                    continue
                per = float(line) / r["number"]
                if i < 0:
                    r["number"] = max(1, int(min_round / max(per, 1e-7)))
                else:
                    r["samples"].append(per)
    finally:
        for b, p in procs.items():
            try:
                p.stdin.write("\n")
                p.stdin.flush()
            except OSError:
                pass
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
            logs[b].close()
    for r in results.values():
        if "error" not in r:
            r["median"] = statistics.median(r["samples"])
            r["min"] = min(r["samples"])
            r["rounds"] = len(r["samples"])
    return results


def _log(proc, log) -> str:
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.seek(0)
    return (log.read().strip() or f"exited with {proc.returncode}")[-2000:]


def _grads_agree(ref: list, other: list) -> bool:
    if len(ref) != len(other):
        return False
    for r, o in zip(ref, other):
        r, o = np.asarray(r), np.asarray(o)
        if r.shape != o.shape or not np.allclose(r, o, rtol=2e-3, atol=2e-5):
            return False
    return True


def _fmt_ms(sec) -> str:
    if sec is None:
        return "-"
    ms = sec * 1e3
    return f"{ms:.3f}" if ms < 1 else (f"{ms:.2f}" if ms < 100 else f"{ms:.0f}")


def _x(ratio) -> str:
    return "-" if ratio is None else f"{ratio:.2f}x"


def _row_ratio(per: dict, med: dict, b: str, ref: str):
    """``b``'s time over ``ref``'s: the paired rounds' median ratio, else the ratio of medians."""
    if med[b] is None or med[ref] is None:
        return None
    paired = per[b].get("paired", {}).get(ref)
    return paired if paired is not None else med[b] / med[ref]


def table(results: dict, threads: int = 1) -> str:
    """The markdown table: medians in ms, and ratios to PyTorch and to HIPS autograd."""
    lines = [
        "| workload | autograd_widgets ms | PyTorch ms | HIPS ms | numpy floor ms "
        "| ours / PyTorch | HIPS / PyTorch | floor / PyTorch | bare / PyTorch | ours / HIPS "
        "| target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for w in (w for w in WORKLOADS if w in results):
        med = {b: results[w].get(b, {}).get("median") for b in BACKENDS}
        aw, pt, hips, floor = med["aw"], med["torch"], med["hips"], med["numpy"]

        def ratio(b, ref, per=results[w], med=med):
            return _row_ratio(per, med, b, ref)

        target = TARGETS[w] if threads == 1 else MANY_THREADS_TARGETS.get(w, TARGETS[w])
        r_pt, r_hips = ratio("aw", "torch"), ratio("aw", "hips")
        ok = r_pt is not None and r_pt <= target and (hips is None or (r_hips or 0) < 1)
        cells = [_x(r_pt), _x(ratio("hips", "torch")), _x(ratio("numpy", "torch"))]
        cells += [_x(ratio("bare", "torch")), _x(r_hips)]
        lines.append(
            f"| {TITLES[w]} | {_fmt_ms(aw)} | {_fmt_ms(pt)} | {_fmt_ms(hips)} | {_fmt_ms(floor)} "
            f"| {' | '.join(cells)} | <= {target}x {'met' if ok else 'MISSED'} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer, shorter rounds")
    ap.add_argument("--only", nargs="*", choices=WORKLOADS, help="run only these workloads")
    ap.add_argument("--backends", nargs="*", choices=BACKENDS, default=list(BACKENDS))
    ap.add_argument(
        "--threads",
        type=int,
        help="BLAS threads for every backend (default: numpy's own count; on a loaded machine "
        "1 is far less noisy)",
    )
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run every (backend, workload) process this many times, interleaved; report the "
        "median of their medians",
    )
    ap.add_argument(
        "--sequential",
        action="store_true",
        help="time each backend's process on its own, one after the other (the method before "
        "paired rounds; on a machine whose speed drifts its ratios move run to run)",
    )
    ap.add_argument(
        "--rounds", type=int, help="paired rounds per process set (default 21, 9 with --quick)"
    )
    ap.add_argument("--worker", nargs=2, metavar=("BACKEND", "WORKLOAD"), help=argparse.SUPPRESS)
    ap.add_argument("--serve", nargs=2, metavar=("BACKEND", "WORKLOAD"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(*args.worker, args.quick)))
        return 0
    if args.serve:
        serve(*args.serve)
        return 0

    workloads = args.only or list(WORKLOADS)
    results: dict = {}
    problems = []
    for w in workloads:
        runs: dict = {}
        ratios: dict = {}  # (backend, reference) -> per-round ratios, over all repeats
        backends = [
            b
            for b in args.backends
            if (b != "numpy" or w in HAS_FLOOR) and (b != "bare" or w in HAS_BARE)
        ]
        for _ in range(max(1, args.repeat)):
            if args.sequential:
                got = {b: _run_worker(b, w, args.quick, args.threads) for b in backends}
            else:
                got = _run_paired(backends, w, args.quick, args.threads, args.rounds)
            for b, r in got.items():
                if "error" in r:
                    problems.append(f"{BACKEND_NAMES[b]} / {w} failed:\n{r['error']}")
                    print(f"  {w:10s} {b:6s} FAILED", file=sys.stderr)
                    continue
                print(f"  {w:10s} {b:6s} {r['median'] * 1e3:9.3f} ms", file=sys.stderr)
                runs.setdefault(b, []).append(r)
            for b in got:
                for ref in ("torch", "hips"):
                    sb, sr = got[b].get("samples"), got.get(ref, {}).get("samples")
                    if sb and sr and len(sb) == len(sr):
                        ratios.setdefault((b, ref), []).extend(x / y for x, y in zip(sb, sr))
        for b, rs in runs.items():
            r = dict(rs[0])
            r["runs"] = [x["median"] for x in rs]
            r["median"] = statistics.median(r["runs"])
            r.pop("samples", None)
            r["paired"] = {
                ref: statistics.median(v) for (bb, ref), v in ratios.items() if bb == b and v
            }
            results.setdefault(w, {})[b] = r
        ref = results.get(w, {}).get("torch", {}).get("grads")
        for b, r in results.get(w, {}).items():
            if ref is not None and "grads" in r and not _grads_agree(ref, r["grads"]):
                problems.append(f"{BACKEND_NAMES[b]} / {w}: gradients differ from PyTorch's")
                r["median"] = None

    env_note = {k: os.environ.get(k, "(unset)") for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    meta = {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": _blas_info(),
        "threads": args.threads or _threads(),
        "repeat": args.repeat,
        "method": "sequential" if args.sequential else "paired",
        "rounds": args.rounds or (9 if args.quick else 21),
        "cpus": os.cpu_count(),
        "env": env_note,
    }
    try:
        meta["torch"] = __import__("importlib.metadata").metadata.version("torch")
        meta["autograd"] = __import__("importlib.metadata").metadata.version("autograd")
    except Exception:  # noqa: BLE001 - metadata is informational
        pass
    for w, per in results.items():  # a table row compares like with like, or says it does not
        for b, r in per.items():
            if r.get("threads") not in (None, meta["threads"]):
                problems.append(
                    f"{BACKEND_NAMES[b]} / {w} ran on {r['threads']} threads, not {meta['threads']}"
                )
    md = table(results, meta["threads"])
    from machine import describe  # bench/ is on sys.path when run as a script

    machine_line = describe(with_torch="torch" in args.backends).replace("\n", "; ")
    machine_line += f" (threads: this process's defaults; the workers ran on {meta['threads']})"
    header = (
        (
            "Medians of one step; each ratio is the median of per-round ratios (paired rounds, "
            f"{meta['rounds']} per process set)"
            if not args.sequential
            else "Medians of one step (each backend timed on its own: --sequential)"
        )
        + f", {meta['date']}; Python {meta['python']}, numpy {meta['numpy']}, "
        f"PyTorch {meta.get('torch', '?')}, HIPS autograd {meta.get('autograd', '?')}; "
        f"BLAS {meta['blas']}, {meta['threads']} thread(s); "
        + ", ".join(f"{k}={v}" for k, v in env_note.items())
        + ("; --quick" if args.quick else "")
        + f"\n\nMachine: {machine_line}"
    )
    RESULTS.mkdir(exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for r in (r for per in results.values() for r in per.values()):
        r.pop("grads", None)
    (RESULTS / f"core-{stamp}.json").write_text(
        json.dumps({"meta": meta, "results": results}, indent=1)
    )
    (RESULTS / f"core-{stamp}.md").write_text(header + "\n\n" + md + "\n")
    print(header + "\n")
    print(md)
    for p in problems:
        print("\n" + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
