"""The least a define-by-run autograd on numpy does per op: a yardstick for bench_core.py.

Each op makes one array, one tensor object and one node holding its backward function,
its input edges and what the formula needs; ``backward()`` orders the nodes once and runs
them newest first. Nothing else: no version counters (an in-place change to a saved input
goes unnoticed), no hooks, no saved-tensor objects, no dtype promotion, numpy's float32
``tanh`` (not PyTorch's rounding), no ``grad_fn`` names, printing or errors. Enough for the
chain workloads (``*``, ``+``, ``tanh``, ``sum``) and nothing more: the gap between this
and autograd_widgets is the price of behaving like PyTorch, and the gap between this and
PyTorch is what Python objects cost per op at all.
"""

from __future__ import annotations

import numpy as np


class Tensor:
    __slots__ = ("data", "node", "grad")

    def __init__(self, data, node=None):
        self.data = data
        self.node = node  # the node that made it; a leaf's is its accumulator
        self.grad = None

    @classmethod
    def leaf(cls, data):
        t = cls(data)
        t.node = Leaf(t)
        return t

    def __mul__(self, other):
        if isinstance(other, Tensor):
            node = Node(_mul, (self.node, other.node), (self.data, other.data))
            return Tensor(self.data * other.data, node)
        c = np.float32(other)
        return Tensor(self.data * c, Node(_scale, (self.node,), c))

    def __add__(self, other):
        return Tensor(self.data + other.data, Node(_add, (self.node, other.node), None))

    def tanh(self):
        r = np.tanh(self.data)
        return Tensor(r, Node(_tanh, (self.node,), r))

    def sum(self):
        return Tensor(self.data.sum(), Node(_sum, (self.node,), self.data.shape))

    def backward(self):
        order = _topological(self.node)
        grads = {self.node: np.ones((), self.data.dtype)}
        for node in reversed(order):
            g = grads.pop(node)
            for nxt, gi in zip(node.edges, node.fn(node, g)):
                if type(nxt) is Leaf:
                    t = nxt.tensor
                    t.grad = gi if t.grad is None else t.grad + gi
                elif nxt is not None:
                    grads[nxt] = grads[nxt] + gi if nxt in grads else gi


class Leaf:
    __slots__ = ("tensor",)

    def __init__(self, tensor):
        self.tensor = tensor


class Node:
    __slots__ = ("fn", "edges", "saved")

    def __init__(self, fn, edges, saved):
        self.fn = fn
        self.edges = edges
        self.saved = saved


def _topological(root) -> list:
    """Nodes reachable from ``root``, every node after the nodes it feeds (iterative DFS)."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif type(node) is Node and node not in seen:
            seen.add(node)
            stack.append((node, True))
            stack.extend((e, False) for e in node.edges)
    return order


# Backward formulas: (node, grad) -> one gradient per edge.
def _mul(node, g):
    a, b = node.saved
    return g * b, g * a


def _scale(node, g):
    return (g * node.saved,)


def _add(node, g):
    return g, g


def _tanh(node, g):
    r = node.saved
    return (g * (1 - r * r),)


def _sum(node, g):
    return (np.broadcast_to(g, node.saved).copy(),)
