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
``node_executed``  node, grad_outputs (what flowed in), grad_inputs (what it produced), order
``grad_accumulated`` tensor, grad
``backward_end``   roots, executed (list of nodes in execution order)
``version_bump``   tensor, version
``grad_mode``      enabled
``grad_set``       tensor, grad (None after ``del t.grad`` / ``t.grad = None``, as
                   ``optimizer.zero_grad()`` does)

Ops inside a backward pass emit too: with ``create_graph=True`` the backward
formulas' nodes arrive as ``node_created``; otherwise their ops arrive as
``op_no_grad`` between ``backward_start`` and ``backward_end``.
"""

from __future__ import annotations

import warnings

listeners: list = []
# kind -> the listeners that hear it; rebuilt on (un)subscribe so emit is one dict lookup.
_table: dict = {}
_kinds_of: dict = {}
_everyone: tuple = ()


def _rebuild() -> None:
    global _everyone
    _everyone = tuple(fn for fn in listeners if _kinds_of.get(id(fn)) is None)
    table = {}
    for fn in listeners:
        kinds = _kinds_of.get(id(fn))
        if kinds is not None:
            for k in kinds:
                table.setdefault(k, []).append(fn)
    _table.clear()
    for k, fns in table.items():
        _table[k] = tuple(f for f in listeners if f in fns or f in _everyone)


def add_listener(fn, kinds=None) -> None:
    """Listen to every event, or only to ``kinds`` (then other kinds cost it nothing)."""
    if fn not in listeners:
        listeners.append(fn)
        _kinds_of[id(fn)] = None if kinds is None else frozenset(kinds)
        _rebuild()


def remove_listener(fn) -> None:
    try:
        listeners.remove(fn)
    except ValueError:
        return
    _kinds_of.pop(id(fn), None)
    _rebuild()


def hears(kind: str) -> bool:
    """Whether any listener would receive an event of ``kind``."""
    return bool(_table.get(kind, _everyone))


def emit(kind: str, **payload) -> None:
    """Call every listener of ``kind``; one that raises is removed with a warning."""
    for fn in _table.get(kind, _everyone):
        try:
            fn(kind, payload)
        except Exception as exc:  # noqa: BLE001 - a broken listener must never break user code
            remove_listener(fn)
            warnings.warn(
                f"autograd_widgets: graph listener {fn!r} raised {type(exc).__name__}: {exc}; "
                "it has been removed",
                RuntimeWarning,
                stacklevel=2,
            )
