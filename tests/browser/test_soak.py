"""Soak test (issue 12): one live widget and 50 re-runs of a draw cell on a page, then
2,000 training steps.  Kernel RSS, event-bus listeners and websocket bytes stay flat.

Figures go to ``test-artifacts/soak.json`` (and are printed with ``-s``).  The
assertions use generous margins and never timings.
"""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_hardening_lab import open_alone

pytestmark = pytest.mark.browser

SETUP = """\
import autograd_widgets as torch
from autograd_widgets import nn
from autograd_widgets.autograd import events

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.01)
X, Y = torch.randn(32, 4), torch.randn(32, 1)
loss = ((model(X) - Y) ** 2).mean()


def rss_mb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS"))


def train(steps):
    for _ in range(steps):  # the drawn `loss` stays alive, and its widgets live
        opt.zero_grad()
        out = ((model(X) - Y) ** 2).mean()
        out.backward()
        opt.step()
    print("FIGURES", rss_mb(), len(events.listeners))


live = torch.draw(loss, module=model)
live"""

DRAW = "w = torch.draw(loss, module=model)\nw"
TRAIN = "train(500)"


def test_fifty_reruns_and_two_thousand_steps_stay_flat(lab, lab_page):
    page = lab_page
    received = {"bytes": 0, "frames": 0}

    def on_ws(ws):
        def count(payload):
            received["bytes"] += len(payload)
            received["frames"] += 1

        ws.on("framereceived", count)

    page.on("websocket", on_ws)
    name = lab.write_notebook("soak.ipynb", [SETUP, DRAW, TRAIN])
    open_alone(lab, page, name)
    lab.run_cell(page, 0)
    lab.cell(page, 0).locator(".aw-graph svg").wait_for()
    for _ in range(50):
        lab.run_cell(page, 1)
    lab.cell(page, 1).locator(".aw-graph svg").wait_for()
    assert page.locator(".aw-graph").count() == 2  # the live widget and the last re-run's

    chunks = []
    for _ in range(4):  # 4 x 500 steps
        before = dict(received)
        lab.run_cell(page, 2)
        page.wait_for_timeout(500)  # the last throttled update
        words = lab.output_text(page, 2).split()
        rss, listeners = float(words[words.index("FIGURES") + 1]), int(words[-1])
        chunks.append(
            {
                "rss_mb": round(rss, 1),
                "listeners": listeners,
                "ws_bytes": received["bytes"] - before["bytes"],
                "ws_frames": received["frames"] - before["frames"],
            }
        )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "soak.json").write_text(json.dumps(chunks, indent=1))
    print("soak, per 500 steps:", json.dumps(chunks))

    # bus listeners: the two shown widgets' only (6 each: the live graph's 4, the backward
    # steps' 1, the error watch's 1, as test_hardening_lab counts), the same after every chunk
    assert {c["listeners"] for c in chunks} == {chunks[0]["listeners"]}
    assert chunks[0]["listeners"] <= 12
    # kernel memory: flat after the first chunk (generous: 40 MB)
    assert chunks[-1]["rss_mb"] - chunks[0]["rss_mb"] < 40, chunks
    # websocket: what two throttled widgets send, not 50 (the leak sent 21 MB per 500 steps)
    for c in chunks:
        assert c["ws_bytes"] < 4_000_000, chunks
    assert chunks[-1]["ws_bytes"] < 2 * chunks[0]["ws_bytes"] + 500_000, chunks
