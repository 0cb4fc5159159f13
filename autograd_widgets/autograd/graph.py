"""``torch.autograd.graph``: the public Node type and saved-tensor hooks."""

from __future__ import annotations

from . import node as _node
from .node import Node

__all__ = [
    "Node",
    "saved_tensors_hooks",
    "save_on_cpu",
    "disable_saved_tensors_hooks",
    "increment_version",
]


class saved_tensors_hooks:
    """Context manager: ``pack_hook(tensor)`` runs on every tensor saved for backward inside it,
    and ``unpack_hook(packed)`` wherever backward (or ``grad_fn._saved_*``) needs it back.

    Mirrors ``torch.autograd.graph.saved_tensors_hooks``: hooks nest (the innermost applies),
    pack hooks run in no-grad mode and must not modify their input in place, and no version
    check is made on tensors the hooks own.
    """

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if _node.hooks_disabled:
            raise RuntimeError(_node.hooks_disabled[-1])
        _node.saved_hooks.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc) -> None:
        _node.saved_hooks.pop()


class save_on_cpu(saved_tensors_hooks):
    """``torch.autograd.graph.save_on_cpu``: saved tensors are kept as CPU copies (here every
    tensor is on the CPU already, so a copy is all it does)."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda"):
        def pack_to_cpu(tensor):
            return (tensor.device, tensor.detach().clone())

        def unpack_from_cpu(packed):
            device, tensor = packed
            return tensor.to(device, non_blocking=pin_memory)

        super().__init__(pack_to_cpu, unpack_from_cpu)


class disable_saved_tensors_hooks:
    """``torch.autograd.graph.disable_saved_tensors_hooks``: entering ``saved_tensors_hooks``
    inside raises ``RuntimeError(error_message)`` (so does entering this while hooks are on)."""

    def __init__(self, error_message: str):
        self.error_message = error_message

    def __enter__(self):
        if _node.saved_hooks:
            raise RuntimeError(self.error_message)
        _node.hooks_disabled.append(self.error_message)
        return self

    def __exit__(self, *exc) -> None:
        _node.hooks_disabled.pop()

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)

        return wrapper


def increment_version(tensor) -> None:
    tensor._vc.v += 1
