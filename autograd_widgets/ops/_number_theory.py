"""Elementwise ops on the number line: ``gcd``/``lcm`` (integers), ``nextafter`` (floats) and
``fix`` (PyTorch's alias of ``trunc``), with their in-place forms."""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from ._core import METHODS, Tensor, binary_operands, check_broadcast, not_implemented_for
from .pointwise import BinaryNode, _binary, _tensor_other, _tensor_other_method, trunc

_make = Tensor._make

__all__ = ["gcd", "lcm", "nextafter", "fix"]
TENSOR_METHODS = ("gcd", "lcm", "nextafter", "fix")
INPLACE_METHODS = ("gcd", "lcm", "nextafter", "fix")


def _integer_op(np_fn, name):
    def op(input, other):
        _tensor_other(name, other)
        ad, bd, dt = binary_operands(input, other)
        if ad.shape != bd.shape:
            check_broadcast(ad.shape, bd.shape)
        if dt.kind not in "iu":
            raise not_implemented_for(f"{name}_cpu", dt)
        return _make(np.asarray(np_fn(ad, bd)).astype(dt, copy=False))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``torch.{name}``: elementwise, integer tensors only, no gradient."
    return op


gcd = _integer_op(np.gcd, "gcd")
lcm = _integer_op(np.lcm, "lcm")  # (non-negative, as PyTorch's: lcm(7, -3) == 21)


def _nextafter_backward(n, grad):
    """PyTorch's formula: ``grad`` for ``input`` (the step is locally constant), zero for
    ``other``."""
    return grad, _make(np.zeros_like(grad._data))


# (PyTorch saves both inputs, though its formula uses neither.)
NextafterBackward0 = node_class(
    "NextafterBackward0", _nextafter_backward, saved=("self", "other"), base=BinaryNode
)


def nextafter(input, other):
    """``torch.nextafter``: the next representable float after ``input`` towards ``other``."""
    _tensor_other("nextafter", other)
    dt = np.result_type(input._data, other._data)
    if dt.kind != "f":
        raise not_implemented_for("nextafter_cpu", dt)
    return _binary(np.nextafter, NextafterBackward0, input, other, ("self", "other"))


def fix(input):
    """``torch.fix``: an alias of ``trunc`` (``TruncBackward0``)."""
    return trunc(input)


for _name in ("gcd", "lcm", "nextafter"):  # ``Tensor.gcd(3)``: the parser counts from other
    METHODS[_name] = _tensor_other_method(_name, globals()[_name])
