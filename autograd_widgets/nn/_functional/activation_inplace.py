"""``threshold`` and the in-place activations of ``torch.nn.functional`` (``elu_``, ...).

Each ``name_`` is ``name(..., inplace=True)``: it writes into its input, bumps the version
counter and records PyTorch's in-place node (``EluBackward1``, ``CeluBackward1``,
``LeakyReluBackward1``, ``ThresholdBackward1``; ``hardtanh_`` keeps ``HardtanhBackward0``,
as in PyTorch).
"""

from __future__ import annotations

import numpy as np

from ...autograd.node import node_class
from ...ops._core import Tensor, not_implemented_for
from .activation import (
    EluBackward1,
    _maybe_inplace,
    _unary,
    _unary_result,
    elu,
    hardtanh,
    leaky_relu,
)
from .activation_more import _elu_values, celu, selu

_make = Tensor._make

__all__ = ["threshold", "threshold_", "elu_", "selu_", "celu_", "leaky_relu_", "hardtanh_"]


def _threshold_backward(n, grad):
    x = n.saved("self")._data
    return grad * _make((x > n._attrs["threshold"]).astype(grad._data.dtype))


ThresholdBackward0 = node_class(
    "ThresholdBackward0", _threshold_backward, saved=("self",), attrs=("threshold",)
)
ThresholdBackward1 = node_class(
    "ThresholdBackward1", _threshold_backward, saved=("self",), attrs=("threshold",)
)


def threshold(input, threshold, value, inplace=False):
    """``F.threshold``: ``x if x > threshold else value``, one ``ThresholdBackward0`` node
    (``ThresholdBackward1`` in place), in the input's dtype as ATen computes it."""

    def f(x):
        d = x._data
        if d.dtype == np.bool_:
            raise not_implemented_for("threshold_cpu", d.dtype)
        # ATen casts both scalars to the input's type first (so 1.5 is 1 for an int tensor).
        lo, to = (np.asarray(v).astype(d.dtype)[()] for v in (threshold, value))
        res = np.where(d > lo, d, to).astype(d.dtype, copy=False)
        cls = ThresholdBackward1 if inplace else ThresholdBackward0
        return _unary(x, res, cls, {"threshold": threshold})

    return _maybe_inplace(input, f, inplace)


def threshold_(input, threshold, value):
    """``F.threshold_``: :func:`threshold` written into ``input``."""
    return globals()["threshold"](input, threshold, value, inplace=True)


def elu_(input, alpha=1.0, scale=1.0, input_scale=1.0):
    """``F.elu_``: in-place ``elu`` (``EluBackward1``); ``scale``/``input_scale`` as ATen's
    ``elu_`` takes them (``scale * (x if x > 0 else alpha * expm1(x * input_scale))``)."""
    if scale == 1.0 and input_scale == 1.0:
        return elu(input, alpha, inplace=True)

    def f(x):
        d = x._data
        if d.dtype.kind != "f":
            raise not_implemented_for("elu_cpu", d.dtype)
        attrs = {"alpha": alpha, "scale": scale, "input_scale": input_scale}
        res = _elu_values(d, alpha, scale, input_scale)
        return _unary_result(x, res, EluBackward1, attrs)

    return _maybe_inplace(input, f, True)


def selu_(input):
    """``F.selu_`` / ``torch.selu_``: in-place ``selu`` (``EluBackward1``, as in PyTorch)."""
    return selu(input, inplace=True)


def celu_(input, alpha=1.0):
    """``F.celu_`` / ``torch.celu_``: in-place ``celu`` (``CeluBackward1``)."""
    return celu(input, alpha, inplace=True)


def leaky_relu_(input, negative_slope=0.01):
    """``F.leaky_relu_``: in-place ``leaky_relu`` (``LeakyReluBackward1``)."""
    return leaky_relu(input, negative_slope, inplace=True)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """``F.hardtanh_``: in-place ``hardtanh`` (PyTorch keeps ``HardtanhBackward0`` here)."""
    return hardtanh(input, min_val, max_val, inplace=True)
