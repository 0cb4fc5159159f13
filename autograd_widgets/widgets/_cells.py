"""Per-cell hooks: grad mode chosen between cells, and callbacks after each cell.

The widgets need them without ``%load_ext``: :class:`GradModeToggle` asks for a
grad mode with :func:`request_grad_mode`, which the ``pre_run_cell`` hook
applies before the next cell (never in the middle of one), and widgets re-sync
after each cell through :func:`add_cell_listener`. The notebook layer
(:mod:`autograd_widgets.notebook`: ``%load_ext``, the magics) installs the same
hooks and builds on them; this module never imports it.
"""

from __future__ import annotations

import threading
import warnings
import weakref
from collections.abc import Callable
from typing import Any

from ..autograd.grad_mode import set_grad_enabled, state

_after_cell: list[Callable[[], None]] = []


class CellHooks:
    """``pre_run_cell`` / ``post_run_cell`` hooks of one shell.

    ``pending`` is a grad mode requested from outside a cell (a toggle click);
    ``pre_run_cell`` applies it, so it takes effect for the next cell.
    """

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.pending: bool | None = None
        self.running = False
        self.extension_loaded = False
        self.rich_display = False
        # Grad mode is thread-local: remember the cells' thread and its mode, so a
        # widget message handled on another thread still sees the notebook's mode.
        self.thread = threading.current_thread()
        self.mode = state.enabled
        #: weak reference to the GraphWidget the last ``%%autograd_graph`` showed
        self.last_graph: Callable[[], Any] = lambda: None
        #: execution count of the running (or last) cell; IPython counts up before
        #: running a cell that goes to the history, so hooks installed by a cell see
        #: one more than that cell's own number
        self.count: int = int(getattr(shell, "execution_count", 1) or 1) - 1

    def pre_run_cell(self, info: Any = None) -> None:
        self.running = True
        self.thread = threading.current_thread()
        count = int(getattr(self.shell, "execution_count", 0) or 0)
        self.count = count - 1 if getattr(info, "store_history", True) else count
        pending, self.pending = self.pending, None
        if pending is not None:
            set_grad_enabled(pending)

    def post_run_cell(self, result: Any = None) -> None:
        self.running = False
        self.mode = state.enabled
        self.count = getattr(result, "execution_count", None) or self.count
        for fn in tuple(_after_cell):
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - a widget must never break the user's cell
                warnings.warn(
                    f"autograd_widgets: after-cell callback {fn!r} raised {exc!r}",
                    RuntimeWarning,
                    stacklevel=1,
                )

    def install(self) -> None:
        events = self.shell.events
        if self.pre_run_cell not in events.callbacks["pre_run_cell"]:
            events.register("pre_run_cell", self.pre_run_cell)
        if self.post_run_cell not in events.callbacks["post_run_cell"]:
            events.register("post_run_cell", self.post_run_cell)

    def uninstall(self) -> None:
        for name, fn in (
            ("pre_run_cell", self.pre_run_cell),
            ("post_run_cell", self.post_run_cell),
        ):
            if fn in self.shell.events.callbacks[name]:
                self.shell.events.unregister(name, fn)
        self.pending = None
        self.running = False


_hooks: weakref.WeakKeyDictionary[Any, CellHooks] = weakref.WeakKeyDictionary()


def _shell(shell: Any = None) -> Any:
    if shell is not None:
        return shell
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is there whenever widgets are
        return None
    return get_ipython()


def hooks_for(shell: Any = None) -> CellHooks | None:
    """The installed hooks of ``shell`` (default: the running one), or None."""
    shell = _shell(shell)
    return None if shell is None else _hooks.get(shell)


def ensure_cell_hooks(shell: Any = None) -> CellHooks | None:
    """Install the per-cell hooks on ``shell`` (default: the running one) once.

    Returns None outside IPython (plain scripts have no cells).
    """
    shell = _shell(shell)
    if shell is None or not hasattr(shell, "events"):
        return None
    hooks = _hooks.get(shell)
    if hooks is None:
        hooks = _hooks[shell] = CellHooks(shell)
    hooks.install()
    return hooks


def request_grad_mode(mode: bool, shell: Any = None) -> bool:
    """Ask for grad mode ``mode`` from the next cell on.

    Inside IPython the change waits for the ``pre_run_cell`` hook (so a click
    never flips the mode in the middle of a running cell); elsewhere it
    applies at once. Returns True when the change is pending.
    """
    hooks = ensure_cell_hooks(shell)
    mode = bool(mode)
    if hooks is None:
        set_grad_enabled(mode)
        return False
    hooks.pending = None if mode == current_grad_mode(shell) else mode
    return hooks.pending is not None


def current_grad_mode(shell: Any = None) -> bool:
    """Grad mode in the thread that runs the cells (``is_grad_enabled()`` is thread-local)."""
    hooks = hooks_for(shell)
    if hooks is None or threading.current_thread() is hooks.thread:
        return state.enabled
    return hooks.mode


def pending_grad_mode(shell: Any = None) -> bool | None:
    """The grad mode waiting for the next cell, or None."""
    hooks = hooks_for(shell)
    return None if hooks is None else hooks.pending


def cell_running(shell: Any = None) -> bool:
    """True between a cell's ``pre_run_cell`` and ``post_run_cell``."""
    hooks = hooks_for(shell)
    return bool(hooks and hooks.running)


def add_cell_listener(fn: Callable[[], None]) -> None:
    """Call ``fn()`` after every cell (widgets re-sync there). Use module-level functions."""
    if fn not in _after_cell:
        _after_cell.append(fn)
