"""``is_complex``, ``is_signed``, ``is_floating_point`` and ``is_cpu`` against PyTorch."""

from __future__ import annotations

import pytest

import autograd_widgets as aw
from tests._oracle import require_torch

DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_predicates_match_torch(dtype):
    torch = require_torch()

    def answers(m):
        t = m.zeros(2, dtype=getattr(m, dtype))
        return (m.is_complex(t), t.is_complex(), m.is_signed(t), t.is_signed(),
                m.is_floating_point(t), t.is_floating_point(), t.is_cpu)  # fmt: skip

    assert answers(aw) == answers(torch)
