"""The notebook layer: the IPython extension, ``%load_ext autograd_widgets``.

Loading registers the magics of :mod:`autograd_widgets.notebook.magics`
(imported lazily, on load) and the per-cell hooks of
:mod:`autograd_widgets.widgets._cells`:

``%%no_grad`` / ``%%enable_grad``
    run exactly that cell in that grad mode, restored afterwards even when the
    cell raises or is interrupted;
``%grad_mode [on|off]``
    print, or set for the following cells (like a top-level
    ``torch.set_grad_enabled(False)``, which also lasts until changed);
``%%autograd_graph [--saved] [--values] [--rankdir LR] [--max-nodes N]``
    run the cell while recording and show the live graph of what it built;
``%%compare_torch [--seed N] [--rtol R] [--atol A]``
    run the cell with ``autograd_widgets`` and again, in a copy of the namespace,
    with real PyTorch, and show what differs (:mod:`.compare`);
``%autograd_language [en|zh|auto]``
    the widgets' language from now on (``autograd_widgets.set_language``);
    ``auto``: the notebook's metadata, else JupyterLab's language setting;
``%autograd_display [html|plain]``
    opt in to a compact HTML summary (with a "show graph" button) for tensors
    that require grad; off by default, so output stays identical to PyTorch's.

Loading twice is harmless; ``%unload_ext autograd_widgets`` removes every
magic, hook and formatter the extension added.

To load it in every IPython shell and Jupyter kernel, add to
``~/.ipython/profile_default/ipython_config.py``::

    c.InteractiveShellApp.extensions = ["autograd_widgets"]

This is the top layer: it uses the widgets and the graph; nothing below imports it.
"""

from __future__ import annotations

from typing import Any

from ..widgets._cells import _hooks, ensure_cell_hooks

#: magics the extension registers, by kind (``unload`` removes exactly these)
MAGICS = {
    "line": ("grad_mode", "autograd_display", "autograd_language"),
    "cell": ("no_grad", "enable_grad", "autograd_graph", "compare_torch"),
}


def load_ipython_extension(ipython: Any) -> None:
    """Register the magics and the per-cell hooks; a second call does nothing."""
    hooks = ensure_cell_hooks(ipython)
    if hooks is None or hooks.extension_loaded:
        return
    # Lazily: IPython's magic machinery loads only when the extension does.
    from .magics import GradModeMagics

    ipython.register_magics(GradModeMagics)
    hooks.extension_loaded = True


def unload_ipython_extension(ipython: Any) -> None:
    """Remove every magic, hook and display formatter the extension added."""
    hooks = _hooks.pop(ipython, None)
    if hooks is not None:
        hooks.uninstall()
        if hooks.rich_display:
            from .magics import set_rich_display  # loaded already: rich_display was set there

            set_rich_display(ipython, False)
    manager = ipython.magics_manager
    for kind, names in MAGICS.items():
        for name in names:
            fn = manager.magics[kind].get(name)
            if type(getattr(fn, "__self__", None)).__name__ == "GradModeMagics":
                del manager.magics[kind][name]
    manager.registry.pop("GradModeMagics", None)
