"""Ops PyTorch builds from other ops, built the same way here (so their graphs match).

``meshgrid`` is views + expand, ``diff`` is narrow + sub, ``repeat_interleave`` is
expand + clone (int repeats) or index_select, ``column_stack``/``dstack`` are cat;
``cartesian_prod`` is meshgrid + flatten + stack, ``trapezoid`` is sum/select or slice
arithmetic; ``dist`` and ``block_diag`` have one node each (``DistBackward0``,
``BlockDiagBackward0``). ``cdist`` is in :mod:`._cdist`.
"""

from __future__ import annotations

import numpy as np

from ..autograd import no_grad
from ..autograd.node import node_class
from ..core._dtype import get_default_dtype, int64
from ._core import Tensor, needs_grad, promote, record, unbroadcast, wrap_dim
from .indexing import masked_select, slice_dim
from .linalg import mm
from .matrix import diag_embed
from .pointwise import _div_scalar, _mul_scalar, sign, where
from .pointwise import abs as _abs
from .shape import cat, stack, vstack

_make = Tensor._make

__all__ = [
    "meshgrid",
    "repeat_interleave",
    "diff",
    "column_stack",
    "dstack",
    "rot90",
    "dist",
    "cosine_similarity",
    "cov",
    "corrcoef",
    "cartesian_prod",
    "block_diag",
    "trapezoid",
    "cumulative_trapezoid",
    "gradient",
    "trapz",
    "row_stack",
    "hsplit",
    "vsplit",
    "dsplit",
    "diagflat",
    "combinations",
    "tril_indices",
    "triu_indices",
    "scalar_tensor",
    "unravel_index",
    "vander",
]

# ``Tensor.<name>`` for these names: the function itself (ops/__init__.py attaches them).
TENSOR_METHODS = """
repeat_interleave diff rot90 dist hsplit vsplit dsplit diagflat cov corrcoef
""".split()


def meshgrid(*tensors, indexing=None):
    """``torch.meshgrid``; ``indexing`` defaults to ``"ij"`` (PyTorch warns when it is omitted)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    ts = list(tensors)
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t.numel() for t in ts)
    n = len(ts)
    grids = []
    for i, t in enumerate(ts):
        view = [1] * n
        view[i] = -1
        grids.append(t.view(view).expand(shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """``torch.repeat_interleave``: repeat each element ``repeats`` times along ``dim``."""
    if repeats is None:  # repeat_interleave(counts) -> indices
        r = input._data
        return _make(np.repeat(np.arange(r.size, dtype=np.int64), r))
    if isinstance(repeats, Tensor) and repeats.dim() == 0:
        repeats = repeats.reshape(1)
    if not isinstance(repeats, Tensor):
        # ATen's int overload: unsqueeze, expand, contiguous copy, flatten (no index_select).
        if repeats < 0:
            raise RuntimeError("Repeats must be non-negative")
        x = input.flatten() if dim is None else input
        dim = wrap_dim(0 if dim is None else dim, input.dim())
        x = x.unsqueeze(dim + 1)
        shape = list(x.shape)
        shape[dim + 1] = repeats
        return x.expand(shape).clone().flatten(dim, dim + 1)
    if dim is None:
        input = input.flatten()
        dim = 0
    dim = wrap_dim(dim, input.dim())
    n = input.shape[dim]
    reps = repeats._data
    if reps.size == 1:
        reps = np.broadcast_to(reps.reshape(1), (n,))
    index = _make(np.repeat(np.arange(n, dtype=np.int64), reps))
    return input.index_select(dim, index)


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """``torch.diff``: ``n``-th forward difference along ``dim``."""

    if input._data.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    raw, dim = dim, wrap_dim(dim, input.dim())  # ATen narrows and cats with the dim as given
    if prepend is not None or append is not None:
        parts = [p for p in (prepend, input, append) if p is not None]
        input = cat(parts, raw)
    for _ in range(n):
        length = input.shape[dim]
        if length == 0:  # PyTorch returns the (empty) input itself
            return input
        input = input.narrow(raw, 1, length - 1) - input.narrow(raw, 0, length - 1)
        if input._data.dtype == np.bool_:
            input = input != 0
    return input


def column_stack(tensors):
    cols = [t.reshape(-1, 1) if t.dim() <= 1 else t for t in tensors]
    return cat(cols, 1)


def dstack(tensors):
    out = []
    for t in tensors:
        if t.dim() == 0:
            t = t.reshape(1, 1, 1)
        elif t.dim() == 1:
            t = t.reshape(1, -1, 1)
        elif t.dim() == 2:
            t = t.unsqueeze(-1)
        out.append(t)
    return cat(out, 2)


def rot90(input, k=1, dims=(0, 1)):
    """``torch.rot90``: rotate by 90 degrees ``k`` times in the plane ``dims``."""
    d0, d1 = (wrap_dim(d, input.dim()) for d in dims)
    k %= 4
    if k == 1:
        return input.flip(d1).transpose(d0, d1)
    if k == 2:
        return input.flip(d0, d1)
    if k == 3:
        return input.flip(d0).transpose(d0, d1)
    return input.clone()


def _dist_backward(n, grad):
    """ATen's ``norm_backward`` on ``self - other`` (differentiable), then unbroadcast."""

    self, other, r, p = n.saved("self"), n.saved("other"), n.saved("result"), n._attrs["p"]
    diff = self - other
    zero = _make(np.zeros((), dtype=diff._data.dtype))
    if p == 0:
        g = diff * 0
    elif p == 1:
        g = grad * sign(diff)
    elif p == float("inf") or p == float("-inf"):
        mask = _abs(diff) == r
        g = grad * sign(diff) * mask / mask.sum()
    elif p == 2:
        g = where(r == 0, zero, grad * diff / r)
    else:
        g = where(r == 0, zero, grad * diff * _abs(diff) ** (p - 2) / r ** (p - 1))
    return unbroadcast(g, self._data.shape), unbroadcast(-g, other._data.shape)


DistBackward0 = node_class(
    "DistBackward0", _dist_backward, saved=("self", "other", "result"), attrs=("p",)
)


def dist(input, other, p=2):
    """``torch.dist``: the p-norm of ``input - other``, one ``DistBackward0`` as in PyTorch."""

    with _no_grad():
        res = (input - other).norm(p)
    out = _make(res._data)
    if needs_grad(input, other):
        record(
            DistBackward0, out, (input, other), {"self": input, "other": other}, {"p": p}, "result"
        )
    return out


def _no_grad():
    return no_grad()


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    # lazy: the nn layer sits above the ops (torch.cosine_similarity is F's)
    from ..nn.functional import cosine_similarity as _cs

    return _cs(x1, x2, dim, eps)


def cov(input, *, correction=1, fweights=None, aweights=None):
    """``torch.cov``: rows are variables, columns observations (no weights).

    Composed as ATen's ``cov``: the observation count is a 0-d int64 tensor, so both
    divisions are ``DivBackward0``; ``mm`` of the centred rows, then ``squeeze``.
    """
    import warnings

    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov(fweights=, aweights=) is not supported by autograd_widgets")
    if input.dim() > 2:
        raise RuntimeError(
            "cov(): expected input to have two or fewer dimensions but got an input with "
            f"{input.dim()} dimensions"
        )
    x = input if input.dim() == 2 else input.view(1, -1)
    n = x.shape[1]
    w_sum = _make(np.asarray(n, dtype=np.int64))
    x = x - (x.sum(1) / w_sum).unsqueeze(1)
    factor = n - correction
    if factor <= 0:
        warnings.warn(
            "cov(): degrees of freedom is <= 0. Correction should be strictly less than the "
            "number of observations.",
            UserWarning,
            stacklevel=2,
        )
        factor = 0
    return (mm(x, x.t()) / _make(np.asarray(factor, dtype=np.int64))).squeeze()


def corrcoef(input):
    """``torch.corrcoef``: Pearson correlation coefficients of the rows."""
    c = cov(input)
    if c.dim() == 0:
        return c / c
    stddev = c.diagonal().sqrt()
    c = c / stddev.view(-1, 1)
    c = c / stddev.view(1, -1)
    return c.clip(-1, 1)


def cartesian_prod(*tensors):
    """``torch.cartesian_prod``: ATen's meshgrid("ij"), flatten each grid, stack on dim 1."""

    for t in tensors:
        if t.dim() != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    return stack([g.flatten() for g in meshgrid(*tensors, indexing="ij")], 1)


def _block_diag_backward(n, grad):
    out, r, c = [], 0, 0
    for shape, dtype in n.blocks:
        rows, cols = (1, shape[0]) if len(shape) == 1 else (shape or (1, 1))
        if n.next_functions[len(out)][0] is None:
            out.append(None)
        else:
            g = grad[r : r + rows, c : c + cols].reshape(shape)
            out.append(g if g.dtype == dtype else g.to(dtype))
        r, c = r + rows, c + cols
    return tuple(out)


# ``blocks``: each input's shape and dtype, to cut the gradient back into them.
BlockDiagBackward0 = node_class("BlockDiagBackward0", _block_diag_backward, fields=("blocks",))


def block_diag(*tensors):
    """``torch.block_diag``: the inputs on the diagonal of one matrix, one ``BlockDiagBackward0``."""

    for i, t in enumerate(tensors):
        if t.dim() > 2:
            raise RuntimeError(
                "torch.block_diag: Input tensors must have 2 or fewer dimensions. Input "
                f"{i} has {t.dim()} dimensions"
            )
    if not tensors:
        return _make(np.zeros((1, 0), dtype=get_default_dtype().np))
    # A 0-d input is a 1x1 block, a 1-d input of n values a 1xn block.
    blocks = [
        t._data.reshape((1, -1) if t.dim() == 1 else (t._data.shape or (1, 1))) for t in tensors
    ]
    dt = promote(*tensors)
    res = np.zeros((sum(b.shape[0] for b in blocks), sum(b.shape[1] for b in blocks)), dtype=dt)
    r = c = 0
    for b in blocks:
        res[r : r + b.shape[0], c : c + b.shape[1]] = b
        r, c = r + b.shape[0], c + b.shape[1]
    out = _make(res)
    if needs_grad(*tensors):
        blocks = [(t._data.shape, t.dtype) for t in tensors]
        record(BlockDiagBackward0, out, tuple(tensors), fields={"blocks": blocks})
    return out


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """``torch.trapezoid``: the trapezoid rule along ``dim``, with ATen's ops.

    With spacing ``dx`` (default 1): ``(sum - (first + last) * 0.5) * dx``; with sample points
    ``x``: ``((y[:-1] + y[1:]) * (x[1:] - x[:-1])).sum(dim) / 2``.
    """

    if y._data.dtype.kind != "f":
        y = y.to(get_default_dtype())  # ATen's Scalar arithmetic promotes integer samples
    if isinstance(x, Tensor):
        return _trapezoid_x(y, x, dim)
    if x is not None:  # trapezoid(y, 0.5): a number in x's place is the spacing
        dx = x
    dx = 1.0 if dx is None else float(dx)
    if y._data.ndim == 0:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [-1, 0], but got {dim})"
        )
    if y._data.shape[wrap_dim(dim, y._data.ndim)] == 0:
        return _trapezoid_empty(y, dim)
    ends = y.select(dim, 0) + y.select(dim, -1)
    return _mul_scalar(y.sum(dim) - _mul_scalar(ends, 0.5), dx)


def _trapezoid_empty(y, dim):
    d = wrap_dim(dim, y._data.ndim)
    shape = y._data.shape[:d] + y._data.shape[d + 1 :]
    return _make(np.zeros(shape, dtype=y._data.dtype if y._data.dtype.kind == "f" else np.float32))


def _trapezoid_x(y, x, dim):
    nd = y._data.ndim
    dim = wrap_dim(dim, nd)
    if y._data.shape[dim] == 0:
        return _trapezoid_empty(y, dim)
    if x.dim() == 1:
        if x._data.shape[0] != y._data.shape[dim]:
            raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
        view = [1] * nd
        view[dim] = x._data.shape[0]
        x = x.view(view)
    elif x.dim() < nd:
        x = x.view((1,) * (nd - x.dim()) + tuple(x.shape))

    def head(t):  # t.slice(dim, 0, -1)
        return slice_dim(t, dim, 0, -1)

    def tail(t):  # t.slice(dim, 1): its end is shown as None (not given)
        return slice_dim(t, dim, 1, None, shown={"end": None})

    return _div_scalar(((head(y) + tail(y)) * (tail(x) - head(x))).sum(dim), 2.0)


def trapz(y, x=None, *, dx=None, dim=-1):
    """``torch.trapz``: an alias of :func:`trapezoid`."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """``torch.cumulative_trapezoid``: the running trapezoid rule along ``dim``, with ATen's
    ops: ``(dx / 2 * (y[:-1] + y[1:])).cumsum(dim)``, or with sample points ``x``
    ``((y[:-1] + y[1:]) * (x[1:] - x[:-1])).cumsum(dim) / 2``."""
    if x is not None and not isinstance(x, Tensor):  # (unlike trapezoid, no number for x)
        raise TypeError(
            "cumulative_trapezoid() received an invalid combination of arguments - got "
            f"(Tensor, {type(x).__name__}), but expected one of:\n"
            " * (Tensor y, Tensor x, *, int dim = -1)\n"
            " * (Tensor y, *, Number dx = 1, int dim = -1)\n"
        )
    if y._data.dtype == np.bool_ or (isinstance(x, Tensor) and x._data.dtype == np.bool_):
        which = "`x` or `y`" if isinstance(x, Tensor) else "`y`"
        raise RuntimeError(
            f"cumulative_trapezoid: received a bool input for {which}, but bool is not supported"
        )
    if y._data.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, y._data.ndim)
    if y._data.dtype.kind != "f":
        y = y.to(get_default_dtype())  # ATen's Scalar arithmetic promotes integer samples
    pairs = slice_dim(y, d, 0, -1) + slice_dim(y, d, 1, None, shown={"end": None})
    if not isinstance(x, Tensor):
        dx = 1.0 if dx is None else float(dx)
        return _mul_scalar(pairs, dx / 2.0).cumsum(d)
    if x.dim() == 1:
        if x._data.shape[0] != y._data.shape[d]:
            raise RuntimeError(
                "cumulative_trapezoid: There must be one `x` value for each sample point"
            )
        view = [1] * y._data.ndim
        view[d] = x._data.shape[0]
        x = x.view(view)
    elif x.dim() < y._data.ndim:
        x = x.view((1,) * (y._data.ndim - x.dim()) + tuple(x.shape))
    steps = slice_dim(x, d, 1, None, shown={"end": None}) - slice_dim(x, d, 0, -1)
    return _div_scalar((pairs * steps).cumsum(d), 2.0)


def gradient(input, *, spacing=None, dim=None, edge_order=1):
    """``torch.gradient``: central differences along each of ``dim`` (all dims by default),
    one-sided (``edge_order`` 1 or 2) at the edges; ``spacing`` a number, one number per dim,
    or one 1-D tensor of coordinates per dim. Built from slices and arithmetic as ATen's
    ``gradient_helper`` builds it, so it is differentiable the same way."""
    nd = input._data.ndim
    dims = None if dim is None else ([dim] if isinstance(dim, (int, np.integer)) else list(dim))
    if input._data.dtype == np.uint8:
        raise RuntimeError("torch.gradient does not support uint8 input.")
    as_list = isinstance(spacing, (list, tuple))
    if as_list and dims is None and len(spacing) != nd:
        raise RuntimeError(
            "torch.gradient expected spacing to be unspecified, a scalar, or a list of length "
            f"equal to 'self.dim() = {nd}', since dim argument was not given, but got a list of "
            f"length {len(spacing)}"
        )
    if as_list and dims is not None and len(spacing) != len(dims):
        raise RuntimeError(
            "torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim "
            f"arguments to have the same length, but got a spacing argument of length "
            f"{len(spacing)} and a dim argument of length {len(dims)}."
        )
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = list(range(nd)) if dims is None else [wrap_dim(k, nd) for k in dims]
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {dims[-1]} appears multiple times in the list of dims")
    if any(input._data.shape[k] < edge_order + 1 for k in dims):
        raise RuntimeError(
            "torch.gradient expected each dimension size to be at least edge_order+1"
        )
    spacing = list(spacing) if as_list else [1 if spacing is None else spacing] * len(dims)
    if input._data.dtype.kind != "f":
        input = input.to(get_default_dtype())  # (ATen's division promotes integers)
    out = []
    for k, h in zip(dims, spacing):
        if isinstance(h, Tensor):
            out.append(_gradient_coordinates(input, k, h, edge_order))
        else:
            out.append(_gradient_uniform(input, k, h, edge_order))
    return tuple(out)


def _slicer(t, dim):
    """``at::slice(t, dim, start, end)``; an end left out is shown as not given."""
    return lambda start, end=None: slice_dim(
        t, dim, start, end, shown={"end": None} if end is None else None
    )


def _gradient_uniform(t, dim, h, edge_order):
    s = _slicer(t, dim)
    center = _div_scalar(s(2) - s(0, -2), h)
    if edge_order == 1:
        first = _div_scalar(s(1, 2) - s(0, 1), h)
        last = _div_scalar(s(-1) - s(-2, -1), h)
    else:
        first = _mul_scalar(s(0, 1), -1.5) + _mul_scalar(s(1, 2), 2) - _mul_scalar(s(2, 3), 0.5)
        first = _div_scalar(first, h)
        last = _mul_scalar(s(-3, -2), 0.5) - _mul_scalar(s(-2, -1), 2) + _mul_scalar(s(-1), 1.5)
        last = _div_scalar(last, h)
    return cat([first, _div_scalar(center, 2), last], dim)


def _gradient_coordinates(t, dim, coords, edge_order):
    if coords.dim() != 1:
        raise RuntimeError(
            "torch.gradient expected each element of spacing to have one dimension, but got an "
            f"element with {coords.dim()} dimensions!"
        )
    s = _slicer(t, dim)
    shape = [1] * t._data.ndim
    shape[dim] = -1
    h = diff(coords, 1, 0)
    h1, h2 = slice_dim(h, 0, 0, -1), slice_dim(h, 0, 1, None, shown={"end": None})
    a = (-h2 / (h1 * (h1 + h2))).reshape(shape)
    b = ((h2 - h1) / (h1 * h2)).reshape(shape)
    c = (h1 / (h2 * (h1 + h2))).reshape(shape)
    center = a * s(0, -2) + b * s(1, -1) + c * s(2)
    if edge_order == 1:
        first = (s(1, 2) - s(0, 1)) / h[0]
        last = (s(-1) - s(-2, -1)) / h[-1]
    else:
        a = -(_mul_scalar(h[0], 2.0) + h[1]) / (h[0] * (h[0] + h[1]))
        b = (h[0] + h[1]) / (h[0] * h[1])
        c = -h[0] / (h[1] * (h[0] + h[1]))
        first = a * s(0, 1) + b * s(1, 2) + c * s(2, 3)
        a = h[-1] / (h[-2] * (h[-1] + h[-2]))
        b = -(h[-1] + h[-2]) / (h[-1] * h[-2])
        c = (_mul_scalar(h[-1], 2) + h[-2]) / (h[-1] * (h[-1] + h[-2]))
        last = a * s(-3, -2) + b * s(-2, -1) + c * s(-1)
    return cat([first, center, last], dim)


# --- splits, stacks and index sets PyTorch builds from other ops -----------------------------
def row_stack(tensors):
    """``torch.row_stack``: ``vstack`` under its older name (one ``CatBackward0``)."""
    return vstack(tensors)


def _split_along(name: str, input, sections, dim: int, min_ndim: int):
    """``hsplit``/``vsplit``/``dsplit``: ``tensor_split`` along ``dim``; an int must divide
    the dimension evenly."""
    nd = input._data.ndim
    if nd < min_ndim:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {min_ndim} dimension, but got a "
            f"tensor with {nd} dimensions!"
        )
    if isinstance(sections, int) and not isinstance(sections, bool):
        size = input._data.shape[dim]
        if sections == 0 or size % sections:
            raise RuntimeError(
                f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                f"dimension {size} is not divisible by the split_size {sections}!"
            )
    return input.tensor_split(sections, dim)


def _sections(sections, indices):
    """PyTorch's two overloads in one: ``sections`` (an int, or a list given positionally)
    or ``indices=`` (a list)."""
    if sections is None and indices is None:
        raise TypeError("missing 1 required positional argument: 'sections' (or 'indices')")
    return sections if sections is not None else indices


def hsplit(input, sections=None, *, indices=None):
    """``torch.hsplit``: along dim 1 (dim 0 of a 1-D tensor); one ``SliceBackward0`` each."""
    dim = 0 if input._data.ndim == 1 else 1
    return _split_along("hsplit", input, _sections(sections, indices), dim, 1)


def vsplit(input, sections=None, *, indices=None):
    """``torch.vsplit``: along dim 0 of a tensor with at least 2 dimensions."""
    return _split_along("vsplit", input, _sections(sections, indices), 0, 2)


def dsplit(input, sections=None, *, indices=None):
    """``torch.dsplit``: along dim 2 of a tensor with at least 3 dimensions."""
    return _split_along("dsplit", input, _sections(sections, indices), 2, 3)


def diagflat(input, offset=0):
    """``torch.diagflat``: the flattened input on diagonal ``offset`` of a square matrix
    (a ``ViewBackward0`` to 1-D, then one ``DiagEmbedBackward0``)."""
    return diag_embed(input.contiguous().view(-1), offset)


def combinations(input, r=2, with_replacement=False):
    """``torch.combinations``: the length-``r`` combinations of a 1-D tensor's elements, as
    rows, in itertools' order; built as PyTorch builds it (meshgrid, masked_select, stack)."""
    d = input._data
    if d.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(d.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _make(np.empty(0, dtype=d.dtype))
    n = d.shape[0]
    grids = meshgrid(*([input] * r), indexing="ij")
    idx = np.indices((n,) * r) if n else np.zeros((r,) + (0,) * r, dtype=np.int64)
    mask = np.ones((n,) * r, dtype=bool)
    for a, b in zip(idx[:-1], idx[1:]):  # each index after the one before it (or equal)
        mask &= (a <= b) if with_replacement else (a < b)
    keep = _make(mask)
    return stack([masked_select(g, keep) for g in grids], 1)


def _tri_indices(row: int, col: int, offset: int, dtype, upper: bool):
    for what, v in (("row", row), ("col", col)):
        if v < 0:
            raise RuntimeError(f"{what} must be non-negative, got{v}")
    r, c = np.indices((row, col)) if row and col else (np.zeros(0, int), np.zeros(0, int))
    keep = (c - r >= offset) if upper else (c - r <= offset)
    rows, cols = r[keep], c[keep]  # row-major order, as PyTorch lists them
    dt = (dtype or int64).np  # (None: the default, as PyTorch's parser reads it)
    return _make(np.stack([rows, cols]).astype(dt).reshape(2, -1))


def tril_indices(row, col, offset=0, *, dtype=int64, device=None, layout=None):
    """``torch.tril_indices``: the ``(2, N)`` coordinates of the lower triangle."""
    return _tri_indices(row, col, offset, dtype, upper=False)


def triu_indices(row, col, offset=0, *, dtype=int64, device=None, layout=None):
    """``torch.triu_indices``: the ``(2, N)`` coordinates of the upper triangle."""
    return _tri_indices(row, col, offset, dtype, upper=True)


def scalar_tensor(
    s, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False
):
    """``torch.scalar_tensor``: a 0-d tensor of the default dtype (or ``dtype``)."""
    dt = (dtype or get_default_dtype()).np
    out = _make(np.asarray(s, dtype=dt).reshape(()))
    if requires_grad:
        out.requires_grad_(True)
    return out


def vander(x, N=None, increasing=False):
    """``torch.vander`` as ATen builds it: ones, ``x`` copied into columns 1.., a cumprod
    copied over them (two ``CopySlices``), then a flip unless ``increasing``. As in
    PyTorch, backward through it fails: the second copy overwrites what cumprod saved."""
    d = x._data
    if d.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = d.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dt = d.dtype if d.dtype.kind in "fc" else np.dtype(np.int64)
    result = _make(np.empty((d.shape[0], n), dtype=dt))
    if n > 0:
        result.fill_(1)  # (in place, as ATen: the version counter PyTorch's error reports)
    if n > 1:
        slice_dim(result, 1, 1, None).copy_(x.unsqueeze(1))
        tail = slice_dim(result, 1, 1, None)
        tail.copy_(tail.cumprod(1))
    return result if increasing else result.flip(1)


def unravel_index(indices, shape):
    """``torch.unravel_index``: the coordinates of flat ``indices`` in ``shape`` (int64)."""
    if not isinstance(indices, Tensor):
        indices = _make(np.asarray(indices))
    d = indices._data
    if d.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    elif isinstance(shape, (tuple, list)):
        for s in shape:
            if not isinstance(s, (int, np.integer)):
                raise TypeError(
                    f"expected 'shape' sequence to only contain ints, but got {type(s)}"
                )
        shape = tuple(int(s) for s in shape)
    else:
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got {type(shape)}")
    if any(s < 0 for s in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    coefs = np.cumprod((shape[1:] + (1,))[::-1], dtype=np.int64)[::-1]
    flat = d.astype(np.int64)[..., None]
    coords = np.floor_divide(flat, coefs) % np.asarray(shape, dtype=np.int64)
    return tuple(_make(np.array(coords[..., k])) for k in range(len(shape)))
