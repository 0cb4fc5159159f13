"""``torch.cuda.amp``: PyTorch's deprecated spellings of ``torch.amp.GradScaler("cuda")`` and
``torch.amp.autocast("cuda")``. Without CUDA both warn and disable themselves, as PyTorch does."""

from __future__ import annotations

import warnings

from ..amp import autocast_mode as _autocast_mode
from ..amp import custom_bwd, custom_fwd
from ..amp import grad_scaler as _grad_scaler
from ..core._dtype import float16

__all__ = ["GradScaler", "autocast", "custom_bwd", "custom_fwd"]


class GradScaler(_grad_scaler.GradScaler):
    """``torch.cuda.amp.GradScaler``: deprecated; a disabled scaler here (no CUDA)."""

    def __init__(
        self,
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        warnings.warn(
            "`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
            "`torch.amp.GradScaler('cuda', args...)` instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__(
            "cuda",
            init_scale=init_scale,
            growth_factor=growth_factor,
            backoff_factor=backoff_factor,
            growth_interval=growth_interval,
            enabled=enabled,
        )


class autocast(_autocast_mode.autocast):
    """``torch.cuda.amp.autocast``: deprecated; disabled here (no CUDA)."""

    def __init__(self, enabled: bool = True, dtype=float16, cache_enabled: bool = True):
        warnings.warn(
            "`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
            "`torch.amp.autocast('cuda', args...)` instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__("cuda", enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)
