"""Warnings attributed to the user's line, whatever path led there from it."""

from __future__ import annotations

import os
import sys

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def user_stacklevel() -> int:
    """``stacklevel`` for ``warnings.warn`` pointing at the first caller outside this package:
    PyTorch's warnings from C++ name the Python line that called the op, and the same op is
    reached here through a method, a function or a parser-spelling wrapper."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level
