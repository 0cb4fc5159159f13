"""How big a graph the widget can draw (shared by ``draw``, ``GraphWidget`` and the magic;
imports nothing heavy)."""

from __future__ import annotations

#: the most nodes a widget draws.  Graphviz compiled to WebAssembly lays out in the
#: page's worker with a fixed stack: in Chromium 156 a 6,000-node op chain lays out
#: and a 7,000-node one fails with "Maximum call stack size exceeded" (deep graphs
#: fail first; node's bigger stack does 10,000).  Measured, with a margin.
MAX_DRAWN_NODES = 5000


def max_nodes_error(value: int, name: str = "max_nodes") -> str | None:
    """Why ``max_nodes=value`` cannot be drawn, and what to do instead (None: it can).

    ``name`` is how the caller spells the option (``--max-nodes`` for the magic).
    """
    if value < 1:
        return f"{name} must be at least 1, not {value}"
    if value > MAX_DRAWN_NODES:
        return (
            f"{name}={value} is more than the widget can lay out (at most "
            f"{MAX_DRAWN_NODES}: Graphviz in the browser runs out of stack on bigger graphs). "
            "Draw a part of the graph (draw() an intermediate tensor, or %%autograd_graph "
            "around fewer steps), or make a static picture of all of it with "
            "GraphModel.from_tensors(t, max_nodes=None).to_svg() (needs the Graphviz "
            "'dot' program)."
        )
    return None
