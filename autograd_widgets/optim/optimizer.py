"""``Optimizer``: parameter groups, state, ``zero_grad`` and ``state_dict`` like PyTorch's.

Updates run in place on the parameters' numpy arrays (the arithmetic of
PyTorch's single-tensor CPU implementations, in the parameters' dtype) and bump
their version counters, as PyTorch's in-place updates do.
"""

from __future__ import annotations

import copy
from collections import defaultdict

import numpy as np

from ..autograd import events
from ..autograd.grad_mode import enable_grad
from ..autograd.node import _HookDict, add_hook
from ..core._dtype import _DTYPE_TO_TYPE_STRING, from_numpy_dtype
from ..core.tensor import Tensor

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj) -> str:
    if isinstance(obj, Tensor):
        return _DTYPE_TO_TYPE_STRING[from_numpy_dtype(obj._data.dtype)]
    return type(obj).__name__


class Optimizer:
    """Base class of every optimizer (``torch.optim.Optimizer``)."""

    def __init__(self, params, defaults: dict) -> None:
        self.defaults = defaults
        self._optimizer_step_pre_hooks = _HookDict()
        self._optimizer_step_post_hooks = _HookDict()
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, "
                f"but got {_typename(params)}"
            )
        self.state = defaultdict(dict)
        self.param_groups: list[dict] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(dict(group))

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters with its own options (missing ones from ``defaults``)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            param_group["params"] = list(params)
        names = []
        plist = []
        for p in param_group["params"]:
            if isinstance(p, tuple) and len(p) == 2:
                names.append(p[0])
                p = p[1]
            plist.append(p)
        param_group["params"] = plist
        if names:
            param_group["param_names"] = names
        for param in plist:
            if not isinstance(param, Tensor):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is {_typename(param)}"
                )
            if not param.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization parameter "
                    + name
                )
            param_group.setdefault(name, default)
        if len({id(p) for p in plist}) != len(plist):
            import warnings

            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, this "
                "will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=3,
            )
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in plist):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized parameters (to ``None`` by default)."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                    if events.listeners:
                        events.emit("grad_set", tensor=p, grad=None)
                else:
                    if g._grad_fn is not None:
                        g = p._grad = g.detach()
                    g._data[...] = 0
                    g._vc.v += 1
                    if events.listeners:
                        events.emit("version_bump", tensor=g, version=g._vc.v, op="zero_grad()")

    # -- stepping --------------------------------------------------------------------------------
    def step(self, closure=None):
        """Run one update; ``closure`` (re-evaluating the loss) runs with grad enabled."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for hook in tuple(self._optimizer_step_pre_hooks.values()):
            res = hook(self, (), {})
            if res is not None:
                raise RuntimeError(
                    "optimizer step pre hooks returning new arguments are not supported"
                )
        for group in self.param_groups:
            self._update_group(group)
        if events.listeners:  # the parameters changed in place: tell graph views
            for group in self.param_groups:
                for p in group["params"]:
                    if p._grad is not None:
                        events.emit(
                            "version_bump",
                            tensor=p,
                            version=p._vc.v,
                            op=f"{type(self).__name__}.step()",
                        )
        for hook in tuple(self._optimizer_step_post_hooks.values()):
            hook(self, (), {})
        return loss

    def _update_group(self, group: dict) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    @staticmethod
    def _grads(group: dict):
        """``(param, grad array)`` for every parameter with a gradient, negated if maximizing."""
        maximize = group.get("maximize", False)
        for p in group["params"]:
            g = p._grad
            if g is None:
                continue
            yield p, (-g._data if maximize else g._data)

    @staticmethod
    def _step_count(state: dict) -> float:
        """Increment and return ``state['step']``, kept as a float32 scalar tensor like PyTorch."""
        step = state.get("step")
        if step is None:
            step = state["step"] = Tensor._make(np.zeros((), dtype=np.float32))
        step._data += 1
        return float(step._data)

    def register_step_pre_hook(self, hook):
        return add_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        return add_hook(self._optimizer_step_post_hooks, hook)

    # -- state dict ------------------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """``{'state': {index: state}, 'param_groups': [...]}`` with parameters as indices."""
        mapping: dict = {}
        start = 0

        def pack(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                mapping.setdefault(id(p), i)
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        groups = [pack(g) for g in self.param_groups]
        state = {mapping[id(k)] if isinstance(k, Tensor) else k: v for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore state and options saved by :meth:`state_dict` (values are copied)."""
        state_dict = copy.deepcopy(state_dict)
        groups = self.param_groups
        saved_groups = state_dict["param_groups"]
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of "
                "optimizer's group"
            )
        id_map = {
            old: p for g, s in zip(groups, saved_groups) for old, p in zip(s["params"], g["params"])
        }
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = {key: _cast_state(param, key, val) for key, val in v.items()}
            else:
                state[k] = v
        new_groups = []
        for g, s in zip(groups, saved_groups):
            s["params"] = g["params"]
            if "param_names" in g and "param_names" not in s:
                s["param_names"] = g["param_names"]
            new_groups.append(s)
        self.state = state
        self.param_groups = new_groups

    def __getstate__(self) -> dict:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("_optimizer_step_pre_hooks", _HookDict())
        self.__dict__.setdefault("_optimizer_step_post_hooks", _HookDict())

    def __repr__(self) -> str:
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += "\n"
            s += f"Parameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        return s + ")"


def _cast_state(param: Tensor, key: str, value):
    """State tensors follow the parameter's dtype, except ``step`` (PyTorch's policy)."""
    if not isinstance(value, Tensor) or key == "step":
        return value
    if value._data.dtype.kind == "f" and value._data.dtype != param._data.dtype:
        return Tensor._make(value._data.astype(param._data.dtype))
    return value


def _check(cond: bool, message: str) -> None:
    if not cond:
        raise ValueError(message)


def _check_lr(lr) -> None:
    """PyTorch's learning-rate checks (a tensor learning rate must hold one number)."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    _check(0.0 <= lr, f"Invalid learning rate: {lr}")
