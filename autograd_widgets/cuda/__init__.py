"""``torch.cuda`` stand-in: autograd_widgets runs on the CPU only.

Each function behaves as it does on a CPU-only build of PyTorch: the memory counters read 0
and ``empty_cache`` does nothing, while calls that need a device fail as PyTorch's do.
"""

from __future__ import annotations

from collections import OrderedDict

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


_NOT_COMPILED = "Torch not compiled with CUDA enabled"


def _no_cuda():
    raise AssertionError(_NOT_COMPILED)


def is_initialized() -> bool:
    return False


def init() -> None:
    _no_cuda()


def synchronize(device=None) -> None:
    """As on a CPU-only PyTorch: ``AssertionError: Torch not compiled with CUDA enabled``."""
    _no_cuda()


def current_device() -> int:
    _no_cuda()


def set_device(device) -> None:
    """Ignored for a negative index, as PyTorch ignores it; otherwise no CUDA."""
    if isinstance(device, int) and device < 0:
        return
    _missing_binding("_cuda_setDevice")


def get_device_name(device=None) -> str:
    _no_cuda()


def get_device_properties(device=None):
    _no_cuda()


def get_device_capability(device=None):
    _no_cuda()


def mem_get_info(device=None):
    _no_cuda()


def ipc_collect() -> None:
    _no_cuda()


def empty_cache() -> None:
    """Nothing is cached: does nothing, as on a CPU-only PyTorch."""


def memory_stats(device=None) -> OrderedDict:
    return OrderedDict()


def memory_allocated(device=None) -> int:
    return 0


def max_memory_allocated(device=None) -> int:
    return 0


def memory_reserved(device=None) -> int:
    return 0


def max_memory_reserved(device=None) -> int:
    return 0


def _missing_binding(name: str):
    # a CPU-only PyTorch lacks the C binding behind these (an AttributeError from torch._C)
    raise AttributeError(f"module 'torch._C' has no attribute '{name}'")


def reset_peak_memory_stats(device=None) -> None:
    _missing_binding("_cuda_resetPeakMemoryStats")


def reset_accumulated_memory_stats(device=None) -> None:
    _missing_binding("_cuda_resetAccumulatedMemoryStats")


def reset_max_memory_allocated(device=None) -> None:
    import warnings

    warnings.warn(
        "torch.cuda.reset_max_memory_allocated now calls torch.cuda.reset_peak_memory_stats, "
        "which resets /all/ peak memory stats.",
        FutureWarning,
        stacklevel=2,
    )
    reset_peak_memory_stats(device)


def __getattr__(name):
    # torch.cuda.FloatTensor & co. exist but fail when used, as on a CPU-only PyTorch.

    if name in CUDA_TYPES:
        return CUDA_TYPES[name]
    raise AttributeError(f"module 'autograd_widgets.cuda' has no attribute '{name}'")
