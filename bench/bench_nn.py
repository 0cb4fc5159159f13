"""Training-step benchmarks: autograd_widgets vs PyTorch CPU, each in a fresh process.

    python bench/bench_nn.py            # markdown table of medians and ratios
    python bench/bench_nn.py --quick    # fewer repeats

Workloads (float32, SGD with momentum, cross-entropy):
* ``mlp``:  batch 64, 784-256-128-10, ReLU;
* ``conv``: batch 32, 1x28x28, Conv(1->16, 3x3) ReLU MaxPool(2) Conv(16->32, 3x3) ReLU
  MaxPool(2) Linear(32*7*7 -> 10).

Both libraries get the same thread count (``torch.set_num_threads(2)``, and 2 BLAS/OpenMP
threads through the environment for numpy; ``--threads N`` changes it). Memory: resident set
size after 100 steps and after 1,000 (MLP) / 200 (conv) steps -- flat means graphs are
freed -- and the peak over the run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

THREADS = 2
MEM_STEPS = {"mlp": 1000, "conv": 200}
ROOT = Path(__file__).resolve().parent.parent


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _build(lib, workload: str):
    nn = lib.nn
    lib.manual_seed(0)
    if workload == "mlp":
        model = nn.Sequential(
            nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)
        )
        x = lib.randn(64, 784)
        y = lib.randint(0, 10, (64,))
    else:
        model = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(32 * 7 * 7, 10),
        )
        x = lib.randn(32, 1, 28, 28)
        y = lib.randint(0, 10, (32,))
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.functional.cross_entropy

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def worker(lib_name: str, workload: str, repeats: int, steps: int, mem_steps: int) -> dict:
    if lib_name == "torch":
        import torch as lib

        lib.set_num_threads(int(os.environ.get("BENCH_THREADS", THREADS)))
    else:
        sys.path.insert(0, str(ROOT))
        import autograd_widgets as lib
    step = _build(lib, workload)
    for _ in range(10):
        step()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        times.append((time.perf_counter() - t0) / steps)
    step = _build(lib, workload)
    rss_100 = None
    for i in range(mem_steps):
        step()
        if i == 99:
            rss_100 = _rss_mb()
    return {
        "median_ms": statistics.median(times) * 1e3,
        "rss_100_mb": rss_100,
        "rss_end_mb": _rss_mb(),
        "peak_mb": _peak_rss_mb(),
    }


def run(lib_name: str, workload: str, quick: bool, threads: int) -> dict:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    env["BENCH_THREADS"] = str(threads)
    repeats, steps = (3, 10) if quick else (7, 30)
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        lib_name,
        workload,
        str(repeats),
        str(steps),
        str(MEM_STEPS[workload]),
    ]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        lib_name, workload, repeats, steps, mem_steps = args.worker
        print(json.dumps(worker(lib_name, workload, int(repeats), int(steps), int(mem_steps))))
        return
    rows = []
    for workload in ("mlp", "conv"):
        ours = run("aw", workload, args.quick, args.threads)
        theirs = run("torch", workload, args.quick, args.threads)
        rows.append((workload, ours, theirs))
    from machine import describe  # bench/ is on sys.path when run as a script

    print(describe().replace("\n", "; "))
    print(f"threads: {args.threads} (torch.set_num_threads and BLAS/OpenMP env)\n")
    print(
        "| training step | autograd_widgets ms | PyTorch ms | ratio | "
        "aw RSS after 100 steps / at the end (MB) | peak RSS aw / torch (MB) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    names = {
        "mlp": f"MLP 784-256-128-10, batch 64 ({MEM_STEPS['mlp']} steps for memory)",
        "conv": f"Conv2d x2, batch 32, 1x28x28 ({MEM_STEPS['conv']} steps for memory)",
    }
    for workload, o, t in rows:
        print(
            f"| {names[workload]} | {o['median_ms']:.2f} | {t['median_ms']:.2f} | "
            f"{o['median_ms'] / t['median_ms']:.2f}x | {o['rss_100_mb']:.0f} / {o['rss_end_mb']:.0f} | "
            f"{o['peak_mb']:.0f} / {t['peak_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
