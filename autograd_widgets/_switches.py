"""Global switches scripts set at the top (``torch.use_deterministic_algorithms``,
``set_float32_matmul_precision``, ``set_warn_always``, ...).

Each keeps and reports its state with PyTorch's checks and messages. None changes the
arithmetic here: numpy's results are already deterministic, matmul runs in the input's
precision, and denormals are numpy's.
"""

from __future__ import annotations

import platform
import warnings

from ._legacy import CPU_TYPES, CUDA_TYPES
from .autograd.anomaly_mode import anomaly
from .core import _dtype


class _State:
    matmul_precision = "highest"
    deterministic = False
    deterministic_warn_only = False
    warn_always = False
    flush_denormal = False
    default_tensor_type_warned = False


state = _State()


# --- matmul precision ------------------------------------------------------------------------------
def get_float32_matmul_precision() -> str:
    """``torch.get_float32_matmul_precision``: ``'highest'`` unless set otherwise."""
    return state.matmul_precision


def set_float32_matmul_precision(precision) -> None:
    """``torch.set_float32_matmul_precision``: ``'highest'``, ``'high'`` or ``'medium'``
    (recorded; float32 matmul here always runs at full precision)."""
    if not isinstance(precision, str):
        raise RuntimeError(
            f"set_float32_matmul_precision expects a str, but got {type(precision).__name__}"
        )
    if precision not in ("highest", "high", "medium"):
        warnings.warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
            "setFloat32MatmulPrecision call has no effect.",
            UserWarning,
            stacklevel=2,
        )
        return
    state.matmul_precision = precision


# --- deterministic algorithms ------------------------------------------------------------------------
def use_deterministic_algorithms(mode, *, warn_only=False) -> None:
    """``torch.use_deterministic_algorithms``: recorded (every op here is deterministic)."""
    for name, pos, value in (("mode", 1, mode), ("warn_only", 2, warn_only)):
        if type(value) is not bool:
            where = (
                f"argument '{name}' (position {pos})" if name == "mode" else f"argument '{name}'"
            )
            raise TypeError(
                f"_set_deterministic_algorithms(): {where} must be bool, not {type(value).__name__}"
            )
    state.deterministic, state.deterministic_warn_only = mode, warn_only


def are_deterministic_algorithms_enabled() -> bool:
    return state.deterministic


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return state.deterministic_warn_only


def get_deterministic_debug_mode() -> int:
    """``torch.get_deterministic_debug_mode``: 0 off, 1 warn, 2 error."""
    if not state.deterministic:
        return 0
    return 1 if state.deterministic_warn_only else 2


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode) -> None:
    """``torch.set_deterministic_debug_mode``: ``'default'``/0, ``'warn'``/1, ``'error'``/2."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(
                "invalid value of debug_mode, expected one of `default`, `warn`, `error`, but "
                f"got {debug_mode}"
            )
        debug_mode = _DEBUG_MODES[debug_mode]
    elif isinstance(debug_mode, int):
        if debug_mode not in (0, 1, 2):
            raise RuntimeError(
                f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}"
            )
    else:
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


# --- anomaly, warnings, denormals --------------------------------------------------------------------
def set_anomaly_enabled(enabled, check_nan=True) -> None:
    """``torch.set_anomaly_enabled``: what ``torch.autograd.set_detect_anomaly`` sets."""
    anomaly.enabled, anomaly.check_nan = bool(enabled), bool(check_nan)


def set_warn_always(b) -> None:
    """``torch.set_warn_always``: warnings PyTorch gives once are given every time."""
    state.warn_always = bool(b)


def is_warn_always_enabled() -> bool:
    return state.warn_always


def set_flush_denormal(mode) -> bool:
    """``torch.set_flush_denormal``: True where PyTorch supports it (x86 CPUs), else False.

    The mode is recorded only; numpy keeps computing with denormals."""
    supported = platform.machine().lower() in ("x86_64", "amd64", "i386", "i686", "x86")
    if supported:
        state.flush_denormal = bool(mode)
    return supported


# --- default tensor type -----------------------------------------------------------------------------
def set_default_tensor_type(t) -> None:
    """Deprecated ``torch.set_default_tensor_type``: a floating legacy type
    (``torch.DoubleTensor`` or ``'torch.DoubleTensor'``) sets the default dtype."""
    if isinstance(t, str):
        module, _, name = t.rpartition(".")
        table = {"torch": CPU_TYPES, "torch.cuda": CUDA_TYPES}.get(module)
        if table is None:
            raise ModuleNotFoundError(f"No module named '{module or t}'")
        if name not in table:
            raise AttributeError(f"module '{module}' has no attribute '{name}'")
        t = table[name]
    # (a name is resolved first: a bad one fails before the warning, as in PyTorch)
    if not state.default_tensor_type_warned or state.warn_always:
        state.default_tensor_type_warned = True
        warnings.warn(
            "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
            "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
            UserWarning,
            stacklevel=2,
        )
    if t not in CPU_TYPES.values() and t not in CUDA_TYPES.values():
        raise TypeError(
            "invalid type object: only floating-point types are supported as the default type"
        )
    if t.is_cuda:
        raise TypeError(
            f"type {t.__module__}.{t.__name__} not available. Torch not compiled with CUDA enabled."
        )
    if not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _dtype.set_default_dtype(t.dtype)
