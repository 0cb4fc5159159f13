"""Reductions (``dim`` as int or tuple, ``keepdim``), scans and softmax."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from .._parser_spellings import ABSENT, numpy_dim
from .._warn import user_stacklevel
from ..autograd import events
from ..autograd.grad_mode import no_grad
from ..autograd.node import Node, SavedTensor, node_class
from ..core._dtype import as_dtype, get_default_dtype, scalar_like
from . import _f32_math, _shown, _softmax_order
from ._core import (
    Tensor,
    as_float_input,
    grad_state,
    needs_grad,
    no_grad_event,
    not_implemented_for,
    record,
    record_multi,
    scalar_type_name,
    wrap_dim,
    write_out,
)
from ._core import return_type as _return_type
from ._sum_order import torch_sum
from .indexing import _scatter_into_zeros
from .pointwise import UNARY, _f64, _fast, _saved_np, exp, maximum, minimum, sign, where
from .pointwise import abs as _abs
from .shape import (
    SqueezeBackward4,
    TransposeBackward1,
    UnsqueezeBackward1,
    cat,
    flip,
    movedim,
    stack,
)

# The ``torch.*`` functions defined here (the package namespace is the union of these lists).
__all__ = [
    "all",
    "amax",
    "amin",
    "any",
    "argmax",
    "argmin",
    "argsort",
    "count_nonzero",
    "cumprod",
    "cumsum",
    "log_softmax",
    "logsumexp",
    "max",
    "mean",
    "min",
    "norm",
    "nanquantile",
    "prod",
    "quantile",
    "renorm",
    "softmax",
    "sort",
    "std",
    "std_mean",
    "sum",
    "var",
    "var_mean",
    "cummax",
    "cummin",
    "logcumsumexp",
]

# ``Tensor.<name>`` for these names: the function itself (ops/__init__.py attaches them).
TENSOR_METHODS = """
sum mean prod amax amin argmax argmin all any var std logsumexp cumsum cumprod softmax
log_softmax count_nonzero sort argsort cummax cummin logcumsumexp renorm quantile
nanquantile
""".split()
INPLACE_METHODS = ["renorm"]

_make = Tensor._make


_RETURN_TYPES = {n: _return_type(n) for n in ("max", "min", "sort", "mode", "cummax", "cummin")}
values_indices = _RETURN_TYPES["max"]


def _dims(dim, ndim):
    """Normalise ``dim`` (None, int, list/tuple) to a sorted tuple of axes."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        wrapped = [wrap_dim(d, ndim or 1) for d in dim]
        seen = set()
        for a in wrapped:  # (the first repeated one, in the order given)
            if a in seen:
                raise RuntimeError(f"dim {a} appears multiple times in the list of dims")
            seen.add(a)
        axes = tuple(sorted(wrapped))
        if ndim == 0:
            return ()
        return axes if axes else tuple(range(ndim))
    d = wrap_dim(dim, ndim or 1)
    return (d,) if ndim else ()


def _expand_back(grad: Tensor, shape, axes, keepdim: bool) -> Tensor:
    """Undo a reduction over ``axes``: reinsert the dims, then broadcast to ``shape``."""
    if not keepdim and shape:
        kept = tuple(1 if i in axes else s for i, s in enumerate(shape))
        grad = grad.reshape(kept)
    return grad.expand(shape)


# --- sum / mean -----------------------------------------------------------------------
def _sum0_backward(node, grad):
    return grad.expand(node._attrs["self_sym_sizes"])


def _sum1_backward(node, grad):
    a = node._attrs
    return _expand_back(grad, a["self_sym_sizes"], node.dims, a["keepdim"])


def _mean0_backward(node, grad):
    a = node._attrs
    g = grad._data
    if g.ndim == 0:
        if _fast(g):
            # Every element is the same float: grad / numel once, then a fill. Same values
            # as dividing the expanded gradient (numel converts to grad's dtype either way),
            # ~7x faster on big inputs.
            return _make(
                np.full(a["self_sym_sizes"], np.true_divide(g, scalar_like(a["self_sym_numel"], g)))
            )
    return grad.expand(a["self_sym_sizes"]) / a["self_sym_numel"]


def _mean1_backward(node, grad):
    a = node._attrs
    n = 1
    for ax in node.dims:
        n *= a["self_sym_sizes"][ax] if a["self_sym_sizes"] else 1
    return _expand_back(grad, a["self_sym_sizes"], node.dims, a["keepdim"]) / n


class _DtypeArgNode(Node):
    """A reduction that takes ``dtype=``: its gradient goes back in the input's dtype.

    PyTorch's engine casts every gradient to the dtype of the tensor it flows to
    (``validate_outputs``); ours does not, so the nodes whose output dtype may differ from
    their input's (``x.sum(dtype=torch.float64)``) cast it themselves.
    """

    __slots__ = ()

    def apply(self, grads):
        out = Node.apply(self, grads)
        extra = self._extra
        dt = None if extra is None else extra.get("in_dtype")
        if dt is not None and out[0] is not None and out[0].dtype != dt:
            out = (out[0]._to_dtype(dt),) + out[1:]
        return out


def _input_dtype_extra(out_data, input):
    """``record(extra=...)`` for a ``dtype=`` reduction: the input's dtype when the output's differs."""
    return {"in_dtype": input.dtype} if out_data.dtype != input._data.dtype else None


SumBackward0 = node_class(
    "SumBackward0", _sum0_backward, attrs=("self_sym_sizes",), base=_DtypeArgNode
)
SumBackward1 = node_class(
    "SumBackward1",
    _sum1_backward,
    attrs=("dim", "keepdim", "self_sym_sizes"),
    base=_DtypeArgNode,
    fields=("dims",),
)
MeanBackward0 = node_class(
    "MeanBackward0",
    _mean0_backward,
    attrs=("self_sym_numel", "self_sym_sizes"),
    base=_DtypeArgNode,
)
MeanBackward1 = node_class(
    "MeanBackward1",
    _mean1_backward,
    attrs=("dim", "keepdim", "self_sym_numel", "self_sym_sizes"),
    base=_DtypeArgNode,
    fields=("dims",),
)


def _grad_dtype(input, dt) -> None:
    """A result that would need a gradient in a non-float dtype (``x.sum(dtype=int64)``)."""
    if dt.kind != "f" and input._requires_grad and grad_state.enabled:
        raise RuntimeError(f"Autograd not support dtype: {scalar_type_name(dt)}")


def _sum_dtype(d: np.ndarray, dtype):
    if dtype is not None:
        return as_dtype(dtype).np
    if d.dtype.kind in "biu":
        return np.dtype(np.int64)
    return d.dtype


def _ordered_sum(d: np.ndarray, axes, keepdims: bool, dt) -> np.ndarray:
    """``d.sum`` with PyTorch's float accumulation order where it is known (``_sum_order``)."""
    if dt == d.dtype and d.dtype.kind == "f":
        r = torch_sum(d, tuple(range(d.ndim)) if axes is None else axes, keepdims)
        if r is not None:
            return np.asarray(r)
    r = np.asarray(d.sum(axis=axes, keepdims=keepdims, dtype=dt))
    return np.add(r, r.dtype.type(0)) if r.dtype.kind == "f" else r  # -0. sums to +0.


def sum(input, dim=None, keepdim=False, *, dtype=None, axis=ABSENT, keepdims=ABSENT):  # noqa: A001
    if axis is not ABSENT or keepdims is not ABSENT:  # NumPy's names, taken natively (hot path)
        dim, keepdim = numpy_dim("sum", dim, keepdim, axis, keepdims)
    d = input._data
    dt = _sum_dtype(d, dtype)
    _grad_dtype(input, dt)
    if dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0 and False):
        res = _ordered_sum(d, None, False, dt)
        out = _make(res)
        if grad_state.enabled and input._requires_grad:
            record(
                SumBackward0,
                out,
                (input,),
                None,
                {"self_sym_sizes": d.shape},
                extra=_input_dtype_extra(out._data, input),
            )
        elif events.listeners and events.hears("op_no_grad"):
            no_grad_event("SumBackward0", out, (input,))
        return out
    axes = _dims(dim, d.ndim)
    res = _ordered_sum(d, axes, keepdim, dt)
    out = _make(res)
    if grad_state.enabled and input._requires_grad:
        record(
            SumBackward1,
            out,
            (input,),
            None,
            {"dim": _dim_attr(dim, d.ndim), "keepdim": keepdim, "self_sym_sizes": d.shape},
            fields={"dims": axes},
            extra=_input_dtype_extra(out._data, input),
        )
    elif events.listeners and events.hears("op_no_grad"):
        no_grad_event("SumBackward1", out, (input,))
    return out


def _dim_attr(dim, ndim):
    """``dim`` as PyTorch's ``_saved_dim`` reports it (as written; see ``_shown``)."""
    if isinstance(dim, (list, tuple)):
        return _shown.torch_int(tuple(int(x) for x in dim)) if dim else ()
    return _shown.torch_int((int(dim),))


def mean(input, dim=None, keepdim=False, *, dtype=None, axis=ABSENT, keepdims=ABSENT):
    if axis is not ABSENT or keepdims is not ABSENT:  # NumPy's names, taken natively (hot path)
        dim, keepdim = numpy_dim("mean", dim, keepdim, axis, keepdims)
    d = input._data
    if d.dtype.kind not in "f" and dtype is None:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {scalar_type_name(d.dtype)}"
        )
    if dtype is not None:
        dtype = as_dtype(dtype)
        if dtype.np.kind != "f":
            raise RuntimeError(
                "mean(): could not infer output dtype. Optional dtype must be either a floating "
                f"point or complex dtype. Got: {scalar_type_name(dtype.np)}"
            )
        d = d.astype(dtype.np)
    if dim is None:
        # PyTorch: sum (in its order) then divide by the count.
        res = _ordered_sum(d, None, False, d.dtype) / d.dtype.type(d.size) if d.size else np.nan
        out = _make(np.asarray(res, dtype=d.dtype))
        if out._data.dtype != d.dtype:
            out._data = out._data.astype(d.dtype)
        if grad_state.enabled and input._requires_grad:
            record(
                MeanBackward0,
                out,
                (input,),
                None,
                {"self_sym_numel": d.size, "self_sym_sizes": d.shape},
                extra=_input_dtype_extra(out._data, input),
            )
        elif events.listeners and events.hears("op_no_grad"):
            no_grad_event("MeanBackward0", out, (input,))
        return out
    axes = _dims(dim, d.ndim)
    with np.errstate(invalid="ignore", divide="ignore"):
        count = int(np.prod([d.shape[a] for a in axes])) if d.ndim else 1
        res = np.asarray(
            _ordered_sum(d, axes, keepdim, d.dtype) / d.dtype.type(count), dtype=d.dtype
        )
    out = _make(res)
    if grad_state.enabled and input._requires_grad:
        record(
            MeanBackward1,
            out,
            (input,),
            None,
            {
                "dim": _dim_attr(dim, d.ndim),
                "keepdim": keepdim,
                "self_sym_numel": d.size,
                "self_sym_sizes": d.shape,
            },
            fields={"dims": axes},
            extra=_input_dtype_extra(out._data, input),
        )
    elif events.listeners and events.hears("op_no_grad"):
        no_grad_event("MeanBackward1", out, (input,))
    return out


# --- prod -------------------------------------------------------------------------------
def _prod_backward(node, grad):
    self, result = node.saved("self"), node.saved("result")
    a = node._attrs
    if a and "dim" in a:
        axes = (a["dim"],)
        keep = a["keepdim"]
        g = _expand_back(grad, self._data.shape, axes, keep)
        r = _expand_back(result, self._data.shape, axes, keep)
    else:
        g, r = grad.expand(self._data.shape), result.expand(self._data.shape)
    if not (self._data == 0).any():
        return g * r / self
    # NOTE: with zeros, r / self is undefined; use the product of the other elements.

    if a and "dim" in a:
        ax = a["dim"]
        x = movedim(self, ax, -1)
    else:
        x = self.reshape(-1)
    n = x._data.shape[-1]
    others = []
    for i in range(n):
        idx = [j for j in range(n) if j != i]
        others.append(x[..., idx].prod(-1) if idx else x[..., 0] * 0 + 1)

    prod_others = stack(others, -1)
    if a and "dim" in a:
        prod_others = movedim(prod_others, -1, a["dim"])
    else:
        prod_others = prod_others.reshape(self._data.shape)
    return g * prod_others


ProdBackward0 = node_class(
    "ProdBackward0", _prod_backward, saved=("self", "result"), base=_DtypeArgNode
)
ProdBackward1 = node_class(
    "ProdBackward1",
    _prod_backward,
    saved=("self", "result"),
    attrs=("dim", "keepdim"),
    base=_DtypeArgNode,
)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    d = input._data
    dt = _sum_dtype(d, dtype)
    _grad_dtype(input, dt)
    if dim is None:
        out = _make(np.asarray(d.prod(dtype=dt)))
        if needs_grad(input):
            record(
                ProdBackward0,
                out,
                (input,),
                {"self": input},
                None,
                "result",
                extra=_input_dtype_extra(out._data, input),
            )
        return out
    ax = wrap_dim(dim, d.ndim)
    out = _make(np.asarray(d.prod(axis=ax, keepdims=keepdim, dtype=dt)))
    if needs_grad(input):
        record(
            ProdBackward1,
            out,
            (input,),
            {"self": input},
            {"dim": ax, "keepdim": keepdim},
            "result",
            shown={"dim": dim} if dim < 0 else None,
            extra=_input_dtype_extra(out._data, input),
        )
    return out


# --- max / min / amax / amin -----------------------------------------------------------
def _evenly(grad, self, value, axes=None, keepdim=True):
    """Gradient of max/min/amax: shared equally among the tied extreme elements."""
    shape = self._data.shape
    if axes is None:
        mask = self == value
        return mask * (grad / mask.sum())
    v = _expand_back(value, shape, axes, keepdim)
    g = _expand_back(grad, shape, axes, keepdim)
    mask = self == v
    count = mask.sum(axes, keepdim=True)
    return mask * g / count


def _max_min1_backward(n, grad):
    return _evenly(grad, n.saved("self"), n.saved("result"))


MaxBackward1 = node_class(
    "MaxBackward1",
    _max_min1_backward,
    saved=("self", "result"),
)


MinBackward1 = node_class(
    "MinBackward1",
    _max_min1_backward,
    saved=("self", "result"),
)


def _amax_backward(n, grad):
    a = n._attrs
    return _evenly(grad, n.saved("self"), n.saved("result"), n.dims, a["keepdim"])


AmaxBackward0 = node_class(
    "AmaxBackward0",
    _amax_backward,
    saved=("self", "result"),
    attrs=("dim", "keepdim"),
    fields=("dims",),
)
AminBackward0 = node_class(
    "AminBackward0",
    _amax_backward,
    saved=("self", "result"),
    attrs=("dim", "keepdim"),
    fields=("dims",),
)


def _index_reduce_backward(n, grad):
    """max(dim)/min(dim)/median(dim)/kthvalue: the gradient goes to the chosen index (the
    values output; the indices output has no gradient)."""
    a = n._attrs
    idx = n.saved("indices")

    dim = a["dim"]
    if not len(a["self_sym_sizes"]):
        return grad
    if not a["keepdim"]:
        grad = grad.unsqueeze(dim)
        idx = idx.unsqueeze(dim)
    return _scatter_into_zeros(grad, dim, idx, a["self_sym_sizes"])


MaxBackward0 = node_class(
    "MaxBackward0",
    _index_reduce_backward,
    saved=("indices",),
    attrs=("dim", "keepdim", "self_sym_sizes"),
)
MinBackward0 = node_class(
    "MinBackward0",
    _index_reduce_backward,
    saved=("indices",),
    attrs=("dim", "keepdim", "self_sym_sizes"),
)


def _extreme(input, dim, keepdim, other, np_red, np_arg, full_cls, dim_cls, name):
    if isinstance(dim, Tensor):
        return (maximum if name == "max" else minimum)(input, dim)
    if other is not None:
        return (maximum if name == "max" else minimum)(input, other)
    d = input._data
    if dim is None:
        if d.size == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        out = _make(np.asarray(np_red(d)))
        if needs_grad(input):
            record(full_cls, out, (input,), {"self": input}, None, "result")
        return out
    ax = wrap_dim(dim, d.ndim or 1)
    if d.ndim and d.shape[ax] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {ax} to have non-zero size.")
    idx = np_arg(d, axis=ax) if d.ndim else np.asarray(0)
    idx_k = np.expand_dims(idx, ax) if d.ndim else idx
    vals = np.take_along_axis(d, idx_k, axis=ax) if d.ndim else d.copy()
    if not keepdim and d.ndim:
        vals = np.squeeze(vals, ax)
        idx_out = idx
    else:
        idx_out = idx_k
    values = _make(np.asarray(vals))
    indices = _make(np.asarray(idx_out, dtype=np.int64))
    if needs_grad(input):
        record(
            dim_cls,
            values,
            (input,),
            {"indices": indices},
            {"dim": ax, "keepdim": keepdim, "self_sym_sizes": d.shape},
            shown={"dim": dim} if dim < 0 else None,
        )
    return _RETURN_TYPES[name](values, indices)


def max(input, dim=None, keepdim=False, *, other=None):  # noqa: A001
    return _extreme(
        input, dim, keepdim, other, np.max, np.argmax, MaxBackward1, MaxBackward0, "max"
    )


def min(input, dim=None, keepdim=False, *, other=None):  # noqa: A001
    return _extreme(
        input, dim, keepdim, other, np.min, np.argmin, MinBackward1, MinBackward0, "min"
    )


def amax(input, dim=(), keepdim=False):
    return _amaxmin(input, dim, keepdim, np.max, AmaxBackward0)


def amin(input, dim=(), keepdim=False):
    return _amaxmin(input, dim, keepdim, np.min, AminBackward0)


def _check_nonempty(name, d, axes, all_dims, exc=RuntimeError):
    """PyTorch's refusal to reduce an empty tensor with no identity (max, argmax...)."""
    if not d.size:
        if all_dims:
            msg = f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
            if exc is RuntimeError:
                msg += " Specify the reduction dim with the 'dim' argument."
            raise exc(msg)
        for shown, ax in axes:  # (the dim as PyTorch names it, the axis)
            if d.shape[ax] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {shown} to have non-zero size.")


def _amaxmin(input, dim, keepdim, np_fn, cls):
    d = input._data
    all_dims = dim is None or (isinstance(dim, (list, tuple)) and not dim)
    raw = [dim] if isinstance(dim, int) else list(dim or ())
    _check_nonempty(  # amax/amin name the dim as given
        "amax" if np_fn is np.max else "amin",
        d,
        [(r, wrap_dim(r, d.ndim or 1)) for r in raw],
        all_dims,
    )  # (before the repeated-dim check)
    axes = _dims(dim if dim != () else None, d.ndim)
    out = _make(np.asarray(np_fn(d, axis=axes, keepdims=keepdim)))
    if needs_grad(input):
        record(
            cls,
            out,
            (input,),
            {"self": input},
            {"dim": _dim_attr(dim, d.ndim), "keepdim": keepdim},
            "result",
            fields={"dims": axes},
        )
    return out


def argmax(input, dim=None, keepdim=False):
    d = input._data
    if d.dtype.kind == "b":
        raise RuntimeError("argmax(): does not support bool input")
    _check_nonempty(
        "argmax",
        d,
        () if dim is None else ((wrap_dim(dim, d.ndim or 1),) * 2,),
        dim is None,
        IndexError,
    )
    if dim is None:
        return _make(np.asarray(np.argmax(d), dtype=np.int64))
    ax = wrap_dim(dim, d.ndim)
    return _make(
        np.asarray(np.argmax(d, axis=ax, keepdims=keepdim) if d.ndim else 0, dtype=np.int64)
    )


def argmin(input, dim=None, keepdim=False):
    d = input._data
    if d.dtype.kind == "b":
        raise RuntimeError("argmin(): does not support bool input")
    _check_nonempty(
        "argmin",
        d,
        () if dim is None else ((wrap_dim(dim, d.ndim or 1),) * 2,),
        dim is None,
        IndexError,
    )
    if dim is None:
        return _make(np.asarray(np.argmin(d), dtype=np.int64))
    ax = wrap_dim(dim, d.ndim)
    return _make(
        np.asarray(np.argmin(d, axis=ax, keepdims=keepdim) if d.ndim else 0, dtype=np.int64)
    )


def _all_any(np_fn, input, dim, keepdim):
    """``all``/``any``: an empty dim list reduces nothing; uint8 stays uint8 (PyTorch)."""
    d = input._data
    if isinstance(dim, (list, tuple)) and not dim:
        axes = ()
    else:
        axes = _dims(dim, d.ndim)
    res = np.asarray(np_fn(d, axis=axes, keepdims=keepdim))
    return _make(res.astype(np.uint8) if d.dtype == np.uint8 else res)


def all(input, dim=None, keepdim=False):  # noqa: A001
    return _all_any(np.all, input, dim, keepdim)


def any(input, dim=None, keepdim=False):  # noqa: A001
    return _all_any(np.any, input, dim, keepdim)


def count_nonzero(input, dim=None):
    d = input._data
    return _make(
        np.asarray(
            np.count_nonzero(d, axis=None if dim is None else _dims(dim, d.ndim)), dtype=np.int64
        )
    )


# --- var / std / norm / logsumexp ------------------------------------------------------
def _correction(unbiased, correction):
    if correction is not None:
        return correction
    if unbiased is None:
        return 1
    return 1 if unbiased else 0


@contextmanager
def warnings_off():
    """numpy's own RuntimeWarnings (dof <= 0) are replaced by PyTorch's UserWarning."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _var_backward(node, grad):
    a = node._attrs
    self = node.saved("self")
    axes = node.dims
    n = 1
    for ax in axes:
        n *= self._data.shape[ax] if self._data.ndim else 1
    mean_ = self.mean(axes, keepdim=True) if self._data.ndim else self
    g = _expand_back(grad, self._data.shape, axes, a["keepdim"])
    with np.errstate(divide="ignore", invalid="ignore"):
        return g * 2 * (self - mean_) / (n - a["correction"])


def _std_backward(node, grad):
    a = node._attrs
    result = node.saved("result")
    axes = node.dims
    r = _expand_back(result, node.saved("self")._data.shape, axes, a["keepdim"])
    g = _expand_back(grad, node.saved("self")._data.shape, axes, a["keepdim"])
    # d std = d var / (2 std); reuse the var formula with grad / (2 std).
    self = node.saved("self")
    n = 1
    for ax in axes:
        n *= self._data.shape[ax] if self._data.ndim else 1
    mean_ = self.mean(axes, keepdim=True) if self._data.ndim else self
    # PyTorch masks the gradient to 0 where std is 0 (constant input) instead of 0/0.

    zero = _make(np.zeros((), dtype=g._data.dtype))
    with np.errstate(divide="ignore", invalid="ignore"):
        return where(r == 0, zero, g * (self - mean_) / ((n - a["correction"]) * r))


VarBackward0 = node_class(
    "VarBackward0",
    _var_backward,
    saved=("self",),
    attrs=("correction", "dim", "keepdim"),
    fields=("dims",),
)
StdBackward0 = node_class(
    "StdBackward0",
    _std_backward,
    saved=("self", "result"),
    attrs=("correction", "dim", "keepdim"),
    fields=("dims",),
)


def _var_impl(input, dim, unbiased, keepdim, correction, cls, np_fn):
    if isinstance(dim, bool):  # var(unbiased) positional form
        unbiased, dim = dim, None
    c = _correction(unbiased, correction)
    if input._data.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    d = input._data
    axes = _dims(dim, d.ndim)
    n = 1
    for ax in axes:
        n *= d.shape[ax]
    if n - c <= 0:
        import warnings

        warnings.warn(
            f"{'std' if cls is StdBackward0 else 'var'}(): degrees of freedom is <= 0. Correction "
            "should be strictly less than the reduction factor (input numel divided by output "
            "numel). (Triggered internally at "
            "/__w/pytorch/pytorch/aten/src/ATen/native/ReduceOps.cpp:1861.)",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
    with np.errstate(invalid="ignore", divide="ignore"), warnings_off():
        res = np.asarray(
            np_fn(d, axis=axes if d.ndim else None, ddof=c, keepdims=keepdim), dtype=d.dtype
        )
    out = _make(res)
    if needs_grad(input):
        saved_result = "result" if cls is StdBackward0 else None
        record(
            cls,
            out,
            (input,),
            {"self": input},
            {
                "correction": c,
                "dim": None if dim is None else _dim_attr(dim, d.ndim),
                "keepdim": keepdim,
            },
            saved_result,
            fields={"dims": axes},
            shown={"correction": None}
            if dim is None and unbiased is None and correction is None
            else None,
        )
    return out


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_impl(input, dim, unbiased, keepdim, correction, VarBackward0, np.var)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_impl(input, dim, unbiased, keepdim, correction, StdBackward0, np.std)


def _var_mean_backward(node, grads, is_std=False):
    """``var_mean``/``std_mean``: one node, two outputs (the spread and the mean)."""

    g_v, g_m = grads
    a, axes = node._attrs, node.dims
    x = node.saved("self")
    shape = x._data.shape
    n = 1
    for ax in axes:
        n *= shape[ax]
    mean_ = x.mean(axes, keepdim=True) if x._data.ndim else x
    g = _expand_back(g_v, shape, axes, a["keepdim"])
    c = node._extra["correction"]
    if is_std:
        r = _expand_back(node.saved("result0"), shape, axes, a["keepdim"])
        zero = _make(np.zeros((), dtype=g._data.dtype))
        with np.errstate(divide="ignore", invalid="ignore"):
            part = where(r == 0, zero, g * (x - mean_) / ((n - c) * r))
    else:
        part = g * 2 * (x - mean_) / (n - c)
    return (part + _expand_back(g_m, shape, axes, a["keepdim"]) / (n or 1),)


def _std_mean_backward(node, grads):
    return _var_mean_backward(node, grads, is_std=True)


VarMeanBackward0 = node_class(
    "VarMeanBackward0",
    _var_mean_backward,
    saved=("self",),
    attrs=("correction", "dim", "keepdim"),
    fields=("dims",),
    all_grads=True,
)
StdMeanBackward0 = node_class(
    "StdMeanBackward0",
    _std_mean_backward,
    saved=("result0", "self"),
    attrs=("correction", "dim", "keepdim"),
    fields=("dims",),
    all_grads=True,
)


def _var_mean(input, dim, unbiased, keepdim, correction, cls, spread):
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    if input._data.dtype.kind != "f":
        name = "std_mean" if cls is StdMeanBackward0 else "var_mean"
        raise RuntimeError(f"{name} only support floating point and complex dtypes")
    with _no_grad():
        v = spread(input, dim, unbiased, keepdim, correction=correction)
        m = mean(input.float() if input._data.dtype.kind != "f" else input, dim, keepdim)
    v, m = _make(v._data), _make(m._data)
    if needs_grad(input):
        c = _correction(unbiased, correction)
        d = input._data
        record_multi(
            cls,
            [v, m],
            (input,),
            {"self": input},
            {
                "correction": c,
                "dim": None if dim is None else _dim_attr(dim, d.ndim),
                "keepdim": keepdim,
            },
            fields={"dims": _dims(dim, d.ndim)},
            extra={"correction": c},
        )
        node = v._grad_fn
        # None under no_grad: record_multi only told a listener (op_no_grad)
        if cls is StdMeanBackward0 and node is not None:
            node._saved["result0"] = SavedTensor(v, is_output=True)
    return v, m


class _no_grad:
    def __enter__(self):
        self.prev = grad_state.enabled
        grad_state.enabled = False

    def __exit__(self, *exc):
        grad_state.enabled = self.prev


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_mean(input, dim, unbiased, keepdim, correction, VarMeanBackward0, var)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_mean(input, dim, unbiased, keepdim, correction, StdMeanBackward0, std)


def _norm_backward(node, grad):
    """ATen's ``norm_backward``, in its order of operations (the rounding follows it).

    ``grad`` and ``result`` get the reduced dims back as size 1 (unless the whole tensor was
    reduced: then they stay 0-d, so with ``dtype=float64`` on a float32 input ``self /
    norm`` is computed in float32, as type promotion does it in PyTorch).
    """
    a = node._attrs
    self, result = node.saved("self"), node.saved("result")
    p = a["ord"] if "ord" in a else a["p"]  # linalg.vector_norm's ord, at::norm's p
    axes = node.dims
    keepdim = a.get("keepdim", False)  # at::norm(self, p) (NormBackward0) has none
    g, norm = grad, result
    if not keepdim and a.get("dim") is not None and self.dim():
        kept = tuple(1 if i in axes else n for i, n in enumerate(self._data.shape))
        g, norm = g.reshape(kept), norm.reshape(kept)
    zero = _make(np.zeros((), dtype=g._data.dtype))
    if p == 0:
        return None  # (PyTorch: an undefined gradient; the leaf's .grad stays None)
    if p == 1:
        return sign(self) * g
    if p == 2:
        return g * where(norm == 0, zero, self / norm)
    if p == float("inf") or p == float("-inf"):
        self_abs = _abs(self)
        mask = (self_abs == norm) | self_abs.isnan()
        return sign(self) * ((g / mask.sum(axes, keepdim=True)) * mask)
    if p < 1:
        self_scaled = sign(self) * where(self == 0, zero, _abs(self) ** (p - 1))
        return self_scaled * g * norm ** (1 - p)
    if p < 2:
        self_scaled = sign(self) * _abs(self) ** (p - 1)
    else:
        self_scaled = self * _abs(self) ** (p - 2)
    return self_scaled * where(norm == 0, zero, g / norm ** (p - 1))


LinalgVectorNormBackward0 = node_class(
    "LinalgVectorNormBackward0",
    _norm_backward,
    saved=("self", "result"),
    attrs=("dim", "keepdim", "ord"),
    fields=("dims",),
)


def vector_norm(input, ord=2, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    if input._data.dtype.kind != "f":
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            + scalar_type_name(input._data.dtype)
        )
    d = as_float_input(input)
    if dtype is not None:  # computed in ``dtype``, which must not narrow the input's
        want = as_dtype(dtype).np
        if want.kind != "f":
            raise RuntimeError(
                "linalg.vector_norm: dtype should be floating point or complex, but got "
                + scalar_type_name(want)
            )
        if np.promote_types(d.dtype, want) != want:
            raise RuntimeError(
                f"linalg.vector_norm: the dtype of the input ({scalar_type_name(d.dtype)}) "
                "should be convertible without narrowing to the specified dtype "
                f"({scalar_type_name(want)})"
            )
        d = d.astype(want, copy=False)
    axes = _dims(dim, d.ndim)
    ad = np.abs(d)
    ax_arg = axes if d.ndim else None
    if ord == 2:
        res = np.sqrt(np.sum(d * d, axis=ax_arg, keepdims=keepdim))
    elif ord == float("inf"):
        res = np.max(ad, axis=ax_arg, keepdims=keepdim)
    elif ord == float("-inf"):
        res = np.min(ad, axis=ax_arg, keepdims=keepdim)
    elif ord == 0:
        res = np.sum(ad != 0, axis=ax_arg, keepdims=keepdim).astype(d.dtype)
    elif ord == 1:
        res = np.sum(ad, axis=ax_arg, keepdims=keepdim)
    else:
        p, inv = scalar_like(ord, ad), scalar_like(1.0 / ord, ad)
        res = np.sum(ad**p, axis=ax_arg, keepdims=keepdim) ** inv
    out = _make(np.asarray(res, dtype=d.dtype))
    if needs_grad(input):
        record(
            LinalgVectorNormBackward0,
            out,
            (input,),
            {"self": input},
            {
                "dim": None if dim is None else _dim_attr(dim, d.ndim),
                "keepdim": keepdim,
                "ord": ord,
            },
            "result",
            fields={"dims": axes},
        )
    return out


# ``at::norm(self, p, dim, keepdim)``, the norm ATen's own composites call (pairwise_distance).
NormBackward1 = node_class(
    "NormBackward1",
    _norm_backward,
    saved=("self", "result"),
    attrs=("dim", "keepdim", "p"),
    fields=("dims",),
)


def _aten_norm(input, p, dim, keepdim=False):
    """``at::norm`` with a Scalar ``p`` and dims: one ``NormBackward1`` (p saved as a float)."""

    with no_grad():
        res = vector_norm(input, p, dim, keepdim)
    out = _make(res._data)
    if needs_grad(input):
        attrs = {"dim": _dim_attr(dim, input._data.ndim), "keepdim": keepdim, "p": float(p)}
        record(
            NormBackward1,
            out,
            (input,),
            {"self": input},
            attrs,
            "result",
            fields={"dims": _dims(dim, input._data.ndim)},
        )
    return out


# ``at::norm(self, p)``: the whole tensor's norm, as ``norm_except_dim(v, p, -1)`` takes it.
NormBackward0 = node_class(
    "NormBackward0", _norm_backward, saved=("self", "result"), attrs=("p",), fields=("dims",)
)


def _full_norm(input, p):
    """``at::norm`` of the whole tensor with a Scalar ``p``: one ``NormBackward0``."""
    with no_grad():
        res = vector_norm(input, p)
    out = _make(res._data)
    if needs_grad(input):
        dims = tuple(range(input._data.ndim))
        record(NormBackward0, out, (input,), {"self": input}, {"p": p}, "result", {"dims": dims})
    return out


# ``linalg.matrix_norm``, which ``norm(p='nuc')`` needs; ops/_svd.py fills it at import.
MATRIX_NORM: list = []


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    if p == "fro" and isinstance(dim, (list, tuple)) and len(dim) > 2:
        raise RuntimeError(
            "linalg.matrix_norm: dim must be a 2-tuple. Got " + " ".join(str(d) for d in dim)
        )
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        matrix_norm = MATRIX_NORM[0]  # (set by ops/_svd.py, which is built on this module)
        result = matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim)
        return result if out is None else write_out("norm", out, result)
    result = vector_norm(input, p, dim, keepdim)
    return result if out is None else write_out("norm", out, result)


def _logsumexp_backward(node, grad):
    a = node._attrs
    self, result = node.saved("self"), node.saved("result")

    axes = node.dims
    g = _expand_back(grad, self._data.shape, axes, a["keepdim"])
    r = _expand_back(result, self._data.shape, axes, a["keepdim"])
    return g * exp(self - r)


LogsumexpBackward0 = node_class(
    "LogsumexpBackward0",
    _logsumexp_backward,
    saved=("self", "result"),
    attrs=("dim", "keepdim"),
    fields=("dims",),
)


def logsumexp(input, dim=None, keepdim=False):
    if dim is None:  # (PyTorch's parser wording)
        raise TypeError('logsumexp() missing 1 required positional arguments: "dim"')
    d = as_float_input(input)
    axes = _dims(dim, d.ndim)
    ax_arg = axes if d.ndim else None
    # NOTE: subtract the max first so exp never overflows.
    m = np.max(d, axis=ax_arg, keepdims=True) if d.size else np.zeros((1,) * d.ndim, d.dtype)
    m = np.where(np.isfinite(m), m, scalar_like(0, m))
    # NOTE: as ATen: exp (rounded as PyTorch's float32 kernel rounds it), summed in
    # PyTorch's order, then log; numpy's float32 exp/log alone agreed bit for bit in ~85%.
    e = _f64(np.exp)(d - m)
    total = torch_sum(e, axes, True) if d.ndim else None
    if total is None:
        total = np.sum(e, axis=ax_arg, keepdims=True)
    with np.errstate(divide="ignore"):
        res = _f64(np.log)(np.asarray(total, dtype=d.dtype)) + m
    if not keepdim:
        res = res.reshape(tuple(s for i, s in enumerate(d.shape) if i not in axes))
    out = _make(np.asarray(res, dtype=d.dtype))
    if needs_grad(input):
        record(
            LogsumexpBackward0,
            out,
            (input,),
            {"self": input},
            {"dim": _dim_attr(dim, d.ndim), "keepdim": keepdim},
            "result",
            fields={"dims": axes},
        )
    return out


# --- scans --------------------------------------------------------------------------------
def _cumsum_backward(node, grad):
    dim = node._attrs["dim"]

    if grad._data.ndim == 0:
        return grad
    return flip(flip(grad, [dim]).cumsum(dim), [dim])


CumsumBackward0 = node_class(
    "CumsumBackward0", _cumsum_backward, attrs=("dim",), base=_DtypeArgNode
)


def cumsum(input, dim, *, dtype=None):
    d = input._data
    ax = wrap_dim(dim, d.ndim or 1)
    _grad_dtype(input, _sum_dtype(d, dtype))
    res = np.cumsum(d, axis=ax if d.ndim else None, dtype=_sum_dtype(d, dtype)).reshape(d.shape)
    out = _make(res)
    if needs_grad(input):
        record(
            CumsumBackward0,
            out,
            (input,),
            None,
            {"dim": ax},
            shown={"dim": dim} if dim < 0 else None,
            extra=_input_dtype_extra(out._data, input),
        )
    return out


def _cumprod_backward(node, grad):
    dim = node._attrs["dim"]
    self, result = node.saved("self"), node.saved("result")

    if (self._data == 0).any():
        # NOTE: slow exact path for zeros: d out_j / d x_i = prod_{k<=j, k!=i} x_k.
        n = self._data.shape[dim] if self._data.ndim else 1
        x = self if self._data.ndim else self.reshape(1)
        cols = []
        for i in range(n):
            mask = np.ones(x._data.shape[dim], dtype=bool)
            mask[i] = False
            others = x * 1
            idx = [slice(None)] * x._data.ndim
            idx[dim] = i
            sel = np.ones_like(x._data)
            sel[tuple(idx)] = 0
            repl = x * _make(sel) + _make(1 - sel)
            cp = repl.cumprod(dim)
            keep = np.zeros(x._data.shape[dim])
            keep[i:] = 1
            shp = [1] * x._data.ndim
            shp[dim] = n
            col = (
                grad.reshape(x._data.shape) * cp * _make(keep.reshape(shp).astype(x._data.dtype))
            ).sum(dim, keepdim=True)
            cols.append(col)
            del others, mask

        return cat(cols, dim).reshape(self._data.shape)
    return flip(flip(grad * result, [dim]).cumsum(dim), [dim]) / self


CumprodBackward0 = node_class(
    "CumprodBackward0",
    _cumprod_backward,
    saved=("self", "result"),
    attrs=("dim",),
    base=_DtypeArgNode,
)


def cumprod(input, dim, *, dtype=None):
    d = input._data
    ax = wrap_dim(dim, d.ndim or 1)
    res = np.cumprod(d, axis=ax if d.ndim else None, dtype=_sum_dtype(d, dtype)).reshape(d.shape)
    out = _make(res)
    if needs_grad(input):
        record(
            CumprodBackward0,
            out,
            (input,),
            {"self": input},
            {"dim": ax},
            "result",
            shown={"dim": dim} if dim < 0 else None,
            extra=_input_dtype_extra(out._data, input),
        )
    return out


def _cum_extreme_backward(node, grad):
    """cummax/cummin: each gradient goes back to the element that held the running extreme."""
    self, indices = node.saved("self"), node.saved("indices")
    if grad._data.ndim == 0:
        return grad
    return _zeros_like(self).scatter_add(node._attrs["dim"], indices, grad)


CummaxBackward0 = node_class(
    "CummaxBackward0", _cum_extreme_backward, saved=("self", "indices"), attrs=("dim",)
)
CumminBackward0 = node_class(
    "CumminBackward0", _cum_extreme_backward, saved=("self", "indices"), attrs=("dim",)
)


def _zeros_like(t):
    return _make(np.zeros_like(t._data))


def _cum_extreme(name: str, input, dim, better):
    """The running extreme along ``dim`` and where it was last reached (a NaN, once met,
    stays: each later NaN takes over), as ``torch.return_types.<name>``."""
    d = input._data
    ax = wrap_dim(dim, d.ndim or 1)
    if d.ndim == 0 or d.size == 0:
        values, idx = d.copy(), np.zeros(d.shape, dtype=np.int64)
    else:
        v = np.moveaxis(d, ax, -1)
        values = np.empty_like(v)
        idx = np.empty(v.shape, dtype=np.int64)
        cur, at = v[..., 0], np.zeros(v.shape[:-1], dtype=np.int64)
        for j in range(v.shape[-1]):
            x = v[..., j]
            with np.errstate(invalid="ignore"):
                take = better(x, cur) | np.isnan(x) if v.dtype.kind == "f" else better(x, cur)
            cur = np.where(take, x, cur)
            at = np.where(take, j, at)
            values[..., j], idx[..., j] = cur, at
        values, idx = np.moveaxis(values, -1, ax), np.moveaxis(idx, -1, ax)
    # (np.ascontiguousarray would make a 0-d array 1-d)
    out, indices = _make(np.array(values, order="C")), _make(np.array(idx, order="C"))
    if needs_grad(input):
        record(
            CummaxBackward0 if name == "cummax" else CumminBackward0,
            out,
            (input,),
            {"self": input, "indices": indices},
            {"dim": ax},
            shown={"dim": dim} if dim < 0 else None,
        )
    return _RETURN_TYPES[name](out, indices)


def cummax(input, dim):
    """``torch.cummax``: ``(values, indices)`` of the running maximum along ``dim``."""
    return _cum_extreme("cummax", input, dim, np.greater_equal)


def cummin(input, dim):
    """``torch.cummin``: ``(values, indices)`` of the running minimum along ``dim``."""
    return _cum_extreme("cummin", input, dim, np.less_equal)


def _logcumsumexp_backward(node, grad):
    """d out_j / d x_i = exp(x_i - out_j) for i <= j, summed in log space with the gradient
    split by sign, so that nothing overflows (the lowest float stands in for log 0)."""
    dim = node._attrs["dim"]
    self, result = node.saved("self"), node.saved("result")
    g = grad._data
    if g.ndim == 0 or g.size == 0:
        return grad
    lowest = _make(np.full(g.shape, np.finfo(g.dtype).min, dtype=g.dtype))
    log_abs = _abs(grad).log()

    def from_the_end(x):
        return flip(logcumsumexp(flip(x, [dim]), dim), [dim])

    pos = (from_the_end(where(grad > 0, log_abs, lowest) - result) + self).exp()
    neg = (from_the_end(where(grad < 0, log_abs, lowest) - result) + self).exp()
    return pos - neg


LogcumsumexpBackward0 = node_class(
    "LogcumsumexpBackward0",
    _logcumsumexp_backward,
    saved=("self", "result"),
    attrs=("dim",),
)


def logcumsumexp(input, dim):
    """``torch.logcumsumexp``: ``log(cumsum(exp(x)))`` along ``dim``, without overflow."""
    d = input._data
    ax = wrap_dim(dim, d.ndim or 1)
    if d.dtype.kind != "f":
        d = d.astype(get_default_dtype().np)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        res = np.logaddexp.accumulate(d, axis=ax) if d.ndim and d.size else d.copy()
    out = _make(np.asarray(res, dtype=d.dtype))
    if needs_grad(input):
        record(
            LogcumsumexpBackward0,
            out,
            (input,),
            {"self": input},
            {"dim": ax},
            "result",
            shown={"dim": dim} if dim < 0 else None,
        )
    return out


# --- softmax family -----------------------------------------------------------------------
def _aten_order(d: np.ndarray, dim: int) -> bool:
    """True when ``_softmax_order`` repeats ATen's kernel for ``d`` (float32, last dim)."""
    return (
        d.dtype == np.float32 and dim == d.ndim - 1 and d.size > 0 and not _f32_math._numpy_kernels
    )


def _softmax_backward(node, grad):
    dim = node._attrs["dim"]
    g = grad._data
    if _fast(g) and _aten_order(g, dim):
        y = _saved_np(node, "result")
        if y.dtype == g.dtype and y.shape == g.shape:
            return _make(_softmax_order.softmax_backward_lastdim(g, y))
    return _softmax_backward_data(grad, node.saved("result"), dim, False, node)


def _log_softmax_backward(node, grad):
    dim = node._attrs["dim"]
    g = grad._data
    if _fast(g):
        y = _saved_np(node, "result")
        if y.dtype == g.dtype and y.shape == g.shape:
            return _make(_softmax_data_values(g, y, dim, True))
    return _softmax_backward_data(grad, node.saved("result"), dim, True, node)


def _softmax_data_values(g: np.ndarray, y: np.ndarray, dim: int, log: bool) -> np.ndarray:
    """The values of ``_(log_)softmax_backward_data``: ATen's last-dim kernel in float32,
    else the formula in numpy (ATen-order sums)."""
    if _aten_order(g, dim) and y.dtype == g.dtype and y.shape == g.shape:
        kernel = _softmax_order.log_softmax_backward_lastdim if log else None
        kernel = kernel or _softmax_order.softmax_backward_lastdim
        return kernel(g, y)
    with np.errstate(invalid="ignore", over="ignore"):
        if log:  # g - exp(y) * sum(g)
            e = np.asarray(UNARY["exp"][0](y))
            return np.subtract(g, np.multiply(e, _ordered_sum(g, (dim,), True, g.dtype)))
        gy = np.multiply(g, y)  # y * (g - sum(g * y))
        return np.multiply(y, np.subtract(g, _ordered_sum(gy, (dim,), True, gy.dtype)))


def _softmax_backward_data(grad_output, output, dim: int, log: bool, node=None):
    """ATen's ``_softmax_backward_data`` / ``_log_softmax_backward_data``: the gradient of a
    (log_)softmax from its output. With the graph of the gradient wanted (create_graph) it
    is a node of its own, ``(Log)SoftmaxBackwardDataBackward0``, as in PyTorch; its values
    are the first-order kernel's either way (a widget listening changes nothing)."""
    g, y = grad_output._data, output._data
    if g.dtype != y.dtype:
        g = g.astype(y.dtype)
    out = _make(_softmax_data_values(g, y, dim, log))
    if needs_grad(grad_output, output):
        shown = node._extra.get("shown") if node is not None and node._extra else None
        record(
            LogSoftmaxBackwardDataBackward0 if log else SoftmaxBackwardDataBackward0,
            out,
            (grad_output, output),
            {"grad_output": grad_output, "output": output},
            {"dim": dim},
            shown=shown,
        )
    return out


def _softmax_data_backward(node, gg):
    """Double backward of softmax: d/d grad_output is the same kernel on ``gg``; d/d output
    is ``grad_output * gg - sum(output * grad_output) * gg - grad_output * sum(output * gg)``."""
    g, y, dim = node.saved("grad_output"), node.saved("output"), node._attrs["dim"]
    nf = node.next_functions
    d_g = _softmax_backward_data(gg, y, dim, False) if nf[0][0] is not None else None
    d_y = None
    if nf[1][0] is not None:
        d_y = g * gg - (y * g).sum(dim, keepdim=True) * gg - g * (y * gg).sum(dim, keepdim=True)
    return d_g, d_y


def _log_softmax_data_backward(node, gg):
    """Double backward of log_softmax: ``gg - sum(gg * exp(output))`` for grad_output and
    ``-sum(grad_output) * exp(output) * gg`` for output."""
    g, y, dim = node.saved("grad_output"), node.saved("output"), node._attrs["dim"]
    nf = node.next_functions
    d_g = gg - (gg * exp(y)).sum(dim, keepdim=True) if nf[0][0] is not None else None
    d_y = -g.sum(dim, keepdim=True) * exp(y) * gg if nf[1][0] is not None else None
    return d_g, d_y


SoftmaxBackward0 = node_class(
    "SoftmaxBackward0", _softmax_backward, saved=("result",), attrs=("dim",)
)
LogSoftmaxBackward0 = node_class(
    "LogSoftmaxBackward0", _log_softmax_backward, saved=("result",), attrs=("dim",)
)
SoftmaxBackwardDataBackward0 = node_class(
    "SoftmaxBackwardDataBackward0",
    _softmax_data_backward,
    saved=("grad_output", "output"),
    attrs=("dim",),
)
LogSoftmaxBackwardDataBackward0 = node_class(
    "LogSoftmaxBackwardDataBackward0",
    _log_softmax_data_backward,
    saved=("grad_output", "output"),
    attrs=("dim",),
)


def _softmax_dim(dim, ndim):
    if dim is None:
        # NOTE: PyTorch's legacy implicit-dim choice (with a warning).
        import warnings

        warnings.warn(
            "Implicit dimension choice for softmax has been deprecated. Change the call to include "
            "dim=X as an argument.",
            stacklevel=3,
        )
        return 0 if ndim in (0, 1, 3) else 1
    return wrap_dim(dim, ndim)


def _softmax_input(name, input, dim, dtype):
    """The tensor softmax works on, its array and its dim; no integer kernels (an empty input
    runs none). ``dtype=`` converts the input first, a ``ToCopyBackward0`` node as in PyTorch
    (so the gradient goes back in the input's dtype)."""
    if dtype is not None and input._data.dtype != _as_np(dtype):
        input = input.to(dtype)
    d = input._data
    ax = _softmax_dim(dim, d.ndim)
    if d.dtype.kind != "f" and d.size:
        last = "lastdim_" if ax == d.ndim - 1 or d.ndim == 0 else ""
        raise not_implemented_for(f"{name}_{last}kernel_impl", d.dtype)
    return input, d, ax


def softmax(input, dim=None, dtype=None, *, _stacklevel=3):
    input, d, ax = _softmax_input("softmax", input, dim, dtype)
    if d.ndim == 0:
        res = np.ones_like(d)
    elif _aten_order(d, ax):
        res = _softmax_order.softmax_lastdim(d)
    else:
        # NOTE: shift by the max for stability.
        e = np.exp(d - d.max(axis=ax, keepdims=True)) if d.size else d.copy()
        res = e / e.sum(axis=ax, keepdims=True) if d.size else e
    out = _make(np.asarray(res, dtype=d.dtype))
    if needs_grad(input):
        record(
            SoftmaxBackward0,
            out,
            (input,),
            None,
            {"dim": ax},
            "result",
            shown={"dim": dim} if dim is not None and dim < 0 else None,
        )
    return out


def log_softmax(input, dim=None, dtype=None, *, _stacklevel=3):
    input, d, ax = _softmax_input("log_softmax", input, dim, dtype)
    if d.ndim == 0:
        res = np.zeros_like(d)
    elif _aten_order(d, ax):
        res = _softmax_order.log_softmax_lastdim(d)
    elif d.size:
        m = d.max(axis=ax, keepdims=True)
        m = np.where(np.isfinite(m), m, scalar_like(0, m))
        s = d - m
        res = s - np.log(np.exp(s).sum(axis=ax, keepdims=True))
    else:
        res = d.copy()
    out = _make(np.asarray(res, dtype=d.dtype))
    if needs_grad(input):
        record(
            LogSoftmaxBackward0,
            out,
            (input,),
            None,
            {"dim": ax},
            "result",
            shown={"dim": dim} if dim is not None and dim < 0 else None,
        )
    return out


def _as_np(dtype):
    return as_dtype(dtype).np


_unused = (record_multi, get_default_dtype)


# --- sort ------------------------------------------------------------------------------------
def _sort_backward(n, grad):
    a = n._attrs
    if not len(a["self_sym_sizes"]):
        return grad
    return _scatter_into_zeros(grad, a["dim"], n.saved("indices"), a["self_sym_sizes"])


SortBackward0 = node_class(
    "SortBackward0", _sort_backward, saved=("indices",), attrs=("dim", "self_sym_sizes")
)


def _sort_indices(d, ax, descending, stable):
    if d.ndim == 0:
        return np.asarray(0, dtype=np.int64)
    kind = "stable" if stable or descending else None
    if descending:
        # Negation keeps ties in their original order under a stable sort.
        key = ~d if d.dtype.kind == "b" else -d.astype(np.int64 if d.dtype.kind == "u" else d.dtype)
        return np.argsort(key, axis=ax, kind="stable")
    return np.argsort(d, axis=ax, kind=kind)


def sort(input, dim=-1, descending=False, stable=False):
    """``torch.sort``: ``(values, indices)`` named like ``torch.return_types.sort``."""
    d = input._data
    ax = wrap_dim(dim, d.ndim or 1)
    idx = _sort_indices(d, ax, descending, stable).astype(np.int64)
    vals = np.take_along_axis(d, idx, axis=ax) if d.ndim else d.copy()
    values, indices = _make(np.asarray(vals)), _make(np.asarray(idx))
    if needs_grad(input):
        record(
            SortBackward0,
            values,
            (input,),
            {"indices": indices},
            {"dim": ax, "self_sym_sizes": d.shape},
            shown={"dim": dim} if dim < 0 else None,
        )
    return _RETURN_TYPES["sort"](values, indices)


def argsort(input, dim=-1, descending=False, stable=False):
    return sort(input, dim, descending, stable).indices.detach()


# --- renorm ----------------------------------------------------------------------------------
def _renorm_np(d, p, dim, maxnorm):
    """(norm over every dim but ``dim``, kept; the scale factor), in ``d``'s dtype."""
    axes = tuple(k for k in range(d.ndim) if k != dim)
    ad = np.abs(d)
    if p == float("inf"):
        norm = np.max(ad, axis=axes, keepdims=True, initial=0)
    elif p == 2:
        norm = np.sqrt(np.sum(d * d, axis=axes, keepdims=True))
    elif p == 1:
        norm = np.sum(ad, axis=axes, keepdims=True)
    else:
        f = d.dtype.type
        norm = np.sum(ad ** f(p), axis=axes, keepdims=True) ** f(1.0 / p)
    norm = np.asarray(norm, dtype=d.dtype)
    f = d.dtype.type
    factor = np.where(norm > f(maxnorm), f(maxnorm) / (norm + f(1e-7)), f(1)).astype(d.dtype)
    return norm, factor, axes


def _renorm_backward(n, grad):
    """ATen's ``renorm_backward``: the scaled rows' gradient minus the norm's own part."""
    a = n._attrs
    self = n.saved("self")
    p, maxnorm, axes = a["p"], a["maxnorm"], n.axes
    dt = self._data.dtype
    norm = vector_norm(self, p, list(axes), True)
    go = (self * grad).sum(list(axes), keepdim=True) if axes else self * grad
    zero = _make(np.zeros((), dtype=dt))
    if p == 1:
        nb = sign(self) * go
    elif p == float("inf"):
        is_max = (_abs(self) == norm).to(self.dtype)
        count = is_max.sum(list(axes), keepdim=True) if axes else is_max
        nb = sign(self) * is_max * go / count
    elif p == 2:
        nb = where(norm == 0, zero, self * (go / norm))
    else:
        scale = go / norm.pow(p - 1)
        nb = where(norm == 0, zero, self * _abs(self).pow(p - 2) * scale)
    invnorm = (norm + 1e-7).reciprocal()
    factor = invnorm * maxnorm
    return where(norm > maxnorm, factor * (grad - invnorm * nb), grad)


RenormBackward0 = node_class(
    "RenormBackward0",
    _renorm_backward,
    saved=("self",),
    attrs=("dim", "maxnorm", "p"),
    fields=("dim", "axes"),
)


def renorm(input, p, dim, maxnorm):
    d = input._data
    if d.dtype.kind != "f":
        raise RuntimeError(f"\"renorm_out\" not implemented for '{scalar_type_name(d.dtype)}'")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if d.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {d.ndim} dimensions")
    raw_dim, dim = dim, wrap_dim(dim, d.ndim)
    _, factor, axes = _renorm_np(d, p, dim, maxnorm)
    out = _make(d * factor)
    if needs_grad(input):
        record(
            RenormBackward0,
            out,
            (input,),
            {"self": input},
            {"dim": dim, "maxnorm": maxnorm, "p": p},
            fields={"dim": dim, "axes": axes},
            shown={"dim": raw_dim} if raw_dim < 0 else None,
        )
    return out


# --- quantile / nanquantile --------------------------------------------------------------------
_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    """ATen's ``quantile_compute``, with the same graph: sort (after a flatten or a
    transpose), a view, gathers at the ranks below/above, ``lerp_``, then in-place
    squeeze/unsqueeze/transpose to the output shape."""
    d = input._data
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(
            "quantile() interpolation must be one of linear, lower, higher, midpoint or "
            f"nearest, but got {interpolation}"
        )
    if not isinstance(q, Tensor):
        if not 0 <= q <= 1:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q}")
        q = _make(np.asarray(q, dtype=d.dtype))
    qd = q._data
    if d.size == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    if qd.ndim > 1:
        raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if d.dtype not in (np.float32, np.float64):
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if qd.dtype != d.dtype:
        raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
    if not ((qd >= 0) & (qd <= 1)).all():
        raise RuntimeError("quantile() q values must be in the range [0, 1]")
    wdim = wrap_dim(0 if dim is None else dim, d.ndim)
    if dim is not None and d.ndim:
        out_shape = list(d.shape)
        if keepdim:
            out_shape[wdim] = 1
        else:
            del out_shape[wdim]
    else:
        out_shape = [1] * d.ndim if keepdim else []
    out_shape.insert(0, qd.size)
    if dim is None:
        sorted_ = input.flatten().sort()[0]
    elif wdim == d.ndim - 1 or not d.ndim:
        sorted_ = input.sort()[0]
    else:
        sorted_ = input.unsqueeze(-1).transpose(wdim, -1).sort()[0]
    in_shape = out_shape[1:] + [sorted_._data.shape[-1] if sorted_._data.ndim else 1]
    sorted_ = sorted_.view(in_shape)
    s = sorted_._data
    f = d.dtype.type
    q1 = qd.reshape(-1)
    if ignore_nan:
        valid = (~np.isnan(s)).sum(-1, keepdims=True)
        ranks = q1 * (valid - 1).astype(d.dtype)
        ranks = np.where(ranks < 0, f(0), ranks)
    else:
        last = s.shape[-1] - 1
        ranks = q1 * f(last)
        ranks = np.where(np.isnan(s).any(-1, keepdims=True), f(last), ranks)
    if interpolation == "lower":
        ranks = np.floor(ranks)
    elif interpolation == "higher":
        ranks = np.ceil(ranks)
    elif interpolation == "nearest":
        ranks = np.round(ranks)
    ranks = np.asarray(ranks, dtype=d.dtype)
    below = ranks.astype(np.int64)
    values = sorted_.gather(-1, _make(below))
    if interpolation in ("linear", "midpoint"):
        weights = np.full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below
        above = sorted_.gather(-1, _make(np.ceil(ranks).astype(np.int64)))
        values.lerp_(above, _make(np.asarray(weights, dtype=d.dtype)))
    if qd.ndim:
        values = _transpose_first_last_(_unsqueeze_first_(values))
    return _squeeze_last_(values)


# The in-place ``unsqueeze_``/``transpose_``/``squeeze_`` that ATen's quantile applies to a
# fresh result (their nodes are declared with the other views in shape.py).
def _unsqueeze_first_(t):
    out = _make(t._data[None])
    if needs_grad(t):
        record(UnsqueezeBackward1, out, (t,), None, {"dim": 0})
    return out


def _transpose_first_last_(t):
    d = t._data
    out = _make(np.swapaxes(d, 0, -1))
    if needs_grad(t):
        attrs = {"dim0": 0, "dim1": d.ndim - 1}
        record(TransposeBackward1, out, (t,), None, attrs, shown={"dim1": -1})
    return out


def _squeeze_last_(t):
    """``t.squeeze_(-1)`` on a fresh result (ATen's ``squeeze_.dim``: ``SqueezeBackward4``)."""
    d = t._data
    out = _make(np.squeeze(d, -1))
    if needs_grad(t):
        dim = d.ndim - 1
        attrs = {"dim": dim, "self_sym_sizes": d.shape}
        record(SqueezeBackward4, out, (t,), None, attrs, shown={"dim": -1})
    return out


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _quantile(input, q, dim, keepdim, interpolation, False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _quantile(input, q, dim, keepdim, interpolation, True)
