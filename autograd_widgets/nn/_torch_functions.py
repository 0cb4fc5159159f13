"""``torch.conv1d``, ``torch.dropout``, ``torch.batch_norm``...: the nn ops PyTorch also
exposes at the top level, with the positional signatures of its C++ bindings.

They differ from ``torch.nn.functional``'s in places: ``torch.dropout(input, p, train)``
takes every argument, ``torch.embedding(weight, indices)`` swaps the first two,
``torch.batch_norm`` puts ``weight``/``bias`` before the running statistics, the losses take
``reduction`` as ATen's enum (0 none, 1 mean, 2 sum). Each one calls the ``nn.functional``
implementation, so values, graphs and errors are the same. The top level loads this module
lazily (``autograd_widgets._LAZY_ATTRS``), so ``import autograd_widgets`` stays light.
"""

from __future__ import annotations

from .. import _parser_spellings as _spellings
from . import functional as F
from ._functional import activation_more as _act
from ._functional import composite as _composite

_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _reduction(value) -> str:
    """ATen's reduction enum (``torch.nn._reduction.get_enum``) as F's string."""
    if isinstance(value, str):
        raise TypeError(f"reduction must be an int (0, 1 or 2), got {value!r}")
    try:
        return _REDUCTIONS[int(value)]
    except KeyError:
        raise ValueError(f"{value} is not a valid value for reduction") from None


def _stride(stride):
    """ATen's ``stride=[]`` (the kernel size) as F's ``None``."""
    return None if isinstance(stride, (list, tuple)) and len(stride) == 0 else stride


def _with_out(fn):
    return _spellings.spelled(fn, out=True)


conv1d, conv2d, conv3d = F.conv1d, F.conv2d, F.conv3d
conv_transpose1d, conv_transpose2d = F.conv_transpose1d, F.conv_transpose2d
conv_transpose3d = F.conv_transpose3d
pairwise_distance, rms_norm, prelu, bilinear = F.pairwise_distance, F.rms_norm, F.prelu, F.bilinear
selu_, celu_, threshold_ = F.selu_, F.celu_, F.threshold_


def dropout(input, p, train):
    return F.dropout(input, p, train)


def dropout_(input, p, train):
    return F.dropout(input, p, train, inplace=True)


def alpha_dropout(input, p, train):
    return F.alpha_dropout(input, p, train)


def feature_alpha_dropout(input, p, train):
    return F.feature_alpha_dropout(input, p, train)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    return F.group_norm(input, num_groups, weight, bias, eps)


def instance_norm(
    input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled
):
    return _composite._instance_norm(
        input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps
    )


def batch_norm(
    input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled
):
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


@_with_out
def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    # ATen's padding_idx: -1 (any negative) is "none"; F's counts negatives from the end.
    pad = None if padding_idx < 0 else padding_idx
    return F.embedding(indices, weight, pad, scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return F.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return F.max_pool2d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return F.max_pool3d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return F.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode, True)


@_with_out
def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True):
    return F.avg_pool1d(input, kernel_size, _stride(stride), padding, ceil_mode, count_include_pad)


adaptive_avg_pool1d = _with_out(F.adaptive_avg_pool1d)


def adaptive_max_pool1d(input, output_size):
    return F.adaptive_max_pool1d(input, output_size, return_indices=True)


pixel_shuffle = _with_out(F.pixel_shuffle)
pixel_unshuffle = _with_out(F.pixel_unshuffle)


def selu(input):
    return F.selu(input)


@_with_out
def celu(input, alpha=1.0):
    return F.celu(input, alpha)


def rrelu(input, lower=0.125, upper=1.0 / 3, training=False, generator=None):
    return _act._rrelu(input, lower, upper, training, False, generator)


def rrelu_(input, lower=0.125, upper=1.0 / 3, training=False, generator=None):
    return _act._rrelu(input, lower, upper, training, True, generator)


@_with_out
def hardshrink(input, lambd=0.5):
    return F.hardshrink(input, lambd)


@_with_out
def threshold(input, threshold, value):
    return F.threshold(input, threshold, value)


@_with_out
def constant_pad_nd(input, pad, value=0):
    return F.pad(input, pad, "constant", value)


def kl_div(input, target, reduction=1, *, log_target=False):
    return F.kl_div(input, target, reduction=_reduction(reduction), log_target=log_target)


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=1):
    return F.cosine_embedding_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def hinge_embedding_loss(input, target, margin=1.0, reduction=1):
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=1):
    return F.margin_ranking_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    return F.poisson_nll_loss(
        input, target, log_input, full, eps=eps, reduction=_reduction(reduction)
    )


@_with_out
def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=1):
    return F.binary_cross_entropy_with_logits(
        input, target, weight, reduction=_reduction(reduction), pos_weight=pos_weight
    )


def triplet_margin_loss(
    anchor, positive, negative, margin=1.0, p=2.0, eps=1e-06, swap=False, reduction=1
):
    return F.triplet_margin_loss(
        anchor, positive, negative, margin, p, eps, swap, reduction=_reduction(reduction)
    )


def ctc_loss(
    log_probs, targets, input_lengths, target_lengths, blank=0, reduction=1, zero_infinity=False
):
    return F.ctc_loss(
        log_probs,
        targets,
        input_lengths,
        target_lengths,
        blank,
        _reduction(reduction),
        zero_infinity,
    )


NAMES = [
    name
    for name, value in list(globals().items())
    if not name.startswith("_") and callable(value) and name not in ("F", "annotations")
]
