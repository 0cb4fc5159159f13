"""Sums in ATen's order (``ops/_sum_order.py``): bit for bit with PyTorch on one thread and two."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch

pytestmark = pytest.mark.oracle

CASES = [
    ((256, 128, 64), (1,)),  # the broadcast benchmark's gradient of a (256, 1, 64) input
    ((8, 100, 10), (1,)),
    ((4, 5, 6, 7), (1, 2)),
    ((3, 50, 3), (1,)),  # fewer columns than a vector: the scalar outer sum
    ((2, 3, 40, 5), (1, 2)),
    ((5, 1, 7, 9), (2,)),
    ((2, 300, 33), (1,)),
    ((3, 4, 5, 6, 7), (1, 2, 3)),
    ((64, 256), (0,)),  # a bias gradient
    ((2, 3, 4), (0, 1)),
    ((2, 3, 4), (1, 2)),
    ((1000,), (0,)),
    ((32, 64, 3, 3), (0, 2, 3)),  # a conv bias's gradient: leading and trailing axes
    ((8, 16, 28, 28), (0, 2, 3)),
    ((5, 6, 7), (0, 2)),
    ((4, 3, 5, 6, 7), (0, 1, 4)),
]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("shape", "dims"), CASES)
def test_sum_over_blocks_of_axes_is_bitwise_torch(shape, dims, dtype, threads):
    torch = require_torch()
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        rng = np.random.default_rng(len(shape) * 100 + sum(shape))
        x = (rng.standard_normal(shape) * 10).astype(dtype)
        for keepdim in (False, True):
            want = torch.from_numpy(x).sum(dims, keepdim=keepdim).numpy()
            got = aw.from_numpy(x).sum(dims, keepdim=keepdim).numpy()
            assert got.shape == want.shape
            assert np.array_equal(got, want)
    finally:
        torch.set_num_threads(before)


def test_broadcast_gradient_sums_are_bitwise_torch():
    """unbroadcast of a (256, 128, 64) gradient to (256, 1, 64) and (1, 128, 64)."""
    torch = require_torch()
    rng = np.random.default_rng(5)
    a = rng.standard_normal((256, 1, 64)).astype(np.float32)
    b = rng.standard_normal((1, 128, 64)).astype(np.float32)
    grads = []
    for lib in (torch, aw):
        ta, tb = (
            lib.from_numpy(a.copy()).requires_grad_(),
            lib.from_numpy(b.copy()).requires_grad_(),
        )
        (ta * tb).sum().backward()
        grads.append((ta.grad.numpy(), tb.grad.numpy()))
    assert np.array_equal(grads[0][0], grads[1][0])
    assert np.array_equal(grads[0][1], grads[1][1])
