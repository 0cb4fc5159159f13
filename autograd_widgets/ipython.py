"""The IPython extension: ``%load_ext autograd_widgets``.

Loading registers the magics of :mod:`autograd_widgets._magics` (imported
lazily, on load) and the per-cell hooks:

``%%no_grad`` / ``%%enable_grad``
    run exactly that cell in that grad mode, restored afterwards even when the
    cell raises or is interrupted;
``%grad_mode [on|off]``
    print, or set for the following cells (like a top-level
    ``torch.set_grad_enabled(False)``, which also lasts until changed);
``%%autograd_graph [--saved] [--values] [--rankdir LR] [--max-nodes N]``
    run the cell while recording and show the live graph of what it built;
``%autograd_display [html|plain]``
    opt in to a compact HTML summary (with a "show graph" button) for tensors
    that require grad; off by default, so output stays identical to PyTorch's.

Loading twice is harmless; ``%unload_ext autograd_widgets`` removes every
magic, hook and formatter the extension added.

To load it in every IPython shell and Jupyter kernel, add to
``~/.ipython/profile_default/ipython_config.py``::

    c.InteractiveShellApp.extensions = ["autograd_widgets"]

The per-cell machinery is shared with the widgets: :class:`GradModeToggle`
asks for a grad mode with :func:`request_grad_mode`, which the
``pre_run_cell`` hook applies before the next cell (never in the middle of
one), and widgets re-sync after each cell through :func:`add_cell_listener`.
"""

from __future__ import annotations

import threading
import warnings
import weakref
from collections.abc import Callable
from typing import Any

from .autograd.grad_mode import set_grad_enabled, state

#: magics the extension registers, by kind (``unload`` removes exactly these)
MAGICS = {
    "line": ("grad_mode", "autograd_display"),
    "cell": ("no_grad", "enable_grad", "autograd_graph"),
}

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

    def pre_run_cell(self, info: Any = None) -> None:
        self.running = True
        self.thread = threading.current_thread()
        pending, self.pending = self.pending, None
        if pending is not None:
            set_grad_enabled(pending)

    def post_run_cell(self, result: Any = None) -> None:
        self.running = False
        self.mode = state.enabled
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


def load_ipython_extension(ipython: Any) -> None:
    """Register the magics and the per-cell hooks; a second call does nothing."""
    hooks = ensure_cell_hooks(ipython)
    if hooks is None or hooks.extension_loaded:
        return
    from ._magics import GradModeMagics

    ipython.register_magics(GradModeMagics)
    hooks.extension_loaded = True


def unload_ipython_extension(ipython: Any) -> None:
    """Remove every magic, hook and display formatter the extension added."""
    hooks = _hooks.pop(ipython, None)
    if hooks is not None:
        hooks.uninstall()
        if hooks.rich_display:
            from ._magics import set_rich_display

            set_rich_display(ipython, False)
    manager = ipython.magics_manager
    for kind, names in MAGICS.items():
        for name in names:
            fn = manager.magics[kind].get(name)
            if type(getattr(fn, "__self__", None)).__name__ == "GradModeMagics":
                del manager.magics[kind][name]
    manager.registry.pop("GradModeMagics", None)
