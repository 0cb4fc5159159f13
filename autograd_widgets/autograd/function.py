"""``autograd.Function``: user-defined ops with their own forward and backward.

As in PyTorch, the ``ctx`` passed to ``forward`` *is* the backward node, so
``y.grad_fn.saved_tensors`` works, and the node's class is named
``<YourFunction>Backward``.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..core.tensor import Tensor
from ..ops._core import edge, set_fields
from ..ops.inplace import _bump, rebase_view
from ..ops.shape import _as_view
from . import events
from .grad_mode import state as _grad_state
from .node import FREED_MESSAGE, Node, SavedTensor, new_node, node_class

# The torch.func transforms running now, innermost last ("vmap", "grad", "jvp"): a Function
# applied under them must support them, as PyTorch's ``custom_function_call`` checks.
transform_levels: list = []

FUNC_DOCS = "For more details, please see https://pytorch.org/docs/main/notes/extending.func.html"


def _check_transforms(cls) -> None:
    """PyTorch's errors for a Function used under ``vmap``/``grad``/``jvp`` without support."""
    if cls.setup_context is Function.setup_context:
        raise RuntimeError(
            "In order to use an autograd.Function with functorch transforms (vmap, grad, jvp, "
            f"jacrev, ...), it must override the setup_context staticmethod. {FUNC_DOCS}"
        )
    if (
        "vmap" in transform_levels
        and cls.vmap is Function.vmap
        and not getattr(cls, "generate_vmap_rule", False)
    ):
        raise RuntimeError(
            f"You tried to vmap over {cls.__name__}, but it does not have vmap support. Please "
            "override and implement the vmap staticmethod or set generate_vmap_rule=True. "
            f"{FUNC_DOCS}"
        )
    if "jvp" in transform_levels and cls.jvp is Function.jvp:
        Function.jvp(None)


class FunctionCtx:
    """What ``forward`` can record for ``backward`` (``torch.autograd.function.FunctionCtx``)."""

    def save_for_backward(self, *tensors) -> None:
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    f"save_for_backward can only save variables, but argument {i} is of type "
                    f"{type(t).__name__}"
                )
        self._to_save = tensors

    def save_for_forward(self, *tensors) -> None:
        self._to_save_fwd = tensors

    @property
    def saved_tensors(self):
        if getattr(self, "_in_jvp", False):  # forward AD's jvp sees save_for_forward's
            return tuple(getattr(self, "_to_save_fwd", ()))
        saved = self._saved
        if saved is None:
            raise RuntimeError(FREED_MESSAGE)
        return tuple(
            s.unpack(self, "saved") if isinstance(s, SavedTensor) else s
            for s in saved.get("__ctx__", ())
        )

    def mark_dirty(self, *tensors) -> None:
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors) -> None:
        self._non_diff = {id(t) for t in tensors}

    def set_materialize_grads(self, value: bool) -> None:
        self._materialize = bool(value)


class BackwardCFunction(Node, FunctionCtx):
    """Base of the nodes made for each ``Function`` subclass."""

    _forward_cls = None

    def __repr__(self) -> str:
        return f"<torch.autograd.function.{type(self).__name__} object at {hex(id(self))}>"

    @property
    def materialize_grads(self) -> bool:
        """The engine zero-fills missing gradients unless ``ctx.set_materialize_grads(False)``."""
        return self.__dict__.get("_materialize", True)

    def apply(self, grads):
        cls = self._forward_cls
        if self.materialize_grads:
            grads = self._materialize_grads(grads)
        result = cls.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        n_in = self._n_args
        if len(result) != n_in:
            if len(result) > n_in and all(r is None for r in result[n_in:]):
                result = result[:n_in]
            else:
                raise RuntimeError(
                    f"function {type(self).__name__} returned an incorrect number of gradients "
                    f"(expected {n_in}, got {len(result)})"
                )

        positions = self._tensor_positions
        for pos, r in enumerate(result):
            if r is not None and pos not in positions:
                raise RuntimeError(
                    f"function {type(self).__name__} returned a gradient different than None at "
                    f"position {pos + 1}, but the corresponding forward input was not a Variable"
                )
        return tuple(result[p] for p in positions)

    def _materialize_grads(self, grads):
        out = []
        for g, (shape, dt) in zip(grads, self._out_meta or ()):
            out.append(g if g is not None else Tensor._make(np.zeros(shape, dtype=dt)))
        return tuple(out) if out else grads

    @property
    def needs_input_grad(self):
        return self._needs_input_grad


class _FunctionMeta(type):
    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        # PyTorch builds these classes in torch/autograd/function.py, so their repr (and
        # ``type(grad_fn)``) reads ``torch.autograd.function.<Name>Backward``.
        node_cls = type(
            name + "Backward",
            (BackwardCFunction,),
            {"__slots__": (), "__module__": "torch.autograd.function"},
        )
        node_cls._forward_cls = cls
        cls._backward_cls = node_cls


class Function(metaclass=_FunctionMeta):
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``; call ``.apply``."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom autograd.Function "
            "to use it with backward mode AD."
        )

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it with "
            "forward mode AD."
        )

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    # torch.func support: a vmap rule, or ``generate_vmap_rule = True`` (vmap here is a loop
    # over the batch, so either way the Function runs once per element).
    generate_vmap_rule = False

    @staticmethod
    def vmap(info, in_dims, *args):
        raise NotImplementedError(
            "To use autograd.Function with vmap, you must either override the vmap staticmethod "
            "or set generate_vmap_rule=True."
        )

    def __init__(self, *args, **kwargs):
        import warnings

        warnings.warn(
            f"{type(self)} should not be instantiated. Methods on autograd functions are all static, "
            "so you should invoke them on the class itself. Instantiating an autograd function will "
            "raise an error in a future version of PyTorch.",
            DeprecationWarning,
            stacklevel=2,
        )

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use new-style "
            "autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)"
        )

    @classmethod
    def apply(cls, *args, **kwargs):
        if transform_levels:
            _check_transforms(cls)
        tensor_positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        needs = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        record = _grad_state.enabled and any(needs)
        node = new_node(cls._backward_cls, ())
        node._needs_input_grad = needs if record else tuple(False for _ in args)
        node._n_args = len(args)
        node._tensor_positions = tensor_positions
        uses_setup = cls.setup_context is not Function.setup_context
        prev = _grad_state.enabled
        _grad_state.enabled = False
        try:
            if uses_setup:
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(node, args, outputs)
            else:
                outputs = cls.forward(node, *args, **kwargs)
        finally:
            _grad_state.enabled = prev
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        dirty_tensors = getattr(node, "_dirty", ())
        for t in dirty_tensors:  # PyTorch bumps what mark_dirty names, once more
            _bump(t)
        if not record:
            return _unrecorded(outputs, outs, single, args, dirty_tensors)

        node.next_functions = tuple(edge(args[i]) for i in tensor_positions)
        non_diff = getattr(node, "_non_diff", set())
        dirty = {id(t) for t in dirty_tensors}
        inputs_by_id = {id(args[i]) for i in tensor_positions}
        n_tensor_outs = sum(isinstance(o, Tensor) for o in outs)
        new_outs, meta, dirty_views = [], [], []
        n_diff = sum(
            isinstance(o, Tensor) and id(o) not in non_diff and o._data.dtype.kind == "f"
            for o in outs
        )
        # PyTorch's CreationMeta for a view it returns: no in-place on it later
        view_mark = "_multi_view" if n_diff > 1 else "_custom_view"
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor):
                new_outs.append(o)
                meta.append(((), np.float32))
                continue
            if id(o) in dirty and id(o) not in non_diff:
                _check_dirty(o, id(o) in inputs_by_id, n_tensor_outs)
                if o._base is not None:
                    dirty_views.append(o)
            elif id(o) in inputs_by_id:  # returned as-is: a view that gets the new grad_fn
                o = _as_view(Tensor._make(o._data), o, _identity)
            meta.append((o._data.shape, o._data.dtype))
            if id(outs[i]) not in non_diff and o._data.dtype.kind == "f":
                o._grad_fn, o._output_nr, o._requires_grad = node, i, True
                if o._base is not None and id(o) not in dirty:
                    o.__dict__[view_mark] = True
            new_outs.append(o)
        node._out_meta = meta
        for view in dirty_views:  # the base's history is rewritten around this node
            rebase_view(view, node)
        to_save = getattr(node, "_to_save", ())
        out_ids = {id(o): k for k, o in enumerate(new_outs)}
        saved = []
        for t in to_save:
            if t is None:
                saved.append(None)
            elif id(t) in out_ids:
                saved.append(SavedTensor(new_outs[out_ids[id(t)]], is_output=True))
            else:
                saved.append(SavedTensor(t))
        node._saved = {"__ctx__": tuple(saved)}
        if events.listeners:
            for o in new_outs:
                if isinstance(o, Tensor) and o._grad_fn is node:
                    events.emit(
                        "node_created",
                        node=node,
                        output=o,
                        inputs=tuple(args[i] for i in tensor_positions),
                    )
        return new_outs[0] if single else tuple(new_outs)


def _identity(t):
    return t


def _unrecorded(outputs, outs, single, args, dirty_tensors):
    """Outputs of a Function run without a graph: an input returned comes back as an alias
    (detached when it requires grad), as PyTorch's ``set_history`` makes it."""
    inputs = {id(a) for a in args if isinstance(a, Tensor)}
    if not any(isinstance(o, Tensor) and id(o) in inputs for o in outs):
        return outputs
    dirty = {id(t) for t in dirty_tensors}
    new = []
    for o in outs:
        if isinstance(o, Tensor) and id(o) in inputs:
            if o._requires_grad:
                o = o.detach()
            elif id(o) not in dirty:
                o = o.view_as(o)
        new.append(o)
    return new[0] if single else tuple(new)


def _check_dirty(t, is_input: bool, n_outputs: int) -> None:
    """PyTorch's checks on an output given to ``ctx.mark_dirty`` (``set_history``)."""
    if t._grad_fn is None and t._requires_grad:
        raise RuntimeError(
            "a leaf Variable that requires grad has been used in an in-place operation."
        )
    if not is_input:
        warnings.warn(
            "Only input Tensors should be given to ctx.mark_dirty(). If a Tensor is not an "
            "input, there is no need to pass it to mark_dirty().",
            stacklevel=3,
        )
    if t._base is None:
        return
    if n_outputs > 1:
        raise RuntimeError(
            "If your Function modifies inplace an input that is a view of another Tensor, your "
            "Function cannot return more than one Tensor. This is not supported by the current "
            "autograd engine. You should either make sure the input is not a view (using .clone() "
            "for example) or make your Function only return one Tensor (potentially "
            "splitting it into two Functions: one doing the inplace that returns a single Tensor "
            "and a second one that does the other operations). You can ask on the forum "
            "https://discuss.pytorch.org/ if you need help to do this change."
        )
    base = t._base
    if base._grad_fn is None and base._requires_grad:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation."
        )


class InplaceFunction(Function):
    pass


class NestedIOFunction(Function):
    pass


def _error_backward(node, grads):
    raise RuntimeError(node.msg)


# PyTorch's ``DelayedError``: the node of a backward's outputs that cannot be differentiated
# again (``@once_differentiable`` under ``create_graph=True``); reaching it raises ``msg``.
Error = node_class("Error", _error_backward, fields=("msg",), all_grads=True)
Error.name = lambda self: "torch::autograd::Error"  # its C++ name, as name() reports it

ONCE_DIFFERENTIABLE_MESSAGE = (
    "trying to differentiate twice a function that was marked with @once_differentiable"
)


def _delayed_error(msg: str, outputs: tuple) -> tuple:
    """Aliases of ``outputs`` whose ``grad_fn`` is an ``Error`` node raising ``msg``."""
    fakes = []
    for o in outputs:
        if o is not None:
            o = o.detach()
            o.requires_grad = True
        fakes.append(o)
    node = new_node(Error, tuple(edge(f) for f in fakes))
    set_fields(node, {"msg": msg})
    if len(fakes) > 1:
        node._out_meta = [None if f is None else (f._data.shape, f._data.dtype) for f in fakes]
    aliases = []
    for i, f in enumerate(fakes):
        if f is not None:
            f = Tensor._make(f._data)
            f._grad_fn, f._output_nr, f._requires_grad = node, i, True
        aliases.append(f)
    return tuple(aliases)


def once_differentiable(fn):
    """Decorator: the backward runs without building a graph. Under ``create_graph=True`` its
    results come out of an ``Error`` node, so differentiating them again raises (PyTorch's)."""
    import functools

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        prev = _grad_state.enabled
        _grad_state.enabled = False
        try:
            outputs = fn(ctx, *args)
        finally:
            _grad_state.enabled = prev
        if not prev or not any(isinstance(a, Tensor) and a._requires_grad for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        aliases = _delayed_error(ONCE_DIFFERENTIABLE_MESSAGE, (outputs,) if single else outputs)
        return aliases[0] if len(aliases) == 1 else aliases

    return wrapper
