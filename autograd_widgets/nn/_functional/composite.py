"""Functional layers PyTorch composes from other ops, composed the same way here.

``group_norm``/``instance_norm`` normalise over reshaped groups, ``prelu``/
``softsign`` are pointwise compositions, ``dropout2d``/``dropout3d`` zero whole
channels, ``pairwise_distance`` is a norm of a difference, ``local_response_norm`` divides by
a moving average of squares across channels.
"""

from __future__ import annotations

import numpy as np

from ...autograd.node import node_class
from ...core import _creation
from ...core._creation import _rng
from ...core.tensor import Tensor
from ...ops import shape as _shape
from ...ops._core import needs_grad, record, scalar_type_name, unbroadcast
from ...ops.inplace import apply_inplace, drawn_like
from ...ops.pointwise import _add_scalar, where
from ...ops.reduction import _aten_norm
from .normalization import (
    batch_norm,
    group_norm,  # noqa: F401 - re-exported (one node, as in PyTorch)
)
from .pooling import avg_pool2d, avg_pool3d
from .sparse import pad

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
    """``torch.nn.functional.instance_norm``: batch statistics per sample and channel.

    Composed as ATen composes it: the ``(N, C, ...)`` input viewed as one sample of
    ``N * C`` channels, one ``batch_norm`` with the parameters and running statistics
    repeated ``N`` times, the statistics averaged back over the batch, the output viewed
    back (``ViewBackward0`` over ``NativeBatchNormBackward0``).
    """
    if use_input_stats:
        size = tuple(input.shape)
        if int(np.prod(size[2:], dtype=np.int64)) == 1:
            raise ValueError(
                f"Expected more than 1 spatial element when training, got input size {input.shape}"
            )
    return _instance_norm(
        input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps
    )


def _instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps):
    """ATen's ``instance_norm`` (``torch.instance_norm``), without F's spatial-size check."""
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError(
            "Expected running_mean and running_var to be defined when use_input_stats is false"
        )
    shape = tuple(input.shape)
    b, c = shape[0], shape[1]

    def repeat(t):
        return None if t is None else t.repeat(b)

    rm, rv = repeat(running_mean), repeat(running_var)
    x = input.contiguous().view((1, b * c) + shape[2:])
    out = batch_norm(x, rm, rv, repeat(weight), repeat(bias), use_input_stats, momentum, eps)
    for stat, repeated in ((running_mean, rm), (running_var, rv)):
        if stat is not None:
            stat._data[...] = repeated._data.reshape(b, c).mean(0)
            stat._vc.v += 1
    return out.view(shape)


def _prelu_backward(node, grad):
    """ATen's ``_prelu_kernel_backward``: ``x > 0 ? grad : weight * grad`` for the input,
    ``x > 0 ? 0 : x * grad`` for the weight, summed back to the weight's shape."""
    self, weight = node.saved("self"), node.saved("weight")
    positive = self > 0
    g_self = where(positive, grad, weight * grad)
    zero = Tensor._make(np.zeros((), dtype=grad._data.dtype))
    g_weight = unbroadcast(where(positive, zero, self * grad), weight._data.shape)
    return g_self, g_weight


PreluKernelBackward0 = node_class("PreluKernelBackward0", _prelu_backward, saved=("self", "weight"))


def prelu(input, weight):
    """``torch.nn.functional.prelu``: ``x > 0 ? x : weight * x``, one weight per channel (dim 1)
    or one for all; PyTorch's checks, then ``weight`` viewed to broadcast and one
    ``PreluKernelBackward0`` node (ATen's ``_prelu_kernel``)."""
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(
            "prelu: Type promoting not supported. Got "
            f"{scalar_type_name(input._data.dtype)} and {scalar_type_name(weight._data.dtype)}"
        )
    nd = input.dim()
    if weight.numel() != 1:
        if nd == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if nd > 1 else 1
        if channels != weight.numel():
            raise RuntimeError(
                "Mismatch of parameter numbers and input channel size. Found parameter numbers "
                f"= {weight.numel()} and channel size = {channels}."
            )
    if weight.dim() > 1:
        raise RuntimeError(
            f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.dim()}"
        )
    w = weight
    if nd != weight.dim():
        w = weight.reshape(tuple(weight.numel() if i == 1 else 1 for i in range(nd)))
    x, wd = input._data, w._data
    with np.errstate(all="ignore"):
        res = np.where(x > 0, x, wd * x).astype(x.dtype, copy=False)
    out = Tensor._make(res)
    if needs_grad(input, w):
        record(PreluKernelBackward0, out, (input, w), {"self": input, "weight": w})
    return out


def softsign(input):
    return input / (1 + input.abs())


def _feature_noise(input, p: float):
    """ATen's ``make_feature_noise(input).bernoulli_(1 - p)``: one draw per (sample, channel),
    as double uniforms, shaped ``(N, C, 1, ...)``."""

    d = input._data
    shape = d.shape[:2] + (1,) * (d.ndim - 2)
    return _rng().random(shape, np.float64) < (1.0 - p)


def _check_p(p) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout2d(input, p=0.5, training=True, inplace=False):
    """``torch.nn.functional.dropout2d``: zero whole channels (ATen's ``feature_dropout``),
    with PyTorch's warnings for inputs that are not 3-D or 4-D."""
    import warnings

    _check_p(p)
    nd = input.dim()
    if nd not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {nd}-D input to dropout2d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            "warning, please use dropout instead. Note that dropout2d exists to provide "
            "channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, "
            "and an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=2,
        )
    if nd == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2,
        )
    return _feature_dropout(input, p, training)


def _feature_dropout(input, p, training, inplace=False):
    if not training or p == 0.0:
        return input
    d = input._data
    if p == 1.0:  # ATen multiplies by a zero scalar: no noise is drawn
        mask = _make(np.zeros((), d.dtype))
    else:
        scale = d.dtype.type(1.0) / d.dtype.type(1.0 - p)
        mask = _make(_feature_noise(input, p).astype(d.dtype) * scale)
    if inplace:
        return apply_inplace(input, lambda t: t * mask)
    return input * mask


def dropout3d(input, p=0.5, training=True, inplace=False):
    """``torch.nn.functional.dropout3d``: zero whole channels of ``(N, C, D, H, W)`` or
    ``(C, D, H, W)`` input, with PyTorch's warning for other ranks."""
    import warnings

    _check_p(p)
    nd = input.dim()
    if nd not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {nd}-D input to dropout3d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            "warning, please use dropout instead. Note that dropout3d exists to provide "
            "channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, "
            "and an optional batch dimension (i.e. 4D or 5D inputs).",
            stacklevel=2,
        )
    if nd != 4:
        return _feature_dropout(input, p, training, inplace)
    # Unbatched: PyTorch adds the batch dim (in place too, with unsqueeze_/squeeze_).
    if inplace:
        return _feature_dropout(input.unsqueeze_(0), p, training, True).squeeze_(0)
    return _feature_dropout(input.unsqueeze(0), p, training).squeeze(0)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """``torch.nn.functional.dropout1d``: channel dropout on ``(N, C, L)`` or ``(C, L)``."""
    _check_p(p)
    nd = input.dim()
    if nd not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {nd}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial "
            "dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D "
            "inputs)."
        )
    if nd == 2:
        return _feature_dropout(input.unsqueeze(0), p, training).squeeze(0)
    return _feature_dropout(input, p, training)


_ALPHA = 1.7580993408473766  # ATen's SELU negative saturation value, -scale * alpha


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """``torch.nn.functional.alpha_dropout``: dropout that keeps SELU's mean and variance."""
    return _alpha_dropout(input, p, training, feature=False)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """``torch.nn.functional.feature_alpha_dropout``: alpha dropout of whole channels."""
    return _alpha_dropout(input, p, training, feature=True)


def _alpha_dropout(input, p, training, feature):
    """ATen's ``_dropout_impl`` with ``alpha_dropout``: ``input * (noise * a) + b``, where
    ``b = (noise - 1) * alpha * a + alpha * a * p``, each step rounded in the input's dtype."""
    _check_p(p)
    if not training or p == 0.0 or input.numel() == 0:
        return input
    d = input._data
    if p == 1.0:
        return input * _make(np.zeros((), d.dtype))
    if feature:
        keep = _feature_noise(input, p)
    else:
        keep = drawn_like(input, lambda shape: _rng().random(shape, np.float64) < (1.0 - p))
    noise = keep.astype(d.dtype)
    a = 1.0 / np.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
    t = d.dtype.type
    b = (noise - t(1)) * t(_ALPHA * a) + t(_ALPHA * a * p)
    return input * _make(noise * t(a)) + _make(b.astype(d.dtype))


def gumbel_softmax(logits, tau=1.0, hard=False, eps=1e-10, dim=-1):
    """``torch.nn.functional.gumbel_softmax``, composed as PyTorch composes it (so the
    same seed draws the same Gumbel noise: ``-log(Exp(1))``)."""

    gumbels = -_creation.empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = _creation.zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``torch.nn.functional.pairwise_distance``: ``||x1 - x2 + eps||_p`` on the last dim.

    As ATen: ``at::norm(x1 - x2 + eps, p, innermost_dim, keepdim)`` (AddBackward1, NormBackward1).
    """

    innermost = max(x1.dim(), x2.dim()) - 1
    return _aten_norm(_add_scalar(x1 - x2, eps), p, innermost, keepdim)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """``input / (k + alpha * mean of squares over a window of `size` channels) ** beta``,
    composed as PyTorch composes it (pad, then average pooling across channels)."""
    dim = input.dim()
    if dim < 3:
        raise ValueError(
            f"Expected 3D or higher dimensionality                          input (got {dim} dimensions)"
        )
    if input.numel() == 0:
        return input
    div = input.mul(input)
    if dim == 3:
        div = div.unsqueeze(1)
        div = pad(div, (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.shape
        div = div.view(sizes[0], 1, sizes[1], sizes[2], -1)
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1)
        div = div.view(sizes)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div


_unused = (_shape,)
