"""End to end: train on a real dataset like PyTorch does, with flat memory and freed graphs."""

from __future__ import annotations

import functools
import gc
import importlib
import tracemalloc
import weakref
from pathlib import Path

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch

_DIGITS = Path(__file__).resolve().parents[2] / "notebooks" / "source" / "_digits.py"


@functools.lru_cache(maxsize=1)
def _digits():
    """Tutorial 4's generated 8x8 digits (its data cell, run here with numpy alone)."""
    namespace = {}
    exec(_DIGITS.read_text(encoding="utf-8"), namespace)
    exec(namespace["DIGITS_CODE"], namespace)
    x_train, x_test = (namespace[k].astype(np.float32) for k in ("X_train", "X_test"))
    y_train, y_test = (namespace[k].astype(np.int64) for k in ("y_train", "y_test"))
    return x_train, y_train, x_test, y_test


def train_digits(torch, epochs=10, seed=0):
    """The same PyTorch script, run with ``torch`` being either library. Returns test accuracy."""
    from_numpy = torch.from_numpy
    xtr, ytr, xte, yte = _digits()
    torch.manual_seed(seed)
    nn, F = torch.nn, torch.nn.functional
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(from_numpy(xtr), from_numpy(ytr)),
        batch_size=64,
        shuffle=True,
    )
    for _ in range(epochs):
        model.train()
        for xb, yb in loader:
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
        sched.step()
    model.eval()
    with torch.no_grad():
        pred = model(from_numpy(xte)).argmax(dim=1)
    return float((pred == from_numpy(yte)).float().mean())


@pytest.mark.oracle
def test_digits_mlp_reaches_torch_accuracy_band():
    torch = require_torch()
    importlib.import_module("torch.utils.data")

    _digits()
    ours = train_digits(aw)
    theirs = train_digits(torch)
    assert ours > 0.88 and theirs > 0.88  # the generated digits: ~0.91 after 10 epochs
    assert abs(ours - theirs) < 0.03, (ours, theirs)


@pytest.mark.oracle
def test_training_losses_track_torch_step_by_step():
    """Same weights, same batches: the loss curves agree to float32 precision."""
    torch = require_torch()
    from tests.nn._compare import copy_weights

    xtr, ytr, _, _ = _digits()
    make = lambda nn: nn.Sequential(nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10))  # noqa: E731
    tm, om = make(torch.nn), make(aw.nn)
    copy_weights(tm, om)
    topt = torch.optim.Adam(tm.parameters(), lr=1e-2)
    oopt = aw.optim.Adam(om.parameters(), lr=1e-2)
    tl, ol = [], []
    for step in range(60):
        sl = slice((step * 50) % 1400, (step * 50) % 1400 + 50)
        for lib, m, opt, out in ((torch, tm, topt, tl), (aw, om, oopt, ol)):
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(
                m(lib.from_numpy(xtr[sl])), lib.from_numpy(ytr[sl])
            )
            loss.backward()
            opt.step()
            out.append(loss.item())
    np.testing.assert_allclose(ol, tl, rtol=2e-4, atol=2e-5)


def _mlp_step_fn(seed=0):
    aw.manual_seed(seed)
    model = aw.nn.Sequential(aw.nn.Linear(8, 16), aw.nn.ReLU(), aw.nn.Linear(16, 3))
    opt = aw.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = aw.randn(8, 8)
    y = aw.randint(0, 3, (8,))

    def step():
        opt.zero_grad()
        loss = aw.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def _live_nodes() -> int:
    from autograd_widgets.autograd.node import Node

    return sum(isinstance(o, Node) for o in gc.get_objects())


def test_memory_is_flat_over_1000_steps():
    """1,000 steps: no node survives its step, and traced memory does not grow.

    tracemalloc slows every allocation, so it watches the last 300 steps; a leak of even
    a few dozen bytes per step would show there.
    """
    step = _mlp_step_fn()
    for _ in range(50):
        step()
    gc.collect()
    nodes_before = _live_nodes()
    for _ in range(650):
        step()
    tracemalloc.start()
    try:
        for _ in range(50):
            step()
        gc.collect()
        after_warmup, _ = tracemalloc.get_traced_memory()
        for _ in range(250):
            step()
        gc.collect()
        after_all, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after_all - after_warmup < 16 * 1024, (after_warmup, after_all)
    assert _live_nodes() == nodes_before


def test_graph_is_freed_after_backward():
    step = _mlp_step_fn()
    loss = step()
    node = weakref.ref(loss.grad_fn)
    saved = [weakref.ref(f) for f, _ in loss.grad_fn.next_functions if f is not None]
    del loss
    assert node() is None and all(r() is None for r in saved)
