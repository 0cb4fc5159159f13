"""``torch.autograd.graph``: the public Node type and saved-tensor hooks (subset)."""

from __future__ import annotations

from .node import Node

__all__ = ["Node", "saved_tensors_hooks", "increment_version"]


class saved_tensors_hooks:
    """Accepted for API compatibility; pack/unpack hooks are not applied by autograd_widgets."""

    def __init__(self, pack_hook, unpack_hook):
        raise NotImplementedError(
            "autograd.graph.saved_tensors_hooks is not supported by autograd_widgets"
        )


def increment_version(tensor) -> None:
    tensor._vc.v += 1
