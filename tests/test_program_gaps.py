"""Library gaps the conformance programs revealed, each pinned against the oracle."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch

pytestmark = pytest.mark.oracle


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_tanh_backward_rounds_one_minus_square_once_as_pytorch(dtype):
    # ATen's tanh_backward computes grad * (1 - y * y) with a fused multiply-add: a lecture
    # checks its hand-derived (1 - h**2) * dh against autograd with ==, and gets False.
    torch = require_torch()
    rng = np.random.default_rng(0)
    x = aw.tensor(rng.uniform(-3, 3, 4096).astype(dtype), requires_grad=True)
    g = rng.standard_normal(4096).astype(dtype)
    out = x.tanh()
    out.backward(aw.tensor(g))
    y = out.detach().numpy()  # the saved output the kernel sees
    want = torch.ops.aten.tanh_backward(torch.from_numpy(g), torch.from_numpy(y)).numpy()
    assert np.array_equal(x.grad.numpy(), want)
