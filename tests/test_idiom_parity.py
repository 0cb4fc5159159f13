"""Short user idioms that printed or behaved differently from PyTorch, each pinned against the
oracle by running the same snippet on both libraries."""

from __future__ import annotations

import pytest

import autograd_widgets as aw
from tests._oracle import require_torch

pytestmark = pytest.mark.oracle


def _shown(module, code):
    """What ``code`` evaluates to, as printed, or the error it raises (type and message)."""
    try:
        return str(eval(code, {"torch": module}))
    except Exception as exc:  # the error is the behaviour being compared
        return f"{type(exc).__name__}: {exc}"


SIZE_IDIOMS = [
    "torch.Size([2, 3]) * 2",
    "2 * torch.Size([2, 3])",
    "type(torch.Size([2, 3]) * 2)",
    "(1,) + torch.Size([2, 3])",
    "type((1,) + torch.Size([2, 3]))",
    "torch.Size([2, 3]) + (4,)",
    "torch.Size([2, 3]) + [4]",
    "torch.Size([2, 3]) + 1",
    "type(torch.ones(2, 3).shape)",
    "type(torch.ones(2, 3).shape[1:])",
    "torch.ones(2, 3).shape[::-1]",
]


@pytest.mark.parametrize("code", SIZE_IDIOMS)
def test_size_arithmetic_and_type_match_pytorch(code):
    torch = require_torch()
    assert _shown(aw, code) == _shown(torch, code)


CPU_ONLY_IDIOMS = [
    "torch.backends.cudnn.enabled",
    "torch.backends.cudnn.benchmark",
    "torch.backends.cudnn.deterministic",
    "torch.backends.cudnn.allow_tf32",
    "torch.backends.cudnn.is_available()",
    "torch.backends.cudnn.version()",
    "torch.backends.cuda.is_built()",
    "torch.backends.cuda.matmul.allow_tf32",
    "torch.ones(2).is_pinned()",
    "torch.ones(2).is_shared()",
    "torch.ones(2).pin_memory()",
    "torch.ones(2).to('cpu', non_blocking=True)",
]


@pytest.mark.parametrize("code", CPU_ONLY_IDIOMS)
def test_cpu_only_switches_and_pinning_match_pytorch(code):
    torch = require_torch()
    assert _shown(aw, code) == _shown(torch, code)


def test_dataloader_warns_that_pin_memory_has_no_accelerator():
    torch = require_torch()

    def run(module):
        from importlib import import_module

        data = import_module(module.__name__ + ".utils.data")
        loader = data.DataLoader(data.TensorDataset(module.arange(4.0)), 2, pin_memory=True)
        with pytest.warns(UserWarning) as record:
            batches = [b[0].tolist() for b in loader]
        return batches, [str(w.message) for w in record]

    assert run(aw) == run(torch)
