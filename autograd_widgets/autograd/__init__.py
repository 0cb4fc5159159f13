"""``autograd_widgets.autograd``: mirrors ``torch.autograd``.

The package holds two layers (docs/ARCHITECTURE.md): the substrate under the Tensor
(node, engine, grad mode, events, anomaly mode), imported here, and the API above the
ops (``Function``, ``backward``/``grad``, ``functional``, ``gradcheck``), which takes
tensors and so loads on first use, through ``__getattr__`` below. That keeps the
substrate free of the Tensor, and lets the API import it at module level.
"""

from __future__ import annotations

import importlib

from . import events, graph
from .anomaly_mode import (
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .node import Node

# name -> the API module that defines it (loaded on first use)
_API = {
    "backward": "_api",
    "grad": "_api",
    "Variable": "_api",
    "Function": "function",
    "FunctionCtx": "function",
    "InplaceFunction": "function",
    "once_differentiable": "function",
    "gradcheck": "gradcheck",
    "gradgradcheck": "gradcheck",
    "GradcheckError": "gradcheck",
}
_API_MODULES = {"functional", "function", "_api", "forward_ad"}


def __getattr__(name):
    if name in _API:
        module = importlib.import_module(f"{__name__}.{_API[name]}")
        # Bind every name of that module: loading ``gradcheck.py`` sets ``autograd.gradcheck``
        # to the module, and the function must win, as in torch.
        globals().update({n: getattr(module, n) for n, m in _API.items() if m == _API[name]})
        return globals()[name]
    if name in _API_MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_API) | _API_MODULES)


__all__ = [
    "backward",
    "grad",
    "Function",
    "FunctionCtx",
    "InplaceFunction",
    "once_differentiable",
    "gradcheck",
    "gradgradcheck",
    "GradcheckError",
    "functional",
    "forward_ad",
    "graph",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "is_grad_enabled",
    "inference_mode",
    "is_inference_mode_enabled",
    "detect_anomaly",
    "set_detect_anomaly",
    "is_anomaly_enabled",
    "Node",
    "events",
]
