"""``torch.utils.checkpoint``: activation checkpointing, with PyTorch's two variants.

``checkpoint(function, *args, use_reentrant=...)`` runs ``function`` without keeping its
activations and runs it again in backward:

* ``use_reentrant=True`` (the default when the argument is left out, with PyTorch's warning):
  the output's ``grad_fn`` is ``CheckpointFunctionBackward``, a custom autograd Function whose
  forward runs under ``no_grad`` and whose backward recomputes and backpropagates through the
  recomputed graph (a backward inside the backward);
* ``use_reentrant=False``: ``function`` runs with grad enabled under saved-tensor hooks that
  keep only an index for each saved tensor; the first unpack in a backward pass recomputes
  ``function`` and hands out the recomputed tensors. The output's ``grad_fn`` is the last op's.

``preserve_rng_state=True`` (default) restores the CPU generator's state of the forward for
the recomputation, so dropout drops the same elements.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

from .. import random as _random
from ..autograd import _api
from ..autograd import engine as _engine
from ..autograd import grad_mode as _grad_mode
from ..autograd.function import Function
from ..autograd.graph import saved_tensors_hooks
from ..core._creation import get_rng_state, set_rng_state
from ..core.tensor import Tensor
from ..nn import Sequential

__all__ = [
    "CheckpointError",
    "CheckpointFunction",
    "check_backward_validity",
    "checkpoint",
    "checkpoint_sequential",
    "detach_variable",
    "noop_context_fn",
]


class CheckpointError(RuntimeError):
    pass


def detach_variable(inputs: tuple[Any, ...]) -> tuple[Tensor, ...]:
    if isinstance(inputs, tuple):
        out = []
        for inp in inputs:
            if not isinstance(inp, Tensor):
                out.append(inp)
                continue
            x = inp.detach()
            x.requires_grad = inp.requires_grad
            out.append(x)
        return tuple(out)
    raise RuntimeError(
        f"Only tuple of tensors is supported. Got Unsupported input type: {type(inputs).__name__}"
    )


def check_backward_validity(inputs: Iterable[Any]) -> None:
    if not any(inp.requires_grad for inp in inputs if isinstance(inp, Tensor)):
        warnings.warn(
            "None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2
        )


def noop_context_fn():
    return _NullContext(), _NullContext()


class _NullContext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


class CheckpointFunction(Function):
    """The reentrant variant: its node is ``CheckpointFunctionBackward``."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        check_backward_validity(args)
        ctx.run_function = run_function
        ctx.preserve_rng_state = preserve_rng_state
        if preserve_rng_state:
            ctx.fwd_cpu_state = get_rng_state()
        ctx.inputs = []
        ctx.tensor_indices = []
        tensor_inputs = []
        for i, arg in enumerate(args):
            if isinstance(arg, Tensor):
                tensor_inputs.append(arg)
                ctx.tensor_indices.append(i)
                ctx.inputs.append(None)
            else:
                ctx.inputs.append(arg)
        ctx.save_for_backward(*tensor_inputs)
        with _grad_mode.no_grad():
            outputs = run_function(*args)
        return outputs

    @staticmethod
    def backward(ctx, *args):
        inputs = list(ctx.inputs)
        for i, idx in enumerate(ctx.tensor_indices):
            inputs[idx] = ctx.saved_tensors[i]
        with _random.fork_rng(enabled=ctx.preserve_rng_state):
            if ctx.preserve_rng_state:
                set_rng_state(ctx.fwd_cpu_state)
            detached_inputs = detach_variable(tuple(inputs))
            with _grad_mode.enable_grad():
                outputs = ctx.run_function(*detached_inputs)
        if isinstance(outputs, Tensor):
            outputs = (outputs,)
        outputs_with_grad = []
        args_with_grad = []
        for i in range(len(outputs)):
            if isinstance(outputs[i], Tensor) and outputs[i].requires_grad:
                outputs_with_grad.append(outputs[i])
                args_with_grad.append(args[i])
        if len(outputs_with_grad) == 0:
            raise RuntimeError(
                "none of output has requires_grad=True, this checkpoint() is not necessary"
            )
        _api.backward(outputs_with_grad, args_with_grad)
        grads = tuple(inp.grad if isinstance(inp, Tensor) else None for inp in detached_inputs)
        return (None, None, *grads)


class _Holder:
    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


class _Frame:
    """One non-reentrant checkpoint: the recipe to recompute and, per backward pass, the
    recomputed tensors in the order the forward saved them."""

    def __init__(self, function, args, kwargs, rng_state) -> None:
        self.function, self.args, self.kwargs = function, args, kwargs
        self.rng_state = rng_state
        self.count = 0
        self.recomputed: dict[int, list] = {}

    def pack(self, tensor) -> _Holder:
        holder = _Holder(self.count)
        self.count += 1
        return holder

    def unpack(self, holder: _Holder) -> Tensor:
        tasks = _engine.running_tasks()
        gid = tasks[-1].id if tasks else -1
        if gid not in self.recomputed:
            self.recomputed = {gid: self._recompute()}
        tensors = self.recomputed[gid]
        if holder.index >= len(tensors):
            raise CheckpointError(
                "torch.utils.checkpoint: Recomputed values for the following tensors have "
                "different metadata than during the forward pass."
            )
        return tensors[holder.index]

    def _recompute(self) -> list:
        saved: list = []

        def keep(tensor):
            saved.append(tensor)
            return tensor

        preserve = self.rng_state is not None
        with _random.fork_rng(enabled=preserve):
            if preserve:
                set_rng_state(self.rng_state)
            with _grad_mode.enable_grad(), saved_tensors_hooks(keep, _identity):
                self.function(*self.args, **self.kwargs)
        if len(saved) != self.count:
            raise CheckpointError(
                "torch.utils.checkpoint: A different number of tensors was saved during the "
                "original forward and recomputation.\n"
                f"Number of tensors saved during forward: {self.count}\n"
                f"Number of tensors saved during recomputation: {len(saved)}."
            )
        return saved


def _identity(x):
    return x


_USE_REENTRANT_WARNING = (
    "torch.utils.checkpoint: the use_reentrant parameter should be "
    "passed explicitly. Starting in PyTorch 2.9, calling checkpoint "
    "without use_reentrant will raise an exception. use_reentrant=False is "
    "recommended, but if you need to preserve the current default "
    "behavior, you can pass use_reentrant=True. Refer to docs for more "
    "details on the differences between the two variants."
)


def checkpoint(
    function,
    *args,
    use_reentrant: bool | None = None,
    context_fn=noop_context_fn,
    determinism_check: str = "default",
    debug: bool = False,
    early_stop: bool = True,
    **kwargs,
):
    """``torch.utils.checkpoint.checkpoint``: see the module docstring. ``context_fn``,
    ``determinism_check``, ``debug`` and ``early_stop`` are accepted; the recomputation always
    runs to the end and checks only the number of saved tensors."""
    if use_reentrant is None:
        warnings.warn(_USE_REENTRANT_WARNING, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError(
                "Passing `context_fn` or `debug` is only supported when use_reentrant=False."
            )
        return CheckpointFunction.apply(function, preserve, *args)
    if determinism_check not in ("default", "none"):
        raise ValueError(
            f"determinism_check should be one of ['default', 'none'], but got {determinism_check}"
        )
    frame = _Frame(function, args, kwargs, get_rng_state() if preserve else None)
    forward_ctx, _recompute_ctx = context_fn()
    with saved_tensors_hooks(frame.pack, frame.unpack), forward_ctx:
        return function(*args, **kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """``torch.utils.checkpoint.checkpoint_sequential``: ``segments`` chunks, each checkpointed
    but the last."""
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint.checkpoint_sequential: the use_reentrant "
            "parameter should be passed explicitly. "
            "In version 2.9 we will raise an exception if use_reentrant "
            "is not passed. use_reentrant=False is "
            "recommended, but if you need to preserve the current default "
            "behavior, you can pass use_reentrant=True. Refer to docs for more "
            "details on the differences between the two variants.",
            stacklevel=2,
        )
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))

    def run_function(start, end, functions):
        def forward(input):
            for j in range(start, end + 1):
                input = functions[j](input)
            return input

        return forward

    if isinstance(functions, Sequential):
        functions = list(functions.children())
    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(
            run_function(start, end, functions),
            input,
            use_reentrant=use_reentrant,
            preserve_rng_state=preserve,
        )
    return run_function(end + 1, len(functions) - 1, functions)(input)
