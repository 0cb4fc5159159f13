"""``Tensor.hardshrink`` and ``Tensor.prelu``: PyTorch's Tensor methods that are nn ops.

Their kernels live in ``nn._functional``; importing it on the first call keeps
``import autograd_widgets`` from loading ``nn``.
"""

from __future__ import annotations

from .core.tensor import Tensor


def hardshrink(self, lambd=0.5):
    """``Tensor.hardshrink``: ``torch.nn.functional.hardshrink(self, lambd)``."""
    from .nn._functional.activation_more import hardshrink as _hardshrink

    return _hardshrink(self, lambd)


def prelu(self, weight):
    """``Tensor.prelu``: ``torch.nn.functional.prelu(self, weight)``."""
    from .nn._functional.composite import prelu as _prelu

    return _prelu(self, weight)


Tensor.hardshrink = hardshrink
Tensor.prelu = prelu
