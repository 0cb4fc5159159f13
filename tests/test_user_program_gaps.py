"""Differences found by running other people's PyTorch programs, each pinned against the oracle."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets.ops import indexing
from tests._oracle import require_torch

pytestmark = pytest.mark.oracle


def _run(module, code):
    """``code``'s value as a list (and its grad_fn's name and edges), or its error."""
    try:
        out = eval(code, {"torch": module})
    except RuntimeError as exc:
        return type(exc).__name__, str(exc)
    fn = out.grad_fn
    edges = None if fn is None else [type(f).__name__ for f, _ in fn.next_functions]
    return out.tolist(), None if fn is None else type(fn).__name__, edges


SCATTER_REDUCE = [
    # a number with ``reduce`` accumulates at a repeated index, as a tensor src does
    "torch.ones(3).scatter(0, torch.tensor([0, 0, 1]), 2.5, reduce='multiply')",
    "torch.ones(3).scatter(0, torch.tensor([0, 0, 1]), value=2.5, reduce='add')",
    "torch.full((2, 4), 2.).scatter_(1, torch.tensor([[2], [3]]), 1.23, reduce='multiply')",
    "torch.zeros(3, dtype=torch.long).scatter_(0, torch.tensor([0, 0, 1]), 2, reduce='add')",
    "torch.ones(3, dtype=torch.bool).scatter(0, torch.tensor([0]), False, reduce='add')",
    "torch.ones(3, dtype=torch.bool).scatter(0, torch.tensor([0]), False, reduce='multiply')",
    "torch.scatter(torch.zeros(4), 0, torch.tensor([1, 1, 3]), torch.tensor([1., 2, 3]), reduce='add')",
    # ATen has no derivative for scatter.reduce / scatter.value_reduce: a NotImplemented node
    "torch.ones(2, 3, requires_grad=True).scatter(1, torch.tensor([[0, 1]]), torch.ones(1, 2, requires_grad=True), reduce='add')",
    "torch.ones(2, 3).scatter(1, torch.tensor([[0, 1]]), torch.ones(1, 2, requires_grad=True), reduce='add')",
    "torch.ones(2, 3, requires_grad=True).scatter(1, torch.tensor([[0, 1]]), 3.0, reduce='multiply')",
    "(torch.ones(2, 3, requires_grad=True) * 1).scatter_(1, torch.tensor([[0, 1]]), 3.0, reduce='add')",
    "torch.ones(2, 3, requires_grad=True).scatter(1, torch.tensor([[0, 1]]), 3.0)",
    "torch.ones(3).scatter(0, torch.tensor([0]), 2.0, reduce='mean')",
    "torch.ones(3).scatter(0, torch.tensor([0]), torch.ones(1), reduce='sum')",
]


@pytest.mark.parametrize("code", SCATTER_REDUCE)
def test_scatter_with_reduce_matches_pytorch(code):
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert _run(aw, code) == _run(torch, code)


@pytest.mark.parametrize("inplace", [False, True])
def test_scatter_reduce_backward_raises_naming_the_aten_op(inplace):
    torch = require_torch()

    def run(m):
        x = m.ones(2, 3, requires_grad=True)
        y = x * 1
        idx = m.tensor([[0, 1]])
        y = (
            y.scatter_(1, idx, 2.0, reduce="add")
            if inplace
            else y.scatter(1, idx, 2.0, reduce="add")
        )
        with pytest.raises(RuntimeError) as err:
            y.sum().backward()
        return str(err.value)

    assert run(aw) == run(torch)


def test_scatter_reduce_with_tensor_src_warns_once_as_pytorch():
    require_torch()
    indexing._scatter_warned.clear()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        for _ in range(2):
            aw.zeros(3).scatter_(0, aw.tensor([0, 0]), aw.ones(2), reduce="add")
    assert len(seen) == 1
    assert seen[0].filename == __file__  # shown at the caller's line, as PyTorch's C++ warning
    assert str(seen[0].message).startswith(
        "The reduce argument of torch.scatter with Tensor src is deprecated"
    )


SOFTMAX_SHAPES = [
    (7,),
    (300, 4),
    (200, 10),
    (64, 16),
    (50, 33),
    (20, 100),
    (4, 1000),
    (3, 5, 17),
    (1, 1),
]


@pytest.mark.parametrize("shape", SOFTMAX_SHAPES)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_float32_softmax_over_the_last_dim_is_pytorchs_bit_for_bit(name, shape):
    # ATen's kernel: SLEEF's exp and log, its vector reduction order, 1 / sum; numpy's
    # e / e.sum() differed in 40-70% of the elements (a KLDivLoss of p with itself gave -7e-09).
    torch = require_torch()
    rng = np.random.default_rng(sum(shape))
    x = (rng.standard_normal(shape) * 3).astype(np.float32)
    g = rng.standard_normal(shape).astype(np.float32)
    xt = torch.from_numpy(x).requires_grad_()
    yt = getattr(torch, name)(xt, -1)
    yt.backward(torch.from_numpy(g))
    xa = aw.tensor(x, requires_grad=True)
    ya = getattr(aw, name)(xa, -1)
    ya.backward(aw.tensor(g))
    assert np.array_equal(ya.detach().numpy(), yt.detach().numpy())
    assert np.array_equal(xa.grad.numpy(), xt.grad.numpy())


@pytest.mark.parametrize(
    "row",
    [[-np.inf, 1.0], [-np.inf, -np.inf], [np.inf, 1.0], [np.nan, 1.0], [-200.0, 0.0, 150.0]],
)
def test_float32_softmax_special_values_match_pytorch(row):
    torch = require_torch()
    x = np.array([row] * 2, dtype=np.float32)
    for name in ("softmax", "log_softmax"):
        want = getattr(torch, name)(torch.from_numpy(x), -1).numpy()
        got = getattr(aw, name)(aw.tensor(x), -1).numpy()
        np.testing.assert_array_equal(got, want)


def test_kl_div_of_a_distribution_with_itself_prints_zero_as_pytorch():
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal((4, 10)).astype(np.float32)

    def run(m):
        t = m.tensor(x)
        p = m.nn.functional.softmax(t, dim=1)
        return repr(m.nn.KLDivLoss(reduction="batchmean")(m.nn.functional.log_softmax(t, 1), p))

    assert run(aw) == run(torch)


_AVX2_PROGRAM = """
import numpy as np, torch
import autograd_widgets as aw
from autograd_widgets.ops import _softmax_order
_softmax_order._LANES = 8  # ATen's AVX2 kernels: 8-float vectors
assert torch.backends.cpu.get_cpu_capability() == "AVX2"
rng = np.random.default_rng(0)
bad = []
for shape in [(4, 10), (3, 7), (5, 8), (3, 17), (64, 1000), (8, 33, 65)]:
    x = (rng.standard_normal(shape) * 3).astype(np.float32)
    g = rng.standard_normal(shape).astype(np.float32)
    for name in ("softmax", "log_softmax"):
        tx, ax = torch.from_numpy(x).requires_grad_(), aw.from_numpy(x).requires_grad_()
        ty = getattr(torch.nn.functional, name)(tx, -1)
        ay = getattr(aw.nn.functional, name)(ax, -1)
        ty.backward(torch.from_numpy(g))
        ay.backward(aw.from_numpy(g))
        for t, a in ((ty.detach(), ay.detach()), (tx.grad, ax.grad)):
            if t.numpy().tobytes() != a.numpy().tobytes():
                bad.append((shape, name))
print(bad)
"""


def test_float32_softmax_matches_pytorchs_avx2_kernels_too():
    # The vector width sets the order of the row sums: PyTorch's AVX2 kernels (forced with
    # ATEN_CPU_CAPABILITY) against ours with 8 lanes, in a fresh process.
    require_torch()
    flags = open("/proc/cpuinfo").read() if os.path.exists("/proc/cpuinfo") else ""
    if " avx2" not in flags:
        pytest.skip("needs a CPU with AVX2")
    env = dict(os.environ, ATEN_CPU_CAPABILITY="avx2")
    out = subprocess.run(
        [sys.executable, "-c", _AVX2_PROGRAM], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout
