"""``GraphWidget``: the grad_fn DAG drawn live in JupyterLab.

Python sends plain data (the wire graph of docs/graph-schema.md) and the front
end (``js/src``) turns it into DOT, lays it out with Graphviz compiled to
WebAssembly in a Web Worker, and draws it.

Bytes on the wire: anywidget sends ``_esm`` with every widget, so ``_esm`` is
a ~2 KB loader.  The view and the Graphviz worker (~0.85 MB) are sent once per
page, as binary buffers: unasked, right after the kernel's first graph widget
opens (so it renders while its cell still runs), and to a page that missed
that (opened later) when its first graph view asks (custom message
``assets?``, answered when the kernel is idle).  Live updates are throttled
(``update_interval``) and, when smaller, sent as patches (custom message
``patch``) instead of the whole graph.
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets as t

from . import _assets, _cells, _kernel, _static, _timeline
from ._diff import compact_graph, compact_patch, diff_graph, full_patch, json_size
from ._i18n import LanguageTraits
from ._limits import MAX_DRAWN_NODES, max_nodes_error
from ._stepping import Stepping
from ._throttle import CallLater, Throttle, default_call_later

_RANKDIRS = ("TB", "LR")
#: changes that get a timeline state of their own at once (see invalidate)
_OWN_STATE = ("backward_end", "backward_error")


#: the pages (client sessions, see ``_kernel.client_session``) the assets went out to
#: unasked: once per page, so a reloaded page gets them again (None: outside a kernel)
_assets_pushed_to: set[str | None] = set()
#: cell id -> (the run's execute_request id, weak references to the widgets it made):
#: re-running a cell closes the widgets its earlier run made
_made_by_cell: dict[str, tuple[str, list[weakref.ref]]] = {}


def empty_graph(notice: str | None = None) -> dict[str, Any]:
    """A schema-1 graph with no nodes."""
    return {
        "schema": 1,
        "nodes": [],
        "edges": [],
        "outputs": [],
        "backward_passes": 0,
        "executed": [],
        "truncated": 0,
        "notice": notice,
    }


class GraphWidget(Stepping, LanguageTraits, anywidget.AnyWidget):
    """An interactive, live drawing of an autograd graph.

    Usually made by :func:`autograd_widgets.draw`; can also show any wire
    graph dict: ``GraphWidget(graph=model.to_json())``.

    Parameters
    ----------
    graph : dict
        The graph in the wire format of ``docs/graph-schema.md``.
    source : callable, optional
        Returns a fresh wire graph; called (throttled) after :meth:`invalidate`.
    update_interval : float
        Minimum seconds between two updates sent to the front end (0.1: at
        most 10 per second; the last state is always delivered).
    call_later : callable, optional
        ``call_later(delay, fn)`` scheduler for trailing updates (tests pass a
        fake; the default uses the kernel's event loop).
    subscribe : callable, optional
        ``subscribe(changed) -> unsubscribe``: how to hear that the graph
        changed (``changed(kind=None)``, kind ``"backward_end"`` after a backward
        pass); used while ``live`` is True, undone on ``live=False`` and
        :meth:`close`.
    timeline_cap : int
        Most states the timeline keeps (older ones are dropped, and the
        widget says so).

    Notes
    -----
    The widget keeps the states it has shown (see :attr:`timeline`): when
    drawn, after each backward pass through its graph and at the end of each
    cell that changed it, each labelled with that cell's execution count.
    The toolbar's slider, ◀ ▶ and "live" buttons move through them, as do
    :meth:`show_state` and :meth:`show_live`.  With ``as_of="cell"`` the
    widget shows the graph as it was at the end of the cell that drew (or last
    displayed) it, whatever later cells do; the later states still join the
    timeline.
    """

    _esm = _assets.widget_esm()

    graph = t.Dict(help="The graph on the wire (docs/graph-schema.md).").tag(
        sync=True, to_json=compact_graph
    )
    selected = t.Unicode(
        None, allow_none=True, help="Id of the selected node, or None; set from either side."
    ).tag(sync=True)
    show_saved = t.Bool(True, help="Draw the tensors saved for backward.").tag(sync=True)
    show_values = t.Bool(False, help="Print tensor values inside the nodes.").tag(sync=True)
    rankdir = t.Unicode("TB", help='Layout direction: "TB" (top to bottom) or "LR".').tag(sync=True)
    max_nodes = t.Int(
        500,
        help=f"Largest number of nodes drawn (at most {MAX_DRAWN_NODES}); the rest become "
        "a '+N more' node.",
    ).tag(sync=True)
    live = t.Bool(True, help="Follow new ops and backward() while True.").tag(sync=True)

    as_of = t.Unicode(
        "live",
        help='"live": show the graph as it is now; "cell": as it was at the end of the cell '
        "that drew (or last displayed) the widget.",
    ).tag(sync=True)
    position = t.Int(
        None,
        allow_none=True,
        help="Index in the timeline of the state shown (0: oldest kept), or None to follow "
        "the live graph.",
    ).tag(sync=True)

    _uid = t.Unicode(help="Identifies this model's graph store in the page.").tag(sync=True)
    _states = t.List(
        help="The timeline's states, oldest first: [number, cell, kind, backward passes]."
    ).tag(sync=True)
    _dropped = t.Int(0, help="States dropped from the start of the timeline (the cap).").tag(
        sync=True
    )
    _rev = t.Int(0, help="Revision of `graph`; patches name the revision they apply to.").tag(
        sync=True
    )

    def __init__(
        self,
        graph: dict[str, Any] | None = None,
        *,
        source: Callable[[], dict[str, Any]] | None = None,
        update_interval: float = 0.1,
        call_later: CallLater | None = None,
        subscribe: Callable[[Callable[..., None]], Callable[[], None]] | None = None,
        timeline_cap: int = _timeline.DEFAULT_CAP,
        **kwargs: Any,
    ) -> None:
        if graph is None:
            graph = source() if source is not None else empty_graph()
        # plain attributes first: trait observers may run during super().__init__
        self._source = None
        self._quiet: set[str] = set()
        self._closers: list[Callable[[], None]] = []
        self._throttle = Throttle(
            self._push, update_interval, call_later=call_later or default_call_later
        )
        self._subscribe = subscribe
        self._unsubscribe: Callable[[], None] | None = None
        self.stats = {"full": 0, "patch": 0, "bytes": 0, "assets_sent": 0}
        self._views: set[str] = set()  # the front-end views showing this widget now
        self._seen_view = False  # a front end has reported a view (so it reports their end)
        self._timeline = _timeline.Timeline(timeline_cap)
        super().__init__(graph=graph, **kwargs)
        self._source = source
        if _cells.ensure_cell_hooks() is not None:  # (before the first state: its cell)
            _cells.add_cell_listener(_after_cell)
        self._record_state(self.graph, "drawn")
        self._timeline.displayed(self.as_of)
        _timeline_widgets.add(self)
        self.on_msg(self._on_custom_msg)
        self._replace_earlier_run()
        self._push_assets()
        if self.live:
            self._start_live()

    @t.default("_uid")
    def _default_uid(self) -> str:
        return uuid.uuid4().hex

    @t.validate("rankdir")
    def _validate_rankdir(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"]).upper()
        if value not in _RANKDIRS:
            raise t.TraitError(f"rankdir must be 'TB' or 'LR', not {proposal['value']!r}")
        return value

    @t.validate("max_nodes")
    def _validate_max_nodes(self, proposal: dict[str, Any]) -> int:
        error = max_nodes_error(proposal["value"])
        if error:
            raise t.TraitError(error)
        return proposal["value"]

    @t.validate("graph")
    def _validate_graph(self, proposal: dict[str, Any]) -> dict[str, Any]:
        g = proposal["value"]
        if not isinstance(g.get("nodes", []), list) or not isinstance(g.get("edges", []), list):
            raise t.TraitError("graph must have list-valued 'nodes' and 'edges'")
        return g

    @t.observe("max_nodes")
    def _on_max_nodes(self, change: dict[str, Any]) -> None:
        if self._source is not None:
            self.refresh()

    @t.observe("live")
    def _on_live(self, change: dict[str, Any]) -> None:
        if self._source is None:
            return  # during __init__, or closed
        if change["new"]:
            self._start_live()
            if self._source is not None and not self.paused:
                self.refresh()  # catch up with whatever happened while paused
        else:
            self._stop_live()
            self._throttle.close()

    def _start_live(self) -> None:
        if self._subscribe is None or self._unsubscribe is not None or self.paused:
            return
        wref = weakref.ref(self)

        def changed(kind: str | None = None) -> None:
            widget = wref()
            if widget is not None:
                widget.invalidate(kind)

        self._unsubscribe = self._subscribe(changed)

    def _stop_live(self) -> None:
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        if unsubscribe is not None:
            unsubscribe()

    @property
    def subscribed(self) -> bool:
        """True while the widget listens for graph changes."""
        return self._unsubscribe is not None

    @property
    def paused(self) -> bool:
        """True while no front-end view shows the widget (after one did): it then
        listens to nothing and sends nothing, even with ``live=True``."""
        return self._seen_view and not self._views

    def _on_view(self, view_id: str, shown: bool) -> None:
        """A view appeared or went away: pause without views, catch up when one is back."""
        if shown:
            self._views.add(view_id)
            self._seen_view = True
        else:
            self._views.discard(view_id)
        if self.paused:
            self._stop_live()
            self._throttle.cancel_timer()
        elif self.live and self._unsubscribe is None and self._source is not None:
            self._start_live()
            self.refresh()

    def _replace_earlier_run(self) -> None:
        """Close the widgets an earlier run of the running cell made (their outputs are
        gone; left open they would keep listening and sending)."""
        cell = _kernel.running_cell()
        if cell is None:
            return
        cell_id, run = cell
        made = _made_by_cell.get(cell_id)
        if made is None or made[0] != run:
            old = made[1] if made is not None else []
            made = _made_by_cell[cell_id] = (run, [])
            for ref in old:
                widget = ref()
                if widget is not None and widget is not self:
                    widget.close()
        made[1][:] = [r for r in made[1] if r() is not None]
        made[1].append(weakref.ref(self))

    # -- live updates -----------------------------------------------------------

    def invalidate(self, kind: str | None = None) -> None:
        """Note that the graph changed; an update follows (throttled) while ``live``.

        After a backward pass (``kind="backward_end"``, or ``"backward_error"``
        when it failed) the update goes out at once, so the timeline gets the
        pass's own state, unless passes come faster than the update interval (a
        training loop).
        """
        if self._source is None:
            return
        if self._unsubscribe is not None or (
            self._subscribe is None and self.live and not self.paused
        ):
            self._timeline.dirty = True
            if kind in _OWN_STATE and self._timeline.backward_due(
                self._throttle.effective_interval
            ):
                self.refresh()
            else:
                self._throttle.request()  # (the first test avoids a trait lookup per event)

    def refresh(self) -> None:
        """Rebuild from the source and send now, ignoring the throttle."""
        self._throttle.cancel_timer()
        self._push()

    def _push(self) -> None:
        if self._source is None:
            return
        try:
            new = self._source()
        except Exception as err:  # noqa: BLE001 - never break the user's code
            new = {**self.graph, "notice": f"could not update the graph: {err!r}"}
        self._shift_position(self._timeline.built(new))
        if self.position is None:
            self.update_graph(new)

    def update_graph(self, new: dict[str, Any]) -> None:
        """Show ``new``: as a patch when that is smaller, else as the whole trait."""
        old = self.graph
        if new == old:
            return
        patch = diff_graph(old, new)
        patch_size = json_size(patch)
        full_size = json_size(new)
        if patch_size * 2 < full_size:
            rev = self._rev + 1
            self._send_custom(
                {"type": "patch", "base": self._rev, "rev": rev, "patch": compact_patch(patch)}
            )
            with self._quietly("graph", "_rev"):
                self.graph = new
                self._rev = rev
            self.stats["patch"] += 1
            self.stats["bytes"] += patch_size
        else:
            with self.hold_sync():
                self.graph = new
                self._rev += 1
            self.stats["full"] += 1
            self.stats["bytes"] += full_size

    class _Quiet:
        def __init__(self, widget: GraphWidget, names: tuple[str, ...]) -> None:
            self.widget, self.names = widget, names

        def __enter__(self) -> None:
            self.widget._quiet.update(self.names)

        def __exit__(self, *exc: object) -> None:
            self.widget._quiet.difference_update(self.names)

    def _quietly(self, *names: str) -> GraphWidget._Quiet:
        """Set traits on the kernel side only (the front end got a patch instead)."""
        return GraphWidget._Quiet(self, names)

    def _should_send_property(self, key: str, value: Any) -> bool:
        if key in self._quiet:
            return False
        return super()._should_send_property(key, value)

    def _send_custom(self, content: dict[str, Any], buffers: list[bytes] | None = None) -> None:
        if self.comm is not None:
            self.send(content, buffers)

    def _push_assets(self) -> None:
        """Send the page assets with the kernel's first graph widget, unasked.

        A page asks for them only once its first view exists, and the kernel
        answers when idle: a first ``display(draw(...))`` followed by a long loop
        in the same cell would show "loading" until the loop ends.  Once per page
        (the session of the request being run): a reloaded page has none.
        """
        session = _kernel.client_session()
        if session in _assets_pushed_to or self.comm is None:
            return
        try:
            view, worker = _assets.page_assets()
            digest = _assets.assets_hash()
        except _assets.FrontEndMissingError:
            return  # a view will ask, and be told why
        _assets_pushed_to.add(session)
        self._send_custom({"type": "assets", "hash": digest}, [view, worker])
        self.stats["assets_sent"] += 1

    def _on_custom_msg(self, _widget: Any, content: dict[str, Any], buffers: list[Any]) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "assets?":
            try:
                view, worker = _assets.page_assets()
            except _assets.FrontEndMissingError as err:
                self._send_custom(
                    {"type": "assets", "hash": content.get("hash"), "error": str(err)}
                )
                return
            self._send_custom({"type": "assets", "hash": content.get("hash")}, [view, worker])
            self.stats["assets_sent"] += 1
            _assets_pushed_to.add(_kernel.client_session())  # the page that asked has them
        elif kind == "view":
            self._on_view(str(content.get("id")), bool(content.get("shown")))
        elif kind == "resync":
            self._send_custom(
                {
                    "type": "patch",
                    "base": content.get("have"),
                    "rev": self._rev,
                    "patch": compact_patch(full_patch(self.graph)),
                }
            )

    # -- timeline -------------------------------------------------------------------

    @property
    def timeline(self) -> list[str]:
        """Labels of the states kept, oldest first: ``"In [3] drawn"``, ``"In [4] backward"``,
        ``"In [5]"`` (the end of cell 5); ``"#2 ..."`` outside IPython."""
        return self._timeline.labels()

    def show_state(self, index: int) -> None:
        """Show state ``index`` of :attr:`timeline` (negative counts from the newest)."""
        n = len(self._timeline.store)
        if not -n <= index < n:
            raise IndexError(f"timeline index {index} out of range: {n} states kept")
        self.position = index % n

    def show_live(self) -> None:
        """Follow the live graph again (the toolbar's "live" button)."""
        self.position = None

    @t.validate("as_of")
    def _check_as_of(self, proposal: dict[str, Any]) -> str:
        if proposal["value"] not in _timeline.AS_OF:
            raise t.TraitError(f"as_of must be 'live' or 'cell', not {proposal['value']!r}")
        return proposal["value"]

    @t.validate("position")
    def _check_position(self, proposal: dict[str, Any]) -> int | None:
        value = proposal["value"]
        n = len(self._timeline.store)
        if value is not None and not 0 <= value < n:
            raise t.TraitError(f"position must be None or between 0 and {n - 1}, not {value}")
        return value

    @t.observe("position")
    def _on_position(self, change: dict[str, Any]) -> None:
        if change["new"] is None:
            if self._source is not None and not self.paused:
                self.refresh()
            elif len(self._timeline.store):
                self.update_graph(self._timeline.store.get(-1))
        else:
            self.update_graph(self._timeline.store.get(change["new"]))

    def _record_state(self, graph: dict[str, Any], kind: str) -> None:
        self._shift_position(self._timeline.record(graph, kind))

    def _shift_position(self, dropped: int) -> None:
        """Keep showing the same state when old ones were dropped; publish the labels."""
        if dropped and self.position is not None:
            shown = self.position - dropped
            self.position = max(0, shown)  # the same state: no redraw
            if shown < 0:  # it fell off the start: show the oldest one kept
                self.update_graph(self._timeline.store.get(0))
        wire = self._timeline.wire()
        if wire != self._states:
            with self.hold_sync():
                self._states = wire
                self._dropped = self._timeline.store.dropped

    def _after_cell(self) -> None:
        """A cell ended: record the graph if it changed; pin it there if asked to."""
        if self._source is not None and self._timeline.dirty and not self.paused:
            self._throttle.cancel_timer()
            try:
                new = self._source()
            except Exception as err:  # noqa: BLE001 - never break the user's code
                new = {**self.graph, "notice": f"could not update the graph: {err!r}"}
            self._record_state(new, "cell")
            if self.position is None:
                self.update_graph(new)
        pin = self._timeline.take_pin()
        if pin is not None:
            self.position = pin

    # -- lifecycle ----------------------------------------------------------------

    def add_closer(self, fn: Callable[[], None]) -> None:
        """Call ``fn`` when the widget closes (e.g. to unsubscribe from the event bus)."""
        self._closers.append(fn)

    def close(self) -> None:
        """Unsubscribe from live updates and close the comm."""
        self._throttle.close()
        self._stop_live()
        _timeline_widgets.discard(self)
        self.close_steps()
        closers, self._closers = self._closers, []
        for fn in closers:
            try:
                fn()
            except Exception:  # noqa: BLE001, S110 - closing must not fail
                pass
        self._source = None
        super().close()

    # -- static fallback (nbconvert, GitHub) -----------------------------------------

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        self._timeline.displayed(self.as_of)  # as_of="cell": the cell that shows it now
        data, metadata = bundle
        data["text/plain"] = _static.text_summary(self.graph)
        svg = _static.static_svg(self.graph, rankdir=self.rankdir, show_saved=self.show_saved)
        if svg:
            data["image/svg+xml"] = svg
        return data, metadata

    def __repr__(self) -> str:
        n = len(self.graph.get("nodes", []))
        return f"GraphWidget({n} nodes, live={self.live})"


#: the open graph widgets, told when a cell ends (their timelines record it)
_timeline_widgets: weakref.WeakSet[GraphWidget] = weakref.WeakSet()


def _after_cell() -> None:
    for widget in list(_timeline_widgets):
        widget._after_cell()
