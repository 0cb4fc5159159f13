"""Matrix-structure ops: triangles, diagonals, trace, inverse, determinant, products.

``tril``/``triu`` build attention masks, ``diag``/``trace``/``diagonal`` appear in
linear-algebra notebooks; each keeps PyTorch's ``grad_fn`` name and saved attributes.
"""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from . import _shown
from ._core import (
    METHODS,
    Tensor,
    check_broadcast,
    needs_grad,
    record,
    record_multi,
    scalar_type_name,
    wrap_dim,
    write_out,
)
from .linalg import _unsafe_view, matmul
from .pointwise import BinaryNode, where
from .reduction import _return_type
from .shape import _as_view, cat

_make = Tensor._make

__all__ = [
    "tril",
    "triu",
    "diagonal",
    "diag",
    "diag_embed",
    "trace",
    "inverse",
    "det",
    "kron",
    "cross",
    "tensordot",
    "inner",
    "logdet",
    "matrix_exp",
    "matrix_power",
    "pinverse",
    "slogdet",
]

# ``Tensor.<name>`` for these names: the function itself (ops/__init__.py attaches them).
TENSOR_METHODS = """
inner tril triu diagonal diag diag_embed trace inverse det kron cross logdet matrix_exp
matrix_power pinverse slogdet
""".split()


def _check_2d(name, d):
    if d.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


def _tril_backward(n, grad):
    return tril(grad, n._attrs["diagonal"])


TrilBackward0 = node_class("TrilBackward0", _tril_backward, attrs=("diagonal",))


def _triu_backward(n, grad):
    return triu(grad, n._attrs["diagonal"])


TriuBackward0 = node_class("TriuBackward0", _triu_backward, attrs=("diagonal",))


def tril(input, diagonal=0):
    """``torch.tril``: zero everything above the ``diagonal``-th diagonal."""
    d = input._data
    _check_2d("tril", d)
    out = _make(
        np.where(np.tri(d.shape[-2], d.shape[-1], diagonal, dtype=bool), d, d.dtype.type(0))
    )
    if needs_grad(input):
        record(TrilBackward0, out, (input,), None, {"diagonal": diagonal})
    return out


def triu(input, diagonal=0):
    """``torch.triu``: zero everything below the ``diagonal``-th diagonal."""
    d = input._data
    _check_2d("triu", d)
    mask = ~np.tri(d.shape[-2], d.shape[-1], diagonal - 1, dtype=bool)
    out = _make(np.where(mask, d, d.dtype.type(0)))
    if needs_grad(input):
        record(TriuBackward0, out, (input,), None, {"diagonal": diagonal})
    return out


def _diagonal_backward(n, grad):
    a = n._attrs
    return _diag_scatter(grad, a["self_sym_sizes"], a["offset"], a["dim1"], a["dim2"])


def _write_diag(z, d, offset, dim1, dim2):
    """Write ``d`` (diagonal last) onto the (offset, dim1, dim2) diagonal of ``z`` in place."""
    idx = np.arange(d.shape[-1])
    rows, cols = idx + max(-offset, 0), idx + max(offset, 0)
    np.moveaxis(z, (dim1, dim2), (-2, -1))[..., rows, cols] = d


def _diag_scatter(grad, shape, offset, dim1, dim2):
    """A zero tensor of ``shape`` with ``grad`` on its (offset, dim1, dim2) diagonal."""
    if not grad._requires_grad:
        z = np.zeros(shape, dtype=grad._data.dtype)
        _write_diag(z, grad._data, offset, dim1, dim2)
        return _make(z)
    # Differentiable (double backward): diag_embed, then pad/crop the two dims to ``shape``.

    e = diag_embed(grad, offset, dim1, dim2)
    for ax in (dim1, dim2):
        have, want = e.shape[ax], shape[ax]
        if have > want:
            e = e.narrow(ax, 0, want)
        elif have < want:
            zs = list(e.shape)
            zs[ax] = want - have
            e = cat([e, _make(np.zeros(zs, dtype=grad._data.dtype))], ax)
    return e


DiagonalBackward0 = node_class(
    "DiagonalBackward0",
    _diagonal_backward,
    attrs=("dim1", "dim2", "offset", "self_sym_sizes"),
)
DiagonalBackward0_copy = node_class(
    "DiagonalBackward0_copy",
    _diagonal_backward,
    attrs=("dim1", "dim2", "offset", "self_sym_sizes"),
)


def _diagonal(input, offset, dim1, dim2, cls):
    d = input._data
    dim1, dim2 = wrap_dim(dim1, d.ndim), wrap_dim(dim2, d.ndim)
    if dim1 == dim2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    diag = np.diagonal(d, offset, dim1, dim2)
    if cls is DiagonalBackward0_copy:  # torch.diag: a copy
        out = _make(diag.copy())
    else:
        # A strided view, as in PyTorch (np.diagonal's own view is read-only).

        start = [slice(None)] * d.ndim
        start[dim1], start[dim2] = slice(max(-offset, 0), None), slice(max(offset, 0), None)
        view = np.lib.stride_tricks.as_strided(d[tuple(start)], diag.shape, diag.strides)
        out = _as_view(_make(view), input, lambda b: b.diagonal(offset, dim1, dim2))
    if needs_grad(input):
        record(
            cls,
            out,
            (input,),
            None,
            {"dim1": dim1, "dim2": dim2, "offset": offset, "self_sym_sizes": d.shape},
        )
    return out


def diagonal(input, offset=0, dim1=0, dim2=1):
    """``torch.diagonal``: the diagonal as the last dimension (a copy here, not a view)."""
    return _diagonal(input, offset, dim1, dim2, DiagonalBackward0)


def _diag_embed_backward(n, grad):
    a = n._attrs
    return _diagonal(grad, a["offset"], a["dim1"], a["dim2"], DiagonalBackward0)


DiagEmbedBackward0 = node_class(
    "DiagEmbedBackward0", _diag_embed_backward, attrs=("dim1", "dim2", "offset")
)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """``torch.diag_embed``: place the last dimension on a diagonal of new dims."""
    d = input._data
    nd = d.ndim + 1
    raw = (dim1, dim2)
    dim1, dim2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    n = d.shape[-1] + abs(offset)
    batch = d.shape[:-1]
    shape = []
    it = iter(batch)
    for i in range(nd):
        shape.append(n if i in (dim1, dim2) else next(it))
    z = np.zeros(shape, dtype=d.dtype)
    _write_diag(z, d, offset, dim1, dim2)
    out = _make(z)
    if needs_grad(input):
        record(
            DiagEmbedBackward0,
            out,
            (input,),
            None,
            {"dim1": dim1, "dim2": dim2, "offset": offset},
            shown=(
                {"dim1": raw[0], "dim2": raw[1], "offset": offset}
                if _shown.negative((*raw, offset))
                else None
            ),
        )
    return out


def diag(input, diagonal=0):
    """``torch.diag``: a 1-D input becomes a diagonal matrix; a 2-D input gives its diagonal."""
    d = input._data
    if d.ndim == 1:
        return diag_embed(input, diagonal)  # ATen's default dims: shown as -2, -1
    if d.ndim == 2:
        return _diagonal(input, diagonal, 0, 1, DiagonalBackward0_copy)
    raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{d.ndim}D")


def _trace_backward(n, grad):
    return _diag_scatter(
        grad.expand(min(n._attrs["self_sym_sizes"])), n._attrs["self_sym_sizes"], 0, 0, 1
    )


TraceBackward0 = node_class(
    "TraceBackward0",
    _trace_backward,
    attrs=("self_sym_sizes",),
)


def trace(input):
    """``torch.trace``: sum of the main diagonal of a matrix."""
    d = input._data
    if d.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {d.ndim}")
    res = np.trace(d)
    if d.dtype.kind in "biu":
        res = np.asarray(res, dtype=np.int64)
    out = _make(np.asarray(res))
    if needs_grad(input):
        record(TraceBackward0, out, (input,), None, {"self_sym_sizes": d.shape})
    return out


def _inv_backward(n, grad):
    inv = n.saved("inverse")
    inv_t = inv.mT
    return -(inv_t @ grad @ inv_t)


LinalgInvExBackward0 = node_class("LinalgInvExBackward0", _inv_backward, saved=("inverse",))


class _LinAlgError(RuntimeError):
    """``torch.linalg.LinAlgError``: a factorisation or solve failed on this input (a
    ``RuntimeError``, so code catching that keeps working)."""


_LinAlgError.__module__ = "torch._C"  # (how PyTorch's tracebacks name it)
LinAlgError = _LinAlgError


def _batch_prefix(d, index) -> str:
    """PyTorch names the failing matrix of a batch: ``(Batch element 3): ``."""
    return f"(Batch element {index}): " if d.ndim > 2 else ""


def _first_failure(info: np.ndarray) -> tuple[int, int]:
    """``(batch index, info value)`` of the first nonzero ``info``."""
    flat = info.reshape(-1)
    bad = int(np.flatnonzero(flat)[0])
    return bad, int(flat[bad])


def _singular(name: str, d, info) -> LinAlgError:
    """PyTorch's error for an inverse whose LU (or triangular factor) has a zero pivot."""
    bad, pivot = _first_failure(info)
    return LinAlgError(
        f"{name}: {_batch_prefix(d, bad)}The diagonal element {pivot} is zero, the inversion "
        "could not be completed because the input matrix is singular."
    )


def _zero_pivots(lu: np.ndarray) -> np.ndarray:
    """``getrf``'s ``info`` for each matrix: the 1-based index of its first zero pivot
    (0 when there is none)."""
    zero = np.diagonal(lu, axis1=-2, axis2=-1) == 0
    return np.where(zero.any(-1), zero.argmax(-1) + 1, 0).astype(np.int32)


def _check_inv_input(name, d):
    _check_square(name, d)
    _check_float(name, d)
    if d.dtype.itemsize < 4:
        raise RuntimeError(
            f"{name}: Low precision dtypes not supported. Got {scalar_type_name(d.dtype)}"
        )


def inverse(input):
    """``torch.inverse`` / ``torch.linalg.inv``: raises ``LinAlgError`` naming the first
    zero pivot of ``A``'s LU factorisation when ``A`` is singular."""
    d = input._data
    _check_inv_input("linalg.inv", d)
    try:
        res = np.linalg.inv(d)
    except np.linalg.LinAlgError:
        raise _singular(
            "linalg.inv", d, _zero_pivots(_lu_factor(d.astype(np.float64))[0])
        ) from None
    # Column-major matrices, as LAPACK writes them (PyTorch's strides: (1, n) for n x n).
    res = np.swapaxes(np.ascontiguousarray(np.swapaxes(res.astype(d.dtype), -1, -2)), -1, -2)
    out = _make(res)
    if needs_grad(input):
        record(LinalgInvExBackward0, out, (input,), None, None, "inverse")
    return out


def _det_backward(n, grad):
    a, result = n.saved("A"), n.saved("result")
    return (grad * result).unsqueeze(-1).unsqueeze(-1) * inverse(a).mT


LinalgDetBackward0 = node_class("LinalgDetBackward0", _det_backward, saved=("A", "result"))


def det(input):
    """``torch.det`` / ``torch.linalg.det``."""
    d = input._data
    out = _make(np.asarray(np.linalg.det(d)).astype(d.dtype))
    if needs_grad(input):
        record(LinalgDetBackward0, out, (input,), {"A": input}, None, "result")
    return out


def kron(input, other):
    """``torch.kron``, as ATen's ``KronImpl``: interleave size-1 dims, multiply, merge.

    The graph is PyTorch's: ``_unsafe_view`` of each operand (``UnsafeViewBackward0``),
    a broadcast ``mul``, and an ``_unsafe_view`` of the product.
    """

    nd = max(input.dim(), other.dim())
    pa, pb = nd - input.dim(), nd - other.dim()
    a_shape, b_shape, out_shape = [], [], []
    for i in range(nd):
        sa = input.shape[i - pa] if i >= pa else 1
        sb = other.shape[i - pb] if i >= pb else 1
        a_shape += [sa, 1]
        b_shape += [1, sb]
        out_shape.append(sa * sb)
    product = _unsafe_view(input, tuple(a_shape)) * _unsafe_view(other, tuple(b_shape))
    return _unsafe_view(product, tuple(out_shape))


def _cross_backward(n, grad):
    dim = n._attrs["dim"]
    a, b = n.saved("self"), n.saved("other")
    return (
        None if b is None else _linalg_cross(b, grad, dim=dim),
        None if a is None else _linalg_cross(grad, a, dim=dim),
    )


def _binary_node(name, backward, saved, attrs):
    return node_class(name, backward, saved=saved, attrs=attrs, base=BinaryNode)


LinalgCrossBackward0 = _binary_node(
    "LinalgCrossBackward0", _cross_backward, ("other", "self"), ("dim",)
)


def _linalg_cross(input, other, *, dim=-1):
    """``torch.linalg.cross``: cross products of 3-vectors along ``dim`` (broadcasting)."""

    a, b = input._data, other._data
    if a.ndim != b.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = wrap_dim(dim, a.ndim)
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got {a.shape[d]} and "
            f"{b.shape[d]}"
        )
    check_broadcast(a.shape, b.shape)
    out = _make(np.cross(a, b, axis=d))
    if needs_grad(input, other):
        saved = {
            "other": other if input._requires_grad else None,
            "self": input if other._requires_grad else None,
        }
        record(
            LinalgCrossBackward0,
            out,
            (input, other),
            saved,
            {"dim": d},
            fields={"input_shapes": (a.shape, b.shape)},
            shown={"dim": dim} if dim < 0 else None,
        )
    return out


def cross(input, other, dim=None):
    """``torch.cross``: without ``dim``, the first dimension of size 3 (deprecated in PyTorch)."""
    if dim is None:
        import warnings

        warnings.warn(
            "Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass "
            "the dim explicitly or simply use torch.linalg.cross.\nThe default value of dim will "
            "change to agree with that of linalg.cross in a future release. (Triggered internally "
            "at /__w/pytorch/pytorch/aten/src/ATen/native/Cross.cpp:63.)",
            UserWarning,
            stacklevel=2,
        )
        dim = next((i for i, s in enumerate(input.shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return _linalg_cross(input, other, dim=dim)


def tensordot(a, b, dims=2, out=None):
    """``torch.tensordot``, as ATen computes it (``Linear.cpp``).

    Permute the contracted dims of ``a`` last and of ``b`` first, reshape both to
    matrices, ``mm``, reshape to the result; a full contraction of contiguous
    operands is a ``dot`` instead, of strided ones a ``mul`` + ``sum``. Broadcast
    (size-1) contracted dims are summed first. Like PyTorch, an int ``dims`` means
    the dims ``-dims..-1`` of ``a`` (kept negative: ``_saved_dims`` shows them so).
    """
    if out is not None:
        return write_out("tensordot", out, tensordot(a, b, dims))
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims1, dims2 = list(range(-dims, 0)), list(range(dims))
    elif isinstance(dims, Tensor):
        return tensordot(a, b, dims.tolist())
    else:
        d1, d2 = dims
        dims1 = [d1] if isinstance(d1, int) else list(d1)
        dims2 = [d2] if isinstance(d2, int) else list(d2)
    if len(dims1) != len(dims2):
        raise RuntimeError("both dimension lists should have same length")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    csize, t1, t2 = 1, a, b
    for x1, x2 in zip(dims1, dims2):
        s1, s2 = a.shape[x1], b.shape[x2]
        if s2 == 1:  # broadcast dims can be summed right away
            t1 = t1.sum(x1, True)
        elif s1 == 1:
            t2 = t2.sum(x2, True)
        else:
            if s1 != s2:
                raise RuntimeError(
                    f"contracted dimensions need to match, but first has size {s1} in dim {x1} "
                    f"and second has size {s2} in dim {x2}"
                )
            csize *= s1
    c1 = {wrap_dim(x, a.dim()) for x in dims1}
    c2 = {wrap_dim(x, b.dim()) for x in dims2}
    p1 = [i for i in range(a.dim()) if i not in c1] + dims1
    p2 = dims2 + [i for i in range(b.dim()) if i not in c2]
    r1 = [t1.shape[i] for i in range(a.dim()) if i not in c1]
    r2 = [t2.shape[i] for i in range(b.dim()) if i not in c2]
    size1, size2 = int(np.prod(r1)), int(np.prod(r2))
    if size1 != 1 or size2 != 1:
        t1 = t1.permute(p1).reshape(size1, csize)
        t2 = t2.permute(p2).reshape(csize, size2)
        return t1.mm(t2).reshape(r1 + r2)
    t1, t2 = t1.permute(p1), t2.permute(p2)
    if t1._data.flags.c_contiguous and t2._data.flags.c_contiguous:
        return t1.flatten().dot(t2.flatten()).reshape(r1 + r2)
    return (t1.squeeze() * t2.squeeze()).sum().reshape(r1 + r2)


def inner(input, other):
    """``torch.inner``: ``input * other`` if either is 0-d, else ``tensordot`` over the last dims."""
    if input.dim() == 0 or other.dim() == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(
            "inner() the last dimension must match on both input tensors but got shapes "
            f"{list(input.shape)} and {list(other.shape)}"
        )
    return tensordot(input, other, ([-1], [-1]))


# --- matrix_power / slogdet / logdet / pinv / matrix_exp ------------------------------------
def _check_square(name, d):
    if d.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if d.shape[-1] != d.shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are "
            f"{d.shape[-2]} by {d.shape[-1]} matrices"
        )


def _check_float(name, d):
    if d.dtype.kind != "f":
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got "
            + scalar_type_name(d.dtype)
        )


def _power_int(name: str, n, position: int) -> int:
    """``n`` as PyTorch's parser takes an ``int`` argument (a 0-d integer tensor too)."""
    if isinstance(n, Tensor) and n._data.ndim == 0 and n._data.dtype.kind in "iu":
        return int(n._data)
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(
            f"{name}(): argument 'n' (position {position}) must be int, not {type(n).__name__}"
        )
    return int(n)


def _matrix_power_method(self, n):
    return matrix_power(self, _power_int("matrix_power", n, 1))


METHODS["matrix_power"] = _matrix_power_method


def matrix_power(input, n):
    """``torch.matrix_power`` as ATen computes it: ``clone`` (n = 1), ``copy_`` of the
    identity (n = 0), ``inv`` first for n < 0, then matmuls by binary decomposition."""
    n = _power_int("matrix_power", n, 2)
    d = input._data
    _check_square("linalg.matrix_power", d)
    if n == 0:
        eye = _make(np.broadcast_to(np.eye(d.shape[-1], dtype=d.dtype), d.shape))
        return input.clone().copy_(eye)
    if n == 1:
        return input.clone()
    if n == -1:
        return inverse(input)
    a = input
    if n < 0:
        a, n = inverse(input), -n
    if n == 2:
        return matmul(a, a)
    if n == 3:
        return matmul(matmul(a, a), a)
    z = result = None
    while n > 0:
        bit, n = n % 2, n // 2
        z = a if z is None else matmul(z, z)
        if bit:
            result = z if result is None else matmul(result, z)
    return result


def _lu_factor(d):
    """LAPACK ``getrf``: ``(LU, pivots)`` with partial pivoting, pivots 1-based (int32)."""
    n = d.shape[-1]
    lu = d.reshape((-1, n, n)).copy()
    piv = np.zeros((lu.shape[0], n), dtype=np.int32)
    for b in range(lu.shape[0]):
        m = lu[b]
        for k in range(n):
            p = k + int(np.argmax(np.abs(m[k:, k])))
            piv[b, k] = p + 1
            if p != k:
                m[[k, p]] = m[[p, k]]
            if m[k, k] != 0:
                m[k + 1 :, k] /= m[k, k]
                m[k + 1 :, k + 1 :] -= np.outer(m[k + 1 :, k], m[k, k + 1 :])
    return lu.reshape(d.shape), piv.reshape(d.shape[:-1])


def _slogdet_backward(n, grads):
    g_logabsdet = grads[1]
    if g_logabsdet is None:
        return (None,)
    A = n.saved("A")
    return (g_logabsdet.unsqueeze(-1).unsqueeze(-1) * inverse(A).mT,)


LinalgSlogdetBackward0 = node_class(
    "LinalgSlogdetBackward0",
    _slogdet_backward,
    saved=("A", "LU", "pivots", "sign"),
    all_grads=True,
)


def _slogdet(name, input, fields):
    d = input._data
    _check_square("linalg.slogdet", d)
    _check_float("linalg.slogdet", d)
    sign, logabsdet = np.linalg.slogdet(d)
    result = _return_type(name.replace(".", "_"), fields)(
        _make(np.asarray(sign, dtype=d.dtype)), _make(np.asarray(logabsdet, dtype=d.dtype))
    )
    if needs_grad(input):
        lu, piv = _lu_factor(d)
        saved = {"A": input, "LU": _make(lu), "pivots": _make(piv), "sign": result[0]}
        record_multi(LinalgSlogdetBackward0, list(result), (input,), saved)
    return result


def slogdet(input):
    """``torch.slogdet``: ``(sign, logabsdet)``."""
    return _slogdet("slogdet", input, ("sign", "logabsdet"))


def _linalg_slogdet(A):
    """``torch.linalg.slogdet``: ``(sign, logabsdet)``."""
    return _slogdet("linalg.slogdet", A, ("sign", "logabsdet"))


def logdet(input):
    """``torch.logdet``: ``log(det(A))``, NaN where the determinant is negative (ATen's
    ``where(sign == -1, nan, logabsdet)`` over ``linalg_slogdet``)."""
    d = input._data
    _check_square("logdet", d)
    _check_float("logdet", d)
    sign, logabsdet = _slogdet("linalg.slogdet", input, ("sign", "logabsdet"))
    nan = _make(np.asarray(np.nan, dtype=d.dtype))
    return where(_make(sign._data == -1), nan, logabsdet)


def _pinv_backward(n, grad):
    """PyTorch's ``pinv_backward`` (real case)."""
    A, pinvA = n.saved("self"), n.saved("result")
    m, k = A._data.shape[-2:]
    pinvAh, gradh = pinvA.mT, grad.mT
    if m <= k:
        K = matmul(gradh, pinvA)
        KpinvAh = matmul(K, pinvAh)
        return (
            -matmul(pinvA, K).mT
            + KpinvAh
            - matmul(matmul(A, pinvA), KpinvAh)
            + matmul(matmul(pinvAh, pinvA), gradh - matmul(K, A))
        )
    K = matmul(pinvA, gradh)
    pinvAhK = matmul(pinvAh, K)
    return (
        -matmul(K, pinvA).mT
        + matmul(matmul(gradh - matmul(A, K), pinvA), pinvAh)
        + pinvAhK
        - matmul(matmul(pinvAhK, pinvA), A)
    )


LinalgPinvBackward0 = node_class("LinalgPinvBackward0", _pinv_backward, saved=("result", "self"))


def _pinv(name, input, atol, rtol, hermitian):
    d = input._data
    if d.ndim < 2 or d.dtype.kind != "f":
        raise RuntimeError(
            f"{name}({scalar_type_name(d.dtype)[:1].upper()}{scalar_type_name(d.dtype)[1:]}"
            f"{{{list(d.shape)}}}): expected a tensor with 2 or more dimensions of float, "
            "double, cfloat or cdouble types"
        )
    m, k = d.shape[-2:]
    if d.size == 0:
        res = np.zeros(d.shape[:-2] + (k, m), dtype=d.dtype)
    else:
        u, s, vh = np.linalg.svd(d, full_matrices=False)
        smax = s[..., :1]
        if atol is None and rtol is None:
            rtol = np.finfo(d.dtype).eps * max(m, k)
        tol = np.maximum(0.0 if atol is None else atol, (0.0 if rtol is None else rtol) * smax)
        s_inv = np.where(s > tol, 1 / np.where(s == 0, 1, s), 0)
        res = np.matmul(np.swapaxes(vh, -1, -2) * s_inv[..., None, :], np.swapaxes(u, -1, -2))
    out = _make(np.asarray(res, dtype=d.dtype))
    if needs_grad(input):
        record(LinalgPinvBackward0, out, (input,), {"self": input}, None, "result")
    return out


def pinverse(input, rcond=1e-15):
    """``torch.pinverse``: ``linalg.pinv(input, rtol=rcond)``."""
    return _pinv("linalg.pinv", input, None, rcond, False)


def _linalg_pinv(A, *, atol=None, rtol=None, hermitian=False):
    """``torch.linalg.pinv``: the Moore-Penrose pseudo-inverse from the SVD."""
    return _pinv("linalg.pinv", A, atol, rtol, hermitian)


def _expm_np(a):
    """``exp`` of (batches of) square matrices: scaling and squaring over a Taylor series."""
    norm = np.abs(a).sum(-2).max(-1, initial=0).max(initial=0) if a.size else 0.0
    s = max(0, int(np.ceil(np.log2(norm))) + 1) if norm > 0 else 0
    x = a / (2.0**s)
    eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
    result, term = eye.copy(), eye.copy()
    for k in range(1, 30):
        term = np.matmul(term, x) / k
        result = result + term
        if np.abs(term).max(initial=0) <= np.finfo(a.dtype).eps * np.abs(result).max(initial=0):
            break
    for _ in range(s):
        result = np.matmul(result, result)
    return result


def _matrix_exp_backward(n, grad):
    """PyTorch's ``linalg_matrix_exp_differential(A, grad, adjoint=True)``: the upper-right
    block of ``exp([[A^T, G], [0, A^T]])``."""
    A = n.saved("self")
    k = A._data.shape[-1]
    At = A.mT
    zeros = _make(np.zeros(A._data.shape, dtype=A._data.dtype))
    big = cat([cat([At, grad], -1), cat([zeros, At], -1)], -2)
    return matrix_exp(big)[..., :k, k:]


LinalgMatrixExpBackward0 = node_class(
    "LinalgMatrixExpBackward0", _matrix_exp_backward, saved=("self",)
)


def matrix_exp(input):
    """``torch.matrix_exp``: the exponential of (batches of) square matrices."""
    A = input
    d = A._data
    _check_square("linalg.matrix_exp", d)
    _check_float("linalg.matrix_exp", d)
    out = _make(np.asarray(_expm_np(d.astype(np.float64)), dtype=d.dtype))
    if needs_grad(A):
        record(LinalgMatrixExpBackward0, out, (A,), {"self": A})
    return out


def _linalg_matrix_exp(A):
    """``torch.linalg.matrix_exp``."""
    return matrix_exp(A)


def _linalg_matrix_power(A, n, *, out=None):
    """``torch.linalg.matrix_power``: negative ``n`` through ``linalg.inv`` (which raises
    ``LinAlgError`` on a singular ``A``)."""
    result = matrix_power(A, _power_int("linalg_matrix_power", n, 2))
    return result if out is None else write_out("linalg_matrix_power", out, result)
