"""``torch.backends`` stand-in: only the CPU exists."""

from __future__ import annotations

from types import SimpleNamespace

mps = SimpleNamespace(is_available=lambda: False, is_built=lambda: False)
cudnn = SimpleNamespace(
    enabled=False, benchmark=False, deterministic=True, is_available=lambda: False
)
