"""``GraphModel``: a plain, JSON-able snapshot of the ``grad_fn`` DAG.

Built from tensors (:meth:`GraphModel.from_tensors`) or from a recording
(:meth:`GraphModel.from_recording`); serialised by :meth:`GraphModel.to_json`
exactly as ``docs/graph-schema.md`` describes, and drawn by
:meth:`GraphModel.to_dot` / :meth:`GraphModel.to_svg`.

The walk reads public attributes only (see :mod:`._tensors`), so a real
``torch`` tensor works too. Every walker here is iterative: a 100,000-node graph
gives a truncated model quickly, never a ``RecursionError``.
"""

from __future__ import annotations

import contextlib
import copy
import gc
from collections import deque

from . import _tensors as T
from ._build import DEFAULT_MAX_NODES, WALK_CAP, Builder
from ._ids import IdMap
from .dot import to_dot, to_svg
from .names import _normalise, collect, ipython_namespace

__all__ = ["GraphModel", "DEFAULT_MAX_NODES", "WALK_CAP"]

SCHEMA = 1


class GraphModel:
    """The DAG behind some tensors, as plain data (``docs/graph-schema.md``).

    Attributes mirror the top-level keys of the wire format: ``nodes``,
    ``edges``, ``outputs``, ``backward_passes``, ``executed``, ``truncated``,
    ``notice``. ``unmatched_names`` lists the names given that refer to tensors
    not in the graph.
    """

    def __init__(self, data: dict, unmatched_names=()) -> None:
        self._data = data
        self.unmatched_names = list(unmatched_names)

    # -- construction ---------------------------------------------------------------
    @classmethod
    def from_tensors(
        cls,
        *tensors,
        names=None,
        module=None,
        max_nodes: int | None = DEFAULT_MAX_NODES,
        show_saved: bool = True,
        collapse_repeats: bool = False,
        namespace="auto",
        ids: IdMap | None = None,
        book=None,
        outputs_of=None,
        cache=None,
    ) -> GraphModel:
        """The graph behind ``tensors`` (``torchviz.make_dot``'s walk, as data).

        Parameters
        ----------
        *tensors : Tensor
            The outputs (``autograd_widgets`` or ``torch`` tensors).
        names : dict, optional
            ``{name: tensor}`` (torchviz's ``params``) or ``{tensor: name}``.
        module : nn.Module, optional
            Its ``named_parameters()`` name the leaves.
        max_nodes : int or None
            Keep at most this many nodes, nearest the outputs (breadth first);
            the rest become one ``"+N more"`` node. None: no limit.
        show_saved : bool
            Add a node for every tensor saved for backward (``_saved_*``).
        collapse_repeats : bool
            Replace the middle of a chain that repeats the same ops three or more
            times (``x = f(x)`` in a loop) by one ``"more"`` node.
        namespace : dict, None or "auto"
            Variables whose names label the tensors they refer to; ``"auto"``: the
            IPython user namespace when running in IPython, else none.
        ids : IdMap, optional
            Keeps node ids stable across rebuilds (a live graph passes its own).
        book : BackwardBook, optional
            Backward bookkeeping (which nodes ran in the last backward).
        outputs_of : callable, optional
            ``outputs_of(node) -> tensor or None``: a node's output tensor when
            it is known (the event bus tells a live graph).
        cache : PreviewCache, optional
            Reuses the value previews of tensors unchanged since an earlier
            build (a live graph passes its own).
        """
        for i, t in enumerate(tensors):
            if not T.is_tensor(t):
                raise TypeError(
                    f"GraphModel.from_tensors expects tensors, got {type(t).__name__} "
                    f"at position {i}: {t!r:.60}"
                )
        if namespace == "auto":
            namespace = ipython_namespace()
        known = collect(names, module, namespace)
        b = Builder(
            known,
            ids=ids,
            max_nodes=max_nodes,
            show_saved=show_saved,
            collapse_repeats=collapse_repeats,
            book=book,
            outputs_of=outputs_of,
            cache=cache,
        )
        with _no_gc():
            b.start_from_tensors(tensors)
            data = b.finish()
        unmatched = [] if names is None else _unmatched(names, b)
        if unmatched and len(unmatched) == len(list(names)) and tensors:
            note = "none of the names given refers to a tensor in this graph: " + ", ".join(
                unmatched[:10]
            )
            data["notice"] = note if not data["notice"] else data["notice"] + "; " + note
        return cls(data, unmatched)

    @classmethod
    def from_recording(
        cls,
        rec,
        *,
        names=None,
        module=None,
        max_nodes: int | None = DEFAULT_MAX_NODES,
        show_saved: bool = True,
        collapse_repeats: bool = False,
        namespace="auto",
        ids: IdMap | None = None,
        book=None,
        cache=None,
    ) -> GraphModel:
        """Everything a :func:`record` block captured that is still alive.

        Nodes recorded under ``no_grad`` (or on inputs that need no grad) are
        ghosts (``"no_grad": true``); backward nodes that existed before the
        recording started appear once, marked ``"external": true``, and are not
        walked further.
        """
        if namespace == "auto":
            namespace = ipython_namespace()
        known = collect(names, module, namespace)
        b = Builder(
            known,
            ids=ids,
            max_nodes=max_nodes,
            show_saved=show_saved,
            collapse_repeats=collapse_repeats,
            book=book if book is not None else rec.book,
            outputs_of=rec.output_of,
            cache=cache,
        )
        with _no_gc():
            b.start_from_recording(rec)
            data = b.finish()
        return cls(data, _unmatched(names, b) if names is not None else [])

    @classmethod
    def from_json(cls, data: dict) -> GraphModel:
        """Wrap a wire dict (e.g. one a widget holds)."""
        return cls(copy.deepcopy(data))

    # -- the wire format ------------------------------------------------------------
    def to_json(self) -> dict:
        """The wire dict of ``docs/graph-schema.md`` (a fresh copy)."""
        return copy.deepcopy(self._data)

    @property
    def nodes(self) -> list:
        return self._data["nodes"]

    @property
    def edges(self) -> list:
        return self._data["edges"]

    @property
    def outputs(self) -> list:
        return self._data["outputs"]

    @property
    def backward_passes(self) -> int:
        return self._data["backward_passes"]

    @property
    def executed(self) -> list:
        return self._data["executed"]

    @property
    def truncated(self) -> int:
        return self._data["truncated"]

    @property
    def notice(self) -> str | None:
        return self._data["notice"]

    def node(self, node_id: str) -> dict:
        for n in self._data["nodes"]:
            if n["id"] == node_id:
                return n
        raise KeyError(node_id)

    def find(self, label: str | None = None, name: str | None = None, kind: str | None = None):
        """Nodes matching every given field."""
        return [
            n
            for n in self._data["nodes"]
            if (label is None or n["label"] == label)
            and (name is None or n["name"] == name)
            and (kind is None or n["kind"] == kind)
        ]

    def __len__(self) -> int:
        return len(self._data["nodes"])

    def __repr__(self) -> str:
        extra = f", truncated={self.truncated}" if self.truncated else ""
        return f"GraphModel({len(self.nodes)} nodes, {len(self.edges)} edges{extra})"

    # -- exports --------------------------------------------------------------------
    def to_dot(
        self,
        rankdir: str = "TB",
        show_values: bool = False,
        show_saved: bool = True,
        legend: bool = True,
    ):
        """A ``graphviz.Digraph`` in the shared palette (see :mod:`.dot`)."""

        return to_dot(
            self._data,
            rankdir=rankdir,
            show_values=show_values,
            show_saved=show_saved,
            legend=legend,
        )

    def to_svg(self, **options) -> str:
        """SVG text rendered by a ``dot`` executable (options as :meth:`to_dot`)."""

        return to_svg(self.to_dot(**options))

    def _repr_svg_(self):  # pragma: no cover - notebook display
        try:
            return self.to_svg()
        except Exception:  # noqa: BLE001
            return None

    def to_networkx(self):
        """A ``networkx.MultiDiGraph``: node attributes are the wire dicts, edges keep ``kind``."""
        try:
            import networkx as nx
        except ImportError as exc:
            raise ImportError(
                "GraphModel.to_networkx() needs networkx: pip install networkx"
            ) from exc
        g = nx.MultiDiGraph()
        for k in ("outputs", "backward_passes", "executed", "truncated", "notice"):
            g.graph[k] = copy.deepcopy(self._data[k])
        for n in self._data["nodes"]:
            g.add_node(n["id"], **copy.deepcopy(n))
        for e in self._data["edges"]:
            g.add_edge(
                e["source"],
                e["target"],
                **{k: v for k, v in e.items() if k not in ("source", "target")},
            )
        return g


@contextlib.contextmanager
def _no_gc():
    """The walk allocates many small objects and frees none: the cyclic GC would only
    rescan the (possibly huge) graph again and again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _unmatched(names, builder) -> list[str]:
    used = builder.used_tensor_ids
    return [name for name, t in _normalise(names) if id(t) not in used]


def walk_nodes(*tensors, cap: int = WALK_CAP):
    """Every ``grad_fn`` reachable from ``tensors``, breadth first (iterative, capped)."""
    seen: set = set()
    queue = deque()
    for t in tensors:
        fn = getattr(t, "grad_fn", None)
        if fn is not None and id(fn) not in seen:
            seen.add(id(fn))
            queue.append(fn)
    out = []
    while queue and len(out) < cap:
        fn = queue.popleft()
        out.append(fn)
        for entry in T.next_functions(fn):
            nxt = entry[0] if isinstance(entry, tuple) and entry else entry
            if nxt is not None and id(nxt) not in seen:
                seen.add(id(nxt))
                queue.append(nxt)
    return out
