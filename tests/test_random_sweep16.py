"""Seeded sampling paths found by the sweep16 programs, against PyTorch's own numbers.

Each case is one expression evaluated with ``torch`` and with ``autograd_widgets`` bound
to ``torch``, after ``manual_seed(0)`` and with ``g`` a ``Generator`` seeded 3; the
expression ends with ``torch.rand(2)`` where what matters is how much of the stream a
call used. Values, dtypes, error types and messages must be equal.
"""

from __future__ import annotations

import importlib
import warnings

import pytest

import autograd_widgets as aw
import autograd_widgets.nn.functional as aw_F
from tests._oracle import require_torch

pytestmark = pytest.mark.oracle

CASES = [
    # Tensor.cauchy_ / log_normal_ / geometric_: ATen's double distributions, one per element
    "torch.empty(200, dtype=torch.float64).cauchy_()",
    "torch.empty(50).cauchy_(0.5, 3)",
    "torch.empty(5, dtype=torch.float16).cauchy_()",
    "torch.empty(3).cauchy_(generator=g)",
    "torch.empty(6, 5).t().cauchy_()",
    "torch.empty(2, dtype=torch.long).cauchy_()",
    "torch.empty(2, dtype=torch.uint8).cauchy_()",
    "torch.empty(2).cauchy_(sigma=0)",
    "torch.empty(2).cauchy_(sigma=-1.5)",
    "torch.empty(201, dtype=torch.float64).log_normal_(0.1, 0.7)",
    "torch.empty(7).log_normal_()",
    "torch.empty(3, dtype=torch.float16).log_normal_()",
    "(torch.randn(1), torch.empty(3, dtype=torch.float64).log_normal_())",
    "torch.empty(2, dtype=torch.long).log_normal_()",
    "torch.empty(2).log_normal_(std=0)",
    "torch.empty(300, dtype=torch.float64).geometric_(0.2)",
    "torch.empty(30, 2).t().geometric_(0.37)",
    "torch.empty(4).geometric_(p=0.5, generator=g)",
    "torch.empty(3, dtype=torch.long).geometric_(0.5)",
    "torch.empty(3, dtype=torch.int32).geometric_(0.9)",
    "torch.empty(4, dtype=torch.uint8).geometric_(0.01)",
    "torch.empty(2, dtype=torch.float16).geometric_(0.001)",
    "torch.empty(2, dtype=torch.bool).geometric_(0.5)",
    "torch.empty(2).geometric_(0)",
    "torch.empty(2).geometric_(1)",
    "torch.empty(2).geometric_(1.5)",
    "torch.empty(3).geometric_()",
    "torch.zeros(2, requires_grad=True).clone().cauchy_().grad_fn.name()",
    "torch.zeros(2, requires_grad=True).clone().log_normal_().grad_fn.name()",
    "torch.zeros(2, requires_grad=True).clone().geometric_(0.5).grad_fn.name()",
    "torch.zeros(2, requires_grad=True).geometric_(0.5)",
    # dropout with p=1 multiplies by zero and draws nothing (ATen's _dropout_impl)
    "(torch.nn.Dropout(1.0)(torch.ones(3)), torch.rand(2))",
    "(F.dropout(torch.ones(3), 1.0, inplace=True), torch.rand(2))",
    "(F.dropout2d(torch.ones(1, 2, 2, 2), 1.0), torch.rand(2))",
    "(F.dropout3d(torch.ones(2, 1, 1, 2), 1.0), torch.rand(2))",
    "(F.dropout1d(torch.ones(2, 3), 1.0), torch.rand(2))",
    "(torch.nn.Dropout3d(0.5)(torch.ones(1, 2, 1, 1, 2)), torch.rand(2))",
    "(F.dropout(torch.ones(4, requires_grad=True), 1.0).grad_fn.name(), torch.rand(2))",
]


def _plain(value, module):
    if isinstance(value, module.Tensor):
        return (str(value.dtype), value.tolist())
    if isinstance(value, tuple):
        return tuple(_plain(v, module) for v in value)
    return value


def _run(module, functional, code):
    module.manual_seed(0)
    namespace = {"torch": module, "F": functional, "g": module.Generator().manual_seed(3)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = eval(code, namespace)
        except Exception as exc:  # the error itself is what we compare
            value = (type(exc).__name__, str(exc))
    return _plain(value, module), [str(w.message) for w in caught]


@pytest.mark.parametrize("code", CASES)
def test_sampling_matches_pytorch(code):
    torch = require_torch()
    torch_F = importlib.import_module("torch.nn.functional")
    assert _run(aw, aw_F, code) == _run(torch, torch_F, code)
