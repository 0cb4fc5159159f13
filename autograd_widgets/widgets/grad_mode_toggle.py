"""``GradModeToggle``: see and flip grad mode for the cells you run next.

A click never changes the mode under a running cell: it asks for the mode
(:func:`autograd_widgets.ipython.request_grad_mode`) and IPython's
``pre_run_cell`` hook applies it before the next cell starts. The toggle
follows changes made by code and magics (``torch.set_grad_enabled(False)``,
``%grad_mode off``): it hears the ``grad_mode`` event and re-syncs after each
cell. All toggles in a notebook show the same state.
"""

from __future__ import annotations

import weakref
from typing import Any

import anywidget
import traitlets as t

from ..autograd import events
from . import _assets
from . import _cells as _ext
from ._i18n import LanguageTraits

#: live toggles; a toggle that is closed or collected drops out
_toggles: weakref.WeakSet[GradModeToggle] = weakref.WeakSet()


def _current() -> tuple[bool, bool]:
    """(grad mode of the next cell, whether that is a pending request)."""
    pending = _ext.pending_grad_mode()
    if pending is not None:
        return pending, True
    return _ext.current_grad_mode(), False


def sync_all() -> None:
    """Show the current grad mode in every toggle."""
    enabled, pending = _current()
    for toggle in list(_toggles):
        toggle._show(enabled, pending)


def _on_event(kind: str, payload: dict[str, Any]) -> None:
    if kind != "grad_mode":
        return
    if not _toggles:
        events.remove_listener(_on_event)
        return
    # Inside a cell, `with no_grad():` blocks flip the mode back and forth; the
    # toggle shows the mode for the *next* cells, so it waits for post_run_cell.
    if not _ext.cell_running():
        sync_all()


class GradModeToggle(LanguageTraits, anywidget.AnyWidget):
    """A switch for PyTorch's grad mode that applies from the next cell on.

    ``GradModeToggle()`` as the last expression of a cell shows it. Clicking
    it (or setting ``enabled`` from Python) is like running
    ``torch.set_grad_enabled(mode)`` at the top of the next cell. Without
    IPython (a plain script) the change applies at once.
    """

    _esm = _assets._read("grad_mode_toggle.js").decode("utf-8")

    enabled = t.Bool(True, help="Grad mode for the next cells (set it, or click, to flip it).").tag(
        sync=True
    )
    pending = t.Bool(False, help="True while a change waits for the next cell (read-only).").tag(
        sync=True
    )
    label = t.Unicode(
        "",
        help='Text shown before the on/off state (empty: "grad mode" in the widget\'s language).',
    ).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        wanted = kwargs.pop("enabled", None)
        kwargs.pop("pending", None)
        self._syncing = True
        enabled, pending = _current()
        super().__init__(enabled=enabled, pending=pending, **kwargs)
        self._syncing = False
        _ext.ensure_cell_hooks()
        _ext.add_cell_listener(sync_all)
        _toggles.add(self)
        events.add_listener(_on_event, kinds=("grad_mode",))
        if wanted is not None and bool(wanted) != enabled:
            self._request(bool(wanted))

    def _show(self, enabled: bool, pending: bool) -> None:
        self._syncing = True
        try:
            with self.hold_sync():
                self.enabled = enabled
                self.pending = pending
        finally:
            self._syncing = False

    @t.observe("enabled")
    def _on_enabled(self, change: dict[str, Any]) -> None:
        if not self._syncing:
            self._request(change["new"])

    def _request(self, mode: bool) -> None:
        _ext.request_grad_mode(mode)
        sync_all()

    def close(self) -> None:
        _toggles.discard(self)
        if not _toggles:
            events.remove_listener(_on_event)
        super().close()

    def __repr__(self) -> str:
        enabled, pending = self.enabled, self.pending
        when = "from the next cell" if pending else "now"
        return f"GradModeToggle(grad mode {'on' if enabled else 'off'} {when})"
