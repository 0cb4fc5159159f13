"""``torch.cpu.amp``: PyTorch's deprecated spellings of ``torch.amp.GradScaler("cpu")`` and
``torch.amp.autocast("cpu")``."""

from __future__ import annotations

import warnings

from ..amp import autocast_mode as _autocast_mode
from ..amp import grad_scaler as _grad_scaler

__all__ = ["GradScaler", "autocast"]


class GradScaler(_grad_scaler.GradScaler):
    """``torch.cpu.amp.GradScaler``: deprecated spelling of ``torch.amp.GradScaler("cpu")``."""

    def __init__(
        self,
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        warnings.warn(
            "`torch.cpu.amp.GradScaler(args...)` is deprecated. Please use "
            "`torch.amp.GradScaler('cpu', args...)` instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__(
            "cpu",
            init_scale=init_scale,
            growth_factor=growth_factor,
            backoff_factor=backoff_factor,
            growth_interval=growth_interval,
            enabled=enabled,
        )


class autocast(_autocast_mode.autocast):
    """``torch.cpu.amp.autocast``: deprecated spelling of ``torch.amp.autocast("cpu")``; its
    default dtype, bfloat16, raises the error of ``torch.autocast`` (pass ``enabled=False``)."""

    def __init__(self, enabled: bool = True, dtype=None, cache_enabled: bool = True):
        warnings.warn(
            "`torch.cpu.amp.autocast(args...)` is deprecated. Please use "
            "`torch.amp.autocast('cpu', args...)` instead.",
            FutureWarning,
            stacklevel=2,
        )
        dtype = _autocast_mode._BFLOAT16 if dtype is None else dtype
        super().__init__("cpu", enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)
