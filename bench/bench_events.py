"""What the event bus costs: no listener, a listener, a recorder, vs a build with no emit sites.

Every emit site in the core is guarded by ``if events.listeners:`` so that with
no listener the cost is one falsy check. The baseline is a "no emit" build: a
temporary copy of the package in which every ``events.listeners`` is replaced
by ``False``, so the compiler drops the guarded blocks entirely. Each variant
runs in its own fresh process (processes interleaved, A B C D A B C D ...);
every process reports the median of its timed repeats (CPU time of the
process, less sensitive to a loaded machine than wall time) and the table shows
the median over processes.

Because a loaded machine can swamp a 1% effect, the run also prints an
estimate that noise cannot move: (guards evaluated per run, counted as the
events a counting listener receives) x (cost of one ``if events.listeners:``
check, timed with ``timeit``) / (no-emit time).

Run::

    python bench/bench_events.py            # full run (about two minutes)
    python bench/bench_events.py --quick    # fewer processes and repeats
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = ("no_emit", "no_listener", "noop_listener", "recorder")

# The code each process runs: a workload timed ``repeats`` times, median printed as JSON.
CHILD = r'''
import gc, json, statistics, sys, time
import autograd_widgets as aw
variant, work_name, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])


def forward_small(n=200):
    """Many small ops: where per-op overhead shows."""
    x = aw.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    w = aw.tensor([[0.5, -1.0], [0.25, 2.0]], requires_grad=True)
    for _ in range(n):
        y = ((x @ w + 1.0).tanh() * x).exp().sum()
    return y


def train_step(n=50):
    """Forward, backward, an SGD step under no_grad, grads reset: a training loop."""
    w1 = aw.ones(8, 16, requires_grad=True)
    w2 = aw.ones(16, 1, requires_grad=True)
    data = aw.ones(32, 8)
    target = aw.zeros(32, 1)
    for _ in range(n):
        h = (data @ w1).relu()
        loss = ((h @ w2 - target) ** 2).mean()
        loss.backward()
        with aw.no_grad():
            w1 -= 0.001 * w1.grad
            w2 -= 0.001 * w2.grad
        w1.grad = None
        w2.grad = None
    return loss


work = {"forward_small": forward_small, "train_step": train_step}[work_name]
if variant == "count":
    from autograd_widgets.graph import subscribe
    n = [0]

    def count(kind, payload):
        n[0] += 1

    work()
    with subscribe(count):
        work()
    print(json.dumps(n[0]))
    sys.exit(0)
if variant == "noop_listener":
    from autograd_widgets.graph import subscribe
    subscribe(lambda kind, payload: None)
elif variant == "recorder":
    from autograd_widgets.graph import record
    record().start()
for _ in range(3):
    work()
gc.collect()
gc.disable()
times = []
for _ in range(repeats):
    t0 = time.process_time()
    work()
    times.append(time.process_time() - t0)
print(json.dumps(statistics.median(times)))
'''


def make_copies(dest: Path) -> int:
    """Two copies of the package: ``dest/with_emit`` as it is, ``dest/no_emit`` with every
    ``events.listeners`` check replaced by False. Copies keep the run consistent even if
    the working tree changes meanwhile."""
    src = ROOT / "autograd_widgets"
    ignore = shutil.ignore_patterns("static", "tutorials", "__pycache__")
    shutil.copytree(src, dest / "with_emit" / "autograd_widgets", ignore=ignore)
    return make_no_emit_copy(dest / "with_emit" / "autograd_widgets", dest / "no_emit")


def make_no_emit_copy(src: Path, dest: Path) -> int:
    """Copy the package ``src`` to ``dest`` with every ``events.listeners`` check replaced by False."""
    shutil.copytree(src, dest / "autograd_widgets")
    changed = 0
    for path in (dest / "autograd_widgets").rglob("*.py"):
        rel = path.relative_to(dest / "autograd_widgets").as_posix()
        if rel.startswith("graph/") or rel == "autograd/events.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "events.listeners" in text:
            path.write_text(text.replace("events.listeners", "False"), encoding="utf-8")
            changed += text.count("events.listeners")
    return changed


def run_child(variant: str, work: str, repeats: int, copies: Path) -> float:
    path = copies / ("no_emit" if variant == "no_emit" else "with_emit")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, variant, work, str(repeats)],
        capture_output=True,
        text=True,
        check=True,
        cwd=path,
        env={"PYTHONPATH": str(path), "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def check_cost() -> float:
    """Seconds for one ``if events.listeners:`` with no listener (module attribute + truth test)."""
    if not hasattr(check_cost, "value"):
        from types import SimpleNamespace

        ns = {"events": SimpleNamespace(listeners=[])}
        loops = 2_000_000
        clock = time.process_time  # CPU time: a loaded machine inflates wall time
        guarded = min(
            timeit.repeat(
                "if events.listeners: pass", globals=ns, number=loops, repeat=9, timer=clock
            )
        )
        empty = min(timeit.repeat("pass", globals=ns, number=loops, repeat=9, timer=clock))
        check_cost.value = max(guarded - empty, 0.0) / loops
    return check_cost.value


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer processes and repeats")
    ap.add_argument("--processes", type=int, default=None, help="processes per variant")
    ap.add_argument("--repeats", type=int, default=None, help="timed repeats per process")
    args = ap.parse_args(argv)
    procs = args.processes or (5 if args.quick else 11)
    repeats = args.repeats or (15 if args.quick else 31)
    with tempfile.TemporaryDirectory() as tmp:
        n_sites = make_copies(Path(tmp))
        from machine import describe  # bench/ is on sys.path when run as a script

        print(describe(with_torch=False).replace("\n", "; "))
        print(f"no-emit build: {n_sites} 'events.listeners' checks compiled away")
        print(f"median over {procs} processes of the median of {repeats} runs; ratio vs no-emit")
        print(f"{'workload':<14} {'variant':<15} {'median ms':>10} {'ratio':>8}")
        worst = 0.0
        for work in ("forward_small", "train_step"):
            times: dict = {v: [] for v in VARIANTS}
            for i in range(procs):
                k = i % len(VARIANTS)  # rotate the order
                for v in VARIANTS[k:] + VARIANTS[:k]:
                    times[v].append(run_child(v, work, repeats, Path(tmp)))
            med = {v: statistics.median(t) for v, t in times.items()}
            for v in VARIANTS:
                print(f"{work:<14} {v:<15} {med[v] * 1e3:>10.3f} {med[v] / med['no_emit']:>8.3f}")
            worst = max(worst, med["no_listener"] / med["no_emit"])
            checks = run_child("count", work, 1, Path(tmp))
            est = checks * check_cost() / med["no_emit"]
            print(
                f"{work:<14} estimate: {checks} guard checks/run x {check_cost() * 1e9:.1f} ns "
                f"= {100 * est:.2f}% of the no-emit time"
            )
    verdict = "OK" if worst < 1.02 else "OVER"
    print(
        f"no-listener overhead (worst workload): {100 * (worst - 1):+.2f}% (target < 2%: {verdict})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
