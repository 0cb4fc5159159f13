"""``Tensor.hardshrink`` and ``Tensor.prelu``: PyTorch's Tensor methods that are nn ops.

They call ``torch.hardshrink``/``torch.prelu``, which the package loads lazily from ``nn``
on first use (``_LAZY_ATTRS``), so ``import autograd_widgets`` does not load ``nn``.
"""

from __future__ import annotations

import sys

from .core.tensor import Tensor


def _package():
    return sys.modules[__package__]


def hardshrink(self, lambd=0.5):
    """``Tensor.hardshrink``: ``torch.hardshrink(self, lambd)``."""
    return _package().hardshrink(self, lambd)


def prelu(self, weight):
    """``Tensor.prelu``: ``torch.prelu(self, weight)``."""
    return _package().prelu(self, weight)


Tensor.hardshrink = hardshrink
Tensor.prelu = prelu
