"""``layer_norm`` and ``batch_norm``: one ``Native*NormBackward0`` node each, as in PyTorch.

The backward formulas recompute the statistics with Tensor ops, so they are
differentiable again (``create_graph=True``) and exact in the batch-coupled terms.
"""

from __future__ import annotations

import numpy as np

from ...autograd.node import node_class
from ...ops import pointwise as _pw
from ...ops._core import Tensor, needs_grad, record, scalar_type_name

_make = Tensor._make

__all__ = ["layer_norm", "batch_norm", "rms_norm"]


def _norm_input_grad(x: Tensor, gy: Tensor, axes, eps: float):
    """d/dx of ``(x - mean) * rstd`` applied to ``gy``, statistics over ``axes``."""
    mean = x.mean(axes, keepdim=True)
    xc = x - mean
    rstd = ((xc * xc).mean(axes, keepdim=True) + eps).rsqrt()
    xhat = xc * rstd
    gx = rstd * (gy - gy.mean(axes, keepdim=True) - xhat * (gy * xhat).mean(axes, keepdim=True))
    return gx, xhat


def _affine(y: np.ndarray, weight, bias, shape, dtype) -> Tensor:
    """``y * weight + bias`` with the per-channel parameters reshaped to ``shape``."""
    if weight is not None:
        y = y * weight._data.reshape(shape)
    if bias is not None:
        y = y + bias._data.reshape(shape)
    return _make(y.astype(dtype, copy=False))


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


def _trailing_axes(x: np.ndarray, normalized_shape, star: str = "*, ") -> tuple:
    """The last ``len(normalized_shape)`` axes, after PyTorch's check that they match
    (``layer_norm`` prints the expected shape as ``[*, 3]``, ``rms_norm`` as ``[*3]``)."""
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if star == "*" and len(ns) > x.ndim:  # rms_norm's own check (a ValueError in PyTorch)
        raise ValueError(f"Input tensor must have at least {len(ns)} dimensions, but got {x.ndim}")
    if x.shape[x.ndim - len(ns) :] != ns or len(ns) > x.ndim:
        raise RuntimeError(
            f"Given normalized_shape={list(ns)}, expected input with shape [{star}"
            f"{', '.join(str(s) for s in ns)}], but got input of size{list(x.shape)}"
        )
    return ns, tuple(range(x.ndim - len(ns), x.ndim))


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """``F.rms_norm``: ``x / sqrt(mean(x**2) + eps) * weight`` over the trailing dims.

    Composed as PyTorch's CPU path composes it (``Pow``, ``Mean``, ``Add``, ``Rsqrt``,
    ``Mul`` nodes); ``eps`` defaults to the dtype's machine epsilon.
    """
    _, axes = _trailing_axes(input._data, normalized_shape, star="*")
    axes = axes[::-1]  # ATen lists the reduced dims from the last one
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps) if input.is_floating_point() else 0.0
    # ATen adds eps as a Scalar (AddBackward1), not as a wrapped tensor (AddBackward0).
    out = input * _pw._add_scalar(input.pow(2).mean(axes, keepdim=True), eps).rsqrt()
    return out if weight is None else out * weight


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """``torch.nn.functional.layer_norm`` over the trailing ``normalized_shape`` dims."""
    x = input._data
    ns, axes = _trailing_axes(x, normalized_shape)
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
                f"expected scalar type {scalar_type_name(x.dtype)} but found "
                f"{scalar_type_name(t._data.dtype)}"
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
    out = _affine(y, weight, bias, shape, x.dtype)
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


# --- group_norm ------------------------------------------------------------------------------
def _group_norm_backward(n, grad):
    a = n._attrs
    x, w = n.saved("input"), n.saved("weight")
    N, C, G = a["N"], a["C"], a["group"]
    shape = tuple(x._data.shape)
    affine = (1, C) + (1,) * (len(shape) - 2)
    gy = grad * w.reshape(affine) if w is not None else grad
    gx, xhat = _norm_input_grad(x.reshape(N, G, -1), gy.reshape(N, G, -1), (2,), a["eps"])
    xhat = xhat.reshape(shape)
    per_channel = (0,) + tuple(range(2, len(shape)))
    nf = n.next_functions
    return (
        gx.reshape(shape) if nf[0][0] is not None else None,
        (grad * xhat).sum(per_channel) if nf[1][0] is not None else None,
        grad.sum(per_channel) if nf[2][0] is not None else None,
    )


NativeGroupNormBackward0 = node_class(
    "NativeGroupNormBackward0",
    _group_norm_backward,
    saved=("input", "weight", "result1", "result2"),
    attrs=("C", "HxW", "N", "eps", "group"),
)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """``torch.nn.functional.group_norm``: normalise each group of channels per sample.

    One ``NativeGroupNormBackward0`` node as in PyTorch (``result1``/``result2`` are the
    per-group mean and 1/std); its backward is made of Tensor ops, so it differentiates
    again.
    """
    x = input._data
    if x.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {x.ndim}")
    N, C = x.shape[0], x.shape[1]
    if C % num_groups:
        raise RuntimeError(
            f"Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {list(input.shape)} and num_groups={num_groups}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t._data.size != C:
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in "
                f"input, but got {name} of shape {list(t.shape)} and input of shape "
                f"{list(input.shape)}"
            )
    xg = x.reshape(N, num_groups, -1)
    mean = xg.mean(-1, keepdims=True)
    rstd = (1 / np.sqrt(xg.var(-1, keepdims=True) + eps)).astype(x.dtype, copy=False)
    y = ((xg - mean) * rstd).reshape(x.shape)
    affine = (1, C) + (1,) * (x.ndim - 2)
    out = _affine(y, weight, bias, affine, x.dtype)
    if needs_grad(input, weight, bias):
        saved = {
            "input": input,
            "weight": weight,
            "result1": _make(mean.reshape(N, num_groups).astype(x.dtype, copy=False)),
            "result2": _make(rstd.reshape(N, num_groups)),
        }
        hxw = x.size // (N * C) if N * C else 0
        attrs = {"C": C, "HxW": hxw, "N": N, "eps": eps, "group": num_groups}
        record(NativeGroupNormBackward0, out, (input, weight, bias), saved, attrs)
    return out
