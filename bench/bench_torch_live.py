"""A live widget over a real PyTorch training loop: what it costs the loop.

Issue 16 asks that a live ``draw()`` of a real ``torch`` loss keeps a training
loop of an ``nn.Module`` within the slowdown budget of ours (< 20%).  This runs,
in one process, 1,000 SGD steps of a small MLP (``torch.nn``, batch 64,
``cross_entropy``) in three settings, round after round, interleaved so that a
busy machine's drift evens out:

* ``plain``: no widget;
* ``live``: ``aw.draw(loss)`` of a loss kept alive, ``live=True`` (the default:
  PyTorch's hooks plus the function mode that follows new ops);
* ``hooks``: the same widget with ``follow=False`` (PyTorch's hooks alone).

The widget runs as in a notebook cell that blocks the kernel: no event loop, so
its throttle sends an update as soon as the interval has passed (the leading
edge), rebuilding the graph on the loop's time.  Each round reports the
process's CPU time (``time.process_time``, the primary number on a shared
machine) and the medians of all rounds are printed with the ratio to ``plain``.

    python bench/bench_torch_live.py              # 7 rounds
    python bench/bench_torch_live.py --rounds 3 --steps 500
    python bench/bench_torch_live.py --profile    # cProfile of one live loop

Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

# one BLAS / intra-op thread, as the other benchmarks: this machine has 2 cores, shared
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import machine  # noqa: E402

#: (inputs, hidden, classes, batch): the small MLP of bench_widget.py, on real torch
SHAPE = (32, 64, 10, 64)


class Loop:
    """The model, the data and the optimizer of one training loop, on real torch."""

    def __init__(self, torch) -> None:
        self.torch = torch
        torch.manual_seed(0)
        d, h, k, batch = SHAPE
        nn = torch.nn
        self.model = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, k))
        self.opt = torch.optim.SGD(self.model.parameters(), lr=0.01)
        self.x = torch.randn(batch, d)
        self.y = torch.randint(0, k, (batch,))

    def loss(self):
        return self.torch.nn.functional.cross_entropy(self.model(self.x), self.y)

    def train(self, steps: int) -> float:
        """``steps`` SGD steps; the process CPU seconds they took."""
        opt, loss = self.opt, self.loss
        t = time.process_time()
        for _ in range(steps):
            opt.zero_grad()
            loss().backward()
            opt.step()
        return time.process_time() - t


def run_round(loop: Loop, kind: str, steps: int) -> tuple[float, dict]:
    gc.collect()
    if kind == "plain":
        return loop.train(steps), {}
    import autograd_widgets as aw

    drawn = loop.loss()
    drawn.backward()
    # hooks: the widget without the function mode (PyTorch's hooks alone)
    w = aw.draw(drawn, module=loop.model, follow=kind == "live")
    live = w._source.__self__.graph
    calls = w._throttle.calls
    cpu = loop.train(steps)
    from autograd_widgets.graph import _torch_mode

    info = {
        "updates": w._throttle.calls - calls,
        "passes": live.book.passes,
        "paused": _torch_mode.paused(),
    }
    w.close()
    del w, drawn, live
    return cpu, info


def profile(loop: Loop, steps: int) -> None:
    import cProfile
    import pstats

    import autograd_widgets as aw

    drawn = loop.loss()
    drawn.backward()
    w = aw.draw(drawn, module=loop.model)
    prof = cProfile.Profile()
    prof.enable()
    loop.train(steps)
    prof.disable()
    w.close()
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    pstats.Stats(prof).sort_stats("cumulative").print_stats(30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--profile", action="store_true", help="cProfile one live loop instead")
    args = ap.parse_args()

    import torch

    torch.set_num_threads(1)
    print(machine.describe())
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    loop = Loop(torch)
    loop.train(100)  # warm up
    if args.profile:
        profile(loop, args.steps)
        return
    kinds = ("plain", "live", "hooks")
    times: dict[str, list[float]] = {k: [] for k in kinds}
    for r in range(args.rounds):
        # rotate the order each round: drift on a busy machine falls on every kind alike
        order = kinds[r % 3 :] + kinds[: r % 3]
        line = []
        for kind in order:
            cpu, info = run_round(loop, kind, args.steps)
            times[kind].append(cpu)
            extra = ""
            if info:
                extra = f" ({info['updates']} updates{', mode paused' if info['paused'] else ''})"
            line.append(f"{kind} {cpu * 1000:.1f} ms{extra}")
        print(f"round {r + 1}: " + ", ".join(line), flush=True)
    plain = statistics.median(times["plain"])
    print()
    print(f"{args.steps} SGD steps of an MLP {SHAPE[0]}-{SHAPE[1]}-{SHAPE[2]}, batch {SHAPE[3]}, ")
    print(f"CPU time (process_time), medians of {args.rounds} interleaved rounds:")
    print("| setting | CPU ms | ratio of medians | median of per-round ratios |")
    print("|---|--:|--:|--:|")
    for kind in kinds:
        med = statistics.median(times[kind])
        # a round's settings ran back to back: their ratio is steadier under drifting load
        paired = statistics.median(a / b for a, b in zip(times[kind], times["plain"]))
        print(f"| {kind} | {med * 1000:.1f} | {med / plain:.3f}x | {paired:.3f}x |")


if __name__ == "__main__":
    main()
