"""``torch.autograd.graph``: the public Node type, gradient edges, saved-tensor hooks and
hooks over several tensors."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from . import engine as _engine
from . import node as _node
from .node import Node, RemovableHandle

__all__ = [
    "Node",
    "GradientEdge",
    "get_gradient_edge",
    "saved_tensors_hooks",
    "save_on_cpu",
    "disable_saved_tensors_hooks",
    "increment_version",
    "register_multi_grad_hook",
    "allow_mutation_on_saved_tensors",
]


class GradientEdge(NamedTuple):
    """Where the gradient of a tensor is computed: ``node``'s input ``output_nr``.

    ``autograd.grad(loss, get_gradient_edge(x))`` equals ``autograd.grad(loss, x)``; an edge
    can be passed wherever ``inputs`` takes a tensor.
    """

    node: Node
    output_nr: int
    ownership_token: Node | None = None


def _node_of(tensor) -> Node:
    """A tensor's ``grad_fn``, or a leaf's ``AccumulateGrad``."""
    return tensor.grad_fn if tensor.grad_fn is not None else tensor._grad_accumulator()


def get_gradient_edge(tensor) -> GradientEdge:
    """The :class:`GradientEdge` of ``tensor`` (its ``grad_fn`` and ``output_nr``)."""
    if not tensor.requires_grad:
        raise RuntimeError(
            "It is not possible to get the gradient edge for a Tensor "
            "that does not require gradients"
        )
    return GradientEdge(_node_of(tensor), tensor.output_nr)


def _current_graph_task_id() -> int:
    """The id of this thread's running backward pass (``-1`` outside one)."""
    tasks = _engine.running_tasks()
    return tasks[-1].id if tasks else -1


def _will_engine_execute_node(node) -> bool:
    """Whether the running backward pass will run ``node`` (or capture its gradient)."""
    tasks = _engine.running_tasks()
    if not tasks:
        raise RuntimeError(
            "_get_should_execute_nodes should only be called during the backward pass"
        )
    if isinstance(node, GradientEdge):
        node = node.node
    return tasks[-1].will_execute(node)


class _MultiHandle(RemovableHandle):
    """Removes the hooks ``register_multi_grad_hook`` put on each tensor."""

    __slots__ = ("handles",)

    def __init__(self, handles) -> None:
        super().__init__(None)
        self.handles = tuple(handles)

    def remove(self) -> None:
        for handle in self.handles:
            handle.remove()

    def __getstate__(self):
        return self.handles

    def __setstate__(self, state) -> None:
        self.handles = state


def register_multi_grad_hook(
    tensors: Sequence[Any], fn: Callable[..., None], *, mode: str = "all"
) -> RemovableHandle:
    """Call ``fn`` once per backward pass over the gradients of several tensors.

    ``mode="all"``: ``fn(grads)`` after the pass has computed the gradient of every tensor in
    ``tensors`` that it computes at all; ``grads`` holds one entry per tensor, ``None`` for
    those the pass does not reach. ``mode="any"``: ``fn(grad)`` with the first of them
    computed. ``fn`` must not modify what it is given; ``handle.remove()`` removes the hook.
    """
    modes = ("all", "any")
    if mode not in modes:
        raise ValueError(f"Expects mode to be one of {modes} but got {mode}")
    lock = threading.Lock()
    tensors = tuple(tensors)
    if mode == "any":
        seen: set = set()  # ids of the passes that called fn

        @functools.wraps(fn)
        def first_only(grad) -> None:
            task = _current_graph_task_id()
            with lock:
                if task in seen:
                    return
                seen.add(task)
            fn(grad)

        handles = [t.register_hook(first_only) for t in tensors if t.requires_grad]
        return _MultiHandle(handles)

    nodes = [_node_of(t) for t in tensors]  # held: a leaf's AccumulateGrad stays the same one
    pending: dict = {}  # pass id -> [gradients so far, how many are still to come]

    def hook_for(index: int):
        def collect(grad) -> None:
            task = _current_graph_task_id()
            with lock:
                entry = pending.get(task)
                if entry is None:
                    expected = sum(map(_will_engine_execute_node, nodes))
                    entry = pending[task] = [[None] * len(tensors), expected]
                entry[0][index] = grad
                entry[1] -= 1
                done = entry[1] <= 0
                if done:
                    del pending[task]
            if done:
                fn(entry[0])

        return collect

    return _MultiHandle([t.register_hook(hook_for(i)) for i, t in enumerate(tensors)])


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
    """Bump the version counter of ``tensor`` (or of each tensor of an iterable), as an
    in-place change made outside autograd's sight would have to."""
    for t in (tensor,) if hasattr(tensor, "_vc") else tensor:
        t._vc.v += 1


# --- allow_mutation_on_saved_tensors ----------------------------------------------------------------

_mutation_context_active = []  # non-empty while allow_mutation_on_saved_tensors is entered

_OUTSIDE_MUTATION_CONTEXT = (
    "Trying to backward outside of the 'allow_mutation_on_saved_tensors' context"
    "in which the graph was originally recorded."
)


class _Handle:
    """What a tensor saved under ``allow_mutation_on_saved_tensors`` is packed into."""


class _AllowMutationOnSavedContext:
    """The state of one ``allow_mutation_on_saved_tensors`` block: for each saved tensor's
    handle, the tensor (``original``), its version when saved, and its value then (``cloned``,
    used once the tensor has been modified in place)."""

    def __init__(self) -> None:
        import weakref

        self.original = weakref.WeakKeyDictionary()
        self.cloned = weakref.WeakKeyDictionary()
        self.version = weakref.WeakKeyDictionary()

    def clear(self) -> None:
        self.original.clear()
        self.cloned.clear()
        self.version.clear()


class _SaveValueAtPack(saved_tensors_hooks):
    def __init__(self, ctx: _AllowMutationOnSavedContext) -> None:
        def pack_hook(tensor):
            handle = _Handle()
            ctx.original[handle] = tensor
            ctx.version[handle] = tensor._version
            # NOTE: PyTorch clones a saved tensor when an in-place op is about to modify it
            # (a dispatch mode sees the write first). Our in-place ops have no such single
            # point before the write, so the value is copied when saved; backward uses the
            # tensor itself while its version is unchanged, and the copy once it has changed,
            # which gives the same values and gradients (at the cost of the copies' memory).
            ctx.cloned[handle] = tensor.detach().clone()
            return handle

        def unpack_hook(handle):
            if not _mutation_context_active or handle not in ctx.original:
                raise AssertionError(_OUTSIDE_MUTATION_CONTEXT)
            tensor = ctx.original[handle]
            if tensor._version == ctx.version[handle]:
                return tensor
            return ctx.cloned[handle]

        super().__init__(pack_hook, unpack_hook)


@contextlib.contextmanager
def allow_mutation_on_saved_tensors():
    """``torch.autograd.graph.allow_mutation_on_saved_tensors``: inside it, a tensor saved for
    backward may be modified in place; backward uses its value from when it was saved.

    Run both the forward and the backward inside the block. Yields the block's state, which is
    cleared on exit. Blocks cannot be nested.
    """
    ctx = _AllowMutationOnSavedContext()
    with _SaveValueAtPack(ctx):
        try:
            if _mutation_context_active:
                raise RuntimeError("allow_mutation_on_saved_tensors contexts cannot be nested")
            _mutation_context_active.append(ctx)
            yield ctx
        finally:
            ctx.clear()
            _mutation_context_active.clear()
