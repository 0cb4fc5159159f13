"""Functional layers PyTorch composes from other ops, composed the same way here.

``group_norm``/``instance_norm`` normalise over reshaped groups, ``prelu``/
``softsign``/``threshold`` are pointwise compositions, ``dropout2d`` zeroes whole
channels, ``pairwise_distance`` is a norm of a difference.
"""

from __future__ import annotations

import numpy as np

from ...ops import shape as _shape
from ...tensor import Tensor
from .normalization import group_norm  # noqa: F401 - re-exported (one node, as in PyTorch)

_make = Tensor._make


def instance_norm(
    input,
    running_mean=None,
    running_var=None,
    weight=None,
    bias=None,
    use_input_stats=True,
    momentum=0.1,
    eps=1e-5,
):
    """``torch.nn.functional.instance_norm`` (batch statistics per sample and channel)."""
    if running_mean is not None or running_var is not None:
        raise NotImplementedError(
            "instance_norm with running statistics is not supported by autograd_widgets"
        )
    return group_norm(input, input.shape[1], weight, bias, eps)


def prelu(input, weight):
    """``torch.nn.functional.prelu``: ``max(0, x) + weight * min(0, x)`` per channel."""
    w = weight
    if weight.numel() > 1 and input.dim() > 1:
        w = weight.reshape((1, -1) + (1,) * (input.dim() - 2))
    return input.clamp(min=0) + w * input.clamp(max=0)


def softsign(input):
    return input / (1 + input.abs())


def threshold(input, threshold, value, inplace=False):
    """``torch.nn.functional.threshold``: ``x if x > threshold else value``."""
    from ...ops.pointwise import where

    return where(input > threshold, input, _make(np.asarray(value, dtype=input._data.dtype)))


def dropout2d(input, p=0.5, training=True, inplace=False):
    """``torch.nn.functional.dropout2d``: zero whole channels (random draws are ours)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    from ..._creation import _rng

    d = input._data
    shape = d.shape[: d.ndim - 2] + (1, 1)
    keep = _rng().random(shape, np.float64) < (1.0 - p)  # ATen's feature noise bernoulli_
    scale = d.dtype.type(0) if p == 1.0 else d.dtype.type(1.0) / d.dtype.type(1.0 - p)
    return input * _make(keep.astype(d.dtype) * scale)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``torch.nn.functional.pairwise_distance``: ``||x1 - x2 + eps||_p`` on the last dim.

    As ATen: ``at::norm(x1 - x2 + eps, p, innermost_dim, keepdim)`` (AddBackward1, NormBackward1).
    """
    from ...ops.pointwise import _add_scalar
    from ...ops.reduction import _aten_norm

    innermost = max(x1.dim(), x2.dim()) - 1
    return _aten_norm(_add_scalar(x1 - x2, eps), p, innermost, keepdim)


_unused = (_shape,)
