"""General linear solves: ``torch.linalg.solve``/``solve_ex`` (one ``LinalgSolveExBackward0``)
and ``linalg.inv_ex``, with LAPACK's triangular substitution (``trsm``) that the Cholesky
solvers share for singular factors.

numpy solves in float64 (float32 results are cast back). When ``A`` is exactly singular
numpy refuses; PyTorch's ``getrf`` + ``getrs`` carry on through the zero pivot, so that case
is done here as LAPACK does it: the same ``info`` and the same ``inf``/``nan`` in the result.
"""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from . import _lu_kernels
from ._core import (
    Tensor,
    check_broadcast,
    needs_grad,
    not_implemented_for,
    record,
    scalar_type_name,
    unbroadcast,
)
from .matrix import (
    LinAlgError,
    LinalgInvExBackward0,
    _batch_prefix,
    _check_float,
    _check_inv_input,
    _check_square,
    _first_failure,
    _lu_factor,
    _singular,
    _zero_pivots,
    inverse,
)
from .reduction import _return_type

_make = Tensor._make

__all__: list = []  # public through ``torch.linalg`` only

linalg_solve_ex_result = _return_type("linalg_solve_ex", ("result", "info"))
linalg_inv_ex_result = _return_type("linalg_inv_ex", ("inverse", "info"))


def _column_major(x: np.ndarray, dtype) -> np.ndarray:
    """``x`` as ``dtype`` with its last two dims column-major, as LAPACK writes matrices
    (PyTorch's strides for LU factors and solutions)."""
    out = np.swapaxes(np.empty(x.shape[:-2] + x.shape[:-3:-1], dtype), -1, -2)
    out[...] = x
    return out


# --- LAPACK's substitutions -------------------------------------------------------------------
def _substitute(t: np.ndarray, x: np.ndarray, lower: bool, unit: bool = False) -> np.ndarray:
    """Solve ``t y = x`` in place for triangular ``t`` (float64, batches broadcast already)
    by plain substitution, as PyTorch's BLAS ``trsm`` runs it: a zero on ``t``'s diagonal
    spreads ``inf``/``nan`` through every later row (no skipping of zero entries)."""
    n = t.shape[-1]
    with np.errstate(all="ignore"):
        for k in range(n) if lower else reversed(range(n)):
            if not unit:
                x[..., k, :] /= t[..., k, k, None]
            rest = slice(k + 1, None) if lower else slice(0, k)
            x[..., rest, :] -= t[..., rest, k, None] * x[..., k, None, :]
    return x


def _lu_solve(lu: np.ndarray, piv: np.ndarray, b: np.ndarray, trans: bool) -> np.ndarray:
    """LAPACK ``getrs``: ``A x = b`` (``A^T x = b`` when ``trans``) from ``getrf``'s
    ``(lu, piv)``; every array has the same batch shape, ``b`` is float64 and overwritten."""
    n = lu.shape[-1]
    rows = np.arange(n)
    perm = np.broadcast_to(rows, piv.shape).copy()  # getrf's row swaps, applied in order
    for k in range(n):
        p = piv[..., k] - 1
        pk = np.take_along_axis(perm, p[..., None], -1)[..., 0]
        np.put_along_axis(perm, p[..., None], perm[..., k, None], -1)
        perm[..., k] = pk
    upper = np.triu(lu)
    unit_lower = np.tril(lu, -1) + np.eye(n)
    if not trans:  # P A = L U: x = U^-1 L^-1 P b
        x = np.take_along_axis(b, perm[..., None], -2)
        x = _substitute(unit_lower, x, lower=True, unit=True)
        return _substitute(upper, x, lower=False)
    # A^T = U^T L^T P: x = P^T L^-T U^-T b
    y = _substitute(np.swapaxes(upper, -1, -2), b, lower=True)
    y = _substitute(np.swapaxes(unit_lower, -1, -2), y, lower=False, unit=True)
    x = np.empty_like(y)
    np.put_along_axis(x, np.broadcast_to(perm[..., None], y.shape), y, -2)
    return x


# --- linalg.solve / solve_ex ------------------------------------------------------------------
def _is_vector_rhs(a, b) -> bool:
    """PyTorch's NumPy-compatible rule: ``B`` is a (batch of) vector(s) when it is 1-D or
    has ``A``'s shape without its last dimension."""
    return b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])


def _solve_backward(n, grad):
    """``X = A^-1 B``: ``gB = A^-T gX``, ``gA = -gB X^T`` (``X = B A^-1``: ``gB = gX A^-T``,
    ``gA = -X^T gB``); a vector right-hand side counts as one column."""
    A, X, left = n.saved("A"), n.saved("result"), n._attrs["left"]
    if n.vector:
        grad, X = grad.unsqueeze(-1), X.unsqueeze(-1)
    gB = _linalg_solve(A.mT, grad, left=left)
    gA = -(gB @ X.mT) if left else -(X.mT @ gB)
    if n.vector:
        gB = gB.squeeze(-1)
    return unbroadcast(gA, n.shapes[0]), unbroadcast(gB, n.shapes[1])


LinalgSolveExBackward0 = node_class(
    "LinalgSolveExBackward0",
    _solve_backward,
    saved=("A", "LU", "pivots", "result"),
    attrs=("left",),
    fields=("shapes", "vector"),
)


def _check_compatible(name, a_shape, b_shape, left):
    """``A X = B`` (``X A = B``) needs matching rows (columns); batch dims broadcast."""
    if (a_shape[-2] != b_shape[-2]) if left else (a_shape[-1] != b_shape[-1]):
        raise RuntimeError(
            f"{name}: Incompatible shapes of A and B for the equation "
            f"{'AX = B' if left else 'XA = B'} ({a_shape[-2]}x{a_shape[-1]} and "
            f"{b_shape[-2]}x{b_shape[-1]})"
        )
    check_broadcast(b_shape[:-2], a_shape[:-2])


def _check_solve(a, b, left):
    """``_linalg_solve_ex``'s checks, in PyTorch's order; returns whether ``B`` is a vector."""
    _check_float("linalg.solve", a)
    if a.dtype != b.dtype:
        raise RuntimeError(
            "linalg.solve: Expected A and B to have the same dtype, but found A of type "
            f"{scalar_type_name(a.dtype)} and B of type {scalar_type_name(b.dtype)} instead"
        )
    _check_square("linalg.solve", a)
    vector = _is_vector_rhs(a, b)
    shape = b.shape + (1,) if vector else b.shape
    if len(shape) < 2:
        raise RuntimeError("linalg.solve: The input tensor B must have at least 2 dimensions.")
    _check_compatible("linalg.solve", a.shape, shape, left)
    if not left and vector:
        raise RuntimeError(
            "linalg.solve: Vector broadcasting of the left hand side is not supported for "
            "left=False. In this case linalg.solve is equivalent to B / A.squeeze(-1)"
        )
    if a.dtype.itemsize < 4:
        raise not_implemented_for("lu_cpu", a.dtype)
    return vector


def _solve_np(a, b, left, vector):
    """``(X, LU, pivots, info)`` for ``A X = B`` (``X A = B``); ``LU``/``pivots`` are only
    computed when ``A`` is singular (else ``None``)."""
    rhs = b[..., None] if vector else b
    if not left:  # X A = B  <=>  A^T X^T = B^T
        rhs = np.swapaxes(rhs, -1, -2)
    batch = np.broadcast_shapes(a.shape[:-2], rhs.shape[:-2])
    rhs = np.broadcast_to(rhs, batch + rhs.shape[-2:]).astype(np.float64)
    a64 = a.astype(np.float64)
    try:
        sq = np.broadcast_to(a64 if left else np.swapaxes(a64, -1, -2), batch + a.shape[-2:])
        with np.errstate(all="ignore"):
            x = np.linalg.solve(sq, rhs)
        lu = piv = None
        info = np.zeros(a.shape[:-2], dtype=np.int32)
    except np.linalg.LinAlgError:  # an exact zero pivot: LAPACK's getrf + getrs
        # Factored again in A's own dtype and with MKL's rounding on this CPU, as PyTorch
        # does: a float32 factorisation may find no exact zero where float64 found one.
        lu, piv, info = _lu_kernels.getrf(a)
        lu = lu.astype(np.float64)
        x = _lu_solve(
            np.broadcast_to(lu, batch + a.shape[-2:]),
            np.broadcast_to(piv, batch + a.shape[-1:]),
            rhs.copy(),
            trans=not left,
        )
    if not left:
        return np.ascontiguousarray(np.swapaxes(x, -1, -2)), lu, piv, info
    if vector:
        x = x[..., 0]
    if x.ndim >= 2:  # PyTorch's strides (even for a batch of vectors)
        x = _column_major(x, x.dtype)
    return x, lu, piv, info


def _solve(name, A, B, left, check_errors):
    a, b = A._data, B._data
    vector = _check_solve(a, b, left)
    x, lu, piv, info = _solve_np(a, b, left, vector)
    if check_errors and info.any():
        bad = _first_failure(info)[0]
        raise LinAlgError(
            f"{name}: {_batch_prefix(a, bad)}The solver failed because the input matrix is "
            "singular."
        )
    out = _make(x.astype(a.dtype, copy=False))
    if needs_grad(A, B):
        if lu is None:
            lu, piv = _lu_factor(a.astype(np.float64))
        lu = _column_major(lu, a.dtype)
        record(
            LinalgSolveExBackward0,
            out,
            (A, B),
            {"A": A, "LU": _make(lu), "pivots": _make(piv)},
            {"left": left},
            "result",
            fields={"shapes": (a.shape, b.shape), "vector": vector},
        )
    return out, _make(info)


def _linalg_solve(A, B, *, left=True, out=None):
    """``torch.linalg.solve``: ``X`` with ``A X = B`` (``X A = B`` when ``left=False``);
    ``B`` may be a vector or a batch of vectors (PyTorch's rule: ``B.shape == A.shape[:-1]``);
    batch dimensions broadcast; raises ``LinAlgError`` when ``A`` is singular."""
    if out is not None:
        raise NotImplementedError("linalg.solve(out=...) is not supported")
    return _solve("torch.linalg.solve", A, B, left, True)[0]


def _linalg_solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """``torch.linalg.solve_ex``: ``(result, info)``, ``info`` (one per matrix of ``A``) the
    1-based index of the first zero pivot of ``A``'s LU factorisation, 0 when ``A`` is
    invertible; a singular ``A`` gives LAPACK's ``inf``/``nan`` unless ``check_errors``."""
    if out is not None:
        raise NotImplementedError("linalg.solve_ex(out=...) is not supported")
    return linalg_solve_ex_result(*_solve("torch.linalg.solve_ex", A, B, left, check_errors))


# --- linalg.inv_ex ----------------------------------------------------------------------------
def _linalg_inv_ex(A, *, check_errors=False, out=None):
    """``torch.linalg.inv_ex``: ``(inverse, info)``; PyTorch solves ``A X = I``, so a singular
    ``A`` gives that solve's ``inf``/``nan`` (and ``info`` its first zero pivot)."""
    if out is not None:
        raise NotImplementedError("linalg.inv_ex(out=...) is not supported")
    d = A._data
    _check_inv_input("linalg.inv", d)
    info = np.zeros(d.shape[:-2], dtype=np.int32)
    try:
        inv = inverse(A)
    except LinAlgError:
        lu, piv = _lu_factor(d.astype(np.float64))
        info = _zero_pivots(lu)
        if check_errors:
            raise _singular("linalg.inv_ex", d, info) from None
        eye = np.broadcast_to(np.eye(d.shape[-1]), d.shape).copy()
        x = _lu_solve(lu, piv, eye, trans=False)
        inv = _make(_column_major(x, d.dtype))
        if needs_grad(A):  # (the gradient of a singular inverse is inf/nan, as in PyTorch)
            record(LinalgInvExBackward0, inv, (A,), None, None, "inverse")
    return linalg_inv_ex_result(inv, _make(info))


# --- linalg.solve_triangular ------------------------------------------------------------------
def _solve_triangular_backward(n, grad):
    A, X = n.saved("self"), n.saved("result")
    upper, left, unit = n._attrs["upper"], n._attrs["left"], n._attrs["unitriangular"]
    if left:  # X = A^-1 B
        gB = _linalg_solve_triangular(A.mT, grad, upper=not upper, unitriangular=unit)
        gA = -(gB @ X.mT)
    else:  # X = B A^-1
        gB = _linalg_solve_triangular(A.mT, grad, upper=not upper, left=False, unitriangular=unit)
        gA = -(X.mT @ gB)
    shift = 1 if unit else 0
    gA = gA.triu(shift) if upper else gA.tril(-shift)
    return unbroadcast(gA, A._data.shape), unbroadcast(gB, n.b_shape)


LinalgSolveTriangularBackward0 = node_class(
    "LinalgSolveTriangularBackward0",
    _solve_triangular_backward,
    saved=("self", "result"),
    attrs=("upper", "left", "unitriangular"),
    fields=("b_shape",),
)


def _check_solve_triangular(a, b, left):
    """PyTorch's checks, in its order: shapes first, then the dtype (``A``'s)."""
    _check_square("linalg.solve_triangular", a)
    if b.ndim < 2:
        raise RuntimeError(
            "linalg.solve_triangular: The input tensor B must have at least 2 dimensions."
        )
    _check_compatible("linalg.solve_triangular", a.shape, b.shape, left)
    if a.dtype.kind != "f" or a.dtype.itemsize < 4:
        raise not_implemented_for("triangular_solve_cpu", a.dtype)


def _linalg_solve_triangular(A, B, *, upper=None, left=True, unitriangular=False, out=None):
    """``torch.linalg.solve_triangular``: ``X`` with ``A X = B`` (``X A = B`` when
    ``left=False``), ``A`` triangular (only its ``upper`` or lower triangle is read; its
    diagonal taken as ones when ``unitriangular``); batch dimensions broadcast; the result
    has ``A``'s dtype; a zero on the diagonal gives ``trsm``'s ``inf``/``nan``."""
    if upper is None:
        raise TypeError(
            'linalg_solve_triangular() missing 1 required positional arguments: "upper"'
        )
    if out is not None:
        raise NotImplementedError("linalg.solve_triangular(out=...) is not supported")
    a, b = A._data, B._data
    _check_solve_triangular(a, b, left)
    tri = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        tri = np.where(np.eye(a.shape[-1], dtype=bool), 1, tri)
    lower = not upper
    if not left:  # X A = B  <=>  A^T X^T = B^T
        tri, b, lower = np.swapaxes(tri, -1, -2), np.swapaxes(b, -1, -2), upper
    # Batches broadcast explicitly, so that numpy 1.x never reads b as a stack of vectors.
    batch = np.broadcast_shapes(tri.shape[:-2], b.shape[:-2])
    tri = np.broadcast_to(tri, batch + tri.shape[-2:]).astype(np.float64)
    b = np.broadcast_to(b, batch + b.shape[-2:]).astype(np.float64)
    if (np.diagonal(tri, axis1=-2, axis2=-1) == 0).any():  # numpy refuses; trsm runs through
        res = _substitute(tri, b.copy(), lower=lower)
    else:
        with np.errstate(all="ignore"):
            res = np.linalg.solve(tri, b)
    if not left:
        res = np.swapaxes(res, -1, -2)
    result = _make(_column_major(res, a.dtype))  # (PyTorch's strides: LAPACK's layout)
    if needs_grad(A, B):
        record(
            LinalgSolveTriangularBackward0,
            result,
            (A, B),
            {"self": A},
            {"upper": upper, "left": left, "unitriangular": unitriangular},
            "result",
            fields={"b_shape": B._data.shape},
        )
    return result
