"""``torch.jit`` runs scripted and traced code eagerly: PyTorch's results and gradients."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch


def _program(torch):
    torch.manual_seed(0)
    nn = torch.nn

    @torch.jit.script
    def scaled(x, s: float):
        return torch.tanh(x) * s

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 2)

        def forward(self, x):
            if torch.jit.is_scripting():
                return x
            return self.fc(x)

    net = Net()
    traced = torch.jit.trace(net, torch.randn(4, 3))
    x = torch.randn(4, 3, requires_grad=True)
    y = scaled(traced(x), 2.0).sum()
    y.backward()
    fut = torch.jit.fork(lambda a: a + 1, torch.ones(2))
    return [
        y.item(),
        x.grad.numpy(),
        torch.jit.wait(fut).numpy(),
        torch.jit.annotate(int, 3),
        torch.jit.is_tracing(),
    ]


def test_scripted_and_traced_code_gives_pytorchs_results():
    torch = require_torch()
    ours, theirs = _program(aw), _program(torch)
    assert ours[0] == pytest.approx(theirs[0], rel=1e-6)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)
    np.testing.assert_array_equal(ours[2], theirs[2])
    assert ours[3:] == theirs[3:]


def test_torchscript_archives_are_refused_with_the_alternative():
    with pytest.raises(RuntimeError, match=r"torch.save\(model.state_dict\(\), f\)"):
        aw.jit.save(aw.nn.Linear(1, 1), "m.pt")
    with pytest.raises(RuntimeError, match="load_state_dict"):
        aw.jit.load("m.pt")
