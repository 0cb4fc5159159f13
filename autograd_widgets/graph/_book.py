"""Backward bookkeeping: which nodes ran in the last backward through a graph.

A :class:`BackwardBook` listens to ``backward_end`` and keeps, weakly, the
execution order of the last pass that touched its graph and the number of such
passes. "Touched" is decided by ``contains(node)``; without it every pass counts.
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
        self._order: dict = {}  # id(node) -> (ref, position)
        self._var_order: dict = {}  # id(leaf tensor) -> (ref, position)
        self._seq: list = []

    def on_backward_end(self, executed) -> bool:
        """Record one pass; returns True when it ran through this graph."""
        contains = self.contains
        if contains is not None and not any(contains(n) for n in executed):
            return False
        self.passes += 1
        order, var_order, seq = {}, {}, []
        for i, node in enumerate(executed):
            ref = _ref(node)
            order[id(node)] = (ref, i)
            seq.append(ref)
            if is_leaf_node(node):
                var = node.variable
                var_order[id(var)] = (_ref(var), i)
        self._order, self._var_order, self._seq = order, var_order, seq
        return True

    def order_of(self, node) -> int | None:
        hit = self._order.get(id(node))
        return hit[1] if hit is not None and hit[0]() is node else None

    def order_of_variable(self, tensor) -> int | None:
        hit = self._var_order.get(id(tensor))
        return hit[1] if hit is not None and hit[0]() is tensor else None

    @property
    def executed(self) -> list:
        return [n for n in (r() for r in self._seq) if n is not None]
