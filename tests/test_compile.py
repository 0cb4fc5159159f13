"""``torch.compile`` without a compiler: the wrapper PyTorch returns, observed as scripts do."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch

pytestmark = pytest.mark.oracle


@pytest.fixture(autouse=True)
def _keep_distribution_validation():
    """Importing PyTorch's compiler turns off ``Distribution`` argument validation for the
    whole process; later tests compare distributions with validation on, so put it back."""
    torch = require_torch()
    before = torch.distributions.Distribution._validate_args
    yield
    torch.distributions.Distribution.set_default_validate_args(before)


W = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]], dtype=np.float32)


def _model(torch):
    m = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU())
    with torch.no_grad():
        m[0].weight.copy_(torch.tensor(W))
        m[0].bias.fill_(0.1)
    return m


def _observe(torch):
    m = _model(torch)
    c = torch.compile(m)
    out = c(torch.ones(2, 3))
    seen = [
        type(c).__name__,
        repr(c),
        list(c.state_dict()),
        [n for n, _ in c.named_parameters()],
        c._orig_mod is m,
        c._orig_mod[0] is m[0],
        repr(out),
        out.grad_fn.name(),
    ]
    out.sum().backward()
    seen.append(m[0].bias.grad.tolist())
    c.eval()
    seen += [m.training, c.training, m[0].training]
    c.note = 3
    seen.append(m.note)
    with torch.no_grad():
        seen.append(repr(c(torch.ones(1, 3))))
    seen.append(torch.compile(m, disable=True) is m)
    return seen


def test_compiled_module_is_an_optimized_module_over_the_original():
    torch = require_torch()
    assert _observe(aw) == _observe(torch)


def _functions(torch):
    @torch.compile
    def f(a, b):
        return a * b, a.sum(), 3

    @torch.compile(fullgraph=True)
    def g(x):
        return {"y": x * 2, "n": x.detach()}

    a = torch.ones(2, requires_grad=True)
    first = f(a, torch.full((2,), 2.0))
    second = g(a)
    (first[0].sum() + first[1] + second["y"].sum()).backward()
    return [repr(first), repr(second), f.__name__, a.grad.tolist()]


def test_compiled_function_outputs_carry_compiled_function_backward():
    torch = require_torch()
    assert _functions(aw) == _functions(torch)
