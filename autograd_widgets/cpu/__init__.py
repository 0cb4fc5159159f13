"""``torch.cpu``: the CPU device module; ``torch.cpu.amp`` holds the deprecated amp spellings."""

from . import amp

__all__ = ["amp", "device_count", "is_available", "synchronize"]


def is_available() -> bool:
    return True


def device_count() -> int:
    return 1


def synchronize(device=None) -> None:
    """Nothing runs asynchronously here."""
