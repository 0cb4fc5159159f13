"""What a graph widget shows where no widget front end runs (nbconvert, GitHub):
an SVG made by a ``dot`` binary when one is on PATH, else a text summary."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from autograd_widgets.graph import dot as graph_dot

#: graphs bigger than this get the text summary only (``dot`` would stall the kernel)
STATIC_SVG_MAX_NODES = 300
#: ``display()`` waits at most this long for ``dot``, then shows the text summary: some
#: graphs under the node cap take ``dot`` minutes (ops that all reuse the same leaves,
#: like an unrolled RNN: a 298-node one blocked the kernel 25-45 s)
STATIC_SVG_TIMEOUT_S = 2.0


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


def static_svg(graph: dict[str, Any], rankdir: str = "TB", show_saved: bool = True) -> str | None:
    """SVG from the ``dot`` binary, or None (no ``dot``, too big, or it failed).

    The DOT comes from :func:`autograd_widgets.graph.dot.to_dot`, in the palette
    the live widget uses (``graph/palette.json``).
    """
    nodes = graph.get("nodes", [])
    if not nodes or len(nodes) > STATIC_SVG_MAX_NODES:
        return None
    try:
        if graph_dot.dot_executable() is None:
            return None
        svg = graph_dot.to_svg(
            graph_dot.to_dot(graph, rankdir=rankdir, show_saved=show_saved, legend=False),
            timeout=STATIC_SVG_TIMEOUT_S,
        )
    except Exception:  # noqa: BLE001 - a static fallback must never break display
        return None
    start = svg.find("<svg")
    return minify_svg(svg[start:]) if start >= 0 else None


_NUMBER = re.compile(r"-?\d+\.\d+")
_TEXT_TAG = re.compile(r"<text\b[^>]*>")
_SHARED = ("font-family", "text-anchor", "font-size", "fill")


def minify_svg(svg: str) -> str:
    """Shrink Graphviz SVG for the notebook file (to about 60%).

    Drops comments, ``<title>`` elements and node/edge ids, moves text
    attributes that every ``<text>`` shares into one ``<style>`` rule, rounds
    coordinates to whole points and squeezes whitespace between tags.
    """
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.S)
    svg = re.sub(r' id="(node|edge)\d+"', "", svg)
    tags = _TEXT_TAG.findall(svg)
    rules = []
    for attr in _SHARED:
        values = {
            m.group(1) if m else None for m in (re.search(f' {attr}="([^"]*)"', t) for t in tags)
        }
        if len(values) == 1 and None not in values:
            value = values.pop()
            svg = (
                svg.replace(f' {attr}="{value}"', "")
                if attr != "fill"
                else _TEXT_TAG.sub(lambda m, v=value: m.group().replace(f' fill="{v}"', ""), svg)
            )
            rules.append(f"{attr}:{value}")
    if rules:
        svg = re.sub(
            r"(<svg[^>]*>)",
            lambda m: m.group(1) + "<style>text{" + ";".join(rules) + "}</style>",
            svg,
            count=1,
        )
    svg = _NUMBER.sub(lambda m: str(round(float(m.group()))), svg)
    return re.sub(r">\s+<", "><", svg).strip()
