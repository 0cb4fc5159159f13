"""Indexing: ``t[...]`` (basic and advanced), ``t[...] = v``, gather/scatter and friends.

Basic indexing builds the same chain of view nodes PyTorch does (an int is a
``SelectBackward0``, a slice a ``SliceBackward0``, ``None`` an
``UnsqueezeBackward0``; a full ``:`` adds nothing); any advanced index makes one
``IndexBackward0``.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..autograd.node import node_class
from ..core._creation import user_stacklevel
from . import _shown
from ._core import (
    Tensor,
    checked_int,
    grad_state,
    needs_grad,
    record,
    same_grad,
    scalar_type_name,
    unbroadcast,
    wrap_dim,
)
from .inplace import apply_inplace, check_inplace
from .pointwise import NotImplemented_, where
from .shape import _as_view, _unary_view, cat, expand

# The ``torch.*`` functions defined here (the package namespace is the union of these lists).
__all__ = [
    "argwhere",
    "diagonal_scatter",
    "gather",
    "index_add",
    "index_copy",
    "index_fill",
    "index_put",
    "index_select",
    "masked_fill",
    "masked_scatter",
    "masked_select",
    "nonzero",
    "scatter",
    "scatter_add",
    "scatter_reduce",
    "select",
    "select_scatter",
    "slice_scatter",
    "take",
    "take_along_dim",
]

# ``Tensor.<name>`` for these names: the function itself (ops/__init__.py attaches them).
TENSOR_METHODS = """
select gather take_along_dim scatter scatter_add index_select masked_fill masked_select
nonzero argwhere index_add take index_fill index_copy index_put masked_scatter select_scatter
slice_scatter diagonal_scatter scatter_reduce
""".split()
# ``Tensor.<name>_``: the in-place variant (``inplace._make_inplace``).
INPLACE_METHODS = """
masked_fill scatter_add index_add index_fill index_copy index_put masked_scatter
scatter_reduce
""".split()

_make = Tensor._make


# --- embedding a gradient back into a zero tensor (the backward of every selection) --------
def _embed_backward(n, grad):
    return grad[n._attrs["key"]]


EmbedBackward = {
    "select": node_class("SelectBackwardBackward0", _embed_backward, attrs=("key",)),
    "slice": node_class("SliceBackwardBackward0", _embed_backward, attrs=("key",)),
}


def _embed(grad: Tensor, shape, key, kind: str, accumulate: bool = False) -> Tensor:
    """A zero tensor of ``shape`` with ``grad`` placed (or added) at ``key``."""
    res = np.zeros(shape, dtype=grad._data.dtype)
    if accumulate:
        np.add.at(res, key, grad._data)
    else:
        res[key] = grad._data
    out = _make(res)
    if needs_grad(grad):
        if kind == "index":  # index_put_ of ``grad`` into zeros: one input, ``values``
            record(
                IndexPutBackward0, out, (grad,), None, {"accumulate": accumulate, "indices": key}
            )
        else:
            record(EmbedBackward[kind], out, (grad,), None, {"key": key})
    return out


# --- select / slice ------------------------------------------------------------------------------
def _select_backward(n, grad):
    a = n._attrs
    key = (slice(None),) * a["dim"] + (a["index"],)
    return _embed(grad, a["self_sym_sizes"], key, "select")


def _slice_backward(n, grad):
    a = n._attrs
    key = (slice(None),) * a["dim"] + (slice(a["start"], a["end"], a["step"]),)
    return _embed(grad, a["self_sym_sizes"], key, "slice")


SelectBackward0 = node_class(
    "SelectBackward0", _select_backward, attrs=("dim", "index", "self_sym_sizes")
)
SliceBackward0 = node_class(
    "SliceBackward0", _slice_backward, attrs=("dim", "end", "self_sym_sizes", "start", "step")
)


def select(input, dim, index):
    d = input._data
    if d.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    raw_dim, dim = dim, wrap_dim(dim, d.ndim)
    size = d.shape[dim]
    index = int(index)
    if index < -size or index >= size:
        raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
    raw = index
    if index < 0:
        index += size
    res = d[(slice(None),) * dim + (index,)]
    if type(res) is not np.ndarray:
        res = d[(slice(None),) * dim + (slice(index, index + 1),)].reshape(
            d.shape[:dim] + d.shape[dim + 1 :]
        )
    out = _unary_view(
        input,
        res,
        SelectBackward0,
        {"dim": dim, "index": index, "self_sym_sizes": d.shape},
        lambda b: b.select(dim, index),
        shown={"index": raw, "dim": raw_dim} if raw < 0 or raw_dim < 0 else None,
    )
    return out


def slice_dim(input, dim, start, end, step=1, shown=None):
    """``input[..., start:end:step]`` along ``dim``; ``shown``: ``_saved_*`` as the caller
    was given them (``narrow``)."""
    d = input._data
    size = d.shape[dim]
    raw_start, raw_end = start, end
    start, end, _ = slice(start, end, step).indices(size)
    end = max(end, start)
    res = d[(slice(None),) * dim + (slice(start, end, step),)]
    # PyTorch reports the bounds as written: a missing end is INT64_MAX, -1 stays -1.
    raw_start = 0 if raw_start is None else raw_start
    raw_end = _shown.INT64_MAX if raw_end is None else raw_end
    if raw_start != start or raw_end != end:
        shown = {"start": raw_start, "end": raw_end, **(shown or {})}
    return _unary_view(
        input,
        res,
        SliceBackward0,
        {"dim": dim, "end": end, "self_sym_sizes": d.shape, "start": start, "step": step},
        lambda b: slice_dim(b, dim, start, end, step),
        shown=shown,
    )


# --- __getitem__ -----------------------------------------------------------------------------------
def _normalize_key(key):
    if not isinstance(key, tuple):
        key = (key,)
    out, advanced = [], False
    for k in key:
        if isinstance(k, Tensor):
            kd = k._data
            if kd.dtype == np.bool_ or kd.dtype.kind in "iu":
                if kd.ndim == 0 and kd.dtype != np.bool_:
                    out.append(int(kd))
                    continue
                advanced = True
                out.append(kd)
                continue
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if isinstance(k, (list, np.ndarray, range)):  # x[range(n), target] (nll by indexing)
            arr = np.asarray(k)
            if arr.size == 0 and not isinstance(k, np.ndarray):
                arr = arr.astype(np.int64)  # x[[]]: an empty long index, as in PyTorch
            if arr.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            advanced = True
            out.append(arr)
            continue
        if isinstance(k, (bool, np.bool_)):
            advanced = True
            out.append(np.asarray(k))
            continue
        if isinstance(k, slice):  # (a step <= 0 is refused by _check_key, in key order)
            out.append(slice(_int_or_none(k.start), _int_or_none(k.stop), _int_or_none(k.step)))
            continue
        if k is None or k is Ellipsis:
            out.append(k)
            continue
        try:
            out.append(int(k.__index__()))
        except (AttributeError, TypeError):
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                "valid indices (got " + type(k).__name__ + ")"
            ) from None
    return tuple(out), advanced


def _int_or_none(v):
    if v is None:
        return None
    if isinstance(v, Tensor):
        return int(v)
    return int(v)


def _has_ellipsis(key) -> bool:
    return any(k is Ellipsis for k in key)


def _ellipsis_pos(key) -> int:
    return next(i for i, k in enumerate(key) if k is Ellipsis)


def _count_dims(key):
    n = 0
    for k in key:
        if k is None or k is Ellipsis:
            continue
        if isinstance(k, np.ndarray) and k.dtype == np.bool_:
            n += max(k.ndim, 0)
        else:
            n += 1
    return n


AliasBackward0 = node_class("AliasBackward0", same_grad)


def _check_0d_int(d, key) -> None:
    """A bare integer key on a 0-d tensor: 0 has its own message, others are out of bounds."""
    if d.ndim == 0 and isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        if key == 0:
            raise IndexError(_ZERO_DIM_INT)
        raise IndexError(f"index {int(key)} is out of bounds for dimension 0 with size 0")
    if d.ndim == 0 and isinstance(key, slice):
        if key.step is not None and int(key.step) <= 0:
            raise ValueError("step must be greater than zero")
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")


_ZERO_DIM_INT = (
    "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
    "C++ to convert a 0-dim tensor to a number"
)


def _check_key(key, ndim, shape):
    """PyTorch's checks of a (normalized) key before any indexing: too many indices, then
    each integer against its dim. An error names the integer's position in the key as
    written (an ellipsis counts as one), as PyTorch's does."""
    used = _count_dims(key)
    if used > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    if sum(k is Ellipsis for k in key) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    dim = 0
    for pos, k in enumerate(key):
        if k is None:
            continue
        if k is Ellipsis:
            dim += ndim - used
        elif isinstance(k, int):
            size = shape[dim]
            if k >= size or k < -size:
                raise IndexError(f"index {k} is out of bounds for dimension {pos} with size {size}")
            dim += 1
        elif isinstance(k, np.ndarray) and k.dtype == np.bool_:
            dim += k.ndim
        else:
            if isinstance(k, slice) and k.step is not None and k.step <= 0:
                raise ValueError("step must be greater than zero")
            dim += 1


def getitem(input, key):
    _check_0d_int(input._data, key)
    if isinstance(key, slice) and input._data.ndim:
        # A lone slice is always a SliceBackward0 in PyTorch, even x[:]; inside a tuple a
        # slice covering the whole dim is skipped (x[:, :] is an AliasBackward0).
        k = _normalize_key(key)[0][0]
        if k.step is not None and k.step <= 0:
            raise ValueError("step must be greater than zero")
        return slice_dim(input, 0, k.start, k.stop, 1 if k.step is None else k.step)
    key, advanced = _normalize_key(key)
    d = input._data
    _check_key(key, d.ndim, d.shape)
    used = _count_dims(key)
    # Expand the ellipsis into full slices, then apply one view op per basic index;
    # PyTorch applies the basic indices first and then one index op for the tensors.
    if _has_ellipsis(key):
        i = _ellipsis_pos(key)
        key = key[:i] + (slice(None),) * (d.ndim - used) + key[i + 1 :]
    if advanced:
        return _basic_then_advanced(input, key)
    out, dim = input, 0
    for k in key:
        if k is None:
            out = out.unsqueeze(dim)
            dim += 1
        elif isinstance(k, slice):
            if not _covers(k, out._data.shape[dim]):
                out = slice_dim(out, dim, k.start, k.stop, 1 if k.step is None else k.step)
            dim += 1
        else:
            out = select(out, dim, k)
    if out is input:
        # x[...] / x[:, :] is an alias view in PyTorch.
        return _unary_view(input, d.view(), AliasBackward0, None, lambda b: b)
    return out


def _covers(k: slice, size: int) -> bool:
    """True when slice ``k`` keeps a whole dim of ``size`` in order (a no-op in a tuple key)."""
    # PyTorch compares the bounds as written: x[:, 0:] and x[:, :99] are skipped, x[:, -4:] not.
    return k.step in (None, 1) and k.start in (None, 0) and (k.stop is None or k.stop >= size)


def _apply_basic(input, key):
    """Apply the basic indices as views; return the view and the advanced rest of the key."""
    out, dim, rest = input, 0, []
    for k in key:
        if k is None:
            out = out.unsqueeze(dim)
            rest.append(slice(None))
            dim += 1
        elif isinstance(k, slice):
            if not _covers(k, out._data.shape[dim]):
                out = slice_dim(out, dim, k.start, k.stop, 1 if k.step is None else k.step)
            rest.append(slice(None))
            dim += 1
        elif isinstance(k, int):
            out = select(out, dim, k)
        elif k.dtype == np.bool_ and k.ndim == 0:
            out = out.unsqueeze(dim)
            rest.append(np.zeros(1 if k else 0, dtype=np.int64))
            dim += 1
        else:
            rest.append(k)
            dim += k.ndim if k.dtype == np.bool_ else 1
    return out, tuple(rest)


def _basic_then_advanced(input, key):
    out, rest = _apply_basic(input, key)
    return _advanced_index(out, rest)


def _index_backward(n, grad):
    a = n._attrs
    return _embed(grad, a["self_sym_sizes"], a["indices"], "index", accumulate=True)


IndexBackward0 = node_class("IndexBackward0", _index_backward, attrs=("indices", "self_sym_sizes"))


def _reads_elements(key, shape) -> bool:
    """Whether indexing ``shape`` with ``key`` gives any element (indices clipped in range)."""
    clipped, dim = [], 0
    for k in key:
        if isinstance(k, np.ndarray) and k.dtype != np.bool_:
            k = np.clip(k, 0, max(shape[dim] - 1, 0))
        clipped.append(k)
        if k is not None:
            dim += k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1
    try:
        return np.empty(shape, dtype=bool)[tuple(clipped)].size > 0
    except IndexError:
        return True


def _check_bounds(key, shape):
    """PyTorch's bounds checks of an advanced key; returns the key to index numpy with."""
    dim = 0
    empty = False
    pos = 0  # PyTorch's index kernel names an index tensor by its position among them
    for k in key:
        if k is None:
            continue
        if isinstance(k, np.ndarray):
            if k.dtype == np.bool_:
                if k.ndim and shape[dim : dim + k.ndim] != k.shape:
                    for j, (a, b) in enumerate(zip(k.shape, shape[dim : dim + k.ndim])):
                        if a != b:
                            raise IndexError(
                                f"The shape of the mask {list(k.shape)} at index {j} does not match "
                                f"the shape of the indexed tensor {list(shape)} at index {dim + j}"
                            )
                dim += k.ndim
                pos += k.ndim
                continue
            if k.size:
                size = shape[dim]
                bad = k[(k >= size) | (k < -size)]
                if bad.size:
                    if size == 0:
                        raise IndexError("index is out of bounds for dimension with size 0")
                    if _reads_elements(key, shape):  # (an empty result reads no index)
                        raise IndexError(
                            f"index {int(bad.flat[0])} is out of bounds for dimension {pos} "
                            f"with size {size}"
                        )
                    empty = True
            dim += 1
            pos += 1
        elif isinstance(k, int):
            size = shape[dim]
            if k >= size or k < -size:
                raise IndexError(f"index {k} is out of bounds for dimension {dim} with size {size}")
            dim += 1
        else:
            dim += 1
    if empty:  # out-of-range indices into an empty result: clipped, numpy would refuse them
        clipped, dim = [], 0
        for k in key:
            if isinstance(k, np.ndarray) and k.dtype != np.bool_:
                k = np.clip(k, 0, shape[dim] - 1)
            clipped.append(k)
            if k is not None:
                dim += k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1
        return tuple(clipped)
    return key


def _check_index_shapes(key) -> None:
    """PyTorch's error when the index tensors (masks as their nonzero positions) do not
    broadcast together."""
    shapes = []
    for k in key:
        if isinstance(k, np.ndarray):
            if k.dtype == np.bool_:
                shapes += [(int(np.count_nonzero(k)),)] * max(k.ndim, 1)
            else:
                shapes.append(k.shape)
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise IndexError(
            "shape mismatch: indexing tensors could not be broadcast together with shapes "
            + ", ".join(str(list(sh)) for sh in shapes)
        ) from None


def _advanced_index(input, key):
    d = input._data
    if _has_ellipsis(key):
        i = _ellipsis_pos(key)
        key = key[:i] + (slice(None),) * (d.ndim - _count_dims(key)) + key[i + 1 :]
    _check_index_shapes(key)  # (before the bounds)
    key = _check_bounds(key, d.shape)
    res = np.asarray(d[key])
    if np.may_share_memory(res, d):
        res = res.copy()
    out = _make(res)
    if needs_grad(input):
        record(IndexBackward0, out, (input,), None, {"indices": key, "self_sym_sizes": d.shape})
    return out


# --- __setitem__ ----------------------------------------------------------------------------------
def _index_put_backward(n, grad):
    key = n._attrs["indices"]
    if len(n.next_functions) == 1:  # a gradient embedded into zeros (see ``_embed``)
        return (grad[key],)
    if n._attrs["accumulate"]:
        g_self = grad
    else:
        mask = np.ones(grad._data.shape, dtype=bool)
        mask[key] = False
        g_self = where(_make(mask), grad, _make(np.zeros((), grad._data.dtype)))  # no -0.
    vshape = n.values_shape
    if vshape is None:
        return g_self, None
    return g_self, unbroadcast(grad[key], vshape)


IndexPutBackward0 = node_class(
    "IndexPutBackward0",
    _index_put_backward,
    attrs=("accumulate", "indices"),
    fields=("values_shape",),
)


def setitem(input, key, value):
    """``x[key] = value``: basic keys copy into a view (``CopySlices``), advanced keys
    use ``index_put_`` (``IndexPutBackward0``), as in PyTorch."""

    _check_0d_int(input._data, key)
    nkey, advanced = _normalize_key(key)
    _check_key(nkey, input._data.ndim, input._data.shape)
    if _has_ellipsis(nkey):
        i = _ellipsis_pos(nkey)
        nkey = nkey[:i] + (slice(None),) * (input._data.ndim - _count_dims(nkey)) + nkey[i + 1 :]
    if advanced:
        _check_index_shapes(nkey)
        nkey = _check_bounds(nkey, input._data.shape)
    if value is not None and not isinstance(value, (Tensor, int, float, bool)):
        value = _make(np.asarray(value, dtype=input._data.dtype))
    v_t = value if isinstance(value, Tensor) else None
    if not needs_grad(input, v_t):
        check_inplace(input)
        if v_t is not None and not advanced:
            value = _check_value_shape(np.shape(input._data[nkey]), v_t)
        elif v_t is not None:
            _check_index_put_dtype(input, v_t, nkey)
        try:
            input._data[nkey] = value._data if v_t is not None else value
        except ValueError:
            prev = grad_state.enabled
            grad_state.enabled = False
            try:
                target, rest = _apply_basic(_make(input._data), nkey)  # PyTorch's order of dims
            finally:
                grad_state.enabled = prev
            _shape_mismatch(target._data, rest, v_t)
            raise
        input._vc.v += 1
        return
    if not advanced:
        # A Python number is copied as a 0-d tensor, as PyTorch does (CopySlices keeps its edge).
        src = v_t if v_t is not None else _make(np.asarray(value, dtype=input._data.dtype))
        d = input._data
        if v_t is not None:
            region = d[nkey].shape
            _check_value_shape(region, v_t)
            if v_t._data.ndim > len(region):  # leading size-1 dims dropped (a view)
                src = v_t.reshape(v_t._data.shape[v_t._data.ndim - len(region) :])
        if all(
            k is Ellipsis or (isinstance(k, slice) and _covers(k, d.shape[i]))
            for i, k in enumerate(nkey)
        ):
            _copy_to(input, src)  # the key selects everything: PyTorch writes into the tensor
            return
        _copy_to(getitem(input, key), src)
        return
    # Basic indices first (a view), then index_put_ on it: CopySlices around IndexPutBackward0.
    if v_t is not None:
        _check_index_put_dtype(input, v_t, nkey)
    target, rest = _apply_basic(input, nkey)
    apply_inplace(target, lambda t: _index_put(t, rest, v_t, value), (v_t,))


def _copy_to(dst, src) -> None:
    """PyTorch's ``copy_to`` for ``x[key] = v``: ``copy_`` when the shapes match, ``fill_``
    from a 0-d value, else ``copy_`` from ``v`` expanded (an ``ExpandBackward0`` edge)."""
    if dst._data.shape == src._data.shape:
        dst.copy_(src)
    elif src._data.ndim == 0:
        dst.fill_(src)
    else:
        dst.copy_(src.expand(dst._data.shape))


def _check_index_put_dtype(input, v_t, key) -> None:
    """index_put_ refuses a value of another dtype, unless it dispatches to masked_fill_
    (one boolean mask and a one-element value)."""
    arrays = [k for k in key if isinstance(k, np.ndarray)]
    if v_t._data.size == 1 and len(arrays) == 1 and arrays[0].dtype == np.bool_ and arrays[0].ndim:
        return
    if v_t._data.dtype != input._data.dtype:
        # A value that does not broadcast is reported first.
        prev = grad_state.enabled
        grad_state.enabled = False
        try:
            target, rest = _apply_basic(_make(input._data), key)
        finally:
            grad_state.enabled = prev
        try:
            want = np.shape(target._data[rest])
        except IndexError:  # (out-of-range indices: the dtype is reported before them)
            want = v_t._data.shape
        vs = v_t._data.shape
        while vs and vs[0] == 1:  # leading size-1 dims are dropped (slicePrefix1sDims)
            vs = vs[1:]
        try:
            np.broadcast_to(v_t._data.reshape(vs), want)
        except ValueError:
            _shape_mismatch(target._data, rest, v_t)
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{scalar_type_name(input._data.dtype)} for the destination and "
            f"{scalar_type_name(v_t._data.dtype)} for the source."
        )


def _check_value_shape(shape, v_t):
    """``x[basic key] = v`` copies ``v`` expanded to the view's shape, after dropping
    leading size-1 dims of ``v`` (PyTorch's ``slicePrefix1sDims``): expand's errors.
    Returns ``v`` without those dims."""
    vs = v_t._data.shape
    if vs == shape:
        return v_t
    lead = 0
    while lead < len(vs) and vs[lead] == 1:
        lead += 1

    prev = grad_state.enabled
    grad_state.enabled = False
    try:
        v = _make(v_t._data.reshape(vs[lead:]))
        expand(v, shape)
    finally:
        grad_state.enabled = prev
    return v


def _shape_mismatch(d, key, v_t) -> None:
    """PyTorch's index_put_ error for a value that does not broadcast to the indexed shape."""
    if v_t is not None:
        vs = list(v_t._data.shape)
        while vs and vs[0] == 1:  # (reported without its leading size-1 dims)
            vs = vs[1:]
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {vs} cannot be broadcast "
            f"to indexing result of shape {list(np.shape(d[key]))}"
        ) from None


def _index_put(t, key, v_t, value):
    res = t._data.copy()
    try:
        res[key] = v_t._data if v_t is not None else value
    except ValueError as e:
        _shape_mismatch(t._data, key, v_t)
        raise RuntimeError(str(e)) from None
    out = _make(res)
    if needs_grad(t, v_t):
        record(
            IndexPutBackward0,
            out,
            (t, v_t),
            None,
            {"accumulate": False, "indices": key},
            fields={"values_shape": v_t._data.shape if v_t is not None else None},
        )
    return out


# --- gather / scatter / index_select / masked ops -------------------------------------------
def _scatter_into_zeros(grad, dim, index, shape):
    """Zeros of ``shape`` with ``grad`` added at ``index`` along ``dim`` (scatter_add)."""
    zeros = _make(np.zeros(shape, dtype=grad._data.dtype))
    return scatter_add(zeros, dim, index, grad)


def _gather_backward(n, grad):
    a = n._attrs
    self = n.saved("self")
    if self._data.ndim == 0:  # every index picked the one element
        return grad.sum()
    return _scatter_into_zeros(grad, a["dim"], n.saved("index"), self._data.shape)


GatherBackward0 = node_class(
    "GatherBackward0", _gather_backward, saved=("self", "index"), attrs=("dim", "sparse_grad")
)


def _check_index(index, name="gather"):
    if not isinstance(index, Tensor) or index._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")


def gather(input, dim, index, *, sparse_grad=False):
    _check_index(index)
    d = input._data
    raw_dim, dim = dim, wrap_dim(dim, d.ndim)
    idx = index._data
    if idx.ndim != d.ndim and (d.ndim or idx.ndim > 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    size = d.shape[dim] if d.ndim else 1
    bad = (idx < 0) | (idx >= size)
    if d.ndim == 0:
        if bad.any():
            raise RuntimeError(
                f"index {int(idx[bad][0])} is out of bounds for dimension 0 with size 1"
            )
        out = _make(np.broadcast_to(d, idx.shape).copy())
    for k in range(idx.ndim if d.ndim else 0):
        if k != dim and idx.shape[k] > d.shape[k]:
            raise RuntimeError(
                f"Size does not match at dimension {k} expected index {list(idx.shape)} to be no larger "
                f"than self {list(d.shape)} apart from dimension {dim}"
            )
    if d.ndim:
        if bad.any():  # (the first bad index in order: PyTorch's message names it)
            raise RuntimeError(
                f"index {int(idx[bad][0])} is out of bounds for dimension {dim} with size {size}"
            )
        src = d[tuple(slice(0, s) if k != dim else slice(None) for k, s in enumerate(idx.shape))]
        out = _make(np.take_along_axis(src, idx, axis=dim))
    if needs_grad(input):
        record(
            GatherBackward0,
            out,
            (input,),
            {"self": input, "index": index},
            {"dim": dim, "sparse_grad": sparse_grad},
            shown={"dim": raw_dim} if raw_dim < 0 else None,
        )
    return out


def take_along_dim(input, indices, dim=None):
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    d = input._data
    dim = wrap_dim(dim, d.ndim)
    shape = list(
        np.broadcast_shapes(
            tuple(s for k, s in enumerate(d.shape) if k != dim),
            tuple(s for k, s in enumerate(indices._data.shape) if k != dim),
        )
    )
    in_shape = shape[:dim] + [d.shape[dim]] + shape[dim:]
    idx_shape = shape[:dim] + [indices._data.shape[dim]] + shape[dim:]
    return gather(input.expand(in_shape), dim, indices.expand(idx_shape))


def _scatter_backward(n, grad):
    a = n._attrs
    index = n.saved("index")
    g_self = scatter(grad, a["dim"], index, 0.0) if n.next_functions[0][0] is not None else None
    g_src = (
        grad.gather(a["dim"], index)
        if len(n.next_functions) > 1 and n.next_functions[1][0] is not None
        else None
    )
    return (g_self, g_src) if len(n.next_functions) > 1 else (g_self,)


def _scatter_add_backward(n, grad):
    a = n._attrs
    return grad, grad.gather(a["dim"], n.saved("index"))


ScatterBackward0 = node_class(
    "ScatterBackward0", _scatter_backward, saved=("index",), attrs=("dim",)
)
ScatterBackward1 = node_class(
    "ScatterBackward1", _scatter_backward, saved=("index",), attrs=("dim",)
)
ScatterAddBackward0 = node_class(
    "ScatterAddBackward0", _scatter_add_backward, saved=("index",), attrs=("dim",)
)


def _scatter_positions(d, dim, idx):
    grids = np.indices(idx.shape, sparse=True)
    pos = list(grids)
    pos[dim] = idx
    return tuple(pos)


_SCATTER_REDUCE_DEPRECATED = (
    "The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in a "
    "future PyTorch release. Use torch.scatter_reduce instead for more reduction options. "
    "(Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp:225.)"
)
_scatter_warned = []


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """``torch.scatter``: ``src`` (a tensor or a number) written at ``index`` along ``dim``.

    With ``reduce='add'``/``'multiply'`` every index accumulates into ``input`` (a repeated
    index adds or multiplies again, for a number as for a tensor), and the result has
    PyTorch's ``NotImplemented`` grad_fn: ATen has no derivative for ``scatter.reduce``.
    """
    _check_index(index, "scatter")
    if src is None:
        src = value
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    d = input._data
    dim = wrap_dim(dim, d.ndim)
    res = d.copy()
    idx = index._data
    pos = _scatter_positions(d, dim, idx)
    is_tensor = isinstance(src, Tensor)
    if is_tensor:
        sv = src._data[tuple(slice(0, s) for s in idx.shape)]
        if reduce is not None and not _scatter_warned:
            _scatter_warned.append(True)  # (TORCH_WARN_ONCE: once per process)
            warnings.warn(_SCATTER_REDUCE_DEPRECATED, UserWarning, stacklevel=user_stacklevel())
    else:
        sv = np.asarray(src, dtype=d.dtype) if d.dtype.kind != "b" else bool(src)
    if reduce == "add":
        np.add.at(res, pos, sv)
    elif reduce == "multiply":
        np.multiply.at(res, pos, sv)
    else:
        res[pos] = sv
    out = _make(res)
    if reduce is not None:
        ins = tuple(t for t in (input, src) if isinstance(t, Tensor) and t._requires_grad)
        if needs_grad(*ins):
            record(NotImplemented_, out, ins, fields={"op": "scatter"})
    elif is_tensor:
        if needs_grad(input, src):
            record(ScatterBackward0, out, (input, src), {"index": index}, {"dim": dim})
    elif needs_grad(input):
        record(ScatterBackward1, out, (input,), {"index": index}, {"dim": dim})
    return out


def scatter_add(input, dim, index, src):
    d = input._data
    dim = wrap_dim(dim, d.ndim)
    res = d.copy()
    idx = index._data
    sv = src._data[tuple(slice(0, s) for s in idx.shape)]
    np.add.at(res, _scatter_positions(d, dim, idx), sv)
    out = _make(res)
    if needs_grad(input, src):
        record(ScatterAddBackward0, out, (input, src), {"index": index}, {"dim": dim})
    return out


def _index_select_backward(n, grad):
    a = n._attrs
    index = n.saved("index")
    dim = a["dim"]
    if not a["self_sym_sizes"]:  # a 0-d input: its one element was picked once
        return grad.reshape(())
    key = (slice(None),) * dim + (index._data,)
    return _embed(grad, a["self_sym_sizes"], key, "index", accumulate=True)


IndexSelectBackward0 = node_class(
    "IndexSelectBackward0",
    _index_select_backward,
    saved=("index",),
    attrs=("dim", "self_sym_sizes"),
)


def index_select(input, dim, index):
    d = input._data
    dim = wrap_dim(dim, d.ndim)
    idx = index._data
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if d.ndim == 0:
        if idx.size != 1:
            raise RuntimeError(
                f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)"
            )
        if idx.reshape(-1)[0] != 0:
            raise IndexError("index out of range in self")
        out = _make(d.copy())
    else:
        if idx.size and d.shape[dim] == 0 and d.ndim > 1:
            raise RuntimeError("index_select(): self indexing axis dim should be positive")
        if idx.size and (idx.max() >= d.shape[dim] or idx.min() < 0):
            raise IndexError("index out of range in self")
        out = _make(np.take(d, idx.reshape(-1), axis=dim))
    if needs_grad(input):
        record(
            IndexSelectBackward0,
            out,
            (input,),
            {"index": index},
            {"dim": dim, "self_sym_sizes": d.shape},
        )
    return out


def _masked_fill_backward(n, grad):
    mask = n.saved("mask")

    zero = _make(np.zeros((), dtype=grad._data.dtype))
    g = where(mask, zero, grad)
    if len(n.next_functions) > 1:
        return g, where(mask, grad, zero).sum()
    return g


MaskedFillBackward0 = node_class("MaskedFillBackward0", _masked_fill_backward, saved=("mask",))
MaskedFillBackward1 = node_class("MaskedFillBackward1", _masked_fill_backward, saved=("mask",))


# c10's C type names, used by a few PyTorch messages ("... with dtype long int").
_C_TYPE_NAMES = {
    "int64": "long int",
    "int32": "int",
    "int16": "short int",
    "int8": "signed char",
    "uint8": "unsigned char",
    "float32": "float",
    "float64": "double",
    "float16": "c10::Half",
}


def masked_fill(input, mask, value):
    m = mask._data
    if m.dtype != np.bool_:
        raise RuntimeError(
            "masked_fill_ only supports boolean masks, but got mask with dtype "
            + _C_TYPE_NAMES.get(m.dtype.name, m.dtype.name)
        )
    v_t = value if isinstance(value, Tensor) else None
    if v_t is not None and v_t._data.ndim:
        raise RuntimeError(
            "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{v_t._data.ndim} dimension(s)."
        )
    vd = v_t._data if v_t is not None else value
    if type(vd) is int:
        vd = checked_int(vd, input._data.dtype)
    res = np.where(m, np.asarray(vd, dtype=input._data.dtype), input._data)
    out = _make(np.asarray(res, dtype=input._data.dtype))
    if needs_grad(input, v_t):
        if v_t is not None:
            record(MaskedFillBackward1, out, (input, v_t), {"mask": mask})
        else:
            record(MaskedFillBackward0, out, (input,), {"mask": mask})
    return out


def _masked_select_backward(n, grad):
    mask, self = n.saved("mask"), n.saved("self")
    m = np.broadcast_to(mask._data, self._data.shape)
    return _embed(grad, self._data.shape, m, "index")


MaskedSelectBackward0 = node_class(
    "MaskedSelectBackward0", _masked_select_backward, saved=("mask", "self")
)


def masked_select(input, mask):
    m = np.broadcast_to(mask._data, np.broadcast_shapes(mask._data.shape, input._data.shape))
    d = np.broadcast_to(input._data, m.shape)
    out = _make(d[m])
    if needs_grad(input):
        record(MaskedSelectBackward0, out, (input,), {"mask": mask, "self": input})
    return out


def nonzero(input, *, as_tuple=False):
    nz = np.nonzero(input._data)
    if as_tuple:
        if input._data.ndim == 0:
            return (_make(np.zeros(int(bool(input._data)), dtype=np.int64)),)
        return tuple(_make(a.astype(np.int64)) for a in nz)
    return _make(
        np.stack(nz, axis=1).astype(np.int64)
        if nz
        else np.zeros((int(bool(input._data)), 0), np.int64)
    )


def argwhere(input):
    return nonzero(input)


def index_add(input, dim, index, source, *, alpha=1):
    d = input._data
    dim = wrap_dim(dim, d.ndim)
    key = (slice(None),) * dim + (index._data,)
    res = d.copy()
    np.add.at(res, key, source._data * alpha)
    out = _make(res)
    if needs_grad(input, source):
        record(
            IndexAddBackward0,
            out,
            (input, source),
            {"index": index, "source": source},
            {"alpha": alpha, "dim": dim, "source_dim": source._data.ndim},
        )
    return out


def _index_add_backward(n, grad):
    a = n._attrs
    g_source = grad.index_select(a["dim"], n.saved("index"))
    return grad, (g_source if a["alpha"] == 1 else g_source * a["alpha"])


IndexAddBackward0 = node_class(
    "IndexAddBackward0",
    _index_add_backward,
    saved=("index", "source"),
    attrs=("alpha", "dim", "source_dim"),
)


_unused = (_as_view,)


# --- take / index_fill / index_copy / index_put ---------------------------------------------
def _check_long(index, name):
    if not isinstance(index, Tensor) or index._data.dtype != np.int64:
        raise IndexError(f"{name}(): Expected dtype int64 for index.")


def _take_backward(n, grad):
    shape = n.saved("self")._data.shape
    flat = _embed(grad.reshape(-1), (int(np.prod(shape)),), (n.flat_index,), "index", True)
    return flat.reshape(shape)


TakeBackward0 = node_class(
    "TakeBackward0", _take_backward, saved=("index", "self"), fields=("flat_index",)
)


def take(input, index):
    if index._data.dtype != np.int64:
        raise RuntimeError(
            f"take(): Expected a long tensor for index, but got {scalar_type_name(index._data.dtype)}"
        )
    d = input._data
    numel = d.size
    idx = index._data
    bad = (idx < -numel) | (idx >= numel)
    if bad.any():
        i = int(idx[bad][0])
        if numel == 0:
            raise IndexError("take(): tried to take from an empty tensor")
        raise IndexError(
            f"out of range: tried to access index {i} on a tensor of {numel} elements."
        )
    flat_index = np.where(idx < 0, idx + numel, idx).reshape(-1)
    out = _make(d.reshape(-1)[flat_index].reshape(idx.shape))
    if needs_grad(input):
        record(
            TakeBackward0,
            out,
            (input,),
            {"index": index, "self": input},
            fields={"flat_index": flat_index},
        )
    return out


def _index_key(d, dim, index, name, prefix=""):
    idx = index._data
    if idx.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    size = d.shape[dim] if d.ndim else 1
    flat = idx.reshape(-1)
    bad = (flat < -size) | (flat >= size)
    if bad.any():
        raise IndexError(
            f"{prefix}index {int(flat[bad][0])} is out of bounds for dimension {dim} "
            f"with size {size}"
        )
    flat = np.where(flat < 0, flat + size, flat)
    if d.ndim == 0:
        return ()
    return (slice(None),) * dim + (flat,)


def _index_fill_backward(n, grad):
    dim, index = n.dim, n.saved("index")
    g_self = index_fill(grad, dim, index, 0)
    if len(n.next_functions) == 1:
        return g_self
    g_value = index_select(grad, dim, index).sum() if grad._data.ndim else grad
    return g_self, g_value


IndexFillBackward0 = node_class(
    "IndexFillBackward0", _index_fill_backward, saved=("index",), attrs=("dim",), fields=("dim",)
)
IndexFillBackward1 = node_class(
    "IndexFillBackward1", _index_fill_backward, saved=("index",), attrs=("dim",), fields=("dim",)
)


def index_fill(input, dim, index, value):
    _check_long(index, "index_fill_")
    d = input._data
    raw_dim, dim = dim, wrap_dim(dim, d.ndim)
    v_t = value if isinstance(value, Tensor) else None
    if v_t is not None and v_t._data.ndim:
        raise RuntimeError(
            "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{v_t._data.ndim} dimension(s)."
        )
    key = _index_key(d, dim, index, "index_fill_")
    res = d.copy()
    v = v_t._data if v_t is not None else value
    if type(v) is int:
        v = checked_int(v, d.dtype)
    if d.ndim == 0:
        if index._data.size:
            res[()] = v
    else:
        res[key] = np.asarray(v).astype(d.dtype)
    out = _make(res)
    if needs_grad(input, v_t):
        cls, inputs = (
            (IndexFillBackward1, (input, v_t))
            if v_t is not None
            else (IndexFillBackward0, (input,))
        )
        record(
            cls,
            out,
            inputs,
            {"index": index},
            {"dim": dim},
            fields={"dim": dim},
            shown={"dim": raw_dim} if raw_dim < 0 else None,
        )
    return out


def _index_copy_backward(n, grad):
    dim, index = n.dim, n.saved("index")
    g_self = index_fill(grad, dim, index, 0)
    g_source = index_select(grad, dim, index) if grad._data.ndim else grad
    return g_self, g_source.reshape(n.saved("source")._data.shape)


IndexCopyBackward0 = node_class(
    "IndexCopyBackward0",
    _index_copy_backward,
    saved=("index", "source"),
    attrs=("dim", "source_dim"),
    fields=("dim",),
)


def index_copy(input, dim, index, source):
    if index._data.dtype != np.int64:
        raise RuntimeError(
            "index_copy_(): Expected a long tensor for index, but got "
            + scalar_type_name(index._data.dtype)
        )
    d, s = input._data, source._data
    raw_dim, dim = dim, wrap_dim(dim, d.ndim)
    if s.dtype != d.dtype:
        raise RuntimeError(
            "index_copy_(): self and source expected to have the same dtype, but got (self) "
            f"{scalar_type_name(d.dtype)} and (source) {scalar_type_name(s.dtype)}"
        )
    if s.ndim and index._data.size != s.shape[dim if s.ndim == d.ndim else 0]:
        raise IndexError(
            f"index_copy_(): Number of indices ({index._data.size}) should be equal to "
            f"source.size(dim) ({s.shape[dim if s.ndim == d.ndim else 0]})"
        )
    key = _index_key(d, dim, index, "index_copy_", "index_copy_(): ")
    res = d.copy()
    if d.ndim == 0:
        res[()] = s.reshape(())
    else:
        want = d.shape[:dim] + (index._data.size,) + d.shape[dim + 1 :]
        if s.shape != want and not (s.ndim == 0 and want == (1,)):
            raise RuntimeError(
                f"index_copy_(): Source/destination tensor must have same slice shapes. "
                f"Destination slice shape: {list(want)} at dimension {dim} and source slice "
                f"shape: {list(s.shape)} at dimension 0."
            )
        res[key] = s.reshape(want)
    out = _make(res)
    if needs_grad(input, source):
        record(
            IndexCopyBackward0,
            out,
            (input, source),
            {"index": index, "source": source},
            {"dim": dim, "source_dim": s.ndim},
            fields={"dim": dim},
            shown={"dim": raw_dim} if raw_dim < 0 else None,
        )
    return out


def index_put(input, indices, values, accumulate=False):
    if not isinstance(indices, (tuple, list)):
        raise TypeError(
            "index_put(): argument 'indices' (position 2) must be tuple of Tensors, not "
            + type(indices).__name__
        )
    d = input._data
    if len(indices) > d.ndim:
        raise IndexError(f"too many indices for tensor of dimension {d.ndim} (got {len(indices)})")
    key = tuple(slice(None) if i is None else i._data for i in indices)
    key = _check_bounds(key, d.shape)
    v = values._data
    if v.dtype != d.dtype:
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{scalar_type_name(d.dtype)} for the destination and "
            f"{scalar_type_name(v.dtype)} for the source."
        )
    res = d.copy()
    target = res[key].shape
    try:
        vb = np.broadcast_to(v, target)
    except ValueError:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(v.shape)} cannot be broadcast to "
            f"indexing result of shape {list(target)}"
        ) from None
    if accumulate:
        np.add.at(res, key, vb)
    else:
        res[key] = vb
    out = _make(res)
    if needs_grad(input, values):
        record(
            IndexPutBackward0,
            out,
            (input, values),
            None,
            {"accumulate": bool(accumulate), "indices": key},
            fields={"values_shape": v.shape},
        )
    return out


# --- masked_scatter / select_scatter / slice_scatter / diagonal_scatter ---------------------
def _masked_scatter_backward(n, grad):
    mask = n.saved("mask")
    zero = _make(np.zeros((), dtype=grad._data.dtype))
    g_self = where(mask, zero, grad)
    if n.next_functions[1][0] is None:
        return g_self, None
    size = int(np.prod(n._attrs["source_sym_sizes"]))
    picked = masked_select(grad, mask)
    k = picked._data.size
    if k < size:
        picked = cat([picked, _make(np.zeros(size - k, dtype=grad._data.dtype))])
    return g_self, picked.reshape(n._attrs["source_sym_sizes"])


MaskedScatterBackward0 = node_class(
    "MaskedScatterBackward0",
    _masked_scatter_backward,
    saved=("mask",),
    attrs=("source_sym_sizes",),
)


def masked_scatter(input, mask, source):
    m = mask._data
    if m.dtype != np.bool_:
        raise RuntimeError(
            "masked_scatter_ only supports boolean masks, but got mask with dtype "
            + scalar_type_name(m.dtype)
        )
    d, s = input._data, source._data
    if s.dtype != d.dtype:
        raise RuntimeError(
            "masked_scatter: expected self and source to have same dtypes but got "
            f"{scalar_type_name(d.dtype)} and {scalar_type_name(s.dtype)}"
        )
    shape = np.broadcast_shapes(m.shape, d.shape)
    mb = np.broadcast_to(m, shape)
    k = int(mb.sum())
    if k > s.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    res = np.broadcast_to(d, shape).copy()
    res[mb] = s.reshape(-1)[:k]
    out = _make(res)
    if needs_grad(input, source):
        record(
            MaskedScatterBackward0,
            out,
            (input, source),
            {"mask": mask},
            {"source_sym_sizes": s.shape},
        )
    return out


def _zeros_as(t):
    return _make(np.zeros(t._data.shape, dtype=t._data.dtype))


def _select_scatter_backward(n, grad):
    dim, index = n.dim, n.index
    src = _make(np.zeros(n.src_shape, dtype=grad._data.dtype))
    return select_scatter(grad, src, dim, index), grad.select(dim, index)


SelectScatterBackward0 = node_class(
    "SelectScatterBackward0",
    _select_scatter_backward,
    attrs=("dim", "index"),
    fields=("dim", "index", "src_shape"),
)


def _check_scatter_src(src_shape, want):
    if tuple(src_shape) != tuple(want):
        raise RuntimeError(
            "expected src to have a size equal to the slice of self. src size = "
            f"{list(src_shape)}, slice size = {list(want)}"
        )


def select_scatter(input, src, dim, index):
    d, s = input._data, src._data
    if d.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    raw_dim, dim = dim, wrap_dim(dim, d.ndim)
    size = d.shape[dim]
    raw_index = index = int(index)
    if index < -size or index >= size:
        raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
    index %= size
    key = (slice(None),) * dim + (index,)
    _check_scatter_src(s.shape, d[key].shape)
    res = d.copy()
    res[key] = s
    out = _make(res)
    if needs_grad(input, src):
        shown = {}
        if raw_dim < 0:
            shown["dim"] = raw_dim
        if raw_index < 0:
            shown["index"] = raw_index
        record(
            SelectScatterBackward0,
            out,
            (input, src),
            None,
            {"dim": dim, "index": index},
            fields={"dim": dim, "index": index, "src_shape": s.shape},
            shown=shown or None,
        )
    return out


def _slice_scatter_backward(n, grad):
    dim, (start, end, step) = n.dim, n.bounds
    src = _make(np.zeros(n.src_shape, dtype=grad._data.dtype))
    return slice_scatter(grad, src, dim, start, end, step), slice_dim(grad, dim, start, end, step)


SliceScatterBackward0 = node_class(
    "SliceScatterBackward0",
    _slice_scatter_backward,
    attrs=("dim", "end", "start", "step"),
    fields=("dim", "bounds", "src_shape"),
)


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    d, s = input._data, src._data
    raw_dim, dim = dim, wrap_dim(dim, d.ndim)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    size = d.shape[dim]
    b0, b1, _ = slice(start, end, step).indices(size)
    b1 = max(b1, b0)
    key = (slice(None),) * dim + (slice(b0, b1, step),)
    _check_scatter_src(s.shape, d[key].shape)
    res = d.copy()
    res[key] = s
    out = _make(res)
    if needs_grad(input, src):
        record(
            SliceScatterBackward0,
            out,
            (input, src),
            None,
            {"dim": dim, "end": end, "start": start, "step": step},
            fields={"dim": dim, "bounds": (b0, b1, step), "src_shape": s.shape},
            shown={"dim": raw_dim} if raw_dim < 0 else None,
        )
    return out


def _diagonal_scatter_backward(n, grad):
    offset, dim1, dim2 = n.diag
    src = _make(np.zeros(n.src_shape, dtype=grad._data.dtype))
    return (
        diagonal_scatter(grad, src, offset, dim1, dim2),
        grad.diagonal(offset, dim1, dim2),
    )


DiagonalScatterBackward0 = node_class(
    "DiagonalScatterBackward0",
    _diagonal_scatter_backward,
    attrs=("dim1", "dim2", "offset"),
    fields=("diag", "src_shape"),
)


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    d, s = input._data, src._data
    raw = (offset, dim1, dim2)
    dim1, dim2 = wrap_dim(dim1, d.ndim), wrap_dim(dim2, d.ndim)
    if dim1 == dim2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {raw[1]}, {raw[2]}")
    res = d.copy()
    view = np.diagonal(res, offset, dim1, dim2)  # read-only view: its shape only
    _check_scatter_src(s.shape, view.shape)
    n_diag = view.shape[-1]
    if n_diag:
        idx = np.arange(n_diag)
        rows, cols = idx + max(-offset, 0), idx + max(offset, 0)
        np.moveaxis(res, (dim1, dim2), (-2, -1))[..., rows, cols] = s
    out = _make(res)
    if needs_grad(input, src):
        shown = {k: v for k, v in zip(("offset", "dim1", "dim2"), raw) if v < 0}
        record(
            DiagonalScatterBackward0,
            out,
            (input, src),
            None,
            {"dim1": dim1, "dim2": dim2, "offset": offset},
            fields={"diag": (offset, dim1, dim2), "src_shape": s.shape},
            shown=shown or None,
        )
    return out


# --- scatter_reduce ------------------------------------------------------------------------
_REDUCE_UFUNCS = {
    "sum": np.add,
    "prod": np.multiply,
    "mean": np.add,
    "amax": np.maximum,
    "amin": np.minimum,
    "max": np.maximum,  # (PyTorch takes these two spellings too)
    "min": np.minimum,
}


def _scatter_reduce_np(d, dim, idx, sv, reduce, include_self):
    res = d.copy()
    pos = _scatter_positions(d, dim, idx)
    if not include_self:
        if reduce in ("sum", "mean"):
            init = 0
        elif reduce == "prod":
            init = 1
        elif d.dtype.kind == "f":
            init = -np.inf if reduce.endswith("max") else np.inf
        else:
            info = np.iinfo(d.dtype) if d.dtype.kind in "iu" else None
            init = (
                (info.min if reduce.endswith("max") else info.max)
                if info
                else reduce.endswith("min")
            )
        res[pos] = init
    _REDUCE_UFUNCS[reduce].at(res, pos, sv)
    if reduce == "mean":
        count = np.full(d.shape, 1 if include_self else 0, dtype=np.int64)
        np.add.at(count, pos, 1)
        count = np.maximum(count, 1)
        res = (res // count if d.dtype.kind in "biu" else res / count).astype(d.dtype)
    return res


def _scatter_reduce_backward(n, grad):
    a = n._attrs
    dim, reduce, include_self = a["dim"], a["reduce"], a["include_self"]
    self, src, index = n.saved("self"), n.saved("src"), n.saved("index")
    result = n.saved("result")
    dt = grad._data.dtype
    if reduce == "sum":
        g_self, g_src = grad, grad.gather(dim, index)
    elif reduce == "prod":
        masked_self = self.masked_fill(self == 0, 1)
        masked_self_result = scatter_reduce(
            masked_self, dim, index, src, reduce, include_self=include_self
        )
        g_self = grad * masked_self_result / masked_self
        src_zero = src == 0
        zeros = _make(np.zeros(self._data.shape, dtype=dt))
        src_num_zeros = scatter_add(zeros, dim, index, src_zero.to(self.dtype)).gather(dim, index)
        src_single_zero = src_zero & (src_num_zeros == 1)
        masked_src = src.masked_fill(src_single_zero, 1)
        masked_src_result = scatter_reduce(
            self, dim, index, masked_src, reduce, include_self=include_self
        )
        g_src = where(
            src_single_zero,
            (grad * masked_src_result).gather(dim, index),
            (grad * result).gather(dim, index) / src.masked_fill(src_zero, 1),
        )
    elif reduce == "mean":
        count = _make(np.full(grad._data.shape, 1 if include_self else 0, dtype=dt))
        count = scatter_add(count, dim, index, _make(np.ones(src._data.shape, dtype=dt)))
        count = count.masked_fill(count == 0, 1)
        g_self = grad / count
        g_src = grad.gather(dim, index) / count.gather(dim, index)
    else:  # amax / amin: split the gradient evenly among the elements equal to the result
        value = result.gather(dim, index)
        self_is_result = (self == result).to(self.dtype)
        src_is_result = (src == value).to(self.dtype)
        n_to_distribute = scatter_add(self_is_result, dim, index, src_is_result)
        distributed = grad / n_to_distribute
        g_self = self_is_result * distributed
        g_src = src_is_result * distributed.gather(dim, index)
    if not include_self:
        g_self = scatter(g_self, dim, index, 0.0)
    return g_self, g_src


ScatterReduceBackward0 = node_class(
    "ScatterReduceBackward0",
    _scatter_reduce_backward,
    saved=("index", "result", "self", "src"),
    attrs=("dim", "include_self", "reduce"),
)


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    if reduce not in _REDUCE_UFUNCS:
        raise RuntimeError(
            f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
        )
    _check_index(index, "scatter")
    d, s, idx = input._data, src._data, index._data
    if s.dtype != d.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    raw_dim, dim = dim, wrap_dim(dim, d.ndim)
    if idx.ndim != d.ndim and (d.ndim or idx.ndim > 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    size = d.shape[dim] if d.ndim else 1
    bad = (idx < 0) | (idx >= size)
    if bad.any():
        raise RuntimeError(
            f"index {int(idx[bad][0])} is out of bounds for dimension {dim} with size {size}"
        )
    sv = s[tuple(slice(0, k) for k in idx.shape)]
    out = _make(_scatter_reduce_np(d, dim, idx, sv, reduce, include_self))
    if needs_grad(input, src):
        record(
            ScatterReduceBackward0,
            out,
            (input, src),
            {"index": index, "self": input, "src": src},
            {"dim": dim, "include_self": bool(include_self), "reduce": reduce},
            "result",
            shown={"dim": raw_dim} if raw_dim < 0 else None,
        )
    return out
