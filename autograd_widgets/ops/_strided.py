"""Storage-level views: ``as_strided``, ``as_strided_scatter`` and ``Tensor.storage_offset``.

A tensor's *storage* here is the memory its base (the tensor it is a view of, or itself)
spans: a flat run of elements that ``as_strided`` indexes with its own sizes, strides and
offset, as PyTorch's storage is. The positions of a strided geometry in that run are plain
integers (``offset + sum(i_k * stride_k)``), so both backward formulas are a scatter and a
gather over them, as in PyTorch's ``as_strided_backward``.
"""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from . import shape
from ._core import Tensor, grad_state, needs_grad, record

_make = Tensor._make

__all__ = ["as_strided", "as_strided_scatter"]
TENSOR_METHODS = ("as_strided", "as_strided_scatter", "storage_offset")


# --- the storage under a tensor -------------------------------------------------------------
def _root(t: Tensor) -> Tensor:
    return t._base if t._base is not None else t


def storage_elements(t: Tensor) -> np.ndarray:
    """The 1-D array of ``t``'s storage, in ``t``'s dtype, starting at its lowest address.

    A base that ``as_strided_`` re-shaped keeps its original memory in ``_storage``.
    """
    root = _root(t)
    flat = root.__dict__.get("_storage")
    if flat is None:
        flat = _span(root._data)
    if flat.dtype != t._data.dtype:
        flat = flat.view(np.uint8)[: flat.nbytes - flat.nbytes % t._data.itemsize]
        flat = flat.view(t._data.dtype)
    return flat


def _span(d: np.ndarray) -> np.ndarray:
    """The elements from ``d``'s lowest to its highest address, as a 1-D array (no copy)."""
    if d.size == 0:
        return np.empty(0, d.dtype)
    low = d[tuple(slice(None, None, -1) if s < 0 else slice(None) for s in d.strides)]
    item = d.itemsize
    n = 1 + sum((k - 1) * abs(s) for k, s in zip(d.shape, d.strides)) // item
    return np.lib.stride_tricks.as_strided(low, (n,), (item,))


def _address(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


def storage_offset(self) -> int:
    """``Tensor.storage_offset``: where ``self`` starts in its storage, in elements."""
    d = self._data
    flat = storage_elements(self)
    off = (_address(d) - _address(flat)) // d.itemsize if flat.size else 0
    # (numpy may place an empty array anywhere)
    return off if 0 <= off <= flat.size else 0


def _geometry(t: Tensor):
    """``(sizes, strides, storage_offset)`` of ``t``, in elements."""
    return t._data.shape, t.stride(), storage_offset(t)


def _positions(sizes, strides, offset) -> np.ndarray:
    """The storage position of every element of a strided geometry, in its shape."""
    pos = np.full(sizes, offset, dtype=np.int64)
    for dim, (n, st) in enumerate(zip(sizes, strides)):
        view = [1] * len(sizes)
        view[dim] = n
        pos += (np.arange(n, dtype=np.int64) * st).reshape(view)
    return pos


def _may_overlap(sizes, strides) -> bool:
    """PyTorch's ``_maybe_overlapping_memory``: could two elements share a position?"""
    reach = 0
    for n, st in sorted(((n, st) for n, st in zip(sizes, strides) if n > 1), key=lambda p: p[1]):
        if st <= reach:
            return True
        reach += st * (n - 1)
    return False


# --- argument checks ------------------------------------------------------------------------
def _int_list(value, fname, arg, pos):
    if isinstance(value, (tuple, list)) and all(
        isinstance(v, (int, np.integer)) or (isinstance(v, Tensor) and v._data.ndim == 0)
        for v in value
    ):
        return tuple(int(v) for v in value)
    raise TypeError(
        f"{fname}(): argument '{arg}' (position {pos}) must be tuple of ints, not "
        f"{type(value).__name__}"
    )


def _check_geometry(t: Tensor, size, stride, offset, fname: str, arg_pos=1):
    """Parse and check ``size``/``stride``/``storage_offset`` against ``t``'s storage."""
    size = _int_list(size, fname, "size", arg_pos)
    stride = _int_list(stride, fname, "stride", arg_pos + 1)
    if offset is None:
        offset = storage_offset(t)
    elif isinstance(offset, (int, np.integer)) and not isinstance(offset, bool):
        offset = int(offset)
    else:
        raise TypeError(
            f"{fname}(): argument 'storage_offset' must be int, not {type(offset).__name__}"
        )
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError(
            "as_strided: Negative strides are not supported at the moment, got strides: "
            f"{list(stride)}"
        )
    if any(n < 0 for n in size):
        raise RuntimeError(
            f"Storage size calculation overflowed with sizes={list(size)} and "
            f"strides={list(stride)}"
        )
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    flat = storage_elements(t)
    item = t._data.itemsize
    if all(size):
        need = offset + 1 + sum((n - 1) * st for n, st in zip(size, stride))
        if need > flat.size:
            raise RuntimeError(
                f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                f"{offset}, and itemsize {item} requiring a storage size of {need * item} are "
                f"out of bounds for storage of size {flat.size * item}"
            )
    return size, stride, offset, flat


def _strided(flat: np.ndarray, size, stride, offset) -> np.ndarray:
    item = flat.itemsize
    start = flat[offset:] if offset < flat.size else flat[:0]
    return np.lib.stride_tricks.as_strided(start, size, tuple(st * item for st in stride))


# --- as_strided -----------------------------------------------------------------------------
def _as_strided_backward(n, grad):
    """Scatter ``grad`` into the storage by the output's positions (adding where windows
    overlap), then gather it back by the input's (dividing by how often the input itself
    sees a position, as PyTorch does for expanded inputs)."""
    out_pos = _positions(grad._data.shape, n._attrs["stride"], n.out_offset)
    in_size, in_stride, in_off = n.input_geometry
    in_pos = _positions(in_size, in_stride, in_off)
    length = max(int(out_pos.max(initial=-1)), int(in_pos.max(initial=-1))) + 1
    in_overlaps = _may_overlap(in_size, in_stride)
    if grad_state.enabled and grad._requires_grad:  # create_graph: stay differentiable
        flat = grad.new_zeros(length).index_add(0, _make(out_pos.reshape(-1)), grad.reshape(-1))
        g = flat.index_select(0, _make(in_pos.reshape(-1))).reshape(in_size)
        if in_overlaps:
            g = g / _make(_counts(in_pos, length, grad._data.dtype)[in_pos])
        return g
    flat = np.zeros(length, grad._data.dtype)
    if _may_overlap(grad._data.shape, n._attrs["stride"]):
        np.add.at(flat, out_pos.reshape(-1), grad._data.reshape(-1))
    else:
        flat[out_pos] = grad._data
    g = flat[in_pos]
    if in_overlaps:
        g = g / _counts(in_pos, length, g.dtype)[in_pos]
    return _make(g)


def _counts(pos: np.ndarray, length: int, dtype) -> np.ndarray:
    return np.bincount(pos.reshape(-1), minlength=length).astype(dtype)


# ``input_geometry``: the input's sizes, strides and offset; ``out_offset``: the offset used
# (``_saved_storage_offset`` is the argument as given, None for the input's own).
AsStridedBackward0 = node_class(
    "AsStridedBackward0",
    _as_strided_backward,
    attrs=("size", "storage_offset", "stride"),
    fields=("input_geometry", "out_offset"),
)
AsStridedBackward1 = node_class(
    "AsStridedBackward1",
    _as_strided_backward,
    attrs=("size", "storage_offset", "stride"),
    fields=("input_geometry", "out_offset"),
)
shape.INPLACE_VIEW_NODES[AsStridedBackward0] = AsStridedBackward1


def as_strided(input, size, stride, storage_offset=None):
    """``torch.as_strided``: a view of ``input``'s storage with the given sizes, strides and
    offset (elements may repeat; reading past the storage raises PyTorch's error)."""
    given = storage_offset
    size, stride, offset, flat = _check_geometry(input, size, stride, storage_offset, "as_strided")
    res = _strided(flat, size, stride, offset)
    out = _make(res)
    shape._as_view(out, input, None)
    if out._base is not None:
        out._view_fn = lambda b: as_strided(b, size, stride, offset)
    if needs_grad(input):
        record(
            AsStridedBackward0,
            out,
            (input,),
            None,
            {"size": size, "storage_offset": given, "stride": stride},
            fields={"input_geometry": _geometry(input), "out_offset": offset},
        )
    return out


def keep_storage(t: Tensor) -> None:
    """Before ``as_strided_`` re-shapes ``t``: its base keeps the memory it spans now."""
    root = _root(t)
    if "_storage" not in root.__dict__:
        root.__dict__["_storage"] = storage_elements(root)


def refresh_view_fn(t: Tensor) -> None:
    """After ``as_strided_`` on a view: it is re-created from its base by its new geometry."""
    if t._base is not None:
        size, stride, offset = _geometry(t)
        t._view_fn = lambda b: as_strided(b, size, stride, offset)


# --- as_strided_scatter ---------------------------------------------------------------------
def _as_strided_scatter_backward(n, grad):
    """``input``: ``grad`` with the region zeroed; ``src``: ``grad``'s region."""
    size, stride, offset = n._attrs["size"], n._attrs["stride"], n.out_offset
    if grad_state.enabled and grad._requires_grad:
        g = grad.clone()  # a base of its own, so the offset counts from its first element
        g_src = as_strided(g, size, stride, offset)
        zeros = _make(np.zeros(size, grad._data.dtype))
        return as_strided_scatter(g, zeros, size, stride, offset), g_src.clone()
    g = np.ascontiguousarray(grad._data).copy()
    region = _strided(g.reshape(-1), size, stride, offset)
    g_src = region.copy()
    region[...] = 0
    return _make(g), _make(g_src)


AsStridedScatterBackward0 = node_class(
    "AsStridedScatterBackward0",
    _as_strided_scatter_backward,
    attrs=("size", "storage_offset", "stride"),
    fields=("out_offset",),
)


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """``torch.as_strided_scatter``: a copy of ``input`` (contiguous) with ``src`` written where
    ``as_strided(size, stride, storage_offset)`` of that copy lies."""
    given = storage_offset
    res = np.ascontiguousarray(input._data).copy()
    copy = _make(res)
    size, stride, offset, flat = _check_geometry(
        copy, size, stride, 0 if storage_offset is None else storage_offset, "as_strided_scatter", 2
    )
    if src._data.shape != size:
        raise RuntimeError(
            "expected src to have a size equal to the slice of self. src size = "
            f"{list(src._data.shape)}, slice size = {list(size)}"
        )
    _strided(flat, size, stride, offset)[...] = src._data
    if needs_grad(input, src):
        record(
            AsStridedScatterBackward0,
            copy,
            (input, src),
            None,
            {"size": size, "storage_offset": given, "stride": stride},
            fields={"out_offset": offset},
        )
    return copy
