"""A :class:`LiveGraph` over real ``torch`` tensors, fed by PyTorch's public hooks.

Our engine announces every op and backward pass on its event bus; real PyTorch
does not, so a live graph whose roots are ``torch`` tensors listens through the
hooks PyTorch offers instead, and turns what they report into the same four
events (``node_created``, ``backward_end``, ``grad_set``, ``version_bump``)
that :class:`~autograd_widgets.graph.live.LiveGraph` already handles:

* ``Node.register_prehook`` on every drawn ``grad_fn`` node (``AccumulateGrad``
  included): the execution order of a backward pass;
* ``Tensor.register_post_accumulate_grad_hook`` on the drawn leaves: a leaf's
  ``.grad`` changed, even when PyTorch made a new ``AccumulateGrad`` node for a
  new forward (a training loop);
* the end of a pass: a callback queued on the autograd engine from the first
  hook of the pass (``Variable._execution_engine.queue_callback``, what
  PyTorch's own DDP uses); should it be missing, a pass ends when a node runs a
  second time or when the graph is next built;
* one :class:`torch.overrides.TorchFunctionMode` for all live torch graphs that
  follow new ops (``follow=True``, the default), pushed while at least one listens
  and popped when the last one closes: new ops on a drawn tensor
  (``node_created``), in-place ops (``version_bump``) and ``t.grad = ...``
  (``grad_set``).  It calls each function unchanged and returns its result.  It
  costs a Python call per torch op; with ``follow=False`` a graph uses the hooks
  alone (backward passes and new gradients; ``zero_grad()`` and an optimizer's
  step show at the next backward).

Saved tensors freed by ``backward()`` need no hook: PyTorch raises when a freed
``_saved_*`` attribute is read, and the next build shows it as freed.

torch is imported only when a graph over torch tensors is made, never by
``import autograd_widgets``.
"""

from __future__ import annotations

import weakref

from . import _tensors as T


def is_torch_tensor(obj) -> bool:
    """True for a real ``torch.Tensor`` (without importing torch)."""
    mod = type(obj).__module__
    return (mod == "torch" or mod.startswith("torch.")) and T.is_tensor(obj)


def _torch():
    import torch

    return torch


# -- the one function mode shared by every live torch graph ---------------------------------

_listeners: list = []  # weak references to the TorchSource objects that listen
_mode = None  # the pushed mode, or None


def _mode_class():
    from torch.overrides import TorchFunctionMode

    class _LiveMode(TorchFunctionMode):
        """Calls every torch function unchanged, then tells the live graphs what it did."""

        def __torch_function__(self, func, types, args=(), kwargs=None):
            result = func(*args, **(kwargs or {}))
            if _listeners and getattr(func, "__name__", None) != "__get__":
                _announce(func, args, result)
            return result

    return _LiveMode


_GRAD = None  # the ``torch.Tensor.grad`` descriptor, set on first use


class _NoTensor:
    """Stands for torch.Tensor until torch is imported: isinstance is always False."""


_TENSOR: type = _NoTensor  # torch.Tensor, set on first use (isinstance on the hot path)


def _inputs(args) -> list:
    """The tensors among ``args`` (one level into lists and tuples: ``cat``, ``stack``)."""
    out = []
    for a in args:
        if isinstance(a, (list, tuple)):
            out.extend(x for x in a if isinstance(x, _TENSOR))
        elif isinstance(a, _TENSOR):
            out.append(a)
    return out


def _announce(func, args, result) -> None:
    """Turn one torch call into the events a live graph handles."""
    name = getattr(func, "__name__", "")
    if name == "__set__":
        # ``t.grad = g`` reaches the mode as the descriptor's bound __set__ (a new
        # method-wrapper each time: compared by the descriptor it is bound to)
        if getattr(func, "__self__", None) is not _GRAD:
            return
        if args:
            payload = {"tensor": args[0], "grad": args[1] if len(args) > 1 else None}
            _each("_on_grad_set", "grad_set", payload)
        return
    outs = result if isinstance(result, (list, tuple)) else (result,)
    inputs = None
    for out in outs:
        if isinstance(out, _TENSOR) and out.grad_fn is not None:
            inputs = _inputs(args) if inputs is None else inputs
            _each(
                "_on_created",
                "node_created",
                {"node": out.grad_fn, "output": out, "inputs": inputs},
            )
    if name.endswith("_") and not name.endswith("__") and args:
        # an in-place op (add_, zero_, an optimizer's step): the mutated tensor(s) changed
        first = args[0]
        for t in first if isinstance(first, (list, tuple)) else (first,):
            if isinstance(t, _TENSOR):
                _each("_on_version_bump", "version_bump", {"tensor": t})


def _each(handler: str, kind: str, payload: dict) -> None:
    for r in list(_listeners):
        src = r()
        if src is not None:
            src.forward(handler, kind, payload)


def _start_mode() -> None:
    global _mode, _GRAD, _TENSOR
    if _mode is not None:
        return
    _TENSOR = _torch().Tensor
    _GRAD = _TENSOR.grad
    _mode = _mode_class()()
    _mode.__enter__()


def _stop_mode() -> None:
    """Pop the mode when no graph listens, if it is on top of the stack.

    While a torch function runs through the mode (a graph closing because its
    tensors died, noticed during an op), PyTorch has taken the mode off the stack
    and puts it back afterwards; a mode pushed by the user after ours stays above
    it.  Either way ours is left inert (no listeners: it only calls the function)
    and popped by :func:`release_idle_mode`, which the notebook runs after each
    cell, or by the next graph that starts or stops listening.
    """
    _stop_mode_now()
    if _mode is not None and not _listeners:
        _after_cell(release_idle_mode)


def release_idle_mode() -> bool:
    """Pop the function mode if no live torch graph listens; True when none is left."""
    _stop_mode_now()
    return _mode is None


def _stop_mode_now() -> None:
    global _mode
    if _mode is None or _listeners:
        return
    from torch.overrides import _get_current_function_mode_stack

    stack = _get_current_function_mode_stack()
    if stack and stack[-1] is _mode:
        _mode.__exit__(None, None, None)
        _mode = None


def _after_cell(fn) -> None:
    """Run ``fn`` once after the running notebook cell, when IPython runs one."""
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return

    def once(*_args) -> None:
        shell.events.unregister("post_run_cell", once)
        fn()

    shell.events.register("post_run_cell", once)


def mode_active() -> bool:
    """True while the live function mode is on torch's mode stack (for tests)."""
    return _mode is not None


# -- one live graph's hooks -------------------------------------------------------------------


class TorchSource:
    """Hooks a :class:`LiveGraph` over torch tensors; quacks like its bus subscriptions.

    ``active`` and ``unsubscribe()`` are what :class:`LiveGraph` asks of a
    subscription.  Every hook holds only a weak reference to this object.
    """

    def __init__(self, live) -> None:
        self._live = weakref.ref(live)
        self._hooked: dict = {}  # id(node or leaf) -> (node or leaf, handle)
        self._pass: list | None = None  # [(kind, obj)] of the pass running, in order
        self._pending = False  # a change was reported since the last build
        self._seen: set = set()  # ids of the nodes run in that pass
        self.active = True
        self._self_ref = weakref.ref(self)
        if live.follow:  # only a graph that grows needs to see every op
            _listeners.append(self._self_ref)
            _start_mode()
        self.sync()

    # -- hooks -------------------------------------------------------------------------------
    def sync(self) -> None:
        """Hook the graph's nodes and leaves that are not hooked yet."""
        live = self._live()
        if live is None or not self.active:
            return
        wself = self._self_ref
        hooked = self._hooked
        for r in list(live._nodes._d.values()):
            fn = r()
            if fn is None or id(fn) in hooked:
                continue
            try:
                handle = fn.register_prehook(_prehook(wself, fn))
            except (AttributeError, RuntimeError):  # a node that takes no hooks: drawn, not timed
                hooked[id(fn)] = (fn, _NoHandle)
                continue
            hooked[id(fn)] = (fn, handle)
            var = getattr(fn, "variable", None) if T.is_leaf_node(fn) else None
            if var is not None and ("v", id(var)) not in hooked:
                h = var.register_post_accumulate_grad_hook(_accumulated(wself))
                hooked[("v", id(var))] = (var, h)
        for t in live.roots:  # a drawn leaf that requires grad (draw(x))
            if t.grad_fn is None and t.requires_grad and ("v", id(t)) not in hooked:
                hooked[("v", id(t))] = (
                    t,
                    t.register_post_accumulate_grad_hook(_accumulated(wself)),
                )

    def unsubscribe(self) -> None:
        """Remove every hook and, with the last live torch graph, the function mode."""
        self.active = False
        hooked, self._hooked = self._hooked, {}
        for _, handle in hooked.values():
            handle.remove()
        self._pass = None
        if self._self_ref in _listeners:
            _listeners.remove(self._self_ref)
        _stop_mode()

    @property
    def hook_count(self) -> int:
        return len(self._hooked)

    # -- events --------------------------------------------------------------------------------
    def forward(self, handler: str, kind: str, payload: dict) -> None:
        """Hand one event to the live graph, then hook whatever joined it."""
        live = self._live()
        if live is None:
            self.unsubscribe()
            return
        if self._pending and handler != "_on_created":
            # a change is already reported and not yet built: the build reads the state
            # as it is then, so an optimizer's in-place steps and zero_grad()'s .grad
            # assignments need no more calls (they are most of a training step's events)
            grad = payload.get("grad")
            if grad is not None and payload["tensor"] in live._tensors:
                live._tensors.add(grad)  # follow the new .grad (its zero_() is a change)
            return
        nodes, count, changes = live._nodes, len(live._nodes._d), live.changes
        getattr(live, handler)(kind, payload)
        self._pending = self._pending or live.changes != changes
        # hook what joined: only when the node set grew or was rebuilt (a training step's
        # version bumps and .grad assignments change no node)
        if self.active and (live._nodes is not nodes or len(live._nodes._d) != count):
            self.sync()

    def ran(self, kind: str, obj) -> None:
        """A hook fired: ``("node", fn)`` before a node runs, ``("leaf", t)`` after a leaf's
        ``.grad`` was accumulated."""
        key = id(obj) if kind == "node" else ("v", id(obj))
        if self._pass is not None and kind == "node" and key in self._seen:
            self.end_pass()  # a node runs once per pass: this is a new pass
        if self._pass is None:
            self._pass, self._seen = [], set()
            try:
                engine = _torch().autograd.Variable._execution_engine
                engine.queue_callback(self.end_pass)
            except (AttributeError, RuntimeError):
                pass  # ends at the next pass or at the next build
        self._pass.append((kind, obj))
        self._seen.add(key)

    def end_pass(self) -> None:
        steps, self._pass = self._pass, None
        live = self._live()
        if not steps or live is None or not self.active:
            return
        nodes, leaves, seen = [], [], set()
        for kind, obj in steps:
            if kind == "node":
                nodes.append((len(nodes), _ref(obj)))
                var = getattr(obj, "variable", None) if T.is_leaf_node(obj) else None
                if var is not None:
                    leaves.append((len(nodes) - 1, _ref(var)))
                    seen.add(id(var))
            elif id(obj) not in seen:
                # a leaf whose AccumulateGrad is not drawn (made afresh by a new forward)
                nodes.append((len(nodes), _ref(obj)))
                leaves.append((len(nodes) - 1, _ref(obj)))
                seen.add(id(obj))
        live._record_pass(nodes, leaves)

    def flush(self) -> None:
        """Before a build: end a pass whose end was not reported (no engine callback), and
        report the next in-place change or ``.grad`` assignment again."""
        if self._pass:
            self.end_pass()
        self._pending = False


class _NoHandle:
    """Stands for the handle of a hook that could not be registered."""

    @staticmethod
    def remove() -> None:
        pass


def _ref(obj):
    try:
        return weakref.ref(obj)
    except TypeError:  # torch's grad_fn nodes cannot be weakly referenced
        return lambda obj=obj: obj


def _prehook(wself, fn):
    key = id(fn)

    def hook(grad_outputs):
        src = wself()
        if src is not None and src.active:
            obj = src._hooked.get(key)
            if obj is not None:
                src.ran("node", obj[0])
        # returns None: the gradients are not changed

    return hook


def _accumulated(wself):
    def hook(tensor):
        src = wself()
        if src is not None and src.active:
            src.ran("leaf", tensor)

    return hook
