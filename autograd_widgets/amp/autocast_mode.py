"""``torch.autocast`` / ``torch.amp.autocast``: the autocast state and its context manager.

autograd_widgets computes on the CPU only and has no bfloat16, so autocast never changes an
op's dtype here:

* ``enabled=False`` changes nothing (the region runs as written);
* ``device_type="cuda"`` warns and disables itself, as PyTorch does on a machine without CUDA;
* ``device_type="cpu"`` with a dtype CPU autocast does not support (``float32``...) warns and
  disables itself, as PyTorch does;
* ``device_type="cpu"`` with ``bfloat16`` (CPU autocast's default) or ``float16`` raises a
  ``RuntimeError`` that names the reason and the fix (``enabled=False``): the lower-precision
  casts of matmul/linear/conv are not implemented, and running them in float32 instead would
  silently print other numbers than PyTorch.
"""

from __future__ import annotations

import functools
import threading
import warnings

from ..core._dtype import bfloat16, float16

__all__ = ["autocast", "custom_bwd", "custom_fwd", "is_autocast_available"]

# PyTorch's device types (the message of an unknown one lists them in this order).
_DEVICE_TYPES = (
    "cpu cuda ipu xpu mkldnn opengl opencl ideep hip ve fpga maia xla lazy vulkan mps meta hpu "
    "mtia privateuseone"
).split()


_BFLOAT16 = bfloat16  # CPU autocast's default: nameable here, not computable


class _State(threading.local):
    def __init__(self) -> None:
        self.enabled = {}
        self.dtype = {"cpu": _BFLOAT16}
        self.cache_enabled = True
        self.nesting = 0


_state = _State()


def _device_type(device_type) -> str:
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    base = device_type.split(":")[0]
    if base not in _DEVICE_TYPES:
        raise RuntimeError(
            f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device "
            f"string: {device_type}"
        )
    return base


def is_autocast_available(device_type: str) -> bool:
    """Whether autocast accepts ``device_type`` (every device type PyTorch knows)."""
    return _device_type(device_type) in _DEVICE_TYPES


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """``torch.is_autocast_enabled([device_type])``: without an argument, CUDA's state."""
    return bool(_state.enabled.get("cuda" if device_type is None else device_type, False))


def set_autocast_enabled(device_type, enabled=None) -> None:
    if enabled is None:  # the old one-argument form sets CUDA's state
        device_type, enabled = "cuda", device_type
    _state.enabled[device_type] = bool(enabled)


def get_autocast_dtype(device_type: str):
    return _state.dtype.get(device_type, _BFLOAT16 if device_type == "cpu" else float16)


def set_autocast_dtype(device_type: str, dtype) -> None:
    _state.dtype[device_type] = dtype


def is_autocast_cache_enabled() -> bool:
    return _state.cache_enabled


def set_autocast_cache_enabled(enabled: bool) -> None:
    _state.cache_enabled = bool(enabled)


def autocast_increment_nesting() -> int:
    _state.nesting += 1
    return _state.nesting


def autocast_decrement_nesting() -> int:
    _state.nesting -= 1
    return _state.nesting


def clear_autocast_cache() -> None:
    """No weights are cached (nothing is cast), so there is nothing to clear."""


def _not_computable(dtype) -> RuntimeError:
    return RuntimeError(
        f"autocast(device_type='cpu', dtype={dtype}) is not supported by autograd_widgets: it "
        "computes on numpy without lower-precision autocast kernels, so matmul/linear/conv "
        f"cannot run in {dtype} the way PyTorch's CPU autocast runs them. Pass enabled=False "
        "(e.g. torch.autocast('cpu', enabled=use_amp) with use_amp = False) to run the region "
        "in full precision."
    )


class autocast:
    """Context manager and decorator: ``torch.autocast(device_type, dtype=None, enabled=True,
    cache_enabled=None)``. See the module docstring for what it does here: no op casting is
    implemented; float16/bfloat16 on the CPU raise a ``RuntimeError`` naming the fix."""

    def __init__(
        self,
        device_type: str,
        dtype=None,
        enabled: bool = True,
        cache_enabled: bool | None = None,
    ):
        _device_type(device_type)
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self.device = device_type
        self._cache_enabled = (
            is_autocast_cache_enabled() if cache_enabled is None else cache_enabled
        )
        if enabled:
            if device_type == "cuda":
                warnings.warn(
                    "CUDA is not available or torch_xla is imported. Disabling autocast.",
                    stacklevel=2,
                )
                enabled = False
            elif self.fast_dtype not in (_BFLOAT16, float16):
                name = device_type.upper()
                warnings.warn(
                    f"In {name} autocast, but the target dtype is not supported. Disabling "
                    f"autocast.\n{name} Autocast only supports dtypes of torch.bfloat16, "
                    "torch.float16 currently.",
                    stacklevel=2,
                )
                enabled = False
            elif device_type == "cpu":
                raise _not_computable(self.fast_dtype)
            else:
                raise RuntimeError(
                    f"autocast(device_type='{device_type}') is not supported by autograd_widgets, "
                    "which computes on the CPU only. Pass enabled=False to run the region as "
                    "written."
                )
        self._enabled = bool(enabled)

    def __enter__(self):
        self.prev_cache_enabled = is_autocast_cache_enabled()
        self.prev = is_autocast_enabled(self.device)
        self.prev_fastdtype = get_autocast_dtype(self.device)
        set_autocast_enabled(self.device, self._enabled)
        set_autocast_dtype(self.device, self.fast_dtype)
        autocast_increment_nesting()
        set_autocast_cache_enabled(self._cache_enabled)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if autocast_decrement_nesting() == 0:
            clear_autocast_cache()
        set_autocast_enabled(self.device, self.prev)
        set_autocast_dtype(self.device, self.prev_fastdtype)
        set_autocast_cache_enabled(self.prev_cache_enabled)
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(
                f"autocast()(func) requires a callable, but got {type(func).__name__}. "
                "Did you mean to use autocast as a context manager? For example:\n"
                "    with torch.autocast(device_type=...):\n"
                "        output = model(input)"
            )

        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)

        return decorate_autocast


def custom_fwd(fwd=None, *, device_type: str, cast_inputs=None):
    """``torch.amp.custom_fwd``: runs ``forward`` as written (autocast never casts here)."""
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)
    _device_type(device_type)
    return fwd


def custom_bwd(bwd=None, *, device_type: str):
    """``torch.amp.custom_bwd``: runs ``backward`` as written."""
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    _device_type(device_type)
    return bwd
