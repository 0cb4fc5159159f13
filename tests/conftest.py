"""Shared test set-up.

The repository root goes on ``sys.path`` so the tests import the package from
this checkout and can share helpers as ``tests._oracle`` without an install.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests._oracle import require_torch  # noqa: E402

__all__ = ["require_torch"]


def pytest_report_header(config):
    """Name the CPU, its SIMD level and numpy's BLAS: float32 results depend on them."""
    spec = importlib.util.spec_from_file_location("_machine", Path(_ROOT) / "bench" / "machine.py")
    machine = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(machine)
    return machine.describe(with_torch=False).splitlines()


@pytest.fixture
def torch_oracle():
    """The real ``torch`` module (skips, or fails under the CI flag, when absent)."""
    return require_torch()
