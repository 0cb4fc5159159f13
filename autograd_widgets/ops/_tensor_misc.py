"""Small Tensor methods and functions: ``narrow_copy``, ``split_with_sizes``, ``sum_to_size``,
``torch.fill``, legacy ``Tensor.new``, ``map_``/``map2_``, and the flags PyTorch keeps for
complex/lazy tensors (``is_neg``, ``is_conj``, ...), which are trivial on real tensors."""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from ..core._creation import _check_device
from ..core.tensor import Size
from . import indexing, shape
from ._core import Tensor, needs_grad, record, wrap_dim, zero_grad
from ._inplace_more import c_name
from .inplace import _no_grad, fill_

_make = Tensor._make

__all__ = [
    "narrow_copy",
    "split_with_sizes",
    "fill",
    "is_conj",
    "is_neg",
    "is_nonzero",
    "resolve_conj",
    "resolve_neg",
]
TENSOR_METHODS = (
    "narrow_copy",
    "split_with_sizes",
    "sum_to_size",
    "is_conj",
    "is_neg",
    "resolve_conj",
    "resolve_neg",
    "is_nonzero",
    "new",
    "map_",
    "map2_",
)


# --- narrow_copy ---------------------------------------------------------------------------
def _narrow_copy_backward(node, grad):
    """The gradient back in its slot along ``dim``, zeros around it."""
    dim, start, sizes = node._attrs["dim"], node._attrs["start"], node._attrs["self_sym_sizes"]
    length = node._attrs["length"]
    parts = []
    for n in (start, None, sizes[dim] - start - length):
        if n is None:
            parts.append(grad)
        elif n:
            parts.append(_make(np.zeros(sizes[:dim] + (n,) + sizes[dim + 1 :], grad._data.dtype)))
    return shape.cat(parts, dim) if len(parts) > 1 else grad


NarrowCopyBackward0 = node_class(
    "NarrowCopyBackward0",
    _narrow_copy_backward,
    attrs=("dim", "length", "self_sym_sizes", "start"),
)


def narrow_copy(input, dim, start, length):
    """``torch.narrow_copy``: ``narrow``, copied into a new contiguous tensor
    (``NarrowCopyBackward0``)."""
    d = input._data
    if d.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if dim >= d.ndim:  # (ATen checks this before wrapping, with its internal wording)
        raise RuntimeError(
            "Expected dim < static_cast<int64_t>(self_sizes.size()) to be true, but got false.  "
            "(Could this error message be improved?  If so, please report an enhancement "
            "request to PyTorch.)"
        )
    raw = (dim, int(start))
    dim = wrap_dim(dim, d.ndim)
    start = shape.narrow_start(d.shape[dim], start)
    shape.check_narrow_end(d.shape[dim], start, length)
    index = (slice(None),) * dim + (slice(start, start + length),)
    out = _make(np.ascontiguousarray(d[index]))
    if needs_grad(input):
        attrs = {"dim": dim, "length": length, "self_sym_sizes": d.shape, "start": start}
        record(
            NarrowCopyBackward0, out, (input,), None, attrs, shown={"dim": raw[0], "start": raw[1]}
        )
    return out


def split_with_sizes(input, split_sizes, dim=0):
    """``torch.split_with_sizes``: ``split`` with a list of sizes only."""
    if not isinstance(split_sizes, (list, tuple)):
        raise TypeError(
            "split_with_sizes(): argument 'split_sizes' (position 1) must be tuple of ints, "
            f"not {type(split_sizes).__name__}"
        )
    sizes = [int(s) for s in split_sizes]
    if any(s < 0 for s in sizes):
        raise RuntimeError(
            "split_with_sizes expects split_sizes have only non-negative entries, but got "
            f"split_sizes={sizes}"
        )
    try:
        return shape.split(input, sizes, dim)
    except RuntimeError as e:  # PyTorch's own wording names the input ``input``
        raise RuntimeError(
            str(e).replace("(tensor tensor's size", "(input tensor's size")
        ) from None


def sum_to_size(self, *size):
    """``Tensor.sum_to_size``: sum the dims ``self`` was broadcast along, back to ``size``
    (``sum(dims, keepdim=True)``, then a ``view`` when leading dims go)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    size = tuple(int(s) for s in size)
    have = self._data.shape
    lead = len(have) - len(size)
    if lead < 0 or any(s != 1 and s != h for s, h in zip(size, have[lead:])):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(have)}}}.")
    dims = list(range(lead)) + [
        lead + i for i, (s, h) in enumerate(zip(size, have[lead:])) if s == 1 and h != 1
    ]
    if not dims:
        return self
    out = self.sum(dims, keepdim=True)
    return out.view(size) if lead else out


# --- torch.fill --------------------------------------------------------------------------------
def _fill1_backward(node, grad):
    return zero_grad(node, grad), grad.sum() if node.next_functions[1][0] is not None else None


FillBackward0 = node_class("FillBackward0", zero_grad)
FillBackward1 = node_class("FillBackward1", _fill1_backward)


def fill(input, value):
    """``torch.fill``: a new tensor like ``input`` full of ``value`` (a number or a 0-d
    tensor); ``FillBackward0``/``FillBackward1``."""
    out = _make(input._data.copy())
    with _no_grad():
        fill_(out, value)
    v_t = value if isinstance(value, Tensor) else None
    if needs_grad(input, v_t):
        if v_t is None:
            record(FillBackward0, out, (input,))
        else:
            record(FillBackward1, out, (input, v_t))
    return out


# --- flags trivial on real tensors -------------------------------------------------------------
def is_conj(input) -> bool:
    """``torch.is_conj``: always ``False`` (no complex tensors here)."""
    return False


def is_neg(input) -> bool:
    """``torch.is_neg``: always ``False`` (no lazy negation here)."""
    return False


def resolve_conj(input):
    """``torch.resolve_conj``: ``input`` itself (nothing to resolve on a real tensor)."""
    return input


def resolve_neg(input):
    """``torch.resolve_neg``: ``input`` itself (nothing to resolve on a real tensor)."""
    return input


def is_nonzero(input) -> bool:
    """``torch.is_nonzero``: the truth of a one-element tensor."""
    return bool(input)


# --- legacy Tensor.new, map_, map2_ --------------------------------------------------------------
def new(self, *args, **kwargs):
    """Legacy ``Tensor.new``: ``new()`` empty; ``new(*sizes)``/``new(torch.Size)``
    uninitialised (zeros here); ``new(data)`` (a list or tuple) in ``self``'s dtype;
    ``new(tensor)`` an alias of it."""
    if set(kwargs) - {"device"}:
        raise TypeError(_new_signature_error(args, kwargs))
    if "device" in kwargs:
        _check_device(kwargs["device"])
    dt = self._data.dtype
    if len(args) == 1 and isinstance(args[0], Tensor):
        other = args[0]
        if other._data.dtype != dt:
            raise TypeError(f"expected {_options(dt)} (got {_options(other._data.dtype)})")
        if not other._requires_grad:
            return other.detach()
        d = other._data
        return indexing._unary_view(other, d.view(), indexing.AliasBackward0, None, lambda b: b)
    is_size = len(args) == 1 and isinstance(args[0], Size)
    if len(args) == 1 and not is_size and not isinstance(args[0], (int, np.integer)):
        data = args[0]
        if isinstance(data, str):
            raise TypeError("new(): invalid data type 'str'")
        if not isinstance(data, (list, tuple, np.ndarray)):
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
        return _make(np.asarray(data).astype(dt))
    sizes = tuple(args[0]) if is_size else args
    for i, s in enumerate(sizes):
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            if i == 0:
                raise TypeError(_new_signature_error(args, kwargs))
            raise TypeError(
                f"new(): argument 'size' failed to unpack the object at pos {i + 1} with error "
                f'"type must be tuple of ints,but got {type(s).__name__}"'
            )
        if s < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {s}: {list(sizes)}"
            )
    return _make(np.zeros(sizes or (0,), dt))


def _options(dt) -> str:
    return (
        f"TensorOptions(dtype={c_name(dt)}, device=cpu, layout=Strided, requires_grad=false "
        "(default), pinned_memory=false (default), memory_format=(nullopt))"
    )


def _new_signature_error(args, kwargs) -> str:
    names = {"dtype": "torch.dtype", "device": "torch.device", "Size": "torch.Size"}
    got = [names.get(type(a).__name__, type(a).__name__) for a in args]
    got += [f"{k}={names.get(type(v).__name__, type(v).__name__)}" for k, v in kwargs.items()]
    return (
        f"new() received an invalid combination of arguments - got ({', '.join(got)}), "
        "but expected one of:\n"
        " * (*, torch.device device = None)\n"
        " * (torch.Storage storage)\n"
        " * (Tensor other)\n"
        " * (tuple of ints size, *, torch.device device = None)\n"
        " * (object data, *, torch.device device = None)\n"
    )


def _map_into(self, method, tensors, callable):
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            pos = ("other", 1) if method == "map_" else (("x", "y")[i], i + 1)
            raise TypeError(
                f"{method}(): argument '{pos[0]}' (position {pos[1]}) must be Tensor, not "
                f"{type(t).__name__}"
            )
        if t._data.dtype != self._data.dtype:
            name = "other" if method == "map_" else ("x", "y")[i]
            raise TypeError(f"{method}: expected {self.type()} for '{name}' (got {t.type()})")
    if self._requires_grad or any(t._requires_grad for t in tensors):
        raise RuntimeError(
            f"Can't call {method}() on Variable that requires grad. Use "
            f"var.detach().{method}() instead."
        )
    shape_ = self._data.shape
    cols = [self._data.reshape(-1).tolist()] + [
        shape.expand(t, shape_)._data.reshape(-1).tolist() for t in tensors
    ]
    values = [callable(*vs) for vs in zip(*cols)]
    res = np.empty(len(values), dtype=self._data.dtype)
    for i, v in enumerate(values):
        if isinstance(v, str):  # (numpy would parse it)
            kind = "an integer" if res.dtype.kind in "iub" else "a real number"
            raise TypeError(f"'str' object cannot be interpreted as {kind}")
        res[i] = v
    # NOTE: PyTorch's map_ writes through the raw data: the version counter stays.
    self._data[...] = res.reshape(shape_)
    return self


def map_(self, other, callable):
    """``Tensor.map_``: ``self[i] = callable(self[i], other[i])`` (``other`` broadcast to
    ``self``; CPU, no autograd)."""
    return _map_into(self, "map_", (other,), callable)


def map2_(self, x, y, callable):
    """``Tensor.map2_``: ``self[i] = callable(self[i], x[i], y[i])``."""
    return _map_into(self, "map2_", (x, y), callable)
