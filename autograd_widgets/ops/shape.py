"""Shape ops and views: reshape/view, transpose/permute, expand, squeeze, cat/stack/split.

A view shares its base's numpy memory and version counter and remembers how to
re-create itself from the base (``_view_fn``) so in-place ops on views can
rewrite the base's history, as PyTorch does.
"""

from __future__ import annotations

import numpy as np

from ..autograd import events
from ..autograd.node import node_class
from . import _shown
from ._core import (
    Tensor,
    grad_state,
    needs_grad,
    no_grad_event,
    promote,
    record,
    record_multi,
    same_grad,
    unbroadcast,
    wrap_dim,
)

# The ``torch.*`` functions defined here (the package namespace is the union of these lists).
__all__ = [
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "broadcast_to",
    "cat",
    "chunk",
    "clone",
    "concat",
    "concatenate",
    "flatten",
    "flip",
    "fliplr",
    "flipud",
    "hstack",
    "moveaxis",
    "movedim",
    "narrow",
    "permute",
    "reshape",
    "roll",
    "split",
    "squeeze",
    "stack",
    "swapaxes",
    "swapdims",
    "t",
    "tensor_split",
    "tile",
    "transpose",
    "unbind",
    "unflatten",
    "unsqueeze",
    "vstack",
]

# ``Tensor.<name>`` for these names: the function itself (ops/__init__.py attaches them).
# view, view_as, reshape_as, contiguous, expand, expand_as, repeat are Tensor-only (no torch.*).
TENSOR_METHODS = """
reshape view view_as reshape_as flatten unflatten clone contiguous t transpose swapaxes
swapdims permute movedim moveaxis expand expand_as broadcast_to repeat tile unsqueeze
squeeze flip fliplr flipud roll narrow chunk tensor_split unbind unfold
""".split()

_make = Tensor._make


def _as_view(out: Tensor, input: Tensor, view_fn) -> Tensor:
    """Mark ``out`` as a view of ``input`` (shared version counter and base)."""
    # (An empty result shares no bytes, but it is still a view of the input.)
    if out._data.size == 0 or np.may_share_memory(out._data, input._data):
        out._vc = input._vc
        base = input._base if input._base is not None else input
        out._base = base
        parent = input._view_fn
        out._view_fn = view_fn if parent is None else (lambda b, p=parent, f=view_fn: f(p(b)))
        if input.__dict__:  # a view of a split output (or a Function's view) is one too
            for mark in ("_multi_view", "_custom_view"):
                if mark in input.__dict__:
                    out.__dict__[mark] = True
    return out


def _mark_multi_view(outs) -> None:
    """Outputs of a multi-view op (split, unbind) made in grad mode: PyTorch refuses to
    modify them in place when that would need a gradient (``CreationMeta::MULTI_OUTPUT_NODE``)."""
    if grad_state.enabled:
        for o in outs:
            if o._base is not None:
                o.__dict__["_multi_view"] = True


def _unary_view(input, res, cls, attrs, view_fn, saved=None, shown=None):
    out = _make(res)
    _as_view(out, input, view_fn)
    if grad_state.enabled and input._requires_grad:
        record(cls, out, (input,), saved, attrs, shown=shown)
    elif events.listeners and events.hears("op_no_grad"):
        no_grad_event(cls.__name__, out, (input,))
    return out


def _shape_args(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def infer_shape(shape, numel: int):
    shape = list(shape)
    neg = []
    for i, s in enumerate(shape):  # in order, as PyTorch's infer_size checks them
        if s == -1:
            if neg:
                raise RuntimeError("only one dimension can be inferred")
            neg.append(i)
        elif s < -1:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {shape}")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if neg:
        if known == 0 and numel == 0:
            raise RuntimeError(
                f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                "unspecified dimension size -1 can be any value and is ambiguous"
            )
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape[neg[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


# --- view / reshape -----------------------------------------------------------------------
def _to_self_sizes_backward(n, grad):
    return grad.reshape(n._attrs["self_sym_sizes"])


ViewBackward0 = node_class(
    "ViewBackward0",
    _to_self_sizes_backward,
    attrs=("self_sym_sizes",),
)


UnsafeViewBackward0 = node_class(
    "UnsafeViewBackward0",
    _to_self_sizes_backward,
    attrs=("self_sym_sizes",),
)


ReshapeAliasBackward0 = node_class(
    "ReshapeAliasBackward0",
    _to_self_sizes_backward,
    attrs=("self_sym_sizes",),
)


CloneBackward0 = node_class("CloneBackward0", same_grad)


def view(input, *size, dtype=None):
    if dtype is not None and not size:
        size = (dtype,)
    if len(size) == 1 and not isinstance(size[0], (int, np.integer, tuple, list)):
        return input.to(size[0])  # view(dtype)
    d = input._data
    new = infer_shape(_shape_args(size), d.size)
    try:
        res = d.view()
        res.shape = new  # raises when a copy would be needed
    except AttributeError:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        ) from None
    return _unary_view(
        input, res, ViewBackward0, {"self_sym_sizes": d.shape}, lambda b: b.view(new)
    )


def reshape(input, *shape):
    d = input._data
    new = infer_shape(_shape_args(shape), d.size)
    res = d.reshape(new)
    if np.may_share_memory(res, d) or d.size == 0:
        # PyTorch views a contiguous input; a strided one it can still view is a _reshape_alias.
        cls = ViewBackward0 if d.flags.c_contiguous else ReshapeAliasBackward0
        return _unary_view(input, res, cls, {"self_sym_sizes": d.shape}, lambda b: b.reshape(new))
    # Not expressible as a view: PyTorch clones, then views the copy.
    return _unary_view(clone(input), res, UnsafeViewBackward0, {"self_sym_sizes": d.shape}, None)


def view_as(input, other):
    return view(input, other._data.shape)


def reshape_as(input, other):
    return reshape(input, other._data.shape)


def flatten(input, start_dim=0, end_dim=-1):
    d = input._data
    if d.ndim == 0:
        return reshape(input, (1,))
    s, e = wrap_dim(start_dim, d.ndim), wrap_dim(end_dim, d.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for x in d.shape[s : e + 1]:
        n *= x
    return reshape(input, d.shape[:s] + (n,) + d.shape[e + 1 :])


def unflatten(input, dim, sizes):
    d = input._data
    dim = wrap_dim(dim, d.ndim)
    sizes = infer_shape(tuple(sizes), d.shape[dim])
    return view(input, d.shape[:dim] + sizes + d.shape[dim + 1 :])


def clone(input, *, memory_format=None):
    """``torch.clone``: a copy with ``input``'s order of strides (``preserve_format``: a
    transposed input gives a transposed copy, as ``empty_like``)."""
    return _clone(input, "K")


def _clone(input, order: str):
    d = input._data
    out = _make(d.copy(order=order) if type(d) is np.ndarray else d.copy())
    if needs_grad(input):
        record(CloneBackward0, out, (input,))
    elif events.listeners and events.hears("op_no_grad"):
        no_grad_event("CloneBackward0", out, (input,))
    return out


def contiguous(input, memory_format=None):
    if input._data.flags.c_contiguous:
        return input
    return _clone(input, "C")


# --- transposes -----------------------------------------------------------------------------
def _t_backward(n, grad):
    return grad.t()


TBackward0 = node_class("TBackward0", _t_backward)


def _transpose_backward(n, grad):
    return grad.transpose(n._attrs["dim0"], n._attrs["dim1"])


TransposeBackward0 = node_class(
    "TransposeBackward0",
    _transpose_backward,
    attrs=("dim0", "dim1"),
)


def _permute_backward(n, grad):
    return grad.permute(tuple(np.argsort(n._attrs["dims"]).tolist()))


PermuteBackward0 = node_class(
    "PermuteBackward0",
    _permute_backward,
    attrs=("dims",),
)


def t(input):
    d = input._data
    if d.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {d.ndim}D")
    return _unary_view(input, d.T, TBackward0, None, lambda b: b.t())


def transpose(input, dim0, dim1):
    d = input._data
    nd = max(d.ndim, 1)
    a, b = wrap_dim(dim0, nd), wrap_dim(dim1, nd)
    if d.ndim == 0:
        return _unary_view(
            input, d.view(), TransposeBackward0, {"dim0": a, "dim1": b}, lambda x: x.transpose(a, b)
        )
    out = _unary_view(
        input,
        np.swapaxes(d, a, b),
        TransposeBackward0,
        {"dim0": a, "dim1": b},
        lambda x: x.transpose(a, b),
        shown={"dim0": dim0, "dim1": dim1} if dim0 < 0 or dim1 < 0 else None,
    )
    return out


swapdims = transpose


def swapaxes(input, axis0, axis1):
    """``torch.swapaxes``: ``transpose`` under NumPy's parameter names."""
    return transpose(input, axis0, axis1)


def permute(input, *dims):
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = _shape_args(dims)
    d = input._data
    if len(dims) != d.ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length "
            f"of the desired ordering of dimensions i.e. input.dim() = {d.ndim} is not equal to "
            f"len(dims) = {len(dims)}"
        )
    given, dims = dims, tuple(wrap_dim(x, d.ndim) for x in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    out = _unary_view(
        input,
        np.transpose(d, dims),
        PermuteBackward0,
        {"dims": dims},
        lambda b: b.permute(dims),
        shown={"dims": given} if _shown.negative(given) else None,
    )
    return out


def movedim(input, source, destination):
    d = input._data
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    src = [wrap_dim(s, d.ndim) for s in src]
    dst = [wrap_dim(s, d.ndim) for s in dst]
    if d.ndim == 0:  # nothing to move: PyTorch returns an alias
        # cycle: indexing builds on shape's views
        from .indexing import AliasBackward0

        return _unary_view(input, d.view(), AliasBackward0, None, lambda b: b)
    order = [i for i in range(d.ndim) if i not in src]
    for dd, s in sorted(zip(dst, src)):
        order.insert(dd, s)
    return permute(input, tuple(order))


moveaxis = movedim


def _T(input):
    d = input._data
    if d.ndim == 2:
        return permute(input, (1, 0))
    return permute(input, tuple(range(d.ndim - 1, -1, -1)))


def _mT(input):
    if input._data.ndim < 2:
        raise RuntimeError(
            "tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor."
        )
    return transpose(input, -2, -1)


# --- expand / repeat / squeeze ------------------------------------------------------------
def _expand_backward(n, grad):
    return _sum_to_size(grad, n._attrs["self_sym_sizes"])


ExpandBackward0 = node_class(
    "ExpandBackward0",
    _expand_backward,
    attrs=("self_sym_sizes",),
)


def _sum_to_size(grad, shape):
    return unbroadcast(grad, tuple(shape))


def expand(input, *size):
    sizes = _shape_args(size)
    d = input._data
    if len(sizes) < d.ndim:
        raise RuntimeError(
            f"expand({'CPUBoolType' if d.dtype == np.bool_ else input.type()}{{{list(d.shape)}}}, "
            f"size={list(sizes)}): the number of sizes "
            f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({d.ndim})"
        )
    lead = len(sizes) - d.ndim
    target = []
    for i in reversed(range(len(sizes))):  # from the last dim, as PyTorch checks them
        s = sizes[i]
        if i < lead:
            if s == -1:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}"
                )
            target.append(s)
        else:
            cur = d.shape[i - lead]
            if s == -1:
                target.append(cur)
            elif cur != s and cur != 1:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                    f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(d.shape)}"
                )
            else:
                target.append(s)
    target = tuple(reversed(target))
    if target == d.shape:
        res = d.view()
    else:
        # Writable, like PyTorch's (fill_ may write through it; other in-place ops refuse).
        b = np.broadcast_to(d, target)
        res = np.lib.stride_tricks.as_strided(d, b.shape, b.strides)
    return _unary_view(
        input, res, ExpandBackward0, {"self_sym_sizes": d.shape}, lambda b: b.expand(target)
    )


def expand_as(input, other):
    return expand(input, other._data.shape)


def broadcast_to(input, size):
    return expand(input, size)


def _repeat_backward(n, grad):
    reps = n._attrs["repeats"]
    shape = n._attrs["self_sym_sizes"]
    lead = len(reps) - len(shape)
    full = (1,) * lead + tuple(shape)
    # Split every repeated axis into (repeat, size) and sum over the repeats.
    split = []
    for r, s in zip(reps, full):
        split += [r, s]
    g = grad.reshape(tuple(split))
    g = g.sum(tuple(range(0, len(split), 2)))
    return g.reshape(tuple(shape))


RepeatBackward0 = node_class(
    "RepeatBackward0", _repeat_backward, attrs=("repeats", "self_sym_sizes")
)


def repeat(input, *repeats):
    reps = _shape_args(repeats)
    d = input._data
    if len(reps) < d.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
        )
    res = np.tile(d, reps)
    out = _make(np.asarray(res))
    if needs_grad(input):
        record(RepeatBackward0, out, (input,), None, {"repeats": reps, "self_sym_sizes": d.shape})
    return out


def tile(input, dims):
    dims = tuple(dims)
    nd = input._data.ndim
    if len(dims) < nd:
        dims = (1,) * (nd - len(dims)) + dims
    return repeat(input, dims)


def _unsqueeze_backward(n, grad):
    return grad.squeeze(n._attrs["dim"])


UnsqueezeBackward0 = node_class("UnsqueezeBackward0", _unsqueeze_backward, attrs=("dim",))


SqueezeBackward0 = node_class(
    "SqueezeBackward0",
    _to_self_sizes_backward,
    attrs=("self_sym_sizes",),
)


def _squeeze_dim_backward(n, grad):
    # PyTorch's unsqueeze_to: an UnsqueezeBackward0 in a create_graph graph, as there.
    dim, sizes = n._attrs["dim"], n._attrs["self_sym_sizes"]
    if grad.dim() == len(sizes) - 1:
        return grad.unsqueeze(dim)
    return grad.reshape(sizes)


SqueezeBackward1 = node_class(
    "SqueezeBackward1",
    _squeeze_dim_backward,
    attrs=("dim", "self_sym_sizes"),
)


SqueezeBackward2 = node_class(
    "SqueezeBackward2",
    _to_self_sizes_backward,
    attrs=("dim", "self_sym_sizes"),
)


# The in-place spellings (``unsqueeze_``, ``squeeze_``, ``transpose_``, ``t_``) record the
# same formulas under the names PyTorch gives their in-place overloads.
UnsqueezeBackward1 = node_class("UnsqueezeBackward1", _unsqueeze_backward, attrs=("dim",))
SqueezeBackward3 = node_class(
    "SqueezeBackward3", _to_self_sizes_backward, attrs=("self_sym_sizes",)
)
SqueezeBackward4 = node_class(
    "SqueezeBackward4", _to_self_sizes_backward, attrs=("dim", "self_sym_sizes")
)
SqueezeBackward5 = node_class(
    "SqueezeBackward5", _to_self_sizes_backward, attrs=("dim", "self_sym_sizes")
)
TransposeBackward1 = node_class("TransposeBackward1", _transpose_backward, attrs=("dim0", "dim1"))
TBackward1 = node_class("TBackward1", _t_backward)

#: out-of-place view node -> the node its in-place spelling records
INPLACE_VIEW_NODES = {
    UnsqueezeBackward0: UnsqueezeBackward1,
    SqueezeBackward0: SqueezeBackward3,
    SqueezeBackward1: SqueezeBackward4,
    SqueezeBackward2: SqueezeBackward5,
    TransposeBackward0: TransposeBackward1,
    TBackward0: TBackward1,
}


def unsqueeze(input, dim):
    d = input._data
    raw, dim = dim, wrap_dim(dim, d.ndim + 1)
    out = _unary_view(
        input,
        np.expand_dims(d, dim),
        UnsqueezeBackward0,
        {"dim": dim},
        lambda b: b.unsqueeze(dim),
        shown={"dim": raw} if raw < 0 else None,
    )
    return out


def squeeze(input, dim=None):
    d = input._data
    if dim is None:
        res = d.reshape(tuple(s for s in d.shape if s != 1))
        return _unary_view(
            input, res, SqueezeBackward0, {"self_sym_sizes": d.shape}, lambda b: b.squeeze()
        )
    if isinstance(dim, (tuple, list)):
        axes = tuple(wrap_dim(x, max(d.ndim, 1)) for x in dim)
        res = d.reshape(tuple(s for i, s in enumerate(d.shape) if not (i in axes and s == 1)))
        return _unary_view(
            input,
            res,
            SqueezeBackward2,
            {"dim": axes, "self_sym_sizes": d.shape},
            lambda b: b.squeeze(axes),
            shown={"dim": tuple(dim)} if _shown.negative(tuple(dim)) else None,
        )
    ax = wrap_dim(dim, max(d.ndim, 1))
    res = d.reshape(tuple(s for i, s in enumerate(d.shape) if not (i == ax and s == 1)))
    return _unary_view(
        input,
        res,
        SqueezeBackward1,
        {"dim": ax, "self_sym_sizes": d.shape},
        lambda b: b.squeeze(ax),
        shown={"dim": dim} if dim < 0 else None,  # PyTorch shows the dim as given
    )


# --- flip / roll / narrow ------------------------------------------------------------------
def _flip_backward(n, grad):
    return grad.flip(n._attrs["dims"])


FlipBackward0 = node_class("FlipBackward0", _flip_backward, attrs=("dims",))


def _roll_backward(n, grad):
    return grad.roll(tuple(-s for s in n._attrs["shifts"]), n._attrs["dims"] or None)


RollBackward0 = node_class(
    "RollBackward0",
    _roll_backward,
    attrs=("dims", "shifts"),
)


def flip(input, *args, dims=None):
    dims = _shape_args(args if dims is None else (dims,))
    d = input._data
    axes = tuple(wrap_dim(x, d.ndim) for x in dims)
    out = _make(np.flip(d, axes if d.ndim else ()).copy())
    if needs_grad(input):
        record(FlipBackward0, out, (input,), None, {"dims": axes})
    return out


def fliplr(input):
    return flip(input, (1,))


def flipud(input):
    return flip(input, (0,))


def roll(input, shifts, dims=None):
    d = input._data
    sh = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    if dims is None:
        out = _make(np.roll(d.reshape(-1), sh[0]).reshape(d.shape))
        dd = ()
    else:
        raw = (dims,) if isinstance(dims, int) else tuple(dims)
        dd = tuple(wrap_dim(x, d.ndim) for x in raw)
        if d.ndim == 0:
            raise IndexError(f"Dimension specified as {raw[0]} but tensor has no dimensions")
        out = _make(np.roll(d, sh, dd))
    if needs_grad(input):
        record(
            RollBackward0,
            out,
            (input,),
            None,
            {"dims": dd, "shifts": sh},
            shown={
                "shifts": sh,
                "dims": () if dims is None else ((dims,) if isinstance(dims, int) else tuple(dims)),
            }
            if _shown.negative(sh) or _shown.negative(dims)
            else None,
        )
    return out


# --- unfold (Tensor.unfold: sliding windows, a view) ---------------------------------------------
def _unfold_backward(n, grad):
    # Every window's gradient goes back to the positions it covers (overlaps add up).
    if grad_state.enabled or grad._requires_grad:
        raise NotImplementedError(
            "double backward (create_graph=True) through unfold is not supported by autograd_widgets"
        )
    a = n._attrs
    dim, size, step = a["dimension"], a["size"], a["step"]
    shape = a["self_sym_sizes"]
    g = grad._data
    if not shape:  # a 0-dim input: its (size 0 or 1) window
        return _make(np.asarray(g.sum(), dtype=g.dtype))
    out = np.zeros(shape, dtype=g.dtype)
    count = g.shape[dim]
    moved = np.moveaxis(out, dim, -1)
    windows = np.moveaxis(g, dim, -2)  # (..., count, size)
    for j in range(size):
        moved[..., j : j + step * (count - 1) + 1 : step] += windows[..., j]
    return _make(out)


UnfoldBackward0 = node_class(
    "UnfoldBackward0", _unfold_backward, attrs=("dimension", "self_sym_sizes", "size", "step")
)


def unfold(input, dimension, size, step):
    """``Tensor.unfold``: every window of ``size`` elements along ``dimension``, ``step`` apart,
    as a new last dimension; a strided view of the input, as in PyTorch."""
    d = input._data
    raw, dim = dimension, wrap_dim(dimension, max(d.ndim, 1))
    size, step = int(size), int(step)
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    base = d.reshape(1) if d.ndim == 0 else d
    if size > base.shape[dim]:
        raise RuntimeError(
            f"maximum size for tensor at dimension {dim} is {base.shape[dim]} but size is {size}"
        )
    if d.ndim == 0:  # no window dimension: the element itself, or nothing
        res = base[:size]
    else:
        shape = list(base.shape)
        shape[dim] = (base.shape[dim] - size) // step + 1
        strides = list(base.strides)
        strides[dim] = base.strides[dim] * step
        res = np.lib.stride_tricks.as_strided(
            base, tuple(shape) + (size,), tuple(strides) + (base.strides[dim],)
        )
    return _unary_view(
        input,
        res,
        UnfoldBackward0,
        {"dimension": dim, "self_sym_sizes": d.shape, "size": size, "step": step},
        lambda b: b.unfold(dim, size, step),
        shown={"dimension": raw} if raw < 0 else None,
    )


def narrow_start(size: int, start) -> int:
    """``start`` of ``narrow``/``narrow_copy`` (a 0-d tensor allowed), wrapped once."""
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(
            f"start out of range (expected to be in range of [{-size}, {size}], but got {start})"
        )
    return start + size if start < 0 else start


def check_narrow_end(size: int, start: int, length: int) -> None:
    if start + length > size or length < 0:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")


def _slice_dim(*args, **kwargs):
    """``indexing.slice_dim`` (a ``SliceBackward0`` view), for narrow and tensor_split."""
    from .indexing import slice_dim  # cycle: indexing builds on shape's views

    return slice_dim(*args, **kwargs)


def narrow(input, dim, start, length):
    d = input._data
    if d.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    raw_dim, dim = dim, wrap_dim(dim, d.ndim)
    start = narrow_start(d.shape[dim], start)
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    check_narrow_end(d.shape[dim], start, length)
    shown = {"dim": raw_dim, "start": start, "end": start + length} if raw_dim < 0 else None
    out = _slice_dim(input, dim, start, start + length, 1, shown=shown)
    return out


# --- cat / stack / split / unbind ----------------------------------------------------------
def _cat_backward(node, grad):
    dim = node._attrs["dim"]
    out, start = [], 0
    for size in node.sizes:
        if size is None:  # a skipped legacy 1-d empty input: its gradient is empty too
            out.append(_make(np.zeros((0,), dtype=grad._data.dtype)))
            continue
        out.append(narrow(grad, dim, start, size))
        start += size
    return tuple(out)


CatBackward0 = node_class("CatBackward0", _cat_backward, attrs=("dim",), fields=("sizes",))


def cat(tensors, dim=0, *, out=None):
    if isinstance(tensors, Tensor):
        raise TypeError(
            "cat() received an invalid combination of arguments - got (Tensor, ), but expected one of:\n"
            " * (tuple of Tensors tensors, int dim = 0, *, Tensor out = None)"
        )
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # Legacy: 1-d empty tensors are skipped for the shape checks (not for the dtype).
    live = [t for t in tensors if not (t._data.ndim == 1 and t._data.shape[0] == 0)] or tensors[:1]
    ref = live[0]._data
    ax = wrap_dim(dim, ref.ndim)
    for i, t in enumerate(live):
        td = t._data
        if td.ndim != ref.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref.ndim} and {td.ndim}"
            )
        for k in range(ref.ndim):
            if k != ax and td.shape[k] != ref.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {ax}. Expected size {ref.shape[k]} "
                    f"but got size {td.shape[k]} for tensor number {i} in the list."
                )
    dt = promote(*tensors)
    res = np.concatenate([t._data.astype(dt, copy=False) for t in live], axis=ax)
    o = _make(res)
    if needs_grad(*tensors):
        record(
            CatBackward0,
            o,
            tuple(tensors),
            None,
            {"dim": ax},
            fields={
                "sizes": tuple(
                    t._data.shape[ax] if any(t is x for x in live) else None for t in tensors
                )
            },
            shown={"dim": dim} if dim < 0 else None,
        )
    return o


concat = concatenate = cat


def _stack_backward(node, grad):
    return tuple(grad.unbind(node._attrs["dim"]))


StackBackward0 = node_class("StackBackward0", _stack_backward, attrs=("dim",))


def stack(tensors, dim=0, *, out=None):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape0 = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != shape0:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape0)} at entry 0 and "
                f"{list(t._data.shape)} at entry {i}"
            )
    ax = wrap_dim(dim, len(shape0) + 1)
    dt = promote(*tensors)
    o = _make(np.stack([t._data.astype(dt, copy=False) for t in tensors], axis=ax))
    if needs_grad(*tensors):
        record(
            StackBackward0,
            o,
            tuple(tensors),
            None,
            {"dim": ax},
            shown={"dim": dim} if dim < 0 else None,
        )
    return o


def hstack(tensors):
    tensors = [atleast_1d(t) for t in tensors]  # (0-d tensors join as 1-d, as in PyTorch)
    return cat(tensors, 0 if tensors and tensors[0]._data.ndim == 1 else 1)


def vstack(tensors):
    return cat([atleast_2d(t) for t in tensors], 0)  # (1-D inputs: unsqueeze, as PyTorch)


def _split_backward(node, grads):
    return (cat(list(grads), node._attrs["dim"]),)


SplitBackward0 = node_class(
    "SplitBackward0",
    _split_backward,
    attrs=("dim", "self_sym_sizes", "split_size"),
    all_grads=True,
)
SplitWithSizesBackward0 = node_class(
    "SplitWithSizesBackward0",
    _split_backward,
    attrs=("dim", "self_sym_sizes", "split_sizes"),
    all_grads=True,
)


def _split_views(input, sizes, ax, cls, attrs):
    d = input._data
    outs, start = [], 0
    for s in sizes:
        idx = [slice(None)] * d.ndim
        idx[ax] = slice(start, start + s)
        o = _make(d[tuple(idx)])
        st = start
        _as_view(o, input, lambda b, st=st, s=s: b.narrow(ax, st, s))
        outs.append(o)
        start += s
    _mark_multi_view(outs)
    if needs_grad(input):
        record_multi(cls, outs, (input,), None, attrs)
    return tuple(outs)


def split(tensor, split_size_or_sections, dim=0):
    d = tensor._data
    if d.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    ax = wrap_dim(dim, d.ndim)
    n = d.shape[ax]
    if isinstance(split_size_or_sections, int):
        ss = split_size_or_sections
        if ss <= 0 and n:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
            )
        sizes = [min(ss, n - i) for i in range(0, n, ss)] if n else [0]
        return _split_views(
            tensor,
            sizes,
            ax,
            SplitBackward0,
            {"dim": ax, "self_sym_sizes": d.shape, "split_size": ss},
        )
    sizes = [int(s) for s in split_size_or_sections]
    if sum(sizes) != n:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {n} (tensor tensor's size at "
            f"dimension {ax}), but got split_sizes={sizes}"
        )
    return _split_views(
        tensor,
        sizes,
        ax,
        SplitWithSizesBackward0,
        {"dim": ax, "self_sym_sizes": d.shape, "split_sizes": tuple(sizes)},
    )


def chunk(input, chunks, dim=0):
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    n = input._data.shape[wrap_dim(dim, input._data.ndim)]
    if n == 0:  # PyTorch: `chunks` empty pieces (split_with_sizes)
        return split(input, [0] * chunks, dim)
    size = -(-n // chunks)
    return split(input, max(size, 1), dim)


def tensor_split(input, indices_or_sections, dim=0):
    """``torch.tensor_split``: one slice per section (each its own ``SliceBackward0``)."""
    d = input._data
    ax = wrap_dim(dim, d.ndim)
    n = d.shape[ax]
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
        bounds = [0]
        for s in sizes:
            bounds.append(bounds[-1] + s)
    else:
        bounds = [0] + [min(int(i), n) for i in indices_or_sections] + [n]
    return tuple(_slice_dim(input, ax, a, max(a, b), 1) for a, b in zip(bounds[:-1], bounds[1:]))


def _unbind_backward(node, grads):
    return (stack(list(grads), node._attrs["dim"]),)


UnbindBackward0 = node_class("UnbindBackward0", _unbind_backward, attrs=("dim",), all_grads=True)


def unbind(input, dim=0):
    d = input._data
    if d.ndim == 0:
        wrap_dim(dim, 1)  # an out-of-range dim is reported first
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    ax = wrap_dim(dim, d.ndim)
    outs = []
    for i in range(d.shape[ax]):
        o = _make(d[(slice(None),) * ax + (i, Ellipsis)])  # (a 0-d view, not a copy)
        _as_view(o, input, lambda b, i=i: b.select(ax, i))
        outs.append(o)
    _mark_multi_view(outs)
    if needs_grad(input) and outs:
        record_multi(UnbindBackward0, outs, (input,), None, {"dim": ax})
    return tuple(outs)


def atleast_1d(input):
    return input.reshape(1) if input._data.ndim == 0 else input


def atleast_2d(input):
    d = input._data
    if d.ndim >= 2:
        return input
    return unsqueeze(input, 0) if d.ndim == 1 else input.reshape(1, 1)


def atleast_3d(input):
    d = input._data
    if d.ndim == 0:
        return input.reshape(1, 1, 1)
    if d.ndim == 1:
        return unsqueeze(unsqueeze(input, 0), -1)
    return unsqueeze(input, -1) if d.ndim == 2 else input


_unused = (events,)
