"""``clip_grad_norm_`` and ``clip_grad_value_``, in place on ``.grad`` like PyTorch."""

from __future__ import annotations

import math

import numpy as np

from ...core.tensor import Tensor

__all__ = [
    "clip_grad_norm_",
    "clip_grad_norm",
    "clip_grad_value_",
    "clip_grads_with_norm_",
    "get_total_norm",
]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p._grad for p in parameters if p._grad is not None]


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None) -> Tensor:
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    tensors = [t for t in tensors if t is not None]
    norm_type = float(norm_type)
    if not tensors:
        return Tensor._make(np.array(0.0, dtype=np.float32))
    dt = tensors[0]._data.dtype
    if norm_type == math.inf:
        norms = [np.abs(t._data).max() for t in tensors]
        total = max(norms)
    else:
        norms = [np.linalg.norm(t._data.ravel(), ord=norm_type) for t in tensors]
        total = np.linalg.norm(np.array(norms), ord=norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so "
            "it cannot be clipped. To disable this error and scale the gradients by the non-finite "
            "norm anyway, set `error_if_nonfinite=False`"
        )
    return Tensor._make(np.asarray(total, dtype=dt))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale all gradients so their joint norm is at most ``max_norm``; returns the norm before."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    parameters = list(parameters)
    total = get_total_norm(_grads(parameters), norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None) -> None:
    """Scale every gradient in place by ``min(max_norm / (total_norm + 1e-6), 1)``: the second
    half of ``clip_grad_norm_``, with the norm given (``torch.nn.utils.clip_grads_with_norm_``).
    The coefficient is computed in ``total_norm``'s dtype, as PyTorch computes it."""
    grads = _grads(parameters)
    if not grads:
        return
    total = np.asarray(total_norm._data)
    kind = total.dtype.type
    coef = np.minimum(kind(float(max_norm)) / (total + kind(1e-6)), kind(1.0))
    for g in grads:
        g._data *= coef.astype(g._data.dtype)
        g._vc.v += 1


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    import warnings

    warnings.warn(
        "`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
        "`torch.nn.utils.clip_grad_norm_`.",
        FutureWarning,
        stacklevel=2,
    )
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None) -> None:
    """Clamp every gradient element into ``[-clip_value, clip_value]`` in place."""
    clip_value = float(clip_value)
    for g in _grads(parameters):
        np.clip(g._data, -clip_value, clip_value, out=g._data)
        g._vc.v += 1
