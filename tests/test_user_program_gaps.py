"""Differences found by running other people's PyTorch programs, each pinned against the oracle."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets.autograd import events
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


@pytest.fixture
def torch_threads():
    """PyTorch as it runs by default on a machine with several cores. With one thread (the
    conformance harness sets that for its process) its float32 softmax backward rounds some
    elements differently (47 of a (50, 33) gradient's 1650 on torch 2.13); ours follows
    the default, multi-threaded one."""
    torch = require_torch()
    before = torch.get_num_threads()
    torch.set_num_threads(max(2, before))
    yield torch
    torch.set_num_threads(before)


@pytest.mark.parametrize("shape", SOFTMAX_SHAPES)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_float32_softmax_over_the_last_dim_is_pytorchs_bit_for_bit(name, shape, torch_threads):
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
def test_float32_softmax_special_values_match_pytorch(row, torch_threads):
    torch = require_torch()
    x = np.array([row] * 2, dtype=np.float32)
    for name in ("softmax", "log_softmax"):
        want = getattr(torch, name)(torch.from_numpy(x), -1).numpy()
        got = getattr(aw, name)(aw.tensor(x), -1).numpy()
        np.testing.assert_array_equal(got, want)


def test_kl_div_of_a_distribution_with_itself_prints_zero_as_pytorch(torch_threads):
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


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [-1, 0])
def test_softmax_gradient_graph_is_pytorchs(name, dim, dtype, torch_threads):
    # create_graph (or a widget listening) used the formula's Tensor ops: other last bits
    # (634 of 1650 elements of a (50, 33) softmax) and MulBackward0/SubBackward0 where
    # PyTorch has (Log)SoftmaxBackwardDataBackward0. The double backward against torch too.
    torch = require_torch()
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((50, 33)) * 3).astype(dtype)
    g = rng.standard_normal((50, 33)).astype(dtype)
    w = rng.standard_normal((50, 33)).astype(dtype)
    got = []
    for m in (aw, torch):
        xm = m.tensor(x, requires_grad=True)
        gm = m.tensor(g, requires_grad=True)
        (gx,) = m.autograd.grad(getattr(m, name)(xm, dim), xm, gm, create_graph=True)
        node = gx.grad_fn
        second = m.autograd.grad((gx * m.tensor(w)).sum(), (xm, gm))
        got.append(
            (
                type(node).__name__,
                [type(n).__name__ for n, _ in node.next_functions],
                int(node._saved_dim),
                gx.detach().numpy(),
                [s.numpy() for s in second],
            )
        )
    (n_a, nf_a, d_a, v_a, s_a), (n_t, nf_t, d_t, v_t, s_t) = got
    assert (n_a, nf_a, d_a) == (n_t, nf_t, d_t)
    if dim == -1 and dtype == "float32":
        assert np.array_equal(v_a, v_t)
    else:
        np.testing.assert_allclose(v_a, v_t, rtol=1e-5, atol=1e-6)
    for a, t in zip(s_a, s_t):
        np.testing.assert_allclose(a, t, rtol=1e-4, atol=1e-5)


def test_softmax_gradient_is_the_same_with_a_listener(torch_threads):
    torch = require_torch()
    rng = np.random.default_rng(6)
    x = (rng.standard_normal((20, 100)) * 3).astype(np.float32)
    g = rng.standard_normal((20, 100)).astype(np.float32)
    xt = torch.tensor(x, requires_grad=True)
    torch.softmax(xt, -1).backward(torch.tensor(g))
    seen = []

    def listener(kind, payload):
        seen.append(kind)

    events.add_listener(listener)
    try:
        xa = aw.tensor(x, requires_grad=True)
        aw.softmax(xa, -1).backward(aw.tensor(g))
    finally:
        events.remove_listener(listener)
    assert seen and np.array_equal(xa.grad.numpy(), xt.grad.numpy())
