"""PyTorch's autograd tutorials, run on PyTorch and on ``autograd_widgets``: same output.

Each tutorial below is the tutorial's own code, kept as source text that starts
with ``import torch``. It is executed twice: as written, against real PyTorch
(the oracle), and with that line changed to ``import autograd_widgets as torch``.
Everything it prints is captured and compared line by line, with only the
``object at 0x...`` addresses masked. Random tensors are the one change to the
tutorials: their values come from numpy (``RANDOM_*`` below) through
``torch.tensor``, so both runs see the same numbers.
"""

from __future__ import annotations

import contextlib
import io
import re
import textwrap

import numpy as np
import pytest

from tests._oracle import require_torch
from tests._output_compare import BlasWatch
from tests._output_compare import assert_same_output as assert_tutorial_output

pytestmark = pytest.mark.oracle

_ADDRESS = re.compile(r" object at 0x[0-9a-fA-F]+>")


def _random_values():
    rng = np.random.default_rng(60)
    return {
        "RANDOM_2x2": rng.standard_normal((2, 2)).astype(np.float32),
        "RANDOM_3": rng.standard_normal(3).astype(np.float32),
        "RANDOM_5x5_X": rng.random((5, 5)).astype(np.float32),
        "RANDOM_5x5_Y": rng.random((5, 5)).astype(np.float32),
        "RANDOM_5x5_Z": rng.random((5, 5)).astype(np.float32),
        "RANDOM_5x3": rng.standard_normal((5, 3)).astype(np.float32),
        "RANDOM_3_B": rng.standard_normal(3).astype(np.float32),
    }


def run_tutorial(source: str, module_name: str) -> tuple[list[str], int | None]:
    """Execute ``source`` with ``import torch`` bound to ``module_name``.

    Returns its stdout lines and, on PyTorch, the index of the first line printed
    after a float32 BLAS product (see :mod:`tests._output_compare`).
    """
    source = textwrap.dedent(source)
    if module_name != "torch":
        source = source.replace("import torch\n", f"import {module_name} as torch\n", 1)
    namespace = {"__name__": "__tutorial__", **_random_values()}
    out = io.StringIO()
    watch = BlasWatch(out) if module_name == "torch" else contextlib.nullcontext()
    with contextlib.redirect_stdout(out), watch:
        exec(compile(source, f"<tutorial on {module_name}>", "exec"), namespace)
    lines = _ADDRESS.sub(" object at 0x...>", out.getvalue()).splitlines()
    return lines, (watch.first_line if module_name == "torch" else None)


def assert_same_output(source: str):
    require_torch()
    expected, blas_from = run_tutorial(source, "torch")
    assert expected, "the tutorial printed nothing"
    ours, _ = run_tutorial(source, "autograd_widgets")
    assert_tutorial_output(expected, ours, blas_from)


# "Deep Learning with PyTorch: A 60 Minute Blitz", part "Autograd: automatic
# differentiation" (the classic version, printed output and all).
BLITZ = """
import torch

x = torch.ones(2, 2, requires_grad=True)
print(x)

y = x + 2
print(y)
print(y.grad_fn)

z = y * y * 3
out = z.mean()
print(z, out)

a = torch.tensor(RANDOM_2x2)  # torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)

out.backward()
print(x.grad)

x = torch.tensor(RANDOM_3, requires_grad=True)  # torch.randn(3, requires_grad=True)
y = x * 2
while y.data.norm() < 1000:
    y = y * 2
print(y)

v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)
print(x.grad)

print(x.requires_grad)
print((x ** 2).requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)

print(x.requires_grad)
y = x.detach()
print(y.requires_grad)
print(x.eq(y).all())
"""

# "A Gentle Introduction to torch.autograd": differentiation in autograd and
# exclusion from the DAG.
GENTLE_INTRODUCTION = """
import torch

a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3*a**3 - b**2
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)

# check if collected gradients are correct
print(9*a**2 == a.grad)
print(-2*b == b.grad)
print(a.grad, b.grad)
print(Q)

x = torch.tensor(RANDOM_5x5_X)  # torch.rand(5, 5)
y = torch.tensor(RANDOM_5x5_Y)  # torch.rand(5, 5)
z = torch.tensor(RANDOM_5x5_Z, requires_grad=True)  # torch.rand((5, 5), requires_grad=True)

a = x + y
print(f"Does `a` require gradients?: {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")
print(b)
"""

# "Automatic Differentiation with torch.autograd" (Learn the Basics): the
# Jacobian-product section, which prints accumulated gradients with f-strings.
JACOBIAN_PRODUCT = """
import torch

inp = torch.eye(4, 5, requires_grad=True)
out = (inp+1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nSecond call\\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nCall after zeroing gradients\\n{inp.grad}")
print(out)
"""

# "Automatic Differentiation with torch.autograd": the one-layer network.
LEARN_THE_BASICS = """
import torch

x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.tensor(RANDOM_5x3, requires_grad=True)  # torch.randn(5, 3, requires_grad=True)
b = torch.tensor(RANDOM_3_B, requires_grad=True)  # torch.randn(3, requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")

loss.backward()
print(w.grad)
print(b.grad)

z = torch.matmul(x, w)+b
print(z.requires_grad)

with torch.no_grad():
    z = torch.matmul(x, w)+b
print(z.requires_grad)

z = torch.matmul(x, w)+b
z_det = z.detach()
print(z_det.requires_grad)
"""


TUTORIALS = {
    "blitz": BLITZ,
    "gentle-introduction": GENTLE_INTRODUCTION,
    "jacobian-product": JACOBIAN_PRODUCT,
    "learn-the-basics": LEARN_THE_BASICS,
}


@pytest.mark.parametrize("source", TUTORIALS.values(), ids=TUTORIALS.keys())
def test_tutorial_output_matches_pytorch(source):
    assert_same_output(source)


def test_blitz_oracle_output_is_the_tutorials():
    """The oracle run itself prints what the tutorial page shows (a check on the harness)."""
    require_torch()
    lines, _ = run_tutorial(BLITZ, "torch")
    assert lines[:4] == [
        "tensor([[1., 1.],",
        "        [1., 1.]], requires_grad=True)",
        "tensor([[3., 3.],",
        "        [3., 3.]], grad_fn=<AddBackward0>)",
    ]
    assert lines[4] == "<AddBackward0 object at 0x...>"
    assert "tensor(27., grad_fn=<MeanBackward0>)" in lines[6]
    assert lines[-1] == "tensor(True)"
