"""What a graph widget shows where no widget front end runs (nbconvert, GitHub):
an SVG made by a ``dot`` binary when one is on PATH, else a text summary."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

#: graphs bigger than this get the text summary only (``dot`` would stall the kernel)
STATIC_SVG_MAX_NODES = 300
DOT_TIMEOUT_S = 10.0

_PALETTE = Path(__file__).resolve().parent.parent / "graph" / "palette.json"


def text_summary(graph: dict[str, Any]) -> str:
    """A few lines a reader can take in without the widget."""
    nodes = graph.get("nodes", [])
    if not nodes:
        return f"autograd graph: empty ({graph.get('notice') or 'no nodes'})"
    ops = Counter(n.get("label") for n in nodes if n.get("kind") == "backward")
    leaves = [n.get("name") or "leaf" for n in nodes if n.get("kind") == "leaf"]
    lines = [f"autograd graph: {len(nodes)} nodes, {len(graph.get('edges', []))} edges"]
    if ops:
        lines.append("  grad_fn: " + ", ".join(f"{k} x{v}" if v > 1 else k for k, v in ops.items()))
    if leaves:
        lines.append("  leaves: " + ", ".join(leaves[:20]) + (" ..." if len(leaves) > 20 else ""))
    if graph.get("backward_passes"):
        lines.append(f"  backward passes: {graph['backward_passes']}")
    if graph.get("truncated"):
        lines.append(f"  {graph['truncated']} nodes not shown")
    if graph.get("notice"):
        lines.append(f"  note: {graph['notice']}")
    return "\n".join(lines)


@cache
def palette() -> dict[str, Any]:
    return json.loads(_PALETTE.read_text(encoding="utf-8"))


def _q(text: Any) -> str:
    s = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{s}"'


def _label(node: dict[str, Any]) -> str:
    t = node.get("tensor") or {}
    kind = node.get("kind")
    if kind == "backward":
        lines = [node.get("label") or "?"]
    elif kind == "more":
        lines = [node.get("label") or f"+{node.get('more_count')} more"]
    else:
        lines = [node.get("name") or node.get("label") or kind or "?"]
    if t.get("shape") is not None and kind != "backward":
        shape = t["shape"]
        lines.append(
            f"({shape[0]},)" if len(shape) == 1 else "(" + ", ".join(map(str, shape)) + ")"
        )
    if kind == "leaf" and t.get("grad"):
        grad = " ".join(str(t["grad"]).split())
        lines.append("grad " + (grad if len(grad) <= 40 else grad[:39] + "…"))
    return "\n".join(lines)


def graph_to_dot(graph: dict[str, Any], rankdir: str = "TB", show_saved: bool = True) -> str:
    """A plain DOT rendering of a wire graph, in the shared palette.

    The live widget builds its DOT in ``js/src/dot.js``; this is the static twin
    for ``dot`` on the kernel's machine.
    """
    pal = palette()
    font = pal["font"]
    out = [
        "digraph G {",
        f'  graph [rankdir={rankdir}, bgcolor="{pal["graph"]["bgcolor"]}"];',
        f'  node [fontname="{font["name"]}", fontsize={font["size"]}, height=0.3];',
        f'  edge [color="{pal["edge"]["next"]}", arrowsize={pal["edge"]["arrowsize"]}];',
    ]
    ids = set()
    for n in graph.get("nodes", []):
        if n.get("kind") == "saved" and not show_saved:
            continue
        ids.add(n["id"])
        attrs = dict(pal["kinds"].get(n.get("kind"), pal["kinds"]["backward"]))
        if n.get("no_grad"):
            attrs.update(pal["no_grad"])
        if n.get("executed_order") is not None:
            attrs.update(pal["executed"])
        t = n.get("tensor") or {}
        if any(t.get(k) for k in ("has_nan", "has_inf", "grad_has_nan", "grad_has_inf")):
            attrs.update(pal["nan"])
        attrs["label"] = _label(n)
        out.append(
            f"  {_q(n['id'])} [" + ", ".join(f"{k}={_q(v)}" for k, v in attrs.items()) + "];"
        )
    for e in graph.get("edges", []):
        if e["source"] in ids and e["target"] in ids:
            saved = e.get("kind") == "saved"
            style = f' [color="{pal["edge"]["saved"]}", style="dashed"]' if saved else ""
            out.append(f"  {_q(e['source'])} -> {_q(e['target'])}{style};")
    out.append("}")
    return "\n".join(out)


def static_svg(graph: dict[str, Any], rankdir: str = "TB", show_saved: bool = True) -> str | None:
    """SVG from the ``dot`` binary, or None (no ``dot``, too big, or it failed)."""
    nodes = graph.get("nodes", [])
    if not nodes or len(nodes) > STATIC_SVG_MAX_NODES:
        return None
    exe = shutil.which("dot")
    if exe is None:
        return None
    try:
        proc = subprocess.run(
            [exe, "-Tsvg"],
            input=graph_to_dot(graph, rankdir, show_saved).encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    svg = proc.stdout.decode("utf-8", "replace")
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else None
