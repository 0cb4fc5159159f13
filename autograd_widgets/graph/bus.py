"""Subscribing to the engine's event bus (:mod:`autograd_widgets.autograd.events`).

``subscribe(fn)`` adds ``fn(kind, payload)`` as a listener and returns a
:class:`Subscription`; calling it (or ``.unsubscribe()``, or leaving its
``with`` block) removes the listener. Payloads hold live objects only for the
duration of the call: keep weak references (``weakref.ref``), never the
objects, or the graph and its tensors stay alive. A listener that raises is
removed with a ``RuntimeWarning`` and the user's computation goes on.
"""

from __future__ import annotations

import functools

from ..autograd import events

#: every event kind the core emits, in the order of the events docstring
EVENT_KINDS = events.KINDS


class _Filtered(functools.partial):
    """``fn``, registered for some kinds only.

    The bus itself routes each kind to its listeners (``events.add_listener(fn,
    kinds)``); this wrapper only gives every subscription its own identity, and
    being a ``partial`` it adds no Python frame to a call.
    """

    def __new__(cls, fn, kinds):
        self = super().__new__(cls, fn)
        self.kinds = frozenset(kinds)
        return self

    @property
    def fn(self):
        return self.func

    def __repr__(self) -> str:
        return f"{self.func!r} (kinds={sorted(self.kinds)})"


class Subscription:
    """What :func:`subscribe` returns; call it to unsubscribe."""

    __slots__ = ("listener", "__weakref__")

    def __init__(self, listener) -> None:
        self.listener = listener

    @property
    def active(self) -> bool:
        return self.listener in events.listeners

    def unsubscribe(self) -> None:
        events.remove_listener(self.listener)

    __call__ = unsubscribe

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc) -> None:
        self.unsubscribe()

    def __repr__(self) -> str:
        return f"<Subscription {self.listener!r} active={self.active}>"


def subscribe(fn, kinds=None) -> Subscription:
    """Call ``fn(kind, payload)`` for every event (or only for ``kinds``).

    Parameters
    ----------
    fn : callable
        ``fn(kind: str, payload: dict)``.
    kinds : iterable of str, optional
        Only these event kinds (see :data:`EVENT_KINDS`).

    Returns
    -------
    Subscription
        Call it, or use it as a context manager, to unsubscribe.
    """
    if not callable(fn):
        raise TypeError(f"subscribe() needs a callable, got {type(fn).__name__}")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        unknown = sorted(set(kinds) - set(EVENT_KINDS))
        if unknown:
            raise ValueError(f"unknown event kind(s) {unknown}; known: {list(EVENT_KINDS)}")
        listener = _Filtered(fn, kinds)
    else:
        listener = fn
    events.add_listener(listener, kinds)
    return Subscription(listener)


def unsubscribe(handle_or_fn) -> None:
    """Remove a listener, given its :class:`Subscription` or the function itself."""
    if isinstance(handle_or_fn, Subscription):
        handle_or_fn.unsubscribe()
        return
    events.remove_listener(handle_or_fn)
    for fn in tuple(events.listeners):
        if isinstance(fn, _Filtered) and fn.fn is handle_or_fn:
            events.remove_listener(fn)
