"""Helpers the distributions share: broadcasting parameters, probabilities <-> logits."""

import functools as _functools
from numbers import Number

from .. import ops as _ops
from ..core import _creation, _dtype
from ..core.tensor import Size as _Size
from ..core.tensor import Tensor
from ..nn import functional as F

__all__ = ["broadcast_all", "clamp_probs", "lazy_property", "logits_to_probs", "probs_to_logits"]

euler_constant = 0.57721566490153286060  # Euler-Mascheroni


def _broadcast_shape(shapes) -> tuple:
    """The common shape of ``shapes``, or PyTorch's error for the first pair that clashes."""
    out: list = []
    names = "abcdefghijklmnopqrstuvwxyz"
    for k, shape in enumerate(shapes):
        shape = tuple(shape)
        merged = [1] * max(len(out), len(shape))
        for i in range(1, len(merged) + 1):
            a = out[-i] if i <= len(out) else 1
            b = shape[-i] if i <= len(shape) else 1
            if a != b and a != 1 and b != 1:
                raise RuntimeError(
                    f"The size of tensor {names[k - 1] if k else 'a'} ({a}) must match the size "
                    f"of tensor {names[k]} ({b}) at non-singleton dimension {len(merged) - i}"
                )
            merged[-i] = b if a == 1 else a
        out = merged
    return tuple(out)


def _broadcast_tensors(*tensors):
    """``torch.broadcast_tensors``: every tensor expanded (a view) to the common shape."""
    shape = _broadcast_shape(t.shape for t in tensors)
    return tuple(t if tuple(t.shape) == shape else t.expand(shape) for t in tensors)


def broadcast_all(*values):
    """Numbers become tensors (of the first tensor's dtype, else the default dtype), then
    everything is broadcast to one shape."""
    if not all(isinstance(v, (Tensor, Number)) for v in values):
        raise ValueError(
            "Input arguments must all be instances of Number, "
            "torch.Tensor or objects implementing __torch_function__."
        )
    if not all(isinstance(v, Tensor) for v in values):
        dtype = _dtype.get_default_dtype()
        for v in values:
            if isinstance(v, Tensor):
                dtype = v.dtype
                break
        values = [v if isinstance(v, Tensor) else _creation.tensor(v, dtype=dtype) for v in values]
    return _broadcast_tensors(*values)


def _sum_rightmost(value, dim: int):
    """Sum out the ``dim`` rightmost dimensions."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[: value.dim() - dim]) + (-1,)).sum(-1)


def _expand_probs_logits(old, new, param_shape) -> None:
    """Expand whichever of ``probs``/``logits`` ``old`` holds (computed or given) onto ``new``;
    the last one set is ``new._param``, as in PyTorch."""
    for name in ("probs", "logits"):
        if name in old.__dict__:
            setattr(new, name, getattr(old, name).expand(param_shape))
            new._param = getattr(new, name)


def _init_probs_or_logits(dist, probs, logits, total_count=None):
    """Store exactly one of ``probs``/``logits`` on ``dist`` (broadcast, with ``total_count``
    when given, which then takes the parameter's dtype) and return the batch shape: the
    Bernoulli family's shared constructor logic, with PyTorch's error when both or neither
    are given. A Python number alone gives an empty batch shape."""
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")
    name, given = ("probs", probs) if probs is not None else ("logits", logits)
    if total_count is None:
        (param,) = broadcast_all(given)
        shape = _Size() if isinstance(given, Number) else param.size()
    else:
        total_count, param = broadcast_all(total_count, given)
        dist.total_count = total_count.type_as(param)
        shape = param.size()
    setattr(dist, name, param)
    dist._param = param
    return shape


def logits_to_probs(logits, is_binary: bool = False):
    if is_binary:
        return _ops.sigmoid(logits)
    return F.softmax(logits, dim=-1)


def clamp_probs(probs):
    eps = _dtype.finfo(probs.dtype).eps
    return _ops.clamp(probs, min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary: bool = False):
    clamped = clamp_probs(probs)
    if is_binary:
        return _ops.log(clamped) - _ops.log1p(-clamped)
    return _ops.log(clamped)


class lazy_property:  # noqa: N801 - PyTorch's name
    """A value computed on first access and then stored on the instance (so that a
    distribution built from ``probs`` computes ``logits`` only when asked)."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        _functools.update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


def _size(shape) -> _Size:
    return shape if isinstance(shape, _Size) else _Size(shape)
