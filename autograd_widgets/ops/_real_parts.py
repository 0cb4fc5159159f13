"""The complex-number accessors on real tensors, as PyTorch answers them for a real input:
``real``, ``conj``, ``conj_physical`` return the tensor itself, ``imag`` raises, ``angle`` is
``pi`` for negative numbers and ``0`` otherwise (NaN stays NaN) with a zero gradient.
Complex tensors themselves are not supported here."""

from __future__ import annotations

import math

import numpy as np

from ..autograd.node import node_class
from ..core._dtype import get_default_dtype
from . import inplace
from ._core import METHODS, Tensor, needs_grad, record, scalar_type_name, write_out, zero_grad

_make = Tensor._make

__all__ = ["angle", "conj", "conj_physical", "conj_physical_", "imag", "real"]
TENSOR_METHODS = ("angle", "conj", "conj_physical", "conj_physical_")


def _check(name, input):
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
        )


def real(input):
    """``torch.real``: a real tensor is its own real part (the same tensor)."""
    _check("real", input)
    return input


def imag(input):
    """``torch.imag``: PyTorch has no imaginary part for a real tensor."""
    _check("imag", input)
    raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")


def conj(input):
    """``torch.conj``: the conjugate of a real tensor is the tensor itself."""
    _check("conj", input)
    return input


def conj_physical(input, *, out=None):
    _check("conj_physical", input)
    if out is None:
        return input
    if out._data.dtype != input._data.dtype:  # PyTorch copies into out: no casting
        raise RuntimeError(
            f"Found dtype {scalar_type_name(out._data.dtype)} but expected "
            f"{scalar_type_name(input._data.dtype)}"
        )
    return write_out("conj_physical", out, input.clone())


def conj_physical_(input):
    """In place, a no-op on a real tensor, but still an in-place op: PyTorch refuses a leaf
    that requires grad and bumps the version."""
    _check("conj_physical_", input)
    inplace.check_inplace(input)
    inplace._bump(input)
    return input


AngleBackward0 = node_class("AngleBackward0", zero_grad, saved=("self",))


def angle(input, *, out=None):
    """``torch.angle``: ``pi`` where ``input < 0``, else ``0``; NaN where it is NaN."""
    _check("angle", input)
    d = input._data
    dt = d.dtype if d.dtype.kind == "f" else get_default_dtype().np
    res = np.where(d < 0, dt.type(math.pi), dt.type(0)).astype(dt)
    if d.dtype.kind == "f":
        res = np.where(np.isnan(d), d, res)
    result = _make(res)
    if needs_grad(input) and d.dtype.kind == "f":
        record(AngleBackward0, result, (input,), {"self": input})
    return result if out is None else write_out("angle", out, result)


METHODS["conj_physical"] = lambda self: conj_physical(self)
Tensor.real = property(real)
Tensor.imag = property(imag)
