"""bench/bench_core.py's paired rounds: processes that take turns, ratios per round.

Timings are never asserted (this machine is shared and noisy); what is checked is the
protocol: every backend gets its rounds, a failing backend is reported instead of hanging,
ratios come from the paired samples, and the table marks targets from those ratios.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import bench_core  # noqa: E402


def test_paired_rounds_give_every_backend_its_samples():
    got = bench_core._run_paired(["aw", "numpy"], "broadcast", quick=True, threads=1, rounds=3)
    assert set(got) == {"aw", "numpy"}
    for r in got.values():
        assert "error" not in r, r.get("error")
        assert len(r["samples"]) == 3 and all(s > 0 for s in r["samples"])
        assert r["median"] == statistics.median(r["samples"])
        assert r["threads"] == 1
    # Both computed the same gradients (what the orchestrator checks before any ratio).
    assert bench_core._grads_agree(got["numpy"]["grads"], got["aw"]["grads"])


def test_a_backend_that_fails_is_reported_not_waited_for():
    got = bench_core._run_paired(["numpy", "nope"], "broadcast", quick=True, threads=1, rounds=2)
    assert "ValueError: nope" in got["nope"]["error"]
    assert len(got["numpy"]["samples"]) == 2  # the other backend still ran its rounds


def test_the_table_uses_the_paired_ratio_and_marks_the_target():
    per = {
        "aw": {"median": 2.0, "paired": {"torch": 1.1}},
        "torch": {"median": 1.0, "paired": {"torch": 1.0}},
    }
    md = bench_core.table({"chain200": per}, threads=1)
    row = md.splitlines()[-1]
    assert "| 1.10x |" in row and "met" in row  # 1.1 from the rounds, not 2.0 / 1.0
    per["aw"]["paired"] = {}
    row = bench_core.table({"chain200": per}, threads=1).splitlines()[-1]
    assert "| 2.00x |" in row and "MISSED" in row  # no paired samples: ratio of medians


@pytest.mark.parametrize("sequential", [False, True])
def test_main_writes_a_table(tmp_path, monkeypatch, capsys, sequential):
    monkeypatch.setattr(bench_core, "RESULTS", tmp_path)
    argv = ["--quick", "--threads", "1", "--only", "broadcast", "--backends", "aw", "numpy"]
    argv += ["--sequential"] if sequential else ["--rounds", "2"]
    assert bench_core.main(argv) == 0
    out = capsys.readouterr().out
    assert "(256,1,64)*(1,128,64)" in out
    assert ("paired rounds, 2 per process set" in out) != sequential
    assert len(list(tmp_path.glob("core-*.json"))) == 1


def test_the_bare_autograd_computes_the_chain_gradients_pytorch_does():
    # The yardstick only means something if it does the same work: same gradients.
    pytest.importorskip("torch")
    got = bench_core._run_paired(["bare", "torch"], "chain200", quick=True, threads=1, rounds=2)
    for r in got.values():
        assert "error" not in r, r.get("error")
    assert bench_core._grads_agree(got["torch"]["grads"], got["bare"]["grads"])
    with pytest.raises(ValueError, match="runs only"):
        bench_core._bare("mlp")


def test_the_table_has_a_bare_column():
    per = {
        "aw": {"median": 2.0, "paired": {"torch": 1.3}},
        "torch": {"median": 1.0, "paired": {"torch": 1.0}},
        "bare": {"median": 0.5, "paired": {"torch": 0.5}},
    }
    md = bench_core.table({"chain10k": per}, threads=1)
    head, row = md.splitlines()[0], md.splitlines()[-1]
    assert "bare / PyTorch" in head
    assert "| 1.30x |" in row and "| 0.50x |" in row
