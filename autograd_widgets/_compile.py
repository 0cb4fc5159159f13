"""``torch.compile`` without a compiler: the model runs eagerly, wrapped as PyTorch wraps it.

Scripts call ``model = torch.compile(model)`` and carry on; what they can observe of the
compilation is the wrapper, not the generated code: an ``OptimizedModule`` whose only child is
``_orig_mod`` (so ``state_dict()`` keys gain an ``_orig_mod.`` prefix and ``print(model)``
shows it), attribute reads and writes forwarded to the original module, and outputs whose
``grad_fn`` is the single ``CompiledFunctionBackward`` node that AOTAutograd records.
"""

from __future__ import annotations

import functools

from .autograd.function import Function
from .core.tensor import Tensor
from .nn.modules.module import Module


class CompiledFunction(Function):
    """Identity over a compiled region's outputs: gives them PyTorch's ``grad_fn`` name.

    NOTE: PyTorch's node is the region's whole backward, so its ``next_functions`` reach the
    region's inputs; here the eager graph stays underneath this one node.
    """

    @staticmethod
    def forward(ctx, *outputs):
        views = tuple(t.view_as(t) for t in outputs)
        return views if len(views) > 1 else views[0]

    @staticmethod
    def backward(ctx, *grads):
        return grads


def _through_node(result):
    """``result`` with its grad-requiring tensors (in tuples, lists, dicts) passed through
    one ``CompiledFunction`` node, as a compiled region returns them."""
    found = []

    def collect(obj):
        if isinstance(obj, Tensor):
            if obj.requires_grad:
                found.append(obj)
        elif isinstance(obj, (tuple, list)):
            for item in obj:
                collect(item)
        elif isinstance(obj, dict):
            for item in obj.values():
                collect(item)

    collect(result)
    if not found:
        return result
    outs = CompiledFunction.apply(*found)
    swap = dict(zip(map(id, found), outs if len(found) > 1 else (outs,)))

    def rebuild(obj):
        if isinstance(obj, Tensor):
            return swap.get(id(obj), obj)
        if isinstance(obj, (tuple, list)):
            items = [rebuild(item) for item in obj]
            return type(obj)(*items) if hasattr(obj, "_fields") else type(obj)(items)
        if isinstance(obj, dict):
            return type(obj)((k, rebuild(v)) for k, v in obj.items())
        return obj

    return rebuild(result)


class OptimizedModule(Module):
    """What ``torch.compile(module)`` returns: ``torch._dynamo.eval_frame.OptimizedModule``."""

    _opt_mod_attributes = frozenset({"_orig_mod", "forward", "dynamo_ctx"})

    def __init__(self, mod: Module) -> None:
        object.__setattr__(self, "_orig_mod", mod)  # attribute reads go through it from now
        super().__init__()
        self.__dict__.pop("training", None)  # the original module's flag is the one
        self._modules["_orig_mod"] = mod
        del self.__dict__["_orig_mod"]

    @property
    def training(self) -> bool:
        return self._orig_mod.training

    @training.setter
    def training(self, mode: bool) -> None:
        self._orig_mod.training = mode

    def __getattr__(self, name: str):
        if name == "_orig_mod":
            return self.__dict__["_modules"]["_orig_mod"]
        return getattr(self._orig_mod, name)

    def __setattr__(self, name: str, value) -> None:
        if hasattr(type(self), name) or name in OptimizedModule._opt_mod_attributes:
            return super().__setattr__(name, value)
        return setattr(self._orig_mod, name, value)

    def forward(self, *args, **kwargs):
        return _through_node(self._orig_mod(*args, **kwargs))


def compile_(model, disable: bool = False):
    """``torch.compile(model)``: ``model`` wrapped, or a function wrapped the same way."""
    if disable:
        return model
    if isinstance(model, Module):
        return OptimizedModule(model)

    @functools.wraps(model)
    def compiled(*args, **kwargs):
        return _through_node(model(*args, **kwargs))

    return compiled
