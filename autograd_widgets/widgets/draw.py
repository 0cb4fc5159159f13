"""``draw(*tensors)``: torchviz's ``make_dot``, as a live widget."""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from typing import Any

from .graph_widget import GraphWidget, empty_graph

#: event kinds that change what a drawn graph shows
LIVE_EVENTS = frozenset(
    {"node_created", "backward_end", "grad_accumulated", "version_bump", "op_no_grad"}
)


def _is_tensor(obj: Any) -> bool:
    return hasattr(obj, "grad_fn") and hasattr(obj, "requires_grad") and hasattr(obj, "shape")


def _caller_names(tensors: tuple[Any, ...], frame: Any) -> dict[str, Any]:
    """Names the caller's variables give to tensors in the graph (never invented)."""
    names: dict[str, Any] = {}
    if frame is None:
        return names
    for scope in (frame.f_globals, frame.f_locals):
        for name, value in scope.items():
            if not name.startswith("_") and _is_tensor(value):
                names[name] = value
    return names


class _Refs:
    """Hold the drawn tensors weakly where possible: a graph on screen must not
    keep a training loop's tensors alive."""

    def __init__(self, objs: tuple[Any, ...]) -> None:
        self._refs: list[Callable[[], Any]] = []
        for obj in objs:
            try:
                self._refs.append(weakref.ref(obj))
            except TypeError:
                self._refs.append(lambda obj=obj: obj)

    def alive(self) -> tuple[Any, ...]:
        return tuple(o for o in (r() for r in self._refs) if o is not None)


def _subscribe(fn: Callable[[str, dict[str, Any]], None]) -> Callable[[], None]:
    """Listen to the engine's events; returns the unsubscribe function."""
    try:
        from autograd_widgets import graph as graph_pkg

        sub = getattr(graph_pkg, "subscribe", None)
    except ImportError:
        sub = None
    if sub is not None:
        handle = sub(fn)
        if callable(handle):
            return handle
        unsub = getattr(graph_pkg, "unsubscribe", None)
        return (lambda: unsub(fn)) if unsub else (lambda: None)
    from autograd_widgets.autograd import events

    events.add_listener(fn)
    return lambda: events.remove_listener(fn)


def draw(
    *tensors: Any,
    names: dict[str, Any] | None = None,
    show_saved: bool = True,
    show_values: bool = False,
    rankdir: str = "TB",
    max_nodes: int = 500,
    live: bool = True,
    update_interval: float = 0.1,
) -> GraphWidget:
    """Draw the autograd graph behind ``tensors`` as a live widget.

    Like torchviz's ``make_dot(out, params=dict(...))``, but interactive, and it
    follows ``backward()``, ``zero_()`` and in-place changes while ``live``.

    Parameters
    ----------
    *tensors : Tensor
        The outputs whose ``grad_fn`` graphs to draw.
    names : dict, optional
        ``{name: tensor}`` labels; by default the caller's variable names.
    show_saved, show_values, rankdir, max_nodes, live
        Initial values of the :class:`GraphWidget` traits of the same names.
    update_interval : float
        Minimum seconds between live updates (0.1 s: at most 10 per second).

    Returns
    -------
    GraphWidget
        Display it (last expression of a cell) to see it.
    """
    if not tensors:
        raise TypeError("draw() needs at least one tensor, e.g. draw(loss)")
    for obj in tensors:
        if not _is_tensor(obj):
            raise TypeError(f"draw() expects tensors, got {type(obj).__name__}: {obj!r:.60}")
    if names is None:
        frame = inspect.currentframe()
        names = _caller_names(tensors, frame.f_back if frame else None)
        del frame
    from autograd_widgets.graph import GraphModel

    refs = _Refs(tensors)
    name_refs = _Refs(tuple(names.values()))
    name_keys = list(names)
    widget: GraphWidget | None = None

    def build() -> dict[str, Any]:
        alive = refs.alive()
        if not alive:
            return {
                **(widget.graph if widget else empty_graph()),
                "notice": "the drawn tensors are gone",
            }
        current = {}
        for key, ref in zip(name_keys, name_refs._refs):
            obj = ref()
            if obj is not None:
                current[key] = obj
        limit = widget.max_nodes if widget is not None else max_nodes
        return GraphModel.from_tensors(*alive, names=current, max_nodes=limit).to_json()

    def subscribe(changed: Callable[[], None]) -> Callable[[], None]:
        def on_event(kind: str, payload: dict[str, Any]) -> None:
            if kind in LIVE_EVENTS:
                changed()

        return _subscribe(on_event)

    widget = GraphWidget(
        source=build,
        subscribe=subscribe,
        show_saved=show_saved,
        show_values=show_values,
        rankdir=rankdir,
        max_nodes=max_nodes,
        live=live,
        update_interval=update_interval,
    )
    return widget
