"""Where a node came from: the user's source expression behind each ``grad_fn``.

While a recorder or a live graph listens, :func:`remember` notes, for each new node
(or ghost), the code object and bytecode offset of the first frame outside
autograd_widgets: the user's line that ran the op. It is kept on the node itself (the
``_where`` slot, left unset otherwise), so it lives and dies with the node. Nothing is
read then; the text is looked up only when a model is built (:func:`expression`). On Python 3.11+ the
instruction's column span gives the exact sub-expression (``x ** 2`` inside
``out = (x ** 2 * 3).mean()``); on 3.10 the whole line.

Only code whose source ``linecache`` can find gives an expression: files, and
IPython cells (IPython registers each cell there).
"""

from __future__ import annotations

import functools
import itertools
import linecache
import sys

#: the longest expression kept (longer ones are cut with an ellipsis)
MAX_CHARS = 80

_PACKAGE = __name__.split(".")[0]


def remember(obj) -> None:
    """Note the user's frame that is creating ``obj`` (a node or a ghost)."""
    # Up the stack: past the listener, through autograd_widgets (emit, the op, nn...), to
    # the first frame outside it.
    f = sys._getframe(1)
    inside = False
    while f is not None:
        mod = f.f_globals.get("__name__") or ""
        if mod == _PACKAGE or mod.startswith(_PACKAGE + "."):
            inside = True
        elif inside:
            break
        f = f.f_back
    if f is None:
        return
    try:
        obj._where = (f.f_code, f.f_lasti, f.f_lineno)
    except AttributeError:  # not one of ours (a real torch grad_fn)
        pass


def expression(obj) -> str | None:
    """The source text of the expression that created ``obj``, or None when unknown."""
    hit = getattr(obj, "_where", None)
    if hit is None:
        return None
    return _text(*hit)


@functools.lru_cache(maxsize=4096)
def _text(code, lasti: int, lineno: int | None) -> str | None:
    lines = linecache.getlines(code.co_filename)
    if not lines:
        return None
    text = None
    positions = getattr(code, "co_positions", None)
    if positions is not None and lasti >= 0:
        pos = next(itertools.islice(positions(), lasti // 2, None), None)
        if pos is not None and None not in pos:
            text = _span(lines, *pos)
    if text is None and lineno is not None and 0 < lineno <= len(lines):
        text = lines[lineno - 1].strip()
    if not text:
        return None
    text = " ".join(text.split())
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - 1] + "…"
    return text


def _span(lines: list, line0: int, line1: int, col0: int, col1: int) -> str | None:
    """Source between (line0, col0) and (line1, col1); columns are UTF-8 byte offsets."""
    if not (0 < line0 <= line1 <= len(lines)):
        return None
    if line0 == line1:
        return lines[line0 - 1].encode()[col0:col1].decode(errors="replace").strip()
    parts = [lines[line0 - 1].encode()[col0:].decode(errors="replace")]
    parts += lines[line0 : line1 - 1]
    parts.append(lines[line1 - 1].encode()[:col1].decode(errors="replace"))
    return " ".join(p.strip() for p in parts)
