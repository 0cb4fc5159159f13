"""``torch.cuda`` stand-in: autograd_widgets runs on the CPU only."""

from __future__ import annotations

from .._legacy import CUDA_TYPES
from . import amp


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """Accepted for compatibility (no CUDA generator exists)."""


def manual_seed_all(seed: int) -> None:
    """Accepted for compatibility (no CUDA generator exists)."""


def synchronize(device=None) -> None:
    """Nothing runs asynchronously here."""


def __getattr__(name):
    # torch.cuda.FloatTensor & co. exist but fail when used, as on a CPU-only PyTorch.

    if name in CUDA_TYPES:
        return CUDA_TYPES[name]
    raise AttributeError(f"module 'autograd_widgets.cuda' has no attribute '{name}'")
