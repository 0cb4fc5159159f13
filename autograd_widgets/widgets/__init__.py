"""Jupyter widgets (anywidget) for autograd_widgets.

Nothing here imports anywidget or ipywidgets until a widget is first used:
``import autograd_widgets`` stays light.  ``GraphWidget`` and ``draw`` are
resolved on first attribute access (PEP 562 module ``__getattr__``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .draw import draw
    from .grad_mode_toggle import GradModeToggle
    from .graph_widget import GraphWidget
    from .tensor_view import TensorView

__all__ = ["GraphWidget", "draw", "GradModeToggle", "TensorView"]

_LAZY = {"GraphWidget": ".graph_widget", "draw": ".draw"}
_LAZY.update(GradModeToggle=".grad_mode_toggle", TensorView=".tensor_view")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
