"""``torch.utils`` for autograd_widgets: ``data`` (datasets and loaders)."""

from . import data

__all__ = ["data"]
