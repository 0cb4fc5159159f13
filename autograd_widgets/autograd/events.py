"""The engine's event bus: where graph recorders listen.

The core emits; it never imports the graph layer. Every emit site is guarded by
``if events.listeners:`` so that with no listener the cost is one falsy check.
The public subscribe API lives in :mod:`autograd_widgets.graph`.

Event kinds and payloads (all tensors passed as weak references or plain data
once the call returns: listeners must not keep them alive):

``node_created``   node, output (the output Tensor), inputs (tuple of Tensor|None); a node with
                   several outputs (unbind, split) sends one event per output; an in-place
                   op sends it for the result it computed, then ``version_bump`` for the
                   tensor it modified (whose ``grad_fn`` is ``node`` by then)
``op_no_grad``     name (the op's grad_fn name it would have had), output, inputs — an op that
                   ran while grad mode was off, or on inputs that need no grad
``backward_start`` roots (tuple of nodes), retain_graph, create_graph
``node_executed``  node, grad_outputs (what flowed in), grad_inputs (what it produced), order,
                   grad_outputs_before_hooks / grad_inputs_before_hooks (the same before the
                   tensor/pre hooks and the node's hooks ran: a hook that changed a gradient
                   shows as a difference), leaf_grad_before (for an ``AccumulateGrad``: a
                   numpy copy of the leaf's ``.grad`` before this pass added to it, or None)
``grad_accumulated`` tensor, grad, incoming (what was added, after the leaf's hooks)
``backward_end``   roots, executed (list of nodes in execution order)
``version_bump``   tensor, version (and op, when the emitter knows it: ``"SGD.step()"``)
``grad_mode``      enabled
``grad_set``       tensor, grad (None after ``del t.grad`` / ``t.grad = None``, as
                   ``optimizer.zero_grad()`` does)
``backward_error`` reason, error (the exception's type name), message, and what is at fault:
                   node, or tensor + index (+ shapes, saved versions, ...): see
                   ``autograd/_failure.py``; sent when ``backward()``/``autograd.grad``
                   raises, before the exception reaches the user (no ``backward_end``)

Ops inside a backward pass emit too: with ``create_graph=True`` the backward
formulas' nodes arrive as ``node_created``; otherwise their ops arrive as
``op_no_grad`` between ``backward_start`` and ``backward_end``.
"""

from __future__ import annotations

import threading
import warnings

#: every event kind the core emits, in the order of the docstring above
KINDS = (
    "node_created",
    "op_no_grad",
    "backward_start",
    "node_executed",
    "grad_accumulated",
    "backward_end",
    "version_bump",
    "grad_mode",
    "grad_set",
    "backward_error",
)

# Copy-on-write: (un)subscribing builds new objects and swaps them in, so an emit
# running in another thread always reads a complete table (the old or the new one;
# a steady listener is in both), never one being cleared and refilled.
listeners: list = []
# kind -> the listeners that hear it; holds every kind of KINDS, so emit is one dict lookup.
_table: dict = {k: () for k in KINDS}
_kinds_of: dict = {}
_everyone: tuple = ()
# listeners whose exceptions propagate (add_listener(strict=True))
_strict: set = set()
# serialises writers only (subscribe, unsubscribe); emit never takes it
_lock = threading.RLock()


def _publish(new_listeners: list, new_kinds: dict) -> None:
    """Build the routing of ``new_listeners`` and swap it in (caller holds ``_lock``)."""
    global listeners, _kinds_of, _table, _everyone
    everyone = tuple(fn for fn in new_listeners if new_kinds.get(id(fn)) is None)
    kinds = set(KINDS)
    for ks in new_kinds.values():
        kinds.update(ks or ())
    table = {
        k: tuple(f for f in new_listeners if new_kinds.get(id(f)) is None or k in new_kinds[id(f)])
        for k in kinds
    }
    _kinds_of = new_kinds
    _table = table
    _everyone = everyone
    listeners = new_listeners


def add_listener(fn, kinds=None, strict=False) -> None:
    """Listen to every event, or only to ``kinds`` (then other kinds cost it nothing).

    ``strict``: an exception ``fn`` raises reaches the code that emitted the event (forward
    AD's tangent propagation raises the op's error) instead of removing ``fn``.
    """
    with _lock:
        if strict:
            _strict.add(fn)
        if fn in listeners:
            return
        new_kinds = dict(_kinds_of)
        new_kinds[id(fn)] = None if kinds is None else frozenset(kinds)
        _publish([*listeners, fn], new_kinds)


def remove_listener(fn) -> None:
    with _lock:
        _strict.discard(fn)
        if fn not in listeners:
            return
        new_listeners = list(listeners)
        new_listeners.remove(fn)
        new_kinds = dict(_kinds_of)
        new_kinds.pop(id(fn), None)
        _publish(new_listeners, new_kinds)


def hears(kind: str) -> bool:
    """Whether any listener would receive an event of ``kind``."""
    return bool(_table.get(kind, _everyone))


def emit(kind: str, **payload) -> None:
    """Call every listener of ``kind``; one that raises is removed with a warning."""
    for fn in _table.get(kind, _everyone):
        try:
            fn(kind, payload)
        except Exception as exc:  # noqa: BLE001 - a broken listener must never break user code
            if fn in _strict:
                raise
            remove_listener(fn)
            warnings.warn(
                f"autograd_widgets: graph listener {fn!r} raised {type(exc).__name__}: {exc}; "
                "it has been removed",
                RuntimeWarning,
                stacklevel=2,
            )
