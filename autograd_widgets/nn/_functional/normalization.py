"""``layer_norm`` and ``batch_norm``: one ``Native*NormBackward0`` node each, as in PyTorch.

The backward formulas recompute the statistics with Tensor ops, so they are
differentiable again (``create_graph=True``) and exact in the batch-coupled terms.
"""

from __future__ import annotations

import numpy as np

from ...autograd.node import node_class
from ...ops._core import Tensor, needs_grad, record

_make = Tensor._make

__all__ = ["layer_norm", "batch_norm"]


def _norm_input_grad(x: Tensor, gy: Tensor, axes, eps: float):
    """d/dx of ``(x - mean) * rstd`` applied to ``gy``, statistics over ``axes``."""
    mean = x.mean(axes, keepdim=True)
    xc = x - mean
    rstd = ((xc * xc).mean(axes, keepdim=True) + eps).rsqrt()
    xhat = xc * rstd
    gx = rstd * (gy - gy.mean(axes, keepdim=True) - xhat * (gy * xhat).mean(axes, keepdim=True))
    return gx, xhat


# --- layer_norm ------------------------------------------------------------------------------
def _layer_norm_backward(n, grad):
    x, w = n.saved("input"), n.saved("weight")
    nd, k = x._data.ndim, len(n._attrs["normalized_shape"])
    axes, batch_axes = tuple(range(nd - k, nd)), tuple(range(nd - k))
    gy = grad * w if w is not None else grad
    # NOTE: PyTorch saves no eps (its formula uses the saved rstd); ours recomputes the
    # statistics differentiably, so it keeps eps aside (not a ``_saved_*`` value).
    gx, xhat = _norm_input_grad(x, gy, axes, n._extra["eps"])
    gx = gx if n.next_functions[0][0] is not None else None
    gw = (grad * xhat).sum(batch_axes) if n.next_functions[1][0] is not None else None
    gb = grad.sum(batch_axes) if n.next_functions[2][0] is not None else None
    return gx, gw, gb


NativeLayerNormBackward0 = node_class(
    "NativeLayerNormBackward0",
    _layer_norm_backward,
    saved=("input", "weight", "bias", "result1", "result2"),
    attrs=("normalized_shape",),
)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """``torch.nn.functional.layer_norm`` over the trailing ``normalized_shape`` dims."""
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    x = input._data
    if x.shape[x.ndim - len(ns) :] != ns or len(ns) > x.ndim:
        raise RuntimeError(
            f"Given normalized_shape={list(ns)}, expected input with shape [*, "
            f"{', '.join(str(s) for s in ns)}], but got input of size{list(x.shape)}"
        )
    axes = tuple(range(x.ndim - len(ns), x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    xc = x - mean
    rstd = 1 / np.sqrt((xc * xc).mean(axis=axes, keepdims=True) + eps)
    y = xc * rstd
    if weight is not None:
        y = y * weight._data
    if bias is not None:
        y = y + bias._data
    out = _make(y.astype(x.dtype, copy=False))
    if needs_grad(input, weight, bias):
        saved = {
            "input": input,
            "weight": weight,
            "bias": bias,
            "result1": _make(mean),
            "result2": _make(rstd.astype(x.dtype, copy=False)),
        }
        record(
            NativeLayerNormBackward0, out, (input, weight, bias), saved, {"normalized_shape": ns}
        )
        out._grad_fn._x()["eps"] = eps
    return out


# --- batch_norm ------------------------------------------------------------------------------
_TYPE_WORD = {"float16": "Half", "float32": "Float", "float64": "Double"}


def _batch_norm_backward(n, grad):
    a = n._attrs
    x, w = n.saved("input"), n.saved("weight")
    nd = x._data.ndim
    axes = (0,) + tuple(range(2, nd))
    shape = (1, x._data.shape[1]) + (1,) * (nd - 2)
    gy = grad * w.reshape(shape) if w is not None else grad
    if a["training"]:
        gx, xhat = _norm_input_grad(x, gy, axes, a["eps"])
    else:
        # Evaluation: the running statistics as they were in the forward (PyTorch keeps the
        # running tensors themselves, which a later training step updates in place).
        mean, rstd = (_make(v.reshape(shape)) for v in n._extra["eval_stats"])
        xhat = (x - mean) * rstd
        gx = gy * rstd
    gx = gx if n.next_functions[0][0] is not None else None
    gw = (grad * xhat).sum(axes) if n.next_functions[1][0] is not None else None
    gb = grad.sum(axes) if n.next_functions[2][0] is not None else None
    return gx, gw, gb


NativeBatchNormBackward0 = node_class(
    "NativeBatchNormBackward0",
    _batch_norm_backward,
    saved=("input", "weight", "running_mean", "running_var", "result1", "result2"),
    attrs=("training", "eps"),
)


def batch_norm(
    input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5
):
    """``torch.nn.functional.batch_norm``; updates the running statistics in place when training."""
    x = input._data
    if x.ndim < 2:
        raise ValueError(f"expected 2D or 3D input (got {x.ndim}D input)")
    C = x.shape[1]
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, C) + (1,) * (x.ndim - 2)
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if t is not None and t._data.size != C:
            raise RuntimeError(f"{name} should contain {C} elements not {t._data.size}")
        if t is not None and t._data.dtype != x.dtype and x.dtype.kind == "f":
            # PyTorch's CPU kernel takes no mixed float dtypes here (only reduced-precision
            # inputs with float32 parameters, which numpy has no bfloat16 for).
            raise RuntimeError(
                f"expected scalar type {_TYPE_WORD.get(x.dtype.name, x.dtype.name)} but found "
                f"{_TYPE_WORD.get(t._data.dtype.name, t._data.dtype.name)}"
            )
    if training:
        size = x.size // C
        if size == 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size {input.shape}"
            )
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)
        if running_mean is not None:
            rm = running_mean._data
            rm *= 1 - momentum  # as in PyTorch, the running statistics' versions stay
            rm += momentum * mean
        if running_var is not None:
            rv = running_var._data
            rv *= 1 - momentum
            rv += momentum * var * (size / (size - 1))
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
        mean, var = running_mean._data.copy(), running_var._data.copy()
    rstd = (1 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
    y = (x - mean.reshape(shape)) * rstd.reshape(shape)
    if weight is not None:
        y = y * weight._data.reshape(shape)
    if bias is not None:
        y = y + bias._data.reshape(shape)
    out = _make(y.astype(x.dtype, copy=False))
    if needs_grad(input, weight, bias):
        # result1/result2: the batch mean and 1/std in training, empty in evaluation
        # (PyTorch's save_mean / save_invstd).
        empty = np.empty((0,), dtype=x.dtype)
        stats = (mean.astype(x.dtype, copy=False), rstd)
        saved = {
            "input": input,
            "weight": weight,
            "running_mean": running_mean,
            "running_var": running_var,
            "result1": _make(stats[0] if training else empty),
            "result2": _make(stats[1] if training else empty),
        }
        record(
            NativeBatchNormBackward0,
            out,
            (input, weight, bias),
            saved,
            {"training": training, "eps": eps},
        )
        if not training:
            out._grad_fn._x()["eval_stats"] = stats
    return out
