"""Backward nodes (``grad_fn``), saved tensors and ``AccumulateGrad``.

Each differentiable op has a ``Node`` subclass named like PyTorch's
(``MulBackward0``); its ``backward`` holds the derivative formula and lives
next to the op's forward in :mod:`autograd_widgets.ops`. A node knows its
inputs through ``next_functions`` exactly as PyTorch structures them: one
``(node, output_nr)`` pair per tensor input, ``(None, 0)`` for inputs that do
not require grad and ``AccumulateGrad`` for leaves that do.
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections import OrderedDict
from sys import getrefcount

import numpy as np

from ..core._dtype import _DTYPE_TO_TYPE_STRING, from_numpy_dtype
from . import events
from .grad_mode import inference_seen, state

_seq = itertools.count()


class _Core:
    """What the substrate needs from the tensor core, handed over by the core at import
    (``bind_core``): the substrate never imports ``Tensor``, so it sits below it."""

    Tensor = WrappedNumber = Size = None
    wrap_output = sum_to = dtype_of = tensor = copy_grad = None


core = _Core()


def bind_core(**parts) -> None:
    """Called by ``tensor.py`` and ``_creation.py`` once their names exist."""
    for name, value in parts.items():
        if not hasattr(_Core, name):
            raise AttributeError(f"the substrate needs no {name!r}")
        setattr(core, name, value)


_NUMBER_TYPES = (bool, int, float, np.bool_, np.number)

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


class RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` unregisters (``torch.utils.hooks.RemovableHandle``)."""

    __slots__ = ("_hooks", "_key")
    _ids = itertools.count()

    def __init__(self, hooks: dict):
        self._hooks = weakref.ref(hooks) if hooks is not None else None
        self._key = next(RemovableHandle._ids)

    @property
    def id(self) -> int:
        return self._key

    def remove(self) -> None:
        hooks = self._hooks() if self._hooks is not None else None
        if hooks is not None:
            hooks.pop(self._key, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()

    # Pickled (and deep-copied) with the hook dict it points to, as PyTorch's handle is.
    def __getstate__(self):
        return (self._hooks() if self._hooks is not None else None, self._key)

    def __setstate__(self, state) -> None:
        hooks, self._key = state
        self._hooks = weakref.ref(hooks) if hooks is not None else None


class _HookDict(dict):
    """An ordered dict of hooks that can be weakly referenced by handles."""

    __slots__ = ("__weakref__",)

    def __repr__(self) -> str:
        # PyTorch keeps hooks in an OrderedDict (``module._forward_pre_hooks`` prints as one)
        return repr(OrderedDict(self))


def add_hook(hooks: _HookDict, fn) -> RemovableHandle:
    handle = RemovableHandle(hooks)
    hooks[handle._key] = fn
    return handle


# ``torch.autograd.graph.saved_tensors_hooks``: a stack of (pack_hook, unpack_hook) pairs; the
# innermost applies to every tensor saved for backward while it is active. ``hooks_disabled``
# holds the message of an active ``disable_saved_tensors_hooks``.
saved_hooks: list = []
hooks_disabled: list = []
hooks_used: list = []  # non-empty once a pack hook has run: the engine then pre-unpacks

INFERENCE_SAVE_MESSAGE = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a clone "
    "to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
    "`torch.inference_mode()`."
)

PACK_INPLACE_MESSAGE = (
    "A saved tensor pack hook is modifying its input in place. Tensors provided as input to pack "
    "hook cannot be modified by in-place operations as this can lead to unexpected side-effects. "
    "Please open an issue if you need to perform in-place operations on the input to a pack hook."
)


class SavedTensor:
    """A tensor saved for backward, with the version it had when saved.

    Inputs are kept by reference; an op's own output is kept as its array and
    version counter only (re-wrapped on unpack) so that no reference cycle
    output -> grad_fn -> output is formed.

    Under saved-tensor hooks only what ``pack_hook`` returned is kept (``packed``), with
    what the unpacked tensor needs to join the graph (``meta``: the grad_fn of a non-leaf
    input, a weak reference to a leaf's ``AccumulateGrad``, whether it is the output).
    As in PyTorch, no version check is made then: the hooks own the data.
    """

    __slots__ = (
        "tensor",
        "data",
        "counter",
        "version",
        "output_nr",
        "requires_grad",
        "hooks",
        "packed",
        "meta",
        "cache",
    )

    def __init__(self, tensor, is_output: bool = False):
        self.counter = counter = tensor._vc
        self.version = counter.v
        self.hooks = None
        if inference_seen and tensor.__dict__.get("_inference"):
            raise RuntimeError(INFERENCE_SAVE_MESSAGE)
        if saved_hooks and type(tensor).__name__ != "WrappedNumber":
            self._pack(saved_hooks[-1], tensor, tensor, is_output)
            return
        if is_output:
            self.tensor = None
            self.data = tensor._data
            self.output_nr = tensor._output_nr
            self.requires_grad = tensor._requires_grad
        else:
            self.tensor = tensor
            self.data = None
            self.output_nr = 0
            self.requires_grad = False

    def _pack(self, hooks, tensor, given, is_output: bool) -> None:
        """Run ``pack_hook(given)`` (in no-grad mode) and keep its result instead of ``tensor``."""
        grad_fn = None if is_output else tensor._grad_fn
        acc = None
        if grad_fn is None and not is_output and tensor._requires_grad:
            acc = weakref.ref(tensor._grad_accumulator())
        self.output_nr = tensor._output_nr
        self.requires_grad = tensor._requires_grad
        self.meta = (grad_fn, acc, is_output)
        counter = tensor._vc
        version = counter.v
        prev, state.enabled = state.enabled, False
        try:
            packed = hooks[0](given)
        finally:
            state.enabled = prev
        if counter.v != version:
            raise RuntimeError(PACK_INPLACE_MESSAGE)
        self.tensor = self.data = None
        self.hooks, self.packed, self.cache = hooks, packed, None
        if not hooks_used:
            hooks_used.append(True)

    def register_hooks(self, pack_hook, unpack_hook) -> None:
        """``node._raw_saved_<name>.register_hooks``: pack now, unpack on every use."""
        if self.hooks is not None:
            raise RuntimeError(
                "Calling register_hooks on a saved tensor whose hooks have already been set. "
                "Hint: only one pair of hooks is allowed at a time."
            )
        Tensor = core.Tensor
        if self.tensor is not None:  # an input: the hook sees it detached
            tensor = self.tensor
            given = tensor.detach()
        else:  # the node's output, saved as its array
            tensor = given = Tensor._make(self.data)
            tensor._vc, tensor._output_nr = self.counter, self.output_nr
            tensor._requires_grad = self.requires_grad
        self._pack((pack_hook, unpack_hook), tensor, given, self.tensor is None)

    def _unpack_hooked(self, node):
        Tensor = core.Tensor
        value = self.hooks[1](self.packed)
        if not isinstance(value, Tensor):
            raise TypeError(
                "Output of saved tensor unpack_hook expected to be a Tensor but got result of "
                f"type {type(value).__name__}"
            )
        grad_fn, acc, is_output = self.meta
        t = Tensor._make(value._data)
        t._vc = value._vc
        if is_output and self.requires_grad:
            grad_fn = node
        if grad_fn is not None:
            t._grad_fn, t._output_nr, t._requires_grad = grad_fn, self.output_nr, True
        elif self.requires_grad:
            t._requires_grad = True
            if acc is not None and acc() is not None:
                t._acc = acc  # gradients reach the saved leaf's .grad
        return t

    def unpack(self, node, attr: str):
        if self.counter.v != self.version and self.hooks is None:
            t = self.tensor
            if t is not None:
                shape = list(t._data.shape)
                type_str = _DTYPE_TO_TYPE_STRING[from_numpy_dtype(t._data.dtype)]
                where = ""
                if t._grad_fn is not None:
                    where = f", which is output {t._output_nr} of {_short(t._grad_fn.name())},"
                desc = f"[{type_str} {shape}]{where}"
            else:
                type_str = _DTYPE_TO_TYPE_STRING[from_numpy_dtype(self.data.dtype)]
                desc = f"[{type_str} {list(self.data.shape)}], which is output {self.output_nr} of {_short(node.name())},"
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: {desc} is at version {self.counter.v}; expected version "
                f"{self.version} instead. Hint: enable anomaly detection to find the operation that "
                "failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."
            )
        if self.tensor is not None:
            return self.tensor
        if self.hooks is not None:
            return self.cache if self.cache is not None else self._unpack_hooked(node)
        t = core.wrap_output(self.data, node, self.output_nr, self.counter, self.requires_grad)
        if output_tangent is not None:  # a dual level is open (forward AD, ``_dual``)
            output_tangent(node, self.output_nr, t)
        return t


# Set by ``_dual`` while a forward-AD level is open: gives a saved output, re-wrapped on
# unpack, the tangent its original had (a backward formula run with a graph, as in
# forward-over-reverse, must see it: exp's backward is ``grad * result``).
output_tangent = None


def saved_input(t):
    """What a node keeps of input tensor ``t`` for backward.

    ``t`` itself when its version is 0 and no saved-tensor hooks or inference tensors are
    about: unpacking then checks that the version is still 0 (``unpack_input``). The common
    case, so most inputs cost the node no :class:`SavedTensor` object (one object less per
    input for the cyclic garbage collector to walk while a graph grows). Otherwise a
    :class:`SavedTensor`, which remembers the version it saw.
    """
    vc = t._vcs
    if (vc is not None and vc.v) or saved_hooks or inference_seen:
        return SavedTensor(t)
    return t


def as_saved(t) -> SavedTensor:
    """The :class:`SavedTensor` a bare saved input ``t`` stands for (saved at version 0)."""
    s = object.__new__(SavedTensor)
    s.tensor, s.counter, s.version, s.hooks = t, t._vc, 0, None
    s.data = s.packed = s.meta = s.cache = None
    s.output_nr, s.requires_grad = 0, False
    return s


def unpack_input(node, name: str, t):
    """A bare saved input (see :func:`saved_input`): ``t``, or the in-place error when its
    version moved on since it was saved."""
    vc = t._vcs
    if vc is not None and vc.v:
        return as_saved(t).unpack(node, name)  # raises PyTorch's "modified by an inplace" error
    return t


def unpack_hooked(node, keep: bool) -> None:
    """Before ``node`` runs (``keep``): unpack its hooked saved tensors in name order, as
    PyTorch's nodes do first thing; after it ran: drop them again."""
    saved = node._saved
    if not saved:
        return
    for name in sorted(saved):
        s = saved[name]
        if type(s) is SavedTensor and s.hooks is not None:
            s.cache = s._unpack_hooked(node) if keep else None


class RawSavedTensor:  # shown as torch._C._autograd.SavedTensor (names set below)
    """``grad_fn._raw_saved_<name>`` (``torch._C._autograd.SavedTensor``): hooks for one saved
    tensor, registered with ``register_hooks(pack_hook, unpack_hook)``."""

    __slots__ = ("_node", "_name")

    def __init__(self, node, name: str):
        self._node, self._name = node, name

    def register_hooks(self, *args) -> None:
        if len(args) != 2 or not all(callable(a) for a in args):
            raise TypeError(
                "register_hooks(): incompatible function arguments. The following argument types "
                "are supported:\n    1. (self: torch._C._autograd.SavedTensor, arg0: "
                "collections.abc.Callable, arg1: collections.abc.Callable) -> None\n\nInvoked with: "
                + ", ".join([repr(self)] + [repr(a) for a in args])
            )
        saved = self._node._saved
        if saved is None:
            raise RuntimeError(
                "Calling register_hooks on a saved tensor after it has been freed. Saved "
                "intermediate values of the graph are freed when you call .backward() or "
                "autograd.grad(). Specify retain_graph=True if you need to backward through the "
                "graph a second time or if you need to access saved variables after calling "
                "backward."
            )
        s = saved.get(self._name)
        if isinstance(s, core.Tensor):
            s = saved[self._name] = as_saved(s)  # a bare saved input: hooks need the object
        if isinstance(s, SavedTensor):
            s.register_hooks(*args)


RawSavedTensor.__name__ = RawSavedTensor.__qualname__ = "SavedTensor"
RawSavedTensor.__module__ = "torch._C._autograd"


def _short(name: str) -> str:
    """The node as PyTorch names it in version errors: ``Backward0`` dropped, other
    overloads keep their number (``AddBackward0`` -> ``Add``, ``PowBackward1`` -> ``Pow1``)."""
    return re.sub(r"Backward(\d*)$", lambda m: "" if m.group(1) in ("", "0") else m.group(1), name)


def _saved_getter(key: str):
    def get(node):
        return node._read_saved(key)

    return get


def _raw_saved_getter(key: str):
    def get(node):
        return RawSavedTensor(node, key)

    return get


class Node:
    """Base of every ``grad_fn``. Mirrors ``torch.autograd.graph.Node``."""

    __slots__ = (
        "next_functions",
        "_saved",
        "_attrs",
        "_seq",
        "_extra",
        "_out_meta",
        "_where",  # (code, lasti, lineno) of the user's line, set by graph recorders only
        "__weakref__",
    )

    # The declaration (see ``node_class``): names exposed as ``_saved_<name>`` (tensors, then
    # other values) and internal fields. Nodes not made by ``node_class`` (AccumulateGrad,
    # custom Functions) declare nothing.
    saved_tensor_names: tuple = ()
    saved_attr_names: tuple = ()
    field_names: tuple = ()
    # A multi-output node gets zeros for outputs no gradient reached, unless it says it
    # handles ``None`` itself (double backward nodes: a zero there is a whole conv saved).
    materialize_grads: bool = True
    _declared_saved = _declared_attrs = _declared_fields = frozenset()

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    # -- saved values ------------------------------------------------------------
    def saved(self, name: str):
        """Unpack a saved tensor for the backward formula (checks its version)."""
        saved = self._saved
        if saved is None:
            raise RuntimeError(FREED_MESSAGE)
        s = saved[name]
        if type(s) is SavedTensor:
            return s.unpack(self, name)
        if isinstance(s, core.Tensor):
            return unpack_input(self, name, s)
        return s

    def attr(self, name: str):
        return self._attrs[name]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # ``_saved_<name>`` and ``_raw_saved_<name>`` of the names this class declares, as
        # properties. NOTE: not a ``__getattr__``: CPython does not specialise attribute
        # reads on a class that has one, and the engine reads node attributes at every step.
        own = cls.__dict__
        for key in own.get("saved_tensor_names", ()):
            setattr(cls, "_raw_saved_" + key, property(_raw_saved_getter(key)))
        for key in own.get("saved_tensor_names", ()) + own.get("saved_attr_names", ()):
            setattr(cls, "_saved_" + key, property(_saved_getter(key)))

    def _read_saved(self, key: str):
        """``_saved_<key>``: a recorded value (as PyTorch shows it) or a saved tensor."""
        attrs = self._attrs
        if attrs is not None and key in attrs:
            # ``shown``: the value as PyTorch reports it, when it differs from the one the
            # backward formula uses (a dim as the user wrote it, e.g. -1).
            extra = self._extra
            if extra is not None and "shown" in extra and key in extra["shown"]:
                return extra["shown"][key]
            return attrs[key]
        if key in type(self).saved_tensor_names:
            value = self.saved(key)
            if isinstance(value, _NUMBER_TYPES):
                value = self._wrapped_number(key, value)
            return value
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '_saved_{key}'")

    def _wrapped_number(self, key: str, value):
        """A Python number saved for backward (``x * 0.9`` keeps ``0.9``) as the 0-d tensor
        PyTorch reports for ``_saved_other``; made once per node so its identity is stable."""
        cache = self._x().setdefault("wrapped", {})
        t = cache.get(key)
        if t is None:
            t = cache[key] = core.WrappedNumber.of(value)
        return t

    def __dir__(self):
        names = set(super().__dir__())
        names.update(f"_saved_{n}" for n in type(self).saved_tensor_names)
        if self._attrs:
            names.update(f"_saved_{n}" for n in self._attrs)
        return sorted(names)

    def _release(self) -> None:
        """Free saved tensors after a backward without retain_graph."""
        if self._saved is not None:
            self._saved = None

    # -- metadata and hooks --------------------------------------------------------
    def _x(self) -> dict:
        if self._extra is None:
            self._extra = {}
        return self._extra

    @property
    def metadata(self) -> dict:
        return self._x().setdefault("metadata", {})

    def register_hook(self, fn) -> RemovableHandle:
        """``fn(grad_inputs, grad_outputs)`` runs after this node; may return new grad_inputs."""
        return add_hook(self._x().setdefault("hooks", _HookDict()), fn)

    def register_prehook(self, fn) -> RemovableHandle:
        """``fn(grad_outputs)`` runs before this node; may return new grad_outputs."""
        return add_hook(self._x().setdefault("prehooks", _HookDict()), fn)

    def _register_tensor_prehook(self, output_nr: int, fn) -> RemovableHandle:
        per = self._x().setdefault("tensor_pre", {})
        return add_hook(per.setdefault(output_nr, _HookDict()), fn)

    def _set_retain_grad(self, output_nr: int, tensor) -> None:
        self._x().setdefault("retain", {})[output_nr] = weakref.ref(tensor)

    # -- running ---------------------------------------------------------------------
    def apply(self, grads: tuple) -> tuple:
        """Gradients for each entry of ``next_functions``, given gradients of the outputs."""
        result = self.backward(grads[0])
        return result if type(result) is tuple else (result,)

    def backward(self, grad):  # pragma: no cover - overridden
        raise NotImplementedError(f"the derivative for '{self.name()}' is not implemented")

    def __call__(self, *grads):
        return self.apply(grads)


class AccumulateGrad(Node):
    """Accumulates the incoming gradient into ``variable.grad`` (the leaf's node)."""

    __module__ = "builtins"  # <class 'AccumulateGrad'>, as PyTorch's C++ type
    __slots__ = ("variable",)

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"  # PyTorch's C++ name, as its name() reports

    def apply(self, grads: tuple) -> tuple:
        accumulate_grad(self.variable, grads[0], _steal=True)
        return ()


def check_hook_result(original, result, hook) -> None:
    """PyTorch's checks on what a tensor hook returned in place of ``original``."""
    if not isinstance(result, core.Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(result).__name__}'")
    name = getattr(hook, "__name__", "<unknown>")
    if result._data.dtype != original._data.dtype:
        was, got = (
            _DTYPE_TO_TYPE_STRING[from_numpy_dtype(t._data.dtype)] for t in (original, result)
        )
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {was} got {got})")
    if result._data.shape != original._data.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")


# References to a gradient that only the backward engine holds when AccumulateGrad runs:
# the node's ``grads`` tuple, accumulate_grad's argument, and getrefcount's argument.
_GRAD_REFS = 3


def accumulate_grad(var, grad, _steal: bool = False) -> None:
    """Add ``grad`` into ``var.grad`` (``AccumulateGrad``), running the leaf's hooks first.

    A dual tensor that requires grad only for forward AD (``autograd/_dual.py``) gets none.
    ``_steal``: called from the engine, which lets go of every gradient it no longer needs,
    so a first gradient that nothing else refers to becomes ``.grad`` without a copy.
    """
    if grad is None or (var.__dict__ and "_fw_hidden" in var.__dict__):
        return
    hooks = var._hooks
    if hooks:
        for fn in tuple(hooks.values()):
            new = fn(grad)
            if new is not None:
                check_hook_result(grad, new, fn)
                grad = new
    Tensor = core.Tensor
    if grad._data.shape != var._data.shape:
        grad = core.sum_to(grad, var._data.shape)
    if grad._data.dtype != var._data.dtype:
        grad = Tensor._make(grad._data.astype(var._data.dtype))
    old = var._grad
    if state.enabled:
        # create_graph: keep the graph of the gradient, never modify in place. A first
        # gradient is copied (ATen's clone_obey_contract: a CopyBackwards node when it
        # requires grad), so .grad never aliases a tensor the caller holds.
        var._grad = core.copy_grad(grad) if old is None else old + grad
    elif old is None:
        d = grad._data
        if (
            _steal
            and getrefcount(grad) <= _GRAD_REFS
            and getrefcount(d) <= 3  # (grad._data, d and getrefcount's argument)
            and d.flags.owndata
            and d.flags.writeable
            and not events.listeners
        ):
            # Nothing else refers to this gradient or its memory: take it over, as ATen's
            # AccumulateGrad does (``new_grad.use_count() <= num_expected_refs``).
            var._grad = Tensor._make(d)
        else:
            # Copy: the incoming array may be shared with another leaf or with the caller.
            var._grad = Tensor._make(np.array(d, copy=True))
    elif old._data.shape != grad._data.shape:
        var._grad = Tensor._make(old._data + grad._data)
    else:
        np.add(old._data, grad._data, out=old._data, casting="unsafe")
        old._vc.v += 1
    post = var._post_acc_hooks
    if post:
        for fn in tuple(post.values()):
            fn(var)
    if events.listeners:
        events.emit("grad_accumulated", tensor=var, grad=var._grad, incoming=grad)


def new_node(cls, next_functions: tuple, saved=None, attrs=None):
    """A bare ``cls`` node; ``saved`` and ``attrs`` must use the names ``cls`` declares."""
    if saved is not None and not saved.keys() <= cls._declared_saved:
        undeclared(cls, "saved", saved)
    if attrs is not None and not attrs.keys() <= cls._declared_attrs:
        undeclared(cls, "attrs", attrs)
    return unchecked_node(cls, next_functions, saved, attrs)


def unchecked_node(cls, next_functions: tuple, saved=None, attrs=None):
    """:func:`new_node` without the check of the names: for the pointwise ops' inlined
    recording, which runs for most ops of a training step. Their names come from their
    declarations; ``tests/test_registry.py`` checks every node the op table builds."""
    node = object.__new__(cls)
    node.next_functions = next_functions
    node._saved = saved
    node._attrs = attrs
    node._seq = next(_seq)
    node._extra = None
    node._out_meta = None
    return node


def undeclared(cls, kind: str, given) -> None:
    """Raise for values recorded under names ``cls``'s declaration does not list."""
    declared = {"saved": cls.saved_tensor_names, "attrs": cls.saved_attr_names}.get(kind)
    if declared is None:
        declared = cls.field_names
    extra = sorted(set(given) - set(declared))
    raise TypeError(
        f"{cls.__name__} records {kind} {extra} it does not declare (declared: {list(declared)}); "
        "add them to its node_class(...) declaration"
    )


#: Every ``grad_fn`` class declared with :func:`node_class`, by PyTorch's name for it: the one
#: place each backward node is declared (``REGISTRY["MulBackward0"]``).
REGISTRY: dict = {}


def node_class(
    name: str, backward=None, *, saved=(), attrs=(), fields=(), base=Node, all_grads=False
):
    """Declare the backward node PyTorch calls ``name`` (``node_class("MulBackward0", fn)``).

    Parameters
    ----------
    name : str
        PyTorch's ``grad_fn`` class name; each name is declared once (see ``REGISTRY``).
    backward : callable, optional
        The formula, ``backward(node, grad) -> grad or tuple of grads`` (one per input).
    saved : tuple of str
        Tensors (or numbers) kept for backward, with the names PyTorch exposes them under:
        ``saved=("self", "other")`` gives ``grad_fn._saved_self`` / ``._saved_other``.
    attrs : tuple of str
        Non-tensor values PyTorch exposes as ``_saved_<name>`` (``dim``, ``keepdim``...).
    fields : tuple of str
        Internal values the formula needs that PyTorch does not expose (input shapes,
        normalised dims...): plain attributes, passed to ``record(..., fields=...)`` so the
        node is complete before anyone hears of it.
    base : type
        A ``Node`` subclass sharing behaviour (``BinaryNode`` sums broadcast gradients back).
    all_grads : bool
        For a node with several outputs (``split``, ``unbind``, ``var_mean``): the formula is
        ``backward(node, grads) -> tuple``, given the gradient of every output (``None`` for
        an output no gradient reached).
    """
    if name in REGISTRY:
        raise RuntimeError(f"the grad_fn {name} is declared twice")
    inherited = base.field_names
    ns = {
        "__module__": "builtins",  # PyTorch's node types are C++ types: <class 'MulBackward0'>
        "__slots__": tuple(fields),
        "saved_tensor_names": tuple(saved),
        "saved_attr_names": tuple(attrs),
        "field_names": inherited + tuple(fields),
        "_declared_saved": frozenset(saved),
        "_declared_attrs": frozenset(attrs),
        "_declared_fields": frozenset(inherited + tuple(fields)),
    }
    if all_grads:
        ns["apply"] = backward  # called with every output's gradient, returns a tuple
    elif backward is not None:
        ns["backward"] = backward
    cls = REGISTRY[name] = type(name, (base,), ns)
    return cls
