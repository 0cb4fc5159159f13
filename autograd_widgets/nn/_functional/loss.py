"""Loss functions with PyTorch's ``grad_fn`` names, reductions and error messages.

Losses PyTorch computes in one kernel (``mse_loss``, ``nll_loss``,
``binary_cross_entropy``...) get one node here too; the others (``l1_loss``,
``kl_div``, soft-label ``cross_entropy``, ``margin_ranking_loss``, ``triplet_margin_loss``)
are composed from ops, as in PyTorch.
"""

from __future__ import annotations

import warnings

import numpy as np

from ...autograd import events
from ...autograd.grad_mode import state as _grad_state
from ...autograd.node import node_class
from ...ops import reduction as _red
from ...ops._core import (
    Tensor,
    binary_operands,
    check_broadcast,
    needs_grad,
    promote,
    record,
    scalar_type_name,
    unbroadcast,
)
from ...ops._shown import torch_int
from ...ops._special_fns import xlogy
from ...ops.pointwise import DivBackward1, MulBackward1, _add_scalar, minimum
from .composite import pairwise_distance

_make = Tensor._make

__all__ = [
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
]

_REDUCTIONS = ("none", "mean", "sum")
# NOTE: PyTorch's loss nodes save ``reduction`` as ATen's enum (``_saved_reduction`` is 1 for
# "mean"), so the nodes here keep the same int and the formulas compare against it.
_NONE, _MEAN, _SUM = 0, 1, 2
_ENUM = {"none": _NONE, "mean": _MEAN, "sum": _SUM}


def _legacy_reduction(size_average, reduce, reduction: str) -> str:
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    warnings.warn(
        "size_average and reduce args will be deprecated, please use reduction='"
        + ("mean" if reduce and size_average else "sum" if reduce else "none")
        + "' instead.",
        UserWarning,
        stacklevel=3,
    )
    return "none" if not reduce else ("mean" if size_average else "sum")


def _check_reduction(reduction: str, batchmean: bool = False) -> None:
    """Only ``kl_div`` also takes "batchmean"."""
    if reduction not in _REDUCTIONS and not (batchmean and reduction == "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduce_np(loss: np.ndarray, reduction: str) -> np.ndarray:
    """ATen's ``apply_loss_reduction``: ``loss.sum()`` in PyTorch's order; ``mean`` is that
    sum divided by the count (numpy's pairwise sum would change the printed last digits)."""
    if reduction == "none":
        return loss
    if reduction == "mean" and loss.size == 0:
        return np.asarray(np.nan, dtype=loss.dtype)
    total = _red._ordered_sum(loss, None, False, loss.dtype)
    if reduction == "mean":
        total = total / loss.dtype.type(loss.size)
    return np.asarray(total, dtype=loss.dtype)


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _grad_scale(n, grad: Tensor, numel: int) -> Tensor:
    """The incoming gradient as a factor for each element of the unreduced loss."""
    if n._attrs["reduction"] == _MEAN:
        return grad / numel
    return grad


def _warn_size(input: Tensor, target: Tensor) -> None:
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )


def _pair(input, target):
    if not isinstance(target, Tensor):
        target = _make(np.asarray(target))
    check_broadcast(input._data.shape, target._data.shape)
    a, b, _ = binary_operands(input, target)
    a, b = np.broadcast_arrays(a, b)
    return target, a, b


def _pointwise_loss(cls, input, target, reduction, loss, attrs=None):
    """Record a single-kernel loss node whose gradient is ``factor * d(loss)/d(input)``."""
    out = _make(_reduce_np(loss, reduction))
    if needs_grad(input, target):
        at = {"reduction": _ENUM[reduction]}
        if attrs:
            at.update(attrs)
        record(cls, out, (input, target), {"self": input, "target": target}, at)
    return out


def _two_sided(n, grad, d_input: Tensor):
    """Gradients for (input, target) given d(loss)/d(input) per element; target's is its negative."""
    self, target = n.saved("self"), n.saved("target")
    g = _grad_scale(n, grad, d_input._data.size)
    if n._attrs["reduction"] == _NONE:
        g = g.reshape(d_input.shape) if g.shape != d_input.shape else g
    gi = d_input * g
    gx = unbroadcast(gi, self._data.shape) if n.next_functions[0][0] is not None else None
    gt = unbroadcast(-gi, target._data.shape) if n.next_functions[1][0] is not None else None
    return gx, gt


# --- Tensor-Scalar kernels -----------------------------------------------------------------
# NOTE: PyTorch's C++ losses call mul/div with a Scalar, whose nodes are MulBackward1 and
# DivBackward1 (Python's ``x * 2`` wraps 2 as a tensor: MulBackward0). The graph must match;
# the nodes are the ones declared in ops/pointwise.py.


def _scalar_op(t: Tensor, other: float, cls) -> Tensor:
    d = t._data
    res = d * d.dtype.type(other) if cls is MulBackward1 else d / d.dtype.type(other)
    out = _make(np.asarray(res, dtype=d.dtype))
    if needs_grad(t):
        record(cls, out, (t,), None, {"other": other})
    return out


# --- mse / smooth_l1 / huber / l1 --------------------------------------------------------------------
def _mse_backward(n, grad):
    return _two_sided(n, grad, (n.saved("self") - n.saved("target")) * 2)


MseLossBackward0 = node_class(
    "MseLossBackward0", _mse_backward, saved=("self", "target"), attrs=("reduction",)
)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _warn_size(input, target)
    target, a, b = _pair(input, target)
    d = a - b
    return _pointwise_loss(MseLossBackward0, input, target, reduction, d * d)


def _smooth_l1_backward(n, grad):
    d = n.saved("self") - n.saved("target")
    beta = n._attrs["beta"]
    dd = d._data
    if beta == 0:
        deriv = _make(np.sign(dd))
    else:
        inner = _make((np.abs(dd) < beta).astype(dd.dtype))
        deriv = inner * d / beta + (1 - inner) * _make(np.sign(dd))
    return _two_sided(n, grad, deriv)


SmoothL1LossBackward0 = node_class(
    "SmoothL1LossBackward0",
    _smooth_l1_backward,
    saved=("self", "target"),
    attrs=("reduction", "beta"),
)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    _warn_size(input, target)
    target, a, b = _pair(input, target)
    z = np.abs(a - b)
    loss = (
        z if beta == 0 else np.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta).astype(z.dtype)
    )
    return _pointwise_loss(SmoothL1LossBackward0, input, target, reduction, loss, {"beta": beta})


def _huber_backward(n, grad):
    d = n.saved("self") - n.saved("target")
    delta = n._attrs["delta"]
    inner = _make((np.abs(d._data) < delta).astype(d._data.dtype))
    deriv = inner * d + (1 - inner) * _make(np.sign(d._data)) * delta
    return _two_sided(n, grad, deriv)


HuberLossBackward0 = node_class(
    "HuberLossBackward0", _huber_backward, saved=("self", "target"), attrs=("reduction", "delta")
)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _warn_size(input, target)
    target, a, b = _pair(input, target)
    z = np.abs(a - b)
    loss = np.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)).astype(z.dtype)
    if input._data.dtype.kind == "f":
        # ATen writes the losses into empty_like(input): computed in the promoted type, kept
        # (and reduced) in the input's (a float64 target does not make float32 losses float64)
        loss = loss.astype(input._data.dtype, copy=False)
    return _pointwise_loss(HuberLossBackward0, input, target, reduction, loss, {"delta": delta})


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Composite in PyTorch too: ``(input - target).abs()`` then the reduction."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _warn_size(input, target)
    return _reduce((input - target).abs(), reduction)


# --- nll_loss / cross_entropy -------------------------------------------------------------------------
def _nll_backward(n, grad):
    # coef holds -weight[target] / total_weight at each target position: the loss is linear in input.
    coef = n.coef
    g = grad._data
    if (
        n._attrs["reduction"] != _NONE
        and g.dtype == coef.dtype
        and not _grad_state.enabled
        and not events.hears("op_no_grad")
    ):
        return _make(np.multiply(g, coef))  # grad * coef in numpy: no op events to emit
    if n._attrs["reduction"] == _NONE:
        shape = list(grad.shape)
        shape.insert(1 if len(shape) >= 1 and coef.ndim > 1 else 0, 1)
        g = grad.reshape(tuple(shape)) if coef.ndim > 1 else grad
        return g * _make(coef)
    return grad * _make(coef)


NllLossBackward0 = node_class(
    "NllLossBackward0",
    _nll_backward,
    saved=("self", "target", "weight", "total_weight"),
    attrs=("ignore_index", "reduction"),
    fields=("coef",),  # the backward's constant, not a saved value of PyTorch's
)
# Spatial targets ((N, C, d1, ...) input) go through PyTorch's nll_loss2d kernel.
NllLoss2DBackward0 = node_class(
    "NllLoss2DBackward0",
    _nll_backward,
    saved=("self", "target", "weight", "total_weight"),
    attrs=("ignore_index", "reduction"),
    fields=("coef",),  # the backward's constant, not a saved value of PyTorch's
)


def _check_target(input: Tensor, target: Tensor) -> None:
    if not isinstance(target, Tensor):
        raise TypeError(
            f"nll_loss(): argument 'target' must be Tensor, not {type(target).__name__}"
        )
    xd, td = input._data.ndim, target._data.ndim
    # PyTorch's nll_loss_nd checks, in its order
    if xd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {xd})")
    if xd == 1 and td == 1 and target._data.shape[0] != 1:
        raise ValueError(
            "For 1D input, 1D target must have size 1, but got target size: "
            f"{target._data.shape[0]}"
        )
    target_batch = target._data.shape[0] if td else 0
    if xd >= 2 and input._data.shape[0] != target_batch:
        raise ValueError(
            f"Expected input batch_size ({input._data.shape[0]}) to match target batch_size "
            f"({target_batch})."
        )
    if xd <= 2 and td > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target._data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(
            "expected target dtype to be Long or Byte, but got "
            f"{scalar_type_name(target._data.dtype)}"
        )
    if xd > 2 and input._data.shape[2:] != target._data.shape[1:]:
        raise RuntimeError(
            f"Expected target size {[input._data.shape[0]] + list(input._data.shape[2:])}, got "
            f"{list(target._data.shape)}"
        )


def nll_loss(
    input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"
):
    """Negative log likelihood of class indices; one ``NllLossBackward0`` node."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _check_target(input, target)
    x = input._data
    t = target._data.astype(np.int64, copy=False)
    n_classes = x.shape[0] if x.ndim == 1 else x.shape[1]
    if x.ndim == 2 and weight is None and reduction == "mean" and t.size:
        fast = _nll_2d_mean(input, target, x, t, n_classes, ignore_index)
        if fast is not None:
            return fast
    # Move the class axis last: (N, d1, ..., C) with targets (N, d1, ...).
    xc = x[None] if x.ndim == 1 else np.moveaxis(x, 1, -1)
    tc = t.reshape(1) if x.ndim == 1 else t
    valid = tc != ignore_index
    bad = valid & ((tc < 0) | (tc >= n_classes))
    if bad.any():
        raise IndexError(f"Target {int(tc[bad].flat[0])} is out of bounds.")
    safe = np.where(valid, tc, 0)
    w = np.ones(n_classes, dtype=x.dtype) if weight is None else weight._data.astype(x.dtype)
    wt = np.where(valid, w[safe], 0).astype(x.dtype)
    rows = np.arange(x.shape[0]) if x.ndim == 2 else None
    if rows is not None:  # (N, C): plain fancy indexing, no index arrays to build
        picked = x[rows, safe]
    else:
        picked = np.take_along_axis(xc, safe[..., None], axis=-1)[..., 0]
    losses = -picked * wt
    if reduction == "none":
        res = losses if x.ndim > 1 else losses.reshape(())
        total = np.zeros((), dtype=x.dtype)
        scale = wt
    elif reduction == "sum":
        res = np.asarray(losses.sum(), dtype=x.dtype)
        total = np.asarray(wt.sum(), dtype=x.dtype)
        scale = wt
    else:
        total = np.asarray(wt.sum(), dtype=x.dtype)
        res = np.asarray(losses.sum() / total, dtype=x.dtype)
        scale = wt / total
    out = _make(res)
    if needs_grad(input):
        if rows is not None:
            coef = np.zeros_like(x)
            coef[rows, safe] = -scale.astype(x.dtype)
        else:
            coef = np.zeros_like(xc)
            np.put_along_axis(coef, safe[..., None], -scale[..., None].astype(x.dtype), axis=-1)
            coef = coef[0] if x.ndim == 1 else np.moveaxis(coef, -1, 1)
        saved = {"self": input, "target": target, "weight": weight, "total_weight": _make(total)}
        record(
            NllLoss2DBackward0 if x.ndim > 2 else NllLossBackward0,
            out,
            (input,),
            saved,
            # PyTorch shows the default ignore_index -100 as an unsigned int64.
            {"ignore_index": torch_int(ignore_index), "reduction": _ENUM[reduction]},
            fields={"coef": coef},
        )
    return out


def _nll_2d_mean(input, target, x, t, n_classes, ignore_index):
    """``nll_loss`` of (N, C) scores, no weights, ``reduction="mean"``, when every target is a
    class (none ignored, none out of range): the general path's values with fewer numpy calls
    (each weight is 1, so the total weight is N and each row's coefficient is -1/N).
    None when the general path must run."""
    lo, hi = int(t.min()), int(t.max())
    if lo < 0 or hi >= n_classes or lo <= ignore_index <= hi:
        return None
    rows = np.arange(x.shape[0])
    ft = x.dtype.type
    total = np.asarray(x.shape[0], dtype=x.dtype)
    out = _make(np.asarray((-x[rows, t]).sum() / total, dtype=x.dtype))
    if needs_grad(input):
        coef = np.zeros_like(x)
        coef[rows, t] = -(ft(1) / total)
        saved = {"self": input, "target": target, "weight": None, "total_weight": _make(total)}
        record(
            NllLossBackward0,
            out,
            (input,),
            saved,
            {"ignore_index": torch_int(ignore_index), "reduction": _ENUM["mean"]},
            fields={"coef": coef},
        )
    return out


def cross_entropy(
    input,
    target,
    weight=None,
    size_average=None,
    ignore_index=-100,
    reduce=None,
    reduction="mean",
    label_smoothing=0.0,
):
    """``log_softmax`` then ``nll_loss`` (class indices), or the soft-label sum (probabilities)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    probabilities = isinstance(target, Tensor) and target.shape == input.shape
    if probabilities:  # checked first, as in PyTorch (a 0-d input gets this error too)
        if target._data.dtype.kind != "f":
            raise RuntimeError(
                "Expected floating point type for target with class probabilities, got "
                f"{scalar_type_name(target._data.dtype)}"
            )
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
    class_dim = 0 if input._data.ndim == 1 else 1
    logp = _red.log_softmax(input, class_dim)
    n_classes = input._data.shape[class_dim]
    if probabilities:
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / n_classes
        prod = logp * target
        if weight is not None:
            shape = [1] * input._data.ndim
            shape[class_dim] = n_classes
            prod = prod * weight.reshape(tuple(shape))
        if reduction == "mean":
            return _scalar_op(-prod.sum(), input._data.size / n_classes, DivBackward1)
        if reduction == "sum":
            return -prod.sum()
        return -prod.sum(class_dim)
    nll = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    if label_smoothing <= 0:
        return nll
    t = target._data
    ignore = t == ignore_index
    if weight is not None:
        shape = [1] * input._data.ndim
        shape[class_dim] = n_classes
        smooth = -(logp * weight.reshape(tuple(shape))).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    smooth.masked_fill_(_make(ignore), 0.0)
    if reduction == "mean":
        if weight is not None:
            denom = weight._data[t[~ignore]].sum()
        else:
            denom = (~ignore).sum()
        ret = smooth.sum() / _make(np.asarray(denom, dtype=smooth._data.dtype))
    elif reduction == "sum":
        ret = smooth.sum()
    else:
        ret = smooth
    return _scalar_op(nll, 1 - label_smoothing, MulBackward1) + _scalar_op(
        ret, label_smoothing / n_classes, MulBackward1
    )


# --- binary cross entropy ---------------------------------------------------------------------------------
_EPS = 1e-12


def _bce_backward(n, grad):
    x, t = n.saved("self"), n.saved("target")
    w = n.saved("weight")
    d = (x - t) / (x * (1 - x)).clamp_min(_EPS)
    if w is not None:
        d = d * w
    g = _grad_scale(n, grad, x._data.size)
    gx = d * g
    gt = None
    if n.next_functions[1][0] is not None:
        gt = (
            ((1 - x).log().clamp_min(-100) - x.log().clamp_min(-100))
            * g
            * (w if w is not None else 1)
        )
    return gx, gt


BinaryCrossEntropyBackward0 = node_class(
    "BinaryCrossEntropyBackward0",
    _bce_backward,
    saved=("self", "target", "weight"),
    attrs=("reduction",),
)


def binary_cross_entropy(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean"
):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size."
        )
    if target._data.dtype != input._data.dtype:
        # PyTorch's binary_cross_entropy kernel refuses a target of another dtype (no promotion).
        raise RuntimeError(
            f"Found dtype {scalar_type_name(target._data.dtype)} but expected "
            f"{scalar_type_name(input._data.dtype)}"
        )
    x, t = input._data, target._data
    if ((x < 0) | (x > 1)).any() or np.isnan(x).any():
        raise RuntimeError("all elements of input should be between 0 and 1")
    with np.errstate(divide="ignore"):
        # NOTE: logs are clamped at -100 as in PyTorch, so x = 0 or 1 gives a finite loss.
        loss = -(t * np.maximum(np.log(x), -100) + (1 - t) * np.maximum(np.log1p(-x), -100))
    if weight is not None:
        loss = loss * np.broadcast_to(weight._data, loss.shape)
    out = _make(_reduce_np(loss.astype(x.dtype, copy=False), reduction))
    if needs_grad(input, target):
        if weight is not None and weight.shape != input.shape:
            weight = weight.expand(input.shape)
        record(
            BinaryCrossEntropyBackward0,
            out,
            (input, target),
            {"self": input, "target": target, "weight": weight},
            {"reduction": _ENUM[reduction]},
        )
    return out


def _bce_logits_backward(n, grad):
    x, t = n.saved("self"), n.saved("target")
    w, pw = n.saved("weight"), n.saved("pos_weight")
    s = x.sigmoid()
    d = s - t if pw is None else s * (pw * t + 1 - t) - pw * t
    if w is not None:
        d = d * w
    g = _grad_scale(n, grad, x._data.size)
    gx = unbroadcast(d * g, x._data.shape)
    gt = None
    if n.next_functions[1][0] is not None:
        dt = -x if pw is None else -x - (pw - 1) * _log_sigmoid(x)
        if w is not None:
            dt = dt * w
        gt = unbroadcast(dt * g, t._data.shape)
    return gx, gt


def _log_sigmoid(x: Tensor) -> Tensor:
    return -((-x.abs()).exp().log1p() + (-x).clamp_min(0))


BinaryCrossEntropyWithLogitsBackward0 = node_class(
    "BinaryCrossEntropyWithLogitsBackward0",
    _bce_logits_backward,
    saved=("self", "target", "weight", "pos_weight"),
    attrs=("reduction",),
)


def binary_cross_entropy_with_logits(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None
):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})"
        )
    # ATen computes (1 - target).mul_(input): an integer or bool target fails there.
    if target._data.dtype == np.bool_:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    if target._data.dtype.kind in "iu":
        raise RuntimeError(
            f"result type {scalar_type_name(promote(input, target))} can't be cast to the "
            f"desired output type {scalar_type_name(target._data.dtype)}"
        )
    # Input and target promote together (float32 logits with a float64 target give float64).

    dt = promote(input, target)
    x, t = input._data.astype(dt, copy=False), target._data.astype(dt, copy=False)
    # NOTE: max(-x, 0) + log1p(exp(-|x|)) is -log(sigmoid(x)) without overflow for large |x|.
    # ATen takes log_sigmoid in the input's dtype, before the target promotes the rest.
    xi = input._data
    log_sig_neg = (np.maximum(-xi, 0) + np.log1p(np.exp(-np.abs(xi)))).astype(dt, copy=False)
    if pos_weight is None:
        loss = (1 - t) * x + log_sig_neg
    else:
        pw = pos_weight._data
        loss = (1 - t) * x + (1 + (pw - 1) * t) * log_sig_neg
    if weight is not None:
        loss = loss * weight._data
    loss = np.broadcast_to(loss, np.broadcast_shapes(loss.shape, x.shape)).astype(x.dtype)
    out = _make(_reduce_np(loss, reduction))
    if needs_grad(input, target):
        record(
            BinaryCrossEntropyWithLogitsBackward0,
            out,
            (input, target),
            {"self": input, "target": target, "weight": weight, "pos_weight": pos_weight},
            {"reduction": _ENUM[reduction]},
        )
    return out


def _is_floating_or_complex(t) -> bool:
    return t._data.dtype.kind in "fc"


# --- kl_div -----------------------------------------------------------------------------------------------
def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Composite, as in PyTorch: ``target * (log(target) - input)`` then the reduction."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction, batchmean=True)
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size."
            "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
            "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
            UserWarning,
            stacklevel=2,
        )
    if not _is_floating_or_complex(input) or not _is_floating_or_complex(target):
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        xlogy_t = xlogy(target, target)
        loss = xlogy_t - target * input
    if reduction == "batchmean":
        if input.dim() == 0:
            return loss.sum()
        return loss.sum() / input.shape[0]
    return _reduce(loss, reduction)


# --- margin losses (composite, as ATen) -------------------------------------------------------------
def margin_ranking_loss(
    input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"
):
    """``max(0, -target * (input1 - input2) + margin)`` then the reduction."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} "
        )
    return _reduce(_add_scalar(-target * (input1 - input2), margin).clamp_min(0), reduction)


def triplet_margin_loss(
    anchor,
    positive,
    negative,
    margin=1.0,
    p=2,
    eps=1e-6,
    swap=False,
    size_average=None,
    reduce=None,
    reduction="mean",
):
    """``max(0, margin + d(anchor, positive) - d(anchor, negative))`` with ``pairwise_distance``;
    ``swap`` takes the smaller of ``d(anchor, negative)`` and ``d(positive, negative)``."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    return _triplet_loss(
        anchor,
        positive,
        negative,
        lambda a, b: pairwise_distance(a, b, p, eps),
        margin,
        swap,
        reduction,
    )


def _triplet_loss(anchor, positive, negative, distance, margin, swap, reduction, python=False):
    """``triplet_margin_loss`` and ``triplet_margin_with_distance_loss``: PyTorch's checks,
    then ``clamp_min(margin + d(a, p) - d(a, n), 0)`` reduced. ``python``: the Python form
    (``margin + t`` is ``AddBackward0`` there; ATen's Scalar add is ``AddBackward1``)."""
    _check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a_dim, p_dim, n_dim = anchor.dim(), positive.dim(), negative.dim()
    if not a_dim == p_dim == n_dim:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of "
            f"dimensions, but got: anchor {a_dim}D, positive {p_dim}D, and negative {n_dim}D inputs"
        )
    dist_pos = distance(anchor, positive)
    dist_neg = distance(anchor, negative)
    if swap:
        dist_neg = minimum(dist_neg, distance(positive, negative))
    shifted = margin + dist_pos if python else _add_scalar(dist_pos, margin)
    return _reduce((shifted - dist_neg).clamp_min(0), reduction)
