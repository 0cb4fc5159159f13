"""``torch.nn.functional`` for autograd_widgets.

Single-kernel ops (activations, losses, convolution, pooling, normalisation)
live in :mod:`autograd_widgets.nn._functional`, each next to its ``grad_fn``;
this module re-exports them and builds the composites (``linear``,
``dropout``, ``normalize``...) from ops, with the graph PyTorch builds.
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import ops as _ops
from .._creation import _rng
from ..ops import inplace as _inplace
from ..tensor import Tensor
from ._functional.activation import elu, gelu, hardtanh, leaky_relu, mish, relu6, silu, softplus
from ._functional.adaptive import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool2d
from ._functional.attention import scaled_dot_product_attention
from ._functional.composite import (
    dropout2d,
    glu,
    group_norm,
    instance_norm,
    pairwise_distance,
    prelu,
    softsign,
    threshold,
)
from ._functional.conv import avg_pool1d, avg_pool2d, conv1d, conv2d, max_pool1d, max_pool2d
from ._functional.loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
from ._functional.normalization import batch_norm, layer_norm
from ._functional.resample import conv_transpose2d, interpolate
from ._functional.sparse import embedding, one_hot, pad

_make = Tensor._make

__all__ = [
    "conv_transpose2d",
    "interpolate",
    "dropout2d",
    "glu",
    "group_norm",
    "instance_norm",
    "pairwise_distance",
    "prelu",
    "softsign",
    "threshold",
    "scaled_dot_product_attention",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
    "linear",
    "bilinear",
    "relu",
    "relu_",
    "leaky_relu",
    "gelu",
    "silu",
    "mish",
    "elu",
    "softplus",
    "hardtanh",
    "relu6",
    "tanh",
    "sigmoid",
    "softmax",
    "log_softmax",
    "logsigmoid",
    "dropout",
    "embedding",
    "layer_norm",
    "batch_norm",
    "conv1d",
    "conv2d",
    "max_pool1d",
    "max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "pad",
    "one_hot",
    "normalize",
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "nll_loss",
    "cross_entropy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "kl_div",
    "cosine_similarity",
]


def linear(input, weight, bias=None):
    """``input @ weight.T + bias`` with PyTorch's graph: ``AddmmBackward0`` for 2-D input."""
    nd = input._data.ndim
    if bias is not None and nd == 2:
        return _ops.addmm(bias, input, weight.t())
    if bias is None:
        return _ops.matmul(input, weight.t())
    # N-d input with bias: fold to 2-D, one addmm, unfold (View <- Addmm <- View in PyTorch).
    out_shape = input._data.shape[:-1] + (weight._data.shape[0],)
    folded = input.reshape(-1, input._data.shape[-1])
    return _ops.addmm(bias, folded, weight.t()).view(out_shape)


def bilinear(input1, input2, weight, bias=None):
    out = _ops.einsum("bi,oij,bj->bo", input1, weight, input2)
    return out + bias if bias is not None else out


def relu(input, inplace=False):
    return input.relu_() if inplace else _ops.relu(input)


def relu_(input):
    return input.relu_()


def tanh(input):
    return _ops.tanh(input)


def sigmoid(input):
    return _ops.sigmoid(input)


def logsigmoid(input):
    return -softplus(-input)


def _softmax_dim_warning(dim, ndim, stacklevel):
    if dim is None:
        warnings.warn(
            "Implicit dimension choice for softmax has been deprecated. Change the call to include "
            "dim=X as an argument.",
            UserWarning,
            stacklevel=stacklevel,
        )
        return 0 if ndim in (0, 1, 3) else 1
    return dim


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    dim = _softmax_dim_warning(dim, input._data.ndim, _stacklevel)
    return _ops.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    dim = _softmax_dim_warning(dim, input._data.ndim, _stacklevel)
    return _ops.log_softmax(input, dim, dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    return softmax(-input, dim, _stacklevel + 1, dtype)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by ``1/(1-p)`` (``MulBackward0``)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    d = input._data
    # ATen: noise.bernoulli_(1 - p) (53-bit uniforms < 1 - p), then noise.div_(1 - p).
    keep = _rng().random(d.shape, np.float64) < (1.0 - p)
    scale = np.zeros((), d.dtype) if p == 1.0 else d.dtype.type(1.0) / d.dtype.type(1.0 - p)
    mask = _make(keep.astype(d.dtype) * scale)
    if inplace:
        return _inplace.apply_inplace(input, lambda t: t * mask)
    return input * mask


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input / max(||input||_p, eps)`` along ``dim``, composed as PyTorch composes it."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denom


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    n1 = x1.norm(2, dim).clamp_min(eps)
    n2 = x2.norm(2, dim).clamp_min(eps)
    return (x1 * x2).sum(dim) / (n1 * n2)
