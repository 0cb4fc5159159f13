"""``torch.nn.functional`` for autograd_widgets.

Single-kernel ops (activations, losses, convolution, pooling, normalisation)
live in :mod:`autograd_widgets.nn._functional`, each next to its ``grad_fn``;
this module re-exports them and builds the composites (``linear``,
``dropout``, ``normalize``...) from ops, with the graph PyTorch builds.
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import _parser_spellings as _spellings
from .. import ops as _ops
from ..autograd import no_grad
from ..core._creation import _rng
from ..core.tensor import Tensor
from ..ops import inplace as _inplace
from ..ops._einsum import _trilinear
from ..ops.linalg import _c_name as c
from ._functional import pooling_more as _pooling_more
from ._functional.activation import (
    elu,
    gelu,
    glu,
    hardtanh,
    leaky_relu,
    logsigmoid,
    mish,
    relu6,
    silu,
    softplus,
    tanhshrink,
)
from ._functional.activation_inplace import (
    celu_,
    elu_,
    hardtanh_,
    leaky_relu_,
    selu_,
    threshold,
    threshold_,
)
from ._functional.activation_more import (
    celu,
    hardshrink,
    hardsigmoid,
    hardswish,
    rrelu,
    rrelu_,
    selu,
    softshrink,
)
from ._functional.adaptive import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool2d,
    adaptive_max_pool3d,
)
from ._functional.attention import scaled_dot_product_attention
from ._functional.blocks import channel_shuffle, fold, pixel_shuffle, pixel_unshuffle, unfold
from ._functional.composite import (
    alpha_dropout,
    dropout1d,
    dropout2d,
    dropout3d,
    feature_alpha_dropout,
    group_norm,
    gumbel_softmax,
    instance_norm,
    local_response_norm,
    pairwise_distance,
    prelu,
    softsign,
)
from ._functional.conv import conv1d, conv2d, conv3d
from ._functional.ctc import ctc_loss
from ._functional.grid import affine_grid, grid_sample
from ._functional.loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    kl_div,
    l1_loss,
    margin_ranking_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
    triplet_margin_loss,
)
from ._functional.loss_more import (
    cosine_embedding_loss,
    gaussian_nll_loss,
    hinge_embedding_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    poisson_nll_loss,
    soft_margin_loss,
    triplet_margin_with_distance_loss,
)
from ._functional.mha import multi_head_attention_forward
from ._functional.normalization import batch_norm, layer_norm, rms_norm
from ._functional.pooling import (
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    max_pool1d,
    max_pool2d,
    max_pool3d,
)
from ._functional.pooling_fractional import (
    fractional_max_pool2d,
    fractional_max_pool2d_with_indices,
    fractional_max_pool3d,
    fractional_max_pool3d_with_indices,
)
from ._functional.pooling_more import *  # noqa: F403 - listed in __all__ below
from ._functional.resample import (
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    interpolate,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)
from ._functional.sparse import embedding, embedding_bag, one_hot, pad

_make = Tensor._make
pdist = _ops.pdist

__all__ = [
    *_pooling_more.__all__,
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "interpolate",
    "upsample",
    "upsample_bilinear",
    "upsample_nearest",
    "affine_grid",
    "grid_sample",
    "alpha_dropout",
    "dropout1d",
    "dropout2d",
    "dropout3d",
    "threshold_",
    "elu_",
    "selu_",
    "celu_",
    "leaky_relu_",
    "hardtanh_",
    "feature_alpha_dropout",
    "gumbel_softmax",
    "glu",
    "group_norm",
    "instance_norm",
    "pairwise_distance",
    "local_response_norm",
    "prelu",
    "softsign",
    "threshold",
    "scaled_dot_product_attention",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool3d",
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
    "tanhshrink",
    "selu",
    "celu",
    "hardswish",
    "hardsigmoid",
    "softshrink",
    "hardshrink",
    "rms_norm",
    "pdist",
    "pixel_shuffle",
    "pixel_unshuffle",
    "channel_shuffle",
    "rrelu",
    "rrelu_",
    "unfold",
    "fold",
    "dropout",
    "embedding",
    "embedding_bag",
    "layer_norm",
    "batch_norm",
    "conv1d",
    "conv2d",
    "conv3d",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
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
    "margin_ranking_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
    "gaussian_nll_loss",
    "poisson_nll_loss",
    "cosine_embedding_loss",
    "hinge_embedding_loss",
    "multi_margin_loss",
    "multilabel_soft_margin_loss",
    "soft_margin_loss",
    "multilabel_margin_loss",
    "ctc_loss",
    "multi_head_attention_forward",
    "fractional_max_pool2d",
    "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices",
    "cosine_similarity",
]


def linear(input, weight, bias=None):
    """``input @ weight.T + bias`` with PyTorch's graph: ``AddmmBackward0`` for 2-D input."""
    nd = input._data.ndim
    if bias is not None and nd == 2:
        return _ops.addmm(bias, input, weight.t())
    if bias is None:
        return _ops.matmul(input, weight.t())
    if not input.is_contiguous():
        # ATen folds only contiguous input; otherwise matmul, then the bias added in place.
        return _ops.matmul(input, weight.t()).add_(bias)
    # N-d input with bias: fold to 2-D, one addmm, unfold (View <- Addmm <- View in PyTorch).
    out_shape = input._data.shape[:-1] + (weight._data.shape[0],)
    folded = input.reshape(-1, input._data.shape[-1])
    return _ops.addmm(bias, folded, weight.t()).view(out_shape)


def bilinear(input1, input2, weight, bias=None):
    """``F.bilinear``, as ATen: flatten the batch, one ``_trilinear``, reshape, add the bias."""

    ts = (input1, input2, weight) + (() if bias is None else (bias,))
    if len({t.dtype for t in ts}) > 1:
        raise RuntimeError(
            f"All tensors must have the same dtype, got input1: {c(input1)}, input2: "
            f"{c(input2)}, weight: {c(weight)}" + ("" if bias is None else f", bias: {c(bias)}")
        )
    s1, s2, sw = tuple(input1.shape), tuple(input2.shape), tuple(weight.shape)
    if len(s1) != len(s2):
        raise RuntimeError(
            f"bilinear(): input dimensions do not match: got {len(s1)} and {len(s2)}"
        )
    for i in range(len(s1) - 1):
        if s1[i] != s2[i]:
            raise RuntimeError(
                f"bilinear(): input batch dimensions do not match at dim {i}: got {s1[i]} "
                f"and {s2[i]}"
            )
    if s1[-1] != sw[1]:
        raise RuntimeError(
            f"bilinear(): input1 size does not match weight size: got {s1[-1]} but expected {sw[1]}"
        )
    if s2[-1] != sw[2]:
        raise RuntimeError(
            f"bilinear(): input2 size does not match weight size: got {s2[-1]} but expected {sw[2]}"
        )
    if bias is not None and bias.shape[0] != sw[0]:
        raise RuntimeError(
            f"bilinear(): bias size does not match weight size: got {bias.shape[0]} but "
            f"expected {sw[0]}"
        )
    flat1, flat2 = input1.reshape(-1, s1[-1]), input2.reshape(-1, s2[-1])
    out = _trilinear(flat1, weight, flat2, (1, 3), (0,), (1, 2), (2, 3))
    out = out.reshape(s1[:-1] + (sw[0],))
    return out + bias if bias is not None else out


def relu(input, inplace=False):
    return input.relu_() if inplace else _ops.relu(input)


def relu_(input):
    return input.relu_()


def tanh(input):
    return _ops.tanh(input)


def sigmoid(input):
    return _ops.sigmoid(input)


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
    if p == 1.0:  # ATen multiplies by a zero scalar: no noise is drawn
        mask = _make(np.zeros((), d.dtype))
    else:  # ATen: noise.bernoulli_(1 - p) (53-bit uniforms < 1 - p), then noise.div_(1 - p)
        keep = _inplace.drawn_like(input, lambda shape: _rng().random(shape, np.float64) < 1 - p)
        mask = _make(keep.astype(d.dtype) * (d.dtype.type(1.0) / d.dtype.type(1.0 - p)))
    if inplace:
        return _inplace.apply_inplace(input, lambda t: t * mask)
    return input * mask


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input / max(||input||_p, eps)`` along ``dim``, composed as PyTorch composes it."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is not None:  # written into ``out`` (spectral norm keeps its u/v buffers this way)
        return _ops.div(input, denom, out=out)
    return input / denom


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """``F.cosine_similarity``, composed as ATen composes it (divide by the norms first).

    The norms are cloned and clamped in place under no_grad, so the gradient flows
    through the unclamped norm, exactly as in PyTorch.
    """
    if not (x1.is_floating_point() or x2.is_floating_point()):
        raise RuntimeError(
            f"expected common dtype to be floating point, yet common dtype is {x1.dtype}"
        )
    x1 = x1 if x1.is_floating_point() else x1.to(x2.dtype)
    x2 = x2 if x2.is_floating_point() else x2.to(x1.dtype)
    if x1.shape != x2.shape:
        shape = np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
        x1, x2 = x1.expand(shape), x2.expand(shape)

    n1 = _ops.reduction.vector_norm(x1, 2, dim, True).clone()
    n2 = _ops.reduction.vector_norm(x2, 2, dim, True).clone()
    with no_grad():
        n1.clamp_min_(eps)
        n2.clamp_min_(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


# PyTorch binds these two in C++, so its argument parser's NumPy spellings (axis=,
# keepdims=) apply to them; the rest of nn.functional is Python there and takes none.
cosine_similarity = _spellings.spelled(cosine_similarity)
pairwise_distance = _spellings.spelled(pairwise_distance)
