"""Backward bookkeeping: which nodes ran in the last backward through a graph.

A :class:`BackwardBook` listens to ``backward_end`` and keeps, weakly, the
execution order of the last pass that touched its graph and the number of such
passes. "Touched" is decided by ``contains(node)``; without it every pass counts.

A live widget's graph hears one ``backward_end`` per training step but is
rebuilt at most ten times a second, so a pass only stores weak references;
the lookup tables :meth:`order_of` needs are made when a rebuild first asks.
"""

from __future__ import annotations

import weakref

from ._tensors import is_leaf_node


def _ref(obj):
    try:
        return weakref.ref(obj)
    except TypeError:
        return lambda obj=obj: obj


class BackwardBook:
    """``passes``, ``executed`` (alive nodes, in order) and ``order_of(node)``."""

    def __init__(self, contains=None) -> None:
        self.contains = contains
        self.passes = 0
        self._seq: list = []  # (position, weak reference) of the executed nodes, in order
        self._vars: list = []  # (position, weak reference to the leaf tensor) per AccumulateGrad
        self._order: dict | None = {}  # id(node) -> (ref, position); None: not made yet
        self._var_order: dict = {}  # id(leaf tensor) -> (ref, position)

    def on_backward_end(self, executed) -> bool:
        """Record one pass; returns True when it ran through this graph."""
        contains = self.contains
        # leaves' AccumulateGrad nodes run last: a pass through a graph's leaves only
        # (a new forward on the same parameters) is found at the first try
        if contains is not None and not any(contains(n) for n in reversed(executed)):
            return False
        self.passes += 1
        self._seq = [(i, _ref(n)) for i, n in enumerate(executed)]
        # the leaf tensors now, while their AccumulateGrad nodes surely live
        self._vars = [
            (i, _ref(n.variable))
            for i, n in enumerate(executed)
            if type(n).__name__ == "AccumulateGrad" and is_leaf_node(n)
        ]
        self._order = None
        return True

    def record(self, nodes: list, leaves: list) -> None:
        """Record one pass from weak references made by the caller.

        ``nodes``: ``[(position, weakref)]`` of the executed nodes of the graph;
        ``leaves``: ``[(position, weakref)]`` of their leaf tensors.  A live graph
        already holds weak references to its nodes and tensors: it passes those
        (no allocation per executed node, no ``contains`` call).
        """
        self.passes += 1
        self._seq = nodes
        self._vars = leaves
        self._order = None

    def _tables(self) -> dict:
        order = self._order
        if order is None:
            order = {}
            for i, r in self._seq:
                n = r()
                if n is not None:
                    order[id(n)] = (r, i)
            var_order = {}
            for i, r in self._vars:
                v = r()
                if v is not None:
                    var_order[id(v)] = (r, i)
            self._order, self._var_order = order, var_order
        return order

    def order_of(self, node) -> int | None:
        hit = self._tables().get(id(node))
        return hit[1] if hit is not None and hit[0]() is node else None

    def order_of_variable(self, tensor) -> int | None:
        self._tables()
        hit = self._var_order.get(id(tensor))
        return hit[1] if hit is not None and hit[0]() is tensor else None

    def leaves(self) -> list:
        """The leaf tensors (still alive) whose ``AccumulateGrad`` ran in the last pass."""
        return [v for v in (r() for _, r in self._vars) if v is not None]

    @property
    def executed(self) -> list:
        return [n for n in (r() for _, r in self._seq) if n is not None]
