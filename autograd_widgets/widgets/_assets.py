"""The built front end: where it lives and a clear error when it is missing."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"

#: the small ES module sent with every widget (anywidget's ``_esm``)
WIDGET_ESM = "graph_widget.js"
#: sent once per page, on request: the view and the Graphviz layout worker
VIEW = "graph_view.js"
WORKER = "graph_layout_worker.js"

BUILD_HINT = (
    "The autograd_widgets front end has not been built. From a source checkout run\n"
    "    npm --prefix js install && npm --prefix js run build\n"
    "or reinstall the package with `pip install -e .` (needs Node.js), "
    "or install a released wheel, which includes it."
)


class FrontEndMissingError(RuntimeError):
    """The JavaScript bundle under ``autograd_widgets/static/`` is missing."""


def _read(name: str) -> bytes:
    path = STATIC / name
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FrontEndMissingError(f"{path} not found.\n{BUILD_HINT}") from None


def widget_esm() -> str:
    """The widget's ES module text (read fresh: cheap, and picks up rebuilds)."""
    return _read(WIDGET_ESM).decode("utf-8")


@cache
def page_assets() -> tuple[bytes, bytes]:
    """(view module, layout worker) as bytes, sent as binary comm buffers."""
    return _read(VIEW), _read(WORKER)


@cache
def assets_hash() -> str:
    """The build hash of the page assets, as ``js/build.mjs`` computes it (the widget
    module compares it with the one it was built with)."""
    view, worker = page_assets()
    return hashlib.sha256(worker + view).hexdigest()[:16]
