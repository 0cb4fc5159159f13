"""DOT and SVG for a wire graph, in the shared palette (``palette.json``).

:func:`to_dot` builds a ``graphviz.Digraph`` (the ``graphviz`` Python package
is imported here, lazily) with HTML-like labels: name, op, shape and,
optionally, values and ``.grad``. Node ids in the DOT are the model's ids, so
the text is stable for snapshot tests. :func:`to_svg` runs a ``dot``
executable; the live widget never needs one (it ships Graphviz as WebAssembly).

Palette (torchviz's colours): leaves light blue, outputs green, saved tensors
orange, backward nodes grey; executed in the last backward: a thick purple
outline; recorded under no_grad: dashed and faded; NaN/Inf: red.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

PALETTE_PATH = Path(__file__).resolve().parent / "palette.json"
RANKDIRS = ("TB", "LR", "BT", "RL")
DOT_TIMEOUT_S = 60.0
VALUE_LINES = 6
VALUE_WIDTH = 48

DOT_MISSING = (
    "GraphModel.to_svg() needs the Graphviz 'dot' program on PATH, and none was found. "
    "Install Graphviz: 'sudo apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' "
    "(macOS), 'conda install -c conda-forge graphviz', or see https://graphviz.org/download/. "
    "The live widget does not need it (it renders with Graphviz compiled to WebAssembly); "
    "GraphModel.to_dot() gives the DOT source without it."
)


class DotNotFoundError(RuntimeError):
    """No ``dot`` executable on PATH (see :data:`DOT_MISSING`)."""


@cache
def palette() -> dict:
    """The colours shared with the front end (``autograd_widgets/graph/palette.json``)."""
    return json.loads(PALETTE_PATH.read_text(encoding="utf-8"))


#: C0 controls and DEL -> their Unicode "control pictures" (NUL -> U+2400 ...): a NUL
#: ends Graphviz's string early and \x01 makes the SVG invalid XML (js/src/dot.js does the same)
_CONTROLS = {c: 0x2400 + c for c in range(0x20)} | {0x7F: 0x2421}


def _esc(text) -> str:
    """Text for an HTML-like label: markup escaped, control characters made visible."""
    return (
        str(text)
        .translate(_CONTROLS)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def _shape(shape) -> str:
    if shape is None:
        return ""
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(s) for s in shape) + ")"


def _block(text: str) -> str:
    lines = str(text).split("\n")
    if len(lines) > VALUE_LINES:
        lines = lines[: VALUE_LINES - 1] + ["..."]
    lines = [ln if len(ln) <= VALUE_WIDTH else ln[: VALUE_WIDTH - 1] + "…" for ln in lines]
    body = '<BR ALIGN="LEFT"/>'.join(_esc(ln) for ln in lines)
    return f'<FONT FACE="monospace" POINT-SIZE="9">{body}<BR ALIGN="LEFT"/></FONT>'


def node_label(node: dict, show_values: bool = False) -> str:
    """The HTML-like label of one wire node."""
    kind = node.get("kind")
    t = node.get("tensor") or None
    rows: list[str] = []
    name = node.get("name")
    if kind == "backward":
        rows.append(f"<B>{_esc(node.get('label'))}</B>")
        if name:
            rows.append(f"<I>{_esc(name)}</I>")
    elif kind == "leaf":
        rows.append(f"<B>{_esc(name or 'leaf')}</B>")
    elif kind == "more":
        rows.append(_esc(node.get("label") or f"+{node.get('more_count')} more"))
    else:  # tensor, saved
        rows.append(f"<B>{_esc(name or node.get('label') or kind)}</B>")
        if kind == "saved" and name and node.get("label"):
            rows.append(f"<I>{_esc(node['label'])}</I>")
    if t is not None and kind != "more":
        rows.append(f'<FONT POINT-SIZE="9">{_esc(_shape(t.get("shape")))}</FONT>')
        if show_values and t.get("value") is not None:
            rows.append(_block(t["value"]))
        if t.get("grad") is not None and (show_values or kind == "leaf"):
            rows.append('<FONT POINT-SIZE="9">grad</FONT>')
            rows.append(_block(t["grad"]))
    if node.get("executed_order") is not None:
        rows.append(f'<FONT POINT-SIZE="8">ran #{node["executed_order"] + 1}</FONT>')
    cells = "".join(f'<TR><TD BALIGN="LEFT">{r}</TD></TR>' for r in rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{cells}</TABLE>>'


def _bad(t) -> bool:
    return bool(t) and any(t.get(k) for k in ("has_nan", "has_inf", "grad_has_nan", "grad_has_inf"))


def node_attrs(node: dict, pal: dict | None = None) -> dict:
    """Colours and shape of one wire node: its kind, then executed / no_grad / NaN overrides."""
    pal = pal or palette()
    kind = node.get("kind") if node.get("kind") in pal["kinds"] else "backward"
    a = {k: str(v) for k, v in pal["kinds"][kind].items()}
    if node.get("external"):
        a["style"] = a.get("style", "filled") + ",dashed"
    if node.get("no_grad"):
        a.update({k: str(v) for k, v in pal["no_grad"].items()})
        if "filled" not in a["style"]:
            a["style"] = "filled," + a["style"]
    if _bad(node.get("tensor")):
        a.update({k: str(v) for k, v in pal["nan"].items()})
    if node.get("executed_order") is not None:
        a.update({k: str(v) for k, v in pal["executed"].items()})
    return a


def layout_budget(node_count: int, pal: dict | None = None) -> dict:
    """Graph attributes that bound Graphviz's work on a graph of ``node_count`` drawn nodes.

    None below ``palette.json``'s ``layout_budget.min_nodes`` (small graphs' DOT
    is unchanged), else ``layout_budget.graph``: the same rule as the front
    end's ``js/src/dot.js:layoutBudget``.
    """
    b = (pal or palette()).get("layout_budget")
    if not b or node_count < b["min_nodes"]:
        return {}
    return {k: str(v) for k, v in b["graph"].items()}


def _legend(dot, pal: dict) -> None:
    samples = [
        ("backward", "backward (grad_fn)", {}),
        ("leaf", "leaf (AccumulateGrad)", {}),
        ("tensor", "output tensor", {}),
        ("saved", "saved for backward", {}),
        ("backward", "ran in last backward", {"executed_order": 0}),
        ("backward", "under no_grad", {"no_grad": True}),
        ("backward", "NaN / Inf", {"tensor": {"has_nan": True}}),
        ("more", "+N more", {}),
    ]
    with dot.subgraph(name="cluster_legend") as sub:
        sub.attr(label="legend", fontsize="10", color="#bbbbbb", style="dashed")
        prev = None
        for i, (kind, text, extra) in enumerate(samples):
            nid = f"legend{i}"
            attrs = node_attrs({"kind": kind, **extra}, pal)
            sub.node(nid, label=text, fontsize="9", **attrs)
            if prev is not None:
                sub.edge(prev, nid, style="invis")
            prev = nid


def to_dot(
    graph: dict,
    rankdir: str = "TB",
    show_values: bool = False,
    show_saved: bool = True,
    legend: bool = True,
):
    """A ``graphviz.Digraph`` of the wire graph ``graph``.

    Parameters
    ----------
    graph : dict
        The wire dict (``GraphModel.to_json()``).
    rankdir : {"TB", "LR", "BT", "RL"}
        Layout direction (inputs at the top for "TB", as torchviz draws).
    show_values : bool
        Print the values (and ``.grad``) inside the nodes.
    show_saved : bool
        Draw the saved-tensor nodes.
    legend : bool
        Add a legend cluster.
    """
    try:
        import graphviz
    except ImportError as exc:  # pragma: no cover - graphviz is a dependency
        raise ImportError(
            "GraphModel.to_dot() needs the graphviz package: pip install graphviz"
        ) from exc
    rankdir = str(rankdir).upper()
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {RANKDIRS}, not {rankdir!r}")
    pal = palette()
    font = pal["font"]
    drawn = [n for n in graph.get("nodes", []) if show_saved or n.get("kind") != "saved"]
    dot = graphviz.Digraph(
        name="autograd",
        graph_attr={
            "rankdir": rankdir,
            "bgcolor": str(pal["graph"]["bgcolor"]),
            "nodesep": str(pal["graph"]["nodesep"]),
            "ranksep": str(pal["graph"]["ranksep"]),
            **layout_budget(len(drawn), pal),
        },
        node_attr={"fontname": font["name"], "fontsize": str(font["size"]), "margin": "0.08,0.04"},
        edge_attr={"arrowsize": str(pal["edge"]["arrowsize"])},
    )
    shown = set()
    for n in drawn:
        shown.add(n["id"])
        dot.node(n["id"], label=node_label(n, show_values), **node_attrs(n, pal))
    for e in graph.get("edges", []):
        if e["source"] not in shown or e["target"] not in shown:
            continue
        kind = e.get("kind", "next")
        attrs = {"color": str(pal["edge"].get(kind, pal["edge"]["next"]))}
        if kind == "saved" or e.get("no_grad"):
            attrs["style"] = "dashed"
        if e.get("no_grad"):
            attrs["color"] = str(pal["no_grad"]["color"])
        dot.edge(e["source"], e["target"], **attrs)
    if graph.get("notice"):
        # an HTML-like label: a notice ending in a backslash cannot unterminate a quoted string
        dot.attr(
            label=f"<{_esc(graph['notice'])}>", labelloc="b", fontsize="9", fontcolor="#555555"
        )
    if legend:
        _legend(dot, pal)
    return dot


def dot_executable() -> str | None:
    return shutil.which("dot")


def to_svg(dot, timeout: float = DOT_TIMEOUT_S) -> str:
    """Render a ``graphviz.Digraph`` (or DOT text) to SVG text with the ``dot`` program.

    Raises ``subprocess.TimeoutExpired`` (``dot`` killed) after ``timeout`` seconds.
    """
    exe = dot_executable()
    if exe is None:
        raise DotNotFoundError(DOT_MISSING)
    source = dot if isinstance(dot, str) else dot.source
    proc = subprocess.run(
        [exe, "-Tsvg"],
        input=source.encode("utf-8"),
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"dot failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[:500]}"
        )
    return proc.stdout.decode("utf-8")
