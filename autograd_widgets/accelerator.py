"""``torch.accelerator`` stand-in: no accelerator exists, so tutorials pick ``"cpu"``.

The "Learn the Basics" tutorials open with
``device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available()
else "cpu"``; these answers make that line choose the CPU, as PyTorch does on a CPU-only host.
"""

from __future__ import annotations


def is_available() -> bool:
    return False


def current_accelerator(check_available: bool = False):
    return None


def device_count() -> int:
    return 0


def synchronize(device=None) -> None:
    """Nothing runs asynchronously here."""
