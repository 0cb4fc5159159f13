"""Helpers the ``nn.functional`` kernels share."""

from __future__ import annotations

from ...ops._core import Tensor, grad_state


def no_double_backward(grad: Tensor, name: str) -> None:
    """Refuse ``create_graph=True`` through a kernel whose backward is numpy-only."""
    # The backward runs with grad mode on exactly when create_graph=True.
    if grad_state.enabled or grad._requires_grad:
        raise NotImplementedError(
            f"double backward (create_graph=True) through {name} is not supported by autograd_widgets"
        )
