"""More losses: Gaussian and Poisson NLL, the embedding losses and the multi-class margins.

All but ``multi_margin_loss`` are composites in PyTorch (Python in ``F`` or ATen C++), so
they are composed from ops here with the same graph (``MeanBackward0`` <- ``AddBackward0``
<- ``WhereBackward0``...); ``multi_margin_loss`` is one ATen kernel and gets one
``MultiMarginLossBackward0`` node.
"""

from __future__ import annotations

import math

import numpy as np

from ...autograd import no_grad
from ...autograd.node import node_class
from ...ops import pointwise as _pw
from ...ops._core import Tensor, needs_grad, record, scalar_type_name
from ...ops.pointwise import _add_scalar, _mul_scalar, _sub_scalar, where
from ._common import without_double_backward
from .activation import logsigmoid
from .loss import (
    _ENUM,
    _MEAN,
    _NONE,
    _check_reduction,
    _legacy_reduction,
    _reduce,
    _triplet_loss,
    pairwise_distance,
)

_make = Tensor._make

__all__ = [
    "triplet_margin_with_distance_loss",
    "gaussian_nll_loss",
    "poisson_nll_loss",
    "cosine_embedding_loss",
    "hinge_embedding_loss",
    "multi_margin_loss",
    "multilabel_soft_margin_loss",
    "soft_margin_loss",
    "multilabel_margin_loss",
]


def _scalar(value, like: Tensor) -> Tensor:
    """A Python number as ATen wraps it: a 0-dim tensor that does not take part in promotion."""
    return _make(np.asarray(value, dtype=like._data.dtype))


# --- gaussian_nll_loss (Python in PyTorch) ----------------------------------------------------------
def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """``0.5 * (log(max(var, eps)) + (input - target)**2 / max(var, eps))`` (+ ``0.5*log(2*pi)``
    with ``full``). ``var`` may have one dimension fewer than ``input``, or a size of 1 in the
    one dimension where it differs; the clamp does not stop the gradient (it runs on a clone
    under no_grad)."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = _make(np.full_like(input._data, var))
    elif bool((var._data < 0).any()):
        raise ValueError("var has negative entry/entries")
    in_shape, var_shape = tuple(input.shape), tuple(var.shape)
    if var_shape != in_shape:
        if in_shape[:-1] == var_shape:
            var = var.unsqueeze(-1)
        elif not (
            len(in_shape) == len(var_shape)
            and sum(v for i, v in zip(in_shape, var_shape) if i != v) == 1
        ):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# --- poisson_nll_loss (ATen composite) ---------------------------------------------------------------
def poisson_nll_loss(
    input,
    target,
    log_input=True,
    full=False,
    size_average=None,
    eps=1e-8,
    reduce=None,
    reduction="mean",
):
    """``exp(input) - target * input`` (``log_input``) or ``input - target * log(input + eps)``;
    ``full`` adds Stirling's approximation of ``log(target!)`` where ``target > 1``."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * _add_scalar(input, eps).log()
    if full:
        with np.errstate(divide="ignore", invalid="ignore"):
            stirling = (
                target * target.log()
                - target
                + _mul_scalar(_mul_scalar(target, 2 * math.pi).log(), 0.5)
            )
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


# --- cosine / hinge embedding losses (ATen composites) ------------------------------------------------
_COSINE_EPS = 1e-12


def cosine_embedding_loss(
    input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"
):
    """``1 - cos(x1, x2)`` where ``target == 1``, ``max(0, cos(x1, x2) - margin)`` where it is -1."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    dim = target.dim()
    if dim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    want = dim + 1
    if input1.dim() != want or input2.dim() != want:
        raise RuntimeError(
            f"{dim}D target tensor expects {want}D input tensors, but found inputs with sizes "
            f"{list(input1.shape)} and {list(input2.shape)}."
        )
    prod_sum = (input1 * input2).sum(dim)
    mag1 = _add_scalar((input1 * input1).sum(dim), _COSINE_EPS)
    mag2 = _add_scalar((input2 * input2).sum(dim), _COSINE_EPS)
    cos = prod_sum / (mag1 * mag2).sqrt()
    zeros = _make(np.zeros_like(cos._data))
    pos = _pw.sub(_scalar(1, cos), cos)
    neg = _sub_scalar(cos, margin).clamp_min(0)
    out = where(target == 1, pos, zeros) + where(target == -1, neg, zeros)
    return _reduce(out, reduction)


def hinge_embedding_loss(
    input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"
):
    """``input`` where ``target == 1``, ``max(0, margin - input)`` where it is -1."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    zeros = _make(np.zeros_like(input._data))
    margin_clamp = _pw.sub(_scalar(margin, input), input).clamp_min(0)
    out = where(target != 1, margin_clamp, zeros) + where(target != -1, input, zeros)
    return _reduce(out, reduction)


# --- multi_margin_loss (one ATen kernel) -------------------------------------------------------------
def _margin_terms(x: np.ndarray, t: np.ndarray, p: int, margin: float, w):
    """Per-sample ``(z, active, scale)``: ``z = margin - x[y] + x``, the terms that count, and
    the factor ``w[y] / C`` of each row."""
    rows = np.arange(x.shape[0])
    z = x.dtype.type(margin) - x[rows, t][:, None] + x
    active = z > 0
    active[rows, t] = False
    scale = np.full(x.shape[0], 1.0 / x.shape[1]) if w is None else w[t] / x.shape[1]
    return z, active, scale.astype(x.dtype, copy=False)


def _multi_margin_backward(n, grad):
    a = n._attrs
    x = n.saved("self")._data
    w = n.saved("weight")
    xs = x.reshape(1, -1) if x.ndim <= 1 else x
    t = n.saved("target")._data.reshape(-1).astype(np.int64)
    z, active, scale = _margin_terms(xs, t, a["p"], a["margin"], None if w is None else w._data)
    d = (active if a["p"] == 1 else 2 * z * active).astype(x.dtype) * scale[:, None]
    g = grad._data.astype(x.dtype, copy=False)
    if a["reduction"] == _NONE:
        d = d * g.reshape(-1, 1)
    else:
        d = d * (g / xs.shape[0] if a["reduction"] == _MEAN else g)
    d[np.arange(xs.shape[0]), t] = -d.sum(axis=1)
    d = np.ascontiguousarray(d.reshape(x.shape))
    return without_double_backward(n, grad, d, "multi_margin_loss_backward")


MultiMarginLossBackward0 = node_class(
    "MultiMarginLossBackward0",
    _multi_margin_backward,
    saved=("self", "target", "weight"),
    attrs=("p", "margin", "reduction"),
)


def _check_multi_margin(input: Tensor, target: Tensor, weight) -> tuple:
    x = input._data
    if not ((x.ndim <= 1 and x.size > 0) or (x.ndim == 2 and x.shape[1] > 0)):
        raise RuntimeError(
            "Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
            f"{list(x.shape)}"
        )
    nframe, dim = (1, x.size) if x.ndim <= 1 else x.shape
    t = target._data
    if not (t.ndim <= 1 and t.size == nframe):
        raise RuntimeError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of "
            f"input samples (batch size). Expected target size [{nframe}], but got "
            f"{list(t.shape)}. Input has shape {list(x.shape)}."
        )
    if t.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {scalar_type_name(t.dtype)}")
    if weight is not None:
        if weight._data.size != dim:
            raise RuntimeError(
                f"inconsistent weight size, expected {dim} but got {list(weight._data.shape)}"
            )
        if weight._data.dtype != x.dtype:
            raise RuntimeError(
                f"expected scalar type {scalar_type_name(x.dtype)} but found "
                f"{scalar_type_name(weight._data.dtype)}"
            )
    if ((t < 0) | (t >= dim)).any():
        raise RuntimeError("target out of range")
    return nframe, dim


def multi_margin_loss(
    input,
    target,
    p=1,
    margin=1.0,
    weight=None,
    size_average=None,
    reduce=None,
    reduction="mean",
):
    """``sum_{j != y} max(0, margin - x[y] + x[j])**p * weight[y] / C`` for each sample."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    nframe, dim = _check_multi_margin(input, target, weight)
    x = input._data
    xs = x.reshape(nframe, dim)
    t = target._data.reshape(-1)
    z, active, scale = _margin_terms(xs, t, p, margin, None if weight is None else weight._data)
    h = np.where(active, z if p == 1 else z * z, 0).astype(x.dtype)
    per_sample = (h.sum(axis=1) * scale).astype(x.dtype)
    if reduction == "none":
        res = per_sample.reshape(target._data.shape)  # PyTorch gives the target's shape
    elif reduction == "sum":
        res = np.asarray(per_sample.sum(), dtype=x.dtype)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            res = np.asarray(per_sample.sum() / x.dtype.type(nframe), dtype=x.dtype)
    out = _make(res)
    if needs_grad(input):
        record(
            MultiMarginLossBackward0,
            out,
            (input,),
            {"self": input, "target": target, "weight": weight},
            {"p": p, "margin": margin, "reduction": _ENUM[reduction]},
        )
    return out


# --- multilabel_soft_margin_loss (Python in PyTorch) ------------------------------------------------
def multilabel_soft_margin_loss(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean"
):
    """``-(y * logsigmoid(x) + (1 - y) * logsigmoid(-x))``, averaged over the classes (last dim)."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(dim=class_dim) / input.size(class_dim)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    return _reduce(loss, reduction)


# --- soft_margin_loss (one ATen kernel) --------------------------------------------------------------
def _soft_margin_backward(n, grad):
    """ATen's ``soft_margin_loss_backward``: ``-norm * target * z / (1 + z) * grad`` with
    ``z = exp(-target * input)``, in its order (Tensor ops: create_graph works)."""
    x, y = n.saved("self"), n.saved("target")
    norm = 1.0 / x.numel() if n._attrs["reduction"] == _MEAN else 1.0
    z = (x.neg() * y).exp()
    g = _mul_scalar(y * z, -norm)
    return g / _add_scalar(z, 1) * grad


SoftMarginLossBackward0 = node_class(
    "SoftMarginLossBackward0",
    _soft_margin_backward,
    saved=("self", "target"),
    attrs=("reduction",),
)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """``log(1 + exp(-target * input))``, averaged or summed: one ``SoftMarginLossBackward0``."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    with no_grad():  # ATen: neg(input).mul_(target).exp_().log1p_(), then the reduction
        prod = input.neg()
        prod.mul_(target)
        loss = _reduce(prod.exp().log1p(), reduction)
    out = _make(loss._data)
    if needs_grad(input):
        record(
            SoftMarginLossBackward0,
            out,
            (input,),
            {"self": input, "target": target},
            {"reduction": _ENUM[reduction]},
        )
    return out


# --- multilabel_margin_loss (one ATen kernel) ---------------------------------------------------------
def _multilabel_terms(x: np.ndarray, t: np.ndarray):
    """``(is_target, z, active)`` for samples ``x`` (N, C) and targets ``t`` (N, C), laid out
    as ATen's kernel visits them: a sample's targets are its entries before the first ``-1``;
    ``z[p, i, n] = (1 - x[n, t[n, p]]) + x[n, i]`` for target position ``p`` and class ``i``,
    ``active`` where ``p`` holds a target, ``i`` is none of the sample's targets and
    ``z > 0``."""
    n, c = x.shape
    valid = np.cumprod(t >= 0, axis=1).astype(bool)  # up to the first -1
    rows = np.repeat(np.arange(n), c).reshape(n, c)
    is_target = np.zeros((n, c), dtype=x.dtype)
    is_target[rows[valid], t[valid]] = 1
    xj = x[rows, np.where(valid, t, 0)]  # (N, P): x at each target position
    one = x.dtype.type(1)
    z = ((one - xj).T[:, None, :] + x.T[None, :, :]).astype(x.dtype, copy=False)  # (P, C, N)
    active = valid.T[:, None, :] & (is_target.T[None, :, :] == 0) & (z > 0)
    return is_target, z, active


def _multilabel_backward(n, grad):
    """ATen's ``multilabel_margin_loss_backward``: each active pair adds ``g`` to ``x[i]`` and
    takes it from ``x[target]``, ``g = 1 / C`` (``1 / (N C)`` for the mean); times the
    incoming gradient."""
    x = n.saved("self")._data
    t = n.saved("target")._data
    xs, ts = (x.reshape(1, -1), t.reshape(1, -1)) if x.ndim <= 1 else (x, t)
    nframe, dim = xs.shape
    _, _, active = _multilabel_terms(xs, ts)
    red = n._attrs["reduction"]
    g = xs.dtype.type(1.0 / (nframe * dim) if red == _MEAN else 1.0 / dim)
    plus = active.sum(axis=0).T  # (N, C): how often each class is the non-target of a pair
    minus = np.zeros((nframe, dim), dtype=np.int64)
    rows = np.repeat(np.arange(nframe), dim).reshape(nframe, dim)
    np.add.at(minus, (rows, np.where(ts >= 0, ts, 0)), active.sum(axis=1).T)
    d = (plus - minus).astype(xs.dtype) * g
    go = grad._data.astype(xs.dtype, copy=False)
    d = d * (go.reshape(-1, 1) if red == _NONE and x.ndim > 1 else go)
    d = np.ascontiguousarray(d.reshape(x.shape))
    return without_double_backward(n, grad, d, "multilabel_margin_loss_backward")


MultilabelMarginLossBackward0 = node_class(
    "MultilabelMarginLossBackward0",
    _multilabel_backward,
    saved=("self", "target", "is_target"),
    attrs=("reduction",),
)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """``sum_{j in targets, i not} max(0, 1 - (x[j] - x[i])) / C`` per sample; a sample's
    targets are the class indices before its first ``-1``."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    x, t = input._data, target._data
    if not ((x.ndim <= 1) or (x.ndim == 2 and x.shape[1] > 0)):
        raise RuntimeError(
            "Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
            f"{list(x.shape)}"
        )
    if x.ndim <= 1:
        if t.ndim > 1 or t.size != max(x.size, 1):
            raise RuntimeError(
                f"inconsistent target size: {list(t.shape)} for input of size: {list(x.shape)}"
            )
    elif t.shape != x.shape:
        raise RuntimeError(
            f"inconsistent target size: {list(t.shape)} for input of size: {list(x.shape)}"
        )
    if t.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {scalar_type_name(t.dtype)}")
    xs = x.reshape(1, -1) if x.ndim <= 1 else x
    ts = t.reshape(1, -1) if x.ndim <= 1 else t
    if ((ts < -1) | (ts >= xs.shape[1])).any():
        raise RuntimeError("argument #2 'target' is out of range")
    is_target, z, active = _multilabel_terms(xs, ts)
    nframe, dim = xs.shape
    # One running sum per sample over (target position, class) in ATen's loop order: numpy
    # adds along a non-inner axis one row after another.
    terms = np.where(active, z, 0).astype(x.dtype).reshape(dim * dim, nframe)
    per_sample = (np.add.reduce(terms, axis=0) / x.dtype.type(dim)).astype(x.dtype)
    if reduction == "none":
        res = per_sample.reshape(()) if x.ndim <= 1 else per_sample
    else:  # accumulated over samples in double (ATen's accscalar_t), rounded once
        total = np.add.reduce(per_sample.astype(np.float64))
        res = total / nframe if reduction == "mean" else total
    out = _make(np.asarray(res, dtype=x.dtype))
    if needs_grad(input):
        record(
            MultilabelMarginLossBackward0,
            out,
            (input,),
            {"self": input, "target": target, "is_target": _make(is_target.reshape(x.shape))},
            {"reduction": _ENUM[reduction]},
        )
    return out


def triplet_margin_with_distance_loss(
    anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False, reduction="mean"
):
    """``F.triplet_margin_with_distance_loss``: the triplet loss with any distance
    (``pairwise_distance`` by default), composed as PyTorch composes it."""
    distance = pairwise_distance if distance_function is None else distance_function
    return _triplet_loss(anchor, positive, negative, distance, margin, swap, reduction, True)
