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
from ._common import no_double_backward
from .activation import logsigmoid
from .loss import _ENUM, _MEAN, _NONE, _check_reduction, _legacy_reduction, _reduce

_make = Tensor._make

__all__ = [
    "gaussian_nll_loss",
    "poisson_nll_loss",
    "cosine_embedding_loss",
    "hinge_embedding_loss",
    "multi_margin_loss",
    "multilabel_soft_margin_loss",
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
    no_double_backward(grad, "multi_margin_loss")
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
    return _make(np.ascontiguousarray(d.reshape(x.shape)))


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
