"""``torch.utils`` for autograd_widgets: ``data`` (datasets and loaders) and ``checkpoint``
(activation checkpointing)."""

from . import checkpoint, data

__all__ = ["checkpoint", "data"]
