"""``torch.autograd.forward_ad``: dual tensors for forward-mode automatic differentiation.

Inside ``with dual_level():``, ``make_dual(primal, tangent)`` gives a tensor carrying a
tangent; every op on dual tensors gives an output whose tangent is the Jacobian-vector
product, read back with ``unpack_dual(out).tangent``. The tangents are computed from the
ops' backward formulas (the double-vjp trick, see ``autograd/_dual.py``), so every
differentiable op has a forward derivative; a custom ``Function`` uses its ``jvp``.
Only one level at a time, as in PyTorch; leaving it drops every tangent.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..core._dtype import from_numpy_dtype
from ..core.tensor import Tensor
from . import _dual

__all__ = [
    "UnpackedDualTensor",
    "enter_dual_level",
    "exit_dual_level",
    "make_dual",
    "unpack_dual",
    "dual_level",
]


class UnpackedDualTensor(NamedTuple):
    """What :func:`unpack_dual` returns: the ``primal`` and its ``tangent`` (or None)."""

    primal: Any
    tangent: Any


def enter_dual_level() -> int:
    """Open a forward AD level and return it; only one can be open (nesting raises)."""
    return _dual.enter()


def exit_dual_level(*, level=None) -> None:
    """Close ``level`` (the open one by default): every tangent made in it is dropped."""
    _dual.exit_level(level)


def _check_level(level, op: str) -> None:
    if level is None:
        level = _dual.state.level
    if level is None or level != _dual.state.level:
        raise RuntimeError(f"Invalid level given to {op}")


def _alias(t: Tensor) -> Tensor:
    """A tensor sharing ``t``'s data and version counter, with no history and no tangent."""
    a = Tensor._make(t._data)
    a._vc = t._vc
    return a


def make_dual(tensor, tangent, *, level=None):
    """A dual tensor: a view of ``tensor`` whose tangent is ``tangent``.

    The tangent is used as it is when its layout is that of ``tensor``; otherwise its values
    are copied into a tensor with ``tensor``'s layout.
    """
    if _dual.state.level is None and level is None:
        raise RuntimeError(
            "Trying to create a dual Tensor for forward AD but no level exists, make sure to "
            "enter_dual_level() first."
        )
    for name, t in (("primal", tensor), ("tangent", tangent)):
        if not isinstance(t, Tensor):
            raise AttributeError(
                f"'{type(t).__name__}' object has no attribute 'is_floating_point'"
            )
        if t._data.dtype.kind not in "fc":
            raise ValueError(
                f"Expected {name} to be floating point or complex, but got: "
                f"{from_numpy_dtype(t._data.dtype)}"
            )
    _check_level(level, "_make_dual")
    if _dual.tangent_of(tensor) is not None:
        raise RuntimeError(
            "Making a dual Tensor based on a Tensor that already has a forward gradient at the "
            f"same level {_dual.state.level} is not supported."
        )
    if tangent._data.shape != tensor._data.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
            f"while the given forward gradient is of size {list(tangent.shape)}."
        )
    if _strides(tangent) != _strides(tensor):
        copy = np.empty_like(tensor._data, dtype=tangent._data.dtype)
        copy[...] = tangent._data
        tangent = Tensor._make(copy)
    if tensor._requires_grad:
        with _dual.suspended():
            dual = tensor.view_as(tensor)
    else:
        dual = _alias(tensor)
    _dual.set_tangent(dual, tangent, hide=dual._grad_fn is None)
    return dual


def _strides(t: Tensor):
    d = t._data
    return tuple(s // d.itemsize for s in d.strides) if d.size > 1 else ()


def unpack_dual(tensor, *, level=None):
    """``(primal, tangent)`` of ``tensor`` at ``level``: a view of it with no tangent, and its
    tangent (None for a tensor with none, or outside a level)."""
    if not isinstance(tensor, Tensor) or _dual.state.level is None:
        return UnpackedDualTensor(tensor, None)
    tangent = _dual.tangent_of(tensor)
    if tangent is not None:
        _check_level(level, "_fw_primal")
    if tensor._requires_grad and not _dual.is_hidden(tensor):
        with _dual.suspended():
            primal = tensor.view_as(tensor)
    else:
        primal = _alias(tensor)
    return UnpackedDualTensor(primal, tangent)


class dual_level:  # noqa: N801 - PyTorch's name
    """Context manager (or decorator) for one forward AD level::

    with dual_level():
        out = f(make_dual(x, t))
        jvp = unpack_dual(out).tangent
    """

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, *exc) -> None:
        exit_dual_level()

    def __call__(self, fn):
        def wrapped(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)

        wrapped.__name__ = getattr(fn, "__name__", "wrapped")
        wrapped.__doc__ = getattr(fn, "__doc__", None)
        return wrapped
