"""``draw(*tensors)``: torchviz's ``make_dot``, as a live widget."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from autograd_widgets.graph import LiveGraph
from autograd_widgets.graph.steps import BackwardSteps

from .._language import check_language
from ._limits import max_nodes_error
from .graph_widget import GraphWidget


def _is_tensor(obj: Any) -> bool:
    return hasattr(obj, "grad_fn") and hasattr(obj, "requires_grad") and hasattr(obj, "shape")


class _Source:
    """The graph behind the drawn tensors, from :class:`autograd_widgets.graph.LiveGraph`.

    While the widget is live the LiveGraph listens to the event bus; with
    ``live=False`` it is closed (no cost per op) and only rebuilt on request.
    Node ids stay stable across the switch.  Only weak references are held.
    """

    def __init__(
        self, tensors: tuple[Any, ...], names: Any, module: Any, follow: bool, live: bool
    ) -> None:
        self._make = lambda roots: LiveGraph(*roots, names=names, module=module, follow=follow)
        # one walk of the graph, listening from the start when live; the widget's
        # subscribe() sets the callback (each event that changes the graph calls it)
        self.graph = self._make(tensors)

        # the backward passes through the graph, node by node (step-through backward)
        self.steps = BackwardSteps(self.graph.ids, contains=self._contains)
        self.graph.steps = self.steps  # real torch emits no events: its hooks feed it
        if not live:
            self.graph.close()
            self.steps.close()
        self.widget: Callable[[], GraphWidget | None] = lambda: None

    def build(self) -> dict[str, Any]:
        w = self.widget()
        max_nodes = w.max_nodes if w is not None else None
        return self.graph.to_json(max_nodes=max_nodes)

    def _contains(self, node: Any) -> bool:
        return self.graph._contains_node(node)

    def subscribe(self, changed: Callable[..., None]) -> Callable[[], None]:
        old = self.graph
        if not old.active:
            roots = old.roots
            if not roots:
                return lambda: None  # nothing left to follow
            self.graph = self._make(roots)
            self.graph.ids = old.ids  # keep node ids (and so `selected`) stable
        graph = self.graph
        # the widget hears which kind of change it was (a backward pass gets its own state)
        graph.callback = lambda: changed(graph.last_change)
        graph.steps = self.steps
        self.steps.ids = graph.ids
        self.steps.open()

        def unsubscribe() -> None:
            graph.callback = None
            graph.close()
            self.steps.close()

        return unsubscribe


def draw(
    *tensors: Any,
    names: Any = None,
    module: Any = None,
    show_saved: bool = True,
    show_values: bool = False,
    rankdir: str = "TB",
    max_nodes: int = 500,
    live: bool = True,
    follow: bool = True,
    as_of: str = "live",
    update_interval: float = 0.1,
    language: str | None = None,
) -> GraphWidget:
    """Draw the autograd graph behind ``tensors`` as a live widget.

    Like torchviz's ``make_dot(out, params=dict(...))``, but interactive, and
    while ``live`` it follows new ops on the drawn tensors, ``backward()``,
    ``zero_()`` and in-place changes.  Works on real ``torch`` tensors too, live
    through PyTorch's public hooks (see :mod:`autograd_widgets.graph._torch_live`).

    Parameters
    ----------
    *tensors : Tensor
        The outputs whose ``grad_fn`` graphs to draw.
    names : dict, optional
        ``{name: tensor}`` (torchviz's ``params``) or ``{tensor: name}``; by
        default the notebook's variable names label the tensors they refer to.
    module : nn.Module, optional
        Its ``named_parameters()`` name the leaves.
    show_saved, show_values, rankdir, max_nodes, live
        Initial values of the :class:`GraphWidget` traits of the same names.
    follow : bool
        Grow the drawing when new ops use its tensors (``y = out * 2`` after
        ``draw(out)``).
    as_of : {"live", "cell"}
        ``"live"`` (default): the widget shows the graph as it is now, so after
        Run All every drawing shows the notebook's end state.  ``"cell"``: it
        shows the graph as it was at the end of the cell that drew it (or, if
        displayed again, of the cell that last displayed it), whatever later
        cells do; what later cells did still joins its timeline, one click
        away.  A tutorial that says "look at the graph above" wants ``"cell"``.
    update_interval : float
        Minimum seconds between live updates (0.1 s: at most 10 per second; the
        last state is always delivered).
    language : str, optional
        ``"en"`` or ``"zh"`` for this widget's texts; by default
        :func:`autograd_widgets.set_language`'s, else the notebook's, else
        JupyterLab's language, else English.

    Returns
    -------
    GraphWidget
        Display it (the last expression of a cell) to see it.

    Raises
    ------
    TypeError
        When given no tensor, or something that is not a tensor.
    ValueError
        When ``max_nodes`` is below 1 or above what the widget can lay out
        (:data:`~autograd_widgets.widgets._limits.MAX_DRAWN_NODES`), or
        ``as_of`` is neither ``"live"`` nor ``"cell"``.
    """
    if not tensors:
        raise TypeError("draw() needs at least one tensor, e.g. draw(loss)")
    for i, obj in enumerate(tensors):
        if not _is_tensor(obj):
            raise TypeError(
                f"draw() expects tensors, got {type(obj).__name__} at position {i}: {obj!r:.60}"
            )
    error = max_nodes_error(max_nodes)
    if error:
        raise ValueError(error)
    if as_of not in ("live", "cell"):
        raise ValueError(f"as_of must be 'live' or 'cell', not {as_of!r}")
    if language is not None:
        check_language(language)
    source = _Source(tensors, names, module, follow, live)
    try:
        widget = GraphWidget(
            graph=source.graph.to_json(max_nodes=max_nodes),
            source=source.build,
            subscribe=source.subscribe,
            show_saved=show_saved,
            show_values=show_values,
            rankdir=rankdir,
            max_nodes=max_nodes,
            live=live,
            as_of=as_of,
            update_interval=update_interval,
            **({} if language is None else {"language": language}),
        )
    except BaseException:
        # a rejected option (rankdir, update_interval...) must not leave the graph listening
        source.graph.close()
        source.steps.close()
        raise
    source.widget = weakref.ref(widget)
    widget.attach_steps(source.steps, update_interval)
    return widget
