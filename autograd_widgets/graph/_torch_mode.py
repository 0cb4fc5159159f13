"""The one :class:`torch.overrides.TorchFunctionMode` shared by every live torch graph.

A live graph over real ``torch`` tensors that follows new ops (``follow=True``)
needs to see each torch call: PyTorch announces nothing else.  One mode serves
every such graph; it is pushed while at least one listens and popped when the
last one closes.  It calls each function unchanged and returns its result, then
turns what the call did into the events a live graph handles (``node_created``,
``version_bump``, ``grad_set``).

**Its cost, and the pause.**  A Python mode costs every torch call a trip
through Python: ~40% on a small model's training step even with an empty
``__torch_function__``, whatever the mode does.  So the mode steps aside while
it has nothing to find: when a backward pass ran through a drawn graph, and
since the previous one no op joined any drawn graph (a training loop over the
drawn model: each step's forward is new, the drawn graph does not grow), the
mode is *paused*.  PyTorch's hooks go on reporting every backward pass and the
leaves' new ``.grad``; new ops on the drawn tensors are not followed until the
mode resumes, after the running notebook cell (or :func:`resume`), and every
listening graph then rebuilds, showing what changed in place meanwhile.

The pause cannot pop the mode at once: a hook runs inside ``backward()``,
itself a torch call, during which PyTorch has taken the mode off its stack and
will put it back.  So the pass only asks for the pause; the mode hangs a
finalizer on the tensor ``backward()`` was called on, and pops itself when that
tensor is released, which happens in the user's code (a training loop drops
each step's loss), where the mode is on top of the stack again.
"""

from __future__ import annotations

import sys
import weakref

#: weak references to the TorchSource objects that listen (shared with _torch_live)
listeners: list = []

_mode = None  # the pushed mode, or None (none pushed, or paused)
_GRAD = None  # the ``torch.Tensor.grad`` descriptor, set on first use
_pause_wanted = False  # a pass asked for the pause; the mode arms it after backward()
_armed = None  # the weakref.finalize that pops the mode when backward's tensor goes
_epoch = 0  # bumped by every push and resume: stale finalizers do nothing
_paused = False  # popped by the pause (resumed after the cell)
joined = 0  # ops that joined a live torch graph so far (the pause looks for growth)


class _NoTensor:
    """Stands for torch.Tensor until torch is imported: isinstance is always False."""


_TENSOR: type = _NoTensor  # torch.Tensor, set on first use (isinstance on the hot path)


def _mode_class():
    from torch.overrides import TorchFunctionMode

    class _LiveMode(TorchFunctionMode):
        """Calls every torch function unchanged, then tells the live graphs what it did."""

        def __torch_function__(self, func, types, args=(), kwargs=None):
            try:
                result = func(*args, **kwargs) if kwargs else func(*args)
            except Exception as exc:
                if listeners and getattr(func, "__name__", "") in ("backward", "grad"):
                    _failed(exc, args)  # a failed backward: the graphs mark it
                raise
            if listeners:
                _announce(func, args, result)
            if _pause_wanted:
                _arm_pause(args, kwargs)
            return result

    return _LiveMode


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
    if name == "__get__":  # reading an attribute (t.grad, t.data): nothing happened
        return
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


def _failed(exc: BaseException, args) -> None:
    for r in list(listeners):
        src = r()
        try:
            if src is not None:
                src.failed(exc, args)
        except Exception:  # noqa: BLE001 - the user must get torch's own exception
            pass


def _each(handler: str, kind: str, payload: dict) -> None:
    for r in list(listeners):
        src = r()
        if src is not None:
            src.forward(handler, kind, payload)


# -- push and pop ---------------------------------------------------------------------------


def start() -> None:
    """Push the mode (a graph starts listening); lifts a pause."""
    global _mode, _GRAD, _TENSOR
    if _mode is not None:
        return
    import torch

    _TENSOR = torch.Tensor
    _GRAD = _TENSOR.grad
    _new_epoch()
    _mode = _mode_class()()
    _mode.__enter__()


def stop() -> None:
    """Pop the mode when no graph listens, if it is on top of the stack.

    While a torch function runs through the mode (a graph closing because its
    tensors died, noticed during an op), PyTorch has taken the mode off the stack
    and puts it back afterwards; a mode pushed by the user after ours stays above
    it.  Either way ours is left inert (no listeners: it only calls the function)
    and popped by :func:`release_idle_mode`, which the notebook runs after each
    cell, or by the next graph that starts or stops listening.
    """
    _stop_now()
    if _mode is not None and not listeners:
        _after_cell(release_idle_mode)


def release_idle_mode() -> bool:
    """Pop the function mode if no live torch graph listens; True when none is left."""
    _stop_now()
    return _mode is None


def _stop_now() -> None:
    global _paused
    if listeners:
        return
    _paused = False  # nothing listens: no pause to lift
    if _mode is None or _pop():
        _new_epoch()


def _pop() -> bool:
    """Pop our mode if it is on top of torch's mode stack; True when done."""
    global _mode
    from torch.overrides import _get_current_function_mode_stack

    stack = _get_current_function_mode_stack()
    if stack and stack[-1] is _mode:
        _mode.__exit__(None, None, None)
        _mode = None
        return True
    return False


def active() -> bool:
    """True while the mode is on torch's mode stack (for tests)."""
    return _mode is not None


def paused() -> bool:
    """True while the mode steps aside for a loop that does not grow the drawn graphs."""
    return _paused and _mode is None


# -- the pause ------------------------------------------------------------------------------


def grew() -> None:
    """An op joined a live graph: the graphs are being built, not looped over."""
    global joined
    joined += 1
    if _pause_wanted or _armed is not None:
        _new_epoch()  # a pause asked for earlier no longer holds


def want_pause() -> None:
    """A backward pass found no growth since the previous one: pause after it returns."""
    global _pause_wanted
    if _mode is not None:
        _pause_wanted = True


def _arm_pause(args, kwargs) -> None:
    """Right after the ``backward()`` that asked for the pause: pop when its tensor goes."""
    global _pause_wanted, _armed
    _pause_wanted = False
    target = None
    for a in (*args, *(kwargs or {}).values()):
        if isinstance(a, (list, tuple)) and a:
            a = a[0]
        if isinstance(a, _TENSOR):
            target = a
            break
    if target is None:
        return
    if _armed is not None and _armed.alive:
        held = _armed.peek()
        if held is not None and held[0] is target:
            return  # already waiting for this one
        _armed.detach()  # the newest loss is the one a loop drops next
    _armed = weakref.finalize(target, _pause_now, _epoch)
    _armed.atexit = False  # nothing to pause at exit
    _after_cell(_disarm)  # a pause is for the running cell's loop only


def _disarm() -> None:
    if not _paused:
        _new_epoch()


def _pause_now(epoch: int) -> None:
    """The tensor of a quiet backward pass was released: pop the mode until the cell ends."""
    global _paused
    if epoch != _epoch or _mode is None or not listeners:
        return
    if _pop():  # False inside another torch call: the next quiet pass tries again
        _paused = True
        _after_cell(resume)


def resume() -> None:
    """Lift a pause: push the mode again and let every listening graph rebuild."""
    global _paused
    was_paused = _paused
    _paused = False
    _new_epoch()
    sources = [s for s in (r() for r in list(listeners)) if s is not None]
    for src in sources:
        src.quiet_reset()
    if was_paused and sources:
        if _mode is None:
            start()
        for src in sources:  # (a graph drawn meanwhile may have pushed it already)
            src.caught_up()


def _new_epoch() -> None:
    global _epoch, _pause_wanted, _armed
    _epoch += 1
    _pause_wanted = False
    if _armed is not None:
        _armed.detach()
        _armed = None


_after: dict = {}  # fn -> its post_run_cell callback, while one waits for the cell's end


def _after_cell(fn) -> None:
    """Run ``fn`` once after the running notebook cell, when IPython runs one."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return
    waiting = shell.events.callbacks["post_run_cell"]
    if _after.get(fn) in waiting:
        return  # once is enough

    def once(*_args) -> None:
        shell.events.unregister("post_run_cell", once)
        _after.pop(fn, None)
        fn()

    _after[fn] = once
    shell.events.register("post_run_cell", once)
