"""``torch.put`` / ``Tensor.put_``: write ``source`` at flat ``index`` positions of ``input``
(as if it were 1-d), or add it there with ``accumulate=True`` (``PutBackward0``)."""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from ._core import Tensor, needs_grad, record, scalar_type_name
from .inplace import apply_inplace

_make = Tensor._make

__all__ = ["put"]
TENSOR_METHODS = ("put", "put_")


def _put_backward(node, grad):
    """``self``: the gradient, less the overwritten slots (all of it when accumulating);
    ``source``: the gradient read back at ``index`` (``take``)."""
    index, source = node.saved("index"), node.saved("source")
    nf = node.next_functions
    g_self = g_source = None
    if nf[0][0] is not None:
        g_self = grad if node._attrs["accumulate"] else put(grad, index, source * 0)
    if nf[1][0] is not None:
        g_source = grad.take(index).reshape(source._data.shape)
    return g_self, g_source


PutBackward0 = node_class(
    "PutBackward0", _put_backward, saved=("index", "source"), attrs=("accumulate",)
)


def _check(input, index, source):
    if index._data.dtype != np.int64:
        raise RuntimeError(
            "put_(): Expected a long tensor for index, but got "
            f"{scalar_type_name(index._data.dtype)}"
        )
    if input._data.dtype != source._data.dtype:
        raise RuntimeError(
            "put_(): self and source expected to have the same dtype, but got self.dtype = "
            f"{scalar_type_name(input._data.dtype)} and source.dtype = "
            f"{scalar_type_name(source._data.dtype)}"
        )
    if index._data.size != source._data.size:
        raise IndexError(
            "put_(): Expected source and index to have the same number of elements, but got "
            f"source.numel() = {source._data.size}, index.numel() = {index._data.size}"
        )
    n = input._data.size
    for i in index._data.reshape(-1).tolist():
        if not -n <= i < n:
            raise IndexError(
                f"out of range: tried to access index {i} on a tensor of {n} elements."
            )


def put(input, index, source, accumulate=False):
    """``torch.put``: a copy of ``input`` with ``source`` put at the flat ``index``
    positions (a later duplicate wins; ``accumulate=True`` adds them all)."""
    _check(input, index, source)
    flat = input._data.reshape(-1).copy()
    pos = index._data.reshape(-1) % max(flat.size, 1)
    values = source._data.reshape(-1)
    if accumulate:
        np.add.at(flat, pos, values)
    else:
        flat[pos] = values
    out = _make(flat.reshape(input._data.shape))
    if needs_grad(input, source):
        record(
            PutBackward0,
            out,
            (input, source),
            {"index": index, "source": source},
            {"accumulate": bool(accumulate)},
        )
    return out


def put_(self, index, source, accumulate=False):
    """``Tensor.put_``: ``put`` in place."""
    _check(self, index, source)
    return apply_inplace(self, lambda t: put(t, index, source, accumulate), (source,))
