"""The backward engine runs nodes in PyTorch's order, ties included, and hands a first
gradient to ``.grad`` without a copy only when nothing else can see it.

PyTorch's ready queue is a ``std::priority_queue`` on ``sequence_nr``; every AccumulateGrad
has the same one, so which ready leaf runs first (the order of their hooks) is where
libstdc++'s heap leaves it. Random graphs are run on both libraries and the order of tensor
hooks and post-accumulate hooks compared.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch


def _hook_order(m, seed: int) -> list:
    rnd = random.Random(seed)
    order = []
    leaves = [m.ones(3, requires_grad=True) for _ in range(rnd.randint(2, 8))]
    for i, x in enumerate(leaves):
        x.register_post_accumulate_grad_hook(lambda t, i=i: order.append(("leaf", i)))
    pool = list(leaves)
    for j in range(rnd.randint(1, 12)):
        op = rnd.choice(["add", "mul", "stack", "cat", "sin"])
        if op == "sin":
            y = rnd.choice(pool).sin()
        elif op in ("stack", "cat"):
            xs = rnd.sample(pool, min(len(pool), rnd.randint(2, 5)))
            y = (m.stack(xs) if op == "stack" else m.cat(xs)).reshape(-1, 3).sum(0)
        else:
            a, b = rnd.choice(pool), rnd.choice(pool)
            y = a + b if op == "add" else a * b
        y.register_hook(lambda g, j=j: order.append(("tensor", j)))
        pool.append(y)
    roots = rnd.sample(pool, min(len(pool), rnd.randint(1, 3)))
    sum(r.sum() for r in roots).backward()
    return order


def test_hooks_run_in_pytorchs_order_on_random_graphs():
    # (with ties broken by id(), 132 of 400 such graphs ran their hooks in another order)
    torch = require_torch()
    for seed in range(200):
        assert _hook_order(aw, seed) == _hook_order(torch, seed), seed


@pytest.mark.parametrize("n", [2, 3, 4, 5, 9])
def test_leaves_ready_together_run_in_heap_order(n):
    torch = require_torch()

    def order(m):
        xs = [m.ones(2, requires_grad=True) for _ in range(n)]
        seen = []
        for i, x in enumerate(xs):
            x.register_post_accumulate_grad_hook(lambda t, i=i: seen.append(i))
        m.stack(xs).sum().backward()
        return seen

    assert order(aw) == order(torch)  # n=5: [0, 2, 4, 1, 3]


def test_first_gradient_is_not_shared_with_what_the_user_holds():
    # A gradient a hook keeps, one that reaches two leaves, and a retained non-leaf
    # gradient: .grad must not alias them (a later backward adds into .grad in place).
    torch = require_torch()

    def program(m):
        m.manual_seed(0)
        w = m.randn(4, 3, requires_grad=True)
        b = m.randn(3, requires_grad=True)
        c = m.randn(3, requires_grad=True)
        x = m.randn(5, 4)
        kept = []
        w.register_hook(lambda g: kept.append(g))
        y = x @ w
        y.retain_grad()
        z = y + b + c  # AddBackward hands one gradient to b and to c
        g0 = m.ones(5, 3)
        z.backward(g0)
        first = [t.clone() for t in (kept[0], y.grad, w.grad, b.grad, c.grad)]
        z2 = x @ w + b + c
        z2.backward(g0)
        return [t.detach().numpy().copy() for t in (kept[0], y.grad, w.grad, b.grad, c.grad)], [
            t.numpy() for t in first
        ]

    (ours, ours_first), (theirs, theirs_first) = program(aw), program(torch)
    for a, t in zip(ours + ours_first, theirs + theirs_first):
        np.testing.assert_allclose(a, t, rtol=1e-6)
    np.testing.assert_array_equal(ours[0], ours_first[0])  # the kept gradient is unchanged
    np.testing.assert_array_equal(ours[1], ours_first[1])


def test_first_gradient_nobody_else_holds_becomes_grad_without_a_copy(monkeypatch):
    seen = []
    real = np.array

    def spy(obj, *args, **kwargs):
        if kwargs.get("copy") is True and getattr(obj, "shape", None) == (256, 64):
            seen.append(obj)
        return real(obj, *args, **kwargs)

    from autograd_widgets.autograd import node

    monkeypatch.setattr(node.np, "array", spy)
    w = aw.randn(256, 64, requires_grad=True)
    (aw.randn(8, 256) @ w).sum().backward()
    assert w.grad is not None and not seen  # taken over, as ATen's AccumulateGrad does
    w2 = aw.randn(256, 64, requires_grad=True)
    kept = []
    w2.register_hook(lambda g: kept.append(g))
    (aw.randn(8, 256) @ w2).sum().backward()
    assert len(seen) == 1 and not np.shares_memory(kept[0].numpy(), w2.grad.numpy())
