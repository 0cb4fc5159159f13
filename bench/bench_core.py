"""Core speed benchmark: autograd_widgets vs PyTorch (CPU) vs HIPS autograd vs plain numpy.

Runs the four workloads of issue 2 ("Speed") with the same torch-API code on
autograd_widgets and PyTorch, the equivalent ``autograd.grad`` code on HIPS
autograd, and a hand-written numpy forward+backward (the floor for any
numpy-backed library) where that makes sense. Every (backend, workload) pair
runs in a fresh process; each reports the median time of one step. All
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
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
BACKENDS = ("aw", "torch", "hips", "numpy")
BACKEND_NAMES = {
    "aw": "autograd_widgets",
    "torch": "PyTorch",
    "hips": "HIPS autograd",
    "numpy": "numpy by hand",
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
        n_cycles = _n_ops(workload) // CHAIN_CYCLE
        x, a, b = (T[k].requires_grad_(True) for k in ("x", "a", "b"))

        def step():
            y = x
            for _ in range(n_cycles):
                y = (y * a + b).tanh() * 0.9
            y.sum().backward()

        def grads():
            for t in (x, a, b):
                t.grad = None
            step()
            return [t.grad.numpy() for t in (x, a, b)]

        return step, grads

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


def worker(backend: str, workload: str, quick: bool) -> dict:
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
    else:
        raise ValueError(backend)
    check = [np.asarray(g, dtype=np.float64).tolist() for g in grads()]
    out = {"backend": backend, "workload": workload, "threads": threads, "grads": check}
    out.update(_time(step, quick))
    return out


# --- orchestrator -------------------------------------------------------------------------------
def _run_worker(backend: str, workload: str, quick: bool, threads: int | None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", backend, workload]
    if quick:
        cmd.append("--quick")
    env = dict(os.environ)
    if threads:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(threads)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), env.get("PYTHONPATH")]))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1200)
    if proc.returncode != 0:
        return {"backend": backend, "workload": workload, "error": proc.stderr.strip()[-2000:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


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


def _ratio(a, b) -> str:
    return "-" if a is None or b is None else f"{a / b:.2f}x"


def table(results: dict, threads: int = 1) -> str:
    """The markdown table: medians in ms, and ratios to PyTorch and to HIPS autograd."""
    lines = [
        "| workload | autograd_widgets ms | PyTorch ms | HIPS ms | numpy floor ms "
        "| ours / PyTorch | HIPS / PyTorch | floor / PyTorch | ours / HIPS | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for w in (w for w in WORKLOADS if w in results):
        med = {b: results[w].get(b, {}).get("median") for b in BACKENDS}
        aw, pt, hips, floor = med["aw"], med["torch"], med["hips"], med["numpy"]
        target = TARGETS[w] if threads == 1 else MANY_THREADS_TARGETS.get(w, TARGETS[w])
        ok = aw is not None and pt is not None and aw / pt <= target
        ok = ok and (hips is None or aw < hips)
        lines.append(
            f"| {TITLES[w]} | {_fmt_ms(aw)} | {_fmt_ms(pt)} | {_fmt_ms(hips)} | {_fmt_ms(floor)} "
            f"| {_ratio(aw, pt)} | {_ratio(hips, pt)} | {_ratio(floor, pt)} | {_ratio(aw, hips)} "
            f"| <= {target}x {'met' if ok else 'MISSED'} |"
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
    ap.add_argument("--worker", nargs=2, metavar=("BACKEND", "WORKLOAD"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(*args.worker, args.quick)))
        return 0

    workloads = args.only or list(WORKLOADS)
    results: dict = {}
    problems = []
    for w in workloads:
        runs: dict = {}
        for _ in range(max(1, args.repeat)):
            for b in args.backends:
                if b == "numpy" and w not in HAS_FLOOR:
                    continue
                r = _run_worker(b, w, args.quick, args.threads)
                if "error" in r:
                    problems.append(f"{BACKEND_NAMES[b]} / {w} failed:\n{r['error']}")
                    print(f"  {w:10s} {b:6s} FAILED", file=sys.stderr)
                    continue
                print(f"  {w:10s} {b:6s} {r['median'] * 1e3:9.3f} ms", file=sys.stderr)
                runs.setdefault(b, []).append(r)
        for b, rs in runs.items():
            r = dict(rs[0])
            r["runs"] = [x["median"] for x in rs]
            r["median"] = statistics.median(r["runs"])
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
    header = (
        f"Medians of one step, {meta['date']}; Python {meta['python']}, numpy {meta['numpy']}, "
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
