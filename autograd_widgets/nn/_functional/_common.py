"""Helpers the ``nn.functional`` kernels share."""

from __future__ import annotations

from ...autograd.node import node_class
from ...ops._core import Tensor, grad_state, needs_grad, record
from ...ops.pointwise import NotImplemented_

_make = Tensor._make


def no_double_backward(grad: Tensor, name: str) -> None:
    """Refuse ``create_graph=True`` through a kernel whose backward is numpy-only."""
    # The backward runs with grad mode on exactly when create_graph=True.
    if grad_state.enabled or grad._requires_grad:
        raise NotImplementedError(
            f"double backward (create_graph=True) through {name} is not supported by autograd_widgets"
        )


# --- double backward of the ops whose backward is linear in the gradient -------------------------
# Pooling and padding move (or average) input cells into output cells: the backward is a fixed
# linear map ``L`` of the output gradient, and the forward applied to a tensor is its transpose.
# So the gradient of ``grad_input = L(grad_output)`` with respect to ``grad_output``, given
# ``ggI``, is the op itself applied to ``ggI`` (``again``), and it is zero with respect to
# ``self``. ``again`` is differentiable (the op records its own node), so every order works.
def linear_backward(n, grad, gx, double_cls, again, saved=None, attrs=None, shown=None):
    """The first backward's result ``gx`` (an array) as a tensor; under ``create_graph`` the
    output of a ``double_cls`` node (inputs ``grad_output`` and ``self``, as in PyTorch)
    whose backward is ``again(ggI)``."""
    t = _make(gx)
    if grad_state.enabled:
        x = n.saved("self")
        if needs_grad(grad, x):
            record(double_cls, t, (grad, x), saved, attrs, fields={"again": again}, shown=shown)
    return t


def _double_of_linear(n, gg):
    return n.again(gg), None


def double_node(name: str, saved=(), attrs=()):
    """Declare the ``...BackwardBackward0`` node of a linear backward (see ``linear_backward``)."""
    return node_class(name, _double_of_linear, saved=saved, attrs=attrs, fields=("again",))


def without_double_backward(n, grad, gx, op: str) -> Tensor:
    """The first backward's result ``gx`` (an array); under ``create_graph`` it is the output
    of PyTorch's ``NotImplemented`` node (inputs ``grad_output`` and ``self``), which raises
    ``derivative for aten::<op> is not implemented`` if a gradient reaches it."""
    t = _make(gx)
    if grad_state.enabled:
        x = n.saved("self")
        if needs_grad(grad, x):
            record(NotImplemented_, t, (grad, x), fields={"op": op})
    return t
