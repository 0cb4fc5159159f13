"""Calling a module that has hooks: forward pre/post hooks and full backward hooks.

Full backward hooks work as in PyTorch: the module's tensor inputs and outputs
pass through an identity ``BackwardHookFunction`` (so ``BackwardHookFunctionBackward``
nodes appear in the graph); the output node records ``grad_output`` and the
input node calls ``hook(module, grad_input, grad_output)``.
"""

from __future__ import annotations

import warnings

from ..._warn import user_stacklevel
from ...autograd.function import Function
from ...autograd.grad_mode import state as grad_state
from ...core.tensor import Tensor
from . import module as _m


class BackwardHookFunction(Function):
    @staticmethod
    def forward(ctx, *args):
        ctx.mark_non_differentiable(
            *[a for a in args if isinstance(a, Tensor) and not a.requires_grad]
        )
        return args

    @staticmethod
    def backward(ctx, *grads):
        return grads


class _BackwardHook:
    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.grad_outputs = None
        self.n_inputs = 0
        self.input_idx = None

    def _wrap(self, args, on_grads):
        idx = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        if not idx or not grad_state.enabled or not any(args[i].requires_grad for i in idx):
            return args, None
        wrapped = BackwardHookFunction.apply(*[args[i] for i in idx])
        if not isinstance(wrapped, tuple):
            wrapped = (wrapped,)
        node = next((w.grad_fn for w in wrapped if w.grad_fn is not None), None)
        if node is not None:
            node.register_prehook(on_grads)
        out = list(args)
        for i, w in zip(idx, wrapped):
            out[i] = w
        return tuple(out), idx

    def _pack(self, idx, grads, size):
        res = [None] * size
        for i, g in zip(idx, grads):
            res[i] = g
        return tuple(res)

    def setup_input_hook(self, args):
        self.n_inputs = len(args)

        def on_grad_input(grads):
            grad_input = self._pack(self.input_idx, grads, self.n_inputs)
            changed = False
            for hook in self.user_hooks:
                res = hook(self.module, grad_input, self.grad_outputs)
                if res is not None:
                    if not isinstance(res, tuple):
                        res = (res,)
                    if len(res) != len(grad_input):
                        raise RuntimeError(
                            f"Backward hook returned an invalid number of grad_input, got "
                            f"{len(res)}, but expected {len(grad_input)}"
                        )
                    grad_input, changed = res, True
            if changed:
                return tuple(grad_input[i] for i in self.input_idx)
            return None

        new_args, self.input_idx = self._wrap(args, on_grad_input)
        return new_args

    def setup_output_hook(self, result):
        single = not isinstance(result, tuple)
        outs = (result,) if single else result

        def on_grad_output(grads):
            grads = self._pack(out_idx, grads, len(outs))
            for hook in self.user_pre_hooks:
                res = hook(self.module, grads)
                if res is not None:
                    grads = res if isinstance(res, tuple) else (res,)
            self.grad_outputs = grads
            if self.input_idx is None:
                warnings.warn(
                    "Full backward hook is firing when gradients are computed with respect to "
                    "module outputs since no inputs require gradients. See "
                    "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                    "#torch.nn.Module.register_full_backward_hook for more details.",
                    stacklevel=user_stacklevel(),
                )
                none_inputs = (None,) * self.n_inputs
                for hook in self.user_hooks:
                    res = hook(self.module, none_inputs, self.grad_outputs)
                    if res is not None and not all(r is None for r in res):
                        raise RuntimeError(
                            "Backward hook for Modules where no input requires gradient should "
                            "always return None or None for all gradients."
                        )
            return tuple(grads[i] for i in out_idx)

        new, out_idx = self._wrap(outs, on_grad_output)
        return new[0] if single else new


def call_with_hooks(module, args, kwargs):
    """``module(*args, **kwargs)`` running every registered hook in PyTorch's order."""
    d = module.__dict__
    for key, hook in (*_m._global_forward_pre_hooks.items(), *d["_forward_pre_hooks"].items()):
        if key in d["_forward_pre_hooks_with_kwargs"]:
            res = hook(module, args, kwargs)
            if res is not None:
                if not (isinstance(res, tuple) and len(res) == 2):
                    raise RuntimeError(
                        "forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                        f"but got {res}."
                    )
                args, kwargs = res
        else:
            res = hook(module, args)
            if res is not None:
                args = res if isinstance(res, tuple) else (res,)
    user_hooks = [*_m._global_backward_hooks.values(), *d["_backward_hooks"].values()]
    pre_hooks = list(d["_backward_pre_hooks"].values())
    bw = None
    if user_hooks or pre_hooks:
        bw = _BackwardHook(module, user_hooks, pre_hooks)
        args = bw.setup_input_hook(args)
    result = module.forward(*args, **kwargs)
    for key, hook in (*_m._global_forward_hooks.items(), *d["_forward_hooks"].items()):
        if key in d["_forward_hooks_with_kwargs"]:
            res = hook(module, args, kwargs, result)
        else:
            res = hook(module, args, result)
        if res is not None:
            result = res
    if bw is not None:
        result = bw.setup_output_hook(result)
    return result
