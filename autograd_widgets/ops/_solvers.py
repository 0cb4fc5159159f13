"""The Cholesky factor and the solvers built on a Cholesky or triangular factor, with the
small linalg helpers beside them: ``linalg.cholesky``/``cholesky_ex``, ``torch.cholesky``
(deprecated), ``cholesky_solve``, ``cholesky_inverse``, ``triangular_solve`` (deprecated),
``adjoint``, ``linalg.vecdot``.

numpy factors and solves in float64 (the results are cast back); where a factor fails (a
matrix that is not positive-definite, a zero on a factor's diagonal) the output follows
LAPACK's (``potf2``, ``trsm``) so that ``info`` and the ``inf``/``nan`` are PyTorch's. The
backward formulas are PyTorch's (``FunctionsManual.cpp``), written with Tensor ops so they
differentiate again.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..autograd.node import node_class
from ._core import (
    Tensor,
    check_broadcast,
    needs_grad,
    not_implemented_for,
    record,
    record_multi,
    scalar_type_name,
    unbroadcast,
    write_out,
)
from ._decomp import _save_outputs
from ._linalg_solve import _linalg_solve_triangular, _substitute
from .matrix import (
    LinAlgError,
    _batch_prefix,
    _check_float,
    _check_square,
    _first_failure,
    _singular,
    _zero_pivots,
)
from .reduction import _return_type
from .shape import transpose

_make = Tensor._make

__all__ = ["cholesky", "cholesky_solve", "cholesky_inverse", "triangular_solve", "adjoint"]

# ``Tensor.<name>`` for these names: the function itself (ops/__init__.py attaches them).
TENSOR_METHODS = ["cholesky", "cholesky_solve", "cholesky_inverse", "triangular_solve", "adjoint"]

triangular_solve_result = _return_type("triangular_solve", ("solution", "cloned_coefficient"))
linalg_cholesky_ex_result = _return_type("linalg_cholesky_ex", ("L", "info"))

_warned: set = set()


def _deprecated(name: str, message: str) -> None:
    """PyTorch's ``TORCH_WARN_ONCE`` for a deprecated function: once per process."""
    if name not in _warned:
        _warned.add(name)
        warnings.warn(message, UserWarning, stacklevel=3)


def _float_only(kernel: str, d) -> None:
    if d.dtype.kind != "f" or d.dtype.itemsize < 4:
        raise not_implemented_for(kernel, d.dtype)


def _solve64(a, b):
    """``a^-1 b`` for batches of square ``a`` (batch dims broadcast), in float64."""
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:]).astype(np.float64)
    b = np.broadcast_to(b, batch + b.shape[-2:]).astype(np.float64)
    with np.errstate(all="ignore"):
        return np.linalg.solve(a, b)


# --- linalg.cholesky / cholesky_ex -------------------------------------------------------------
def _potf2(a: np.ndarray) -> tuple[np.ndarray, int]:
    """LAPACK's lower Cholesky of one matrix, column by column: ``(L, info)``. On failure at
    column ``j`` (a pivot that is not positive, or NaN) the pivot stays on the diagonal,
    the later columns keep ``a``'s values and ``info = j + 1``."""
    a = np.tril(a).astype(np.float64)
    for j in range(a.shape[0]):
        ajj = a[j, j] - a[j, :j] @ a[j, :j]
        if not ajj > 0:
            a[j, j] = ajj
            return a, j + 1
        a[j, j] = ajj = np.sqrt(ajj)
        a[j + 1 :, j] = (a[j + 1 :, j] - a[j + 1 :, :j] @ a[j, :j]) / ajj
    return a, 0


def _cholesky_factor(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(L, info)`` for every matrix of ``d``, reading only its lower triangle."""
    sym = np.tril(d) + np.swapaxes(np.tril(d, -1), -1, -2)
    info = np.zeros(d.shape[:-2], dtype=np.int32)
    try:
        L = np.linalg.cholesky(sym.astype(np.float64))
        if np.all(np.diagonal(L, axis1=-2, axis2=-1) > 0):  # (numpy lets NaN through)
            return L.astype(d.dtype), info
    except np.linalg.LinAlgError:
        pass
    # Some matrix fails: factor each one as LAPACK does, for its info and partial factor.
    flat = d.reshape((-1, *d.shape[-2:]))
    out = np.empty(flat.shape, dtype=np.float64)
    for i, m in enumerate(flat):
        out[i], info.reshape(-1)[i] = _potf2(m)
    return out.reshape(d.shape).astype(d.dtype), info


def _cholesky_backward(n, grad):
    """``A = L L^T``: ``gA = L^-T sym(Phi(L^T gL)) L^-1``, ``Phi`` the lower triangle with
    the diagonal halved (the part of ``L^T dL``'s perturbation a lower ``dL`` can make)."""
    L = n.saved("L")
    upper = n._attrs["upper"]
    if upper:  # A = U^T U with U = L^T
        L, grad = L.mT, grad.mT
    P = (L.mT @ grad).tril()
    P = P - 0.5 * P.diagonal(dim1=-2, dim2=-1).diag_embed()
    P = 0.5 * (P + P.mT)
    Y = _linalg_solve_triangular(L.mT, P, upper=True)  # L^-T P
    return _linalg_solve_triangular(L.mT, Y.mT, upper=True).mT  # ... L^-1


LinalgCholeskyExBackward0 = node_class(
    "LinalgCholeskyExBackward0", _cholesky_backward, saved=("L",), attrs=("upper",)
)


def _cholesky(name, A, upper, check_errors):
    d = A._data
    _check_square("linalg.cholesky", d)
    _check_float("linalg.cholesky", d)
    _float_only("cholesky_cpu", d)
    res, info = _cholesky_factor(d)
    if check_errors and info.any():
        bad, order = _first_failure(info)
        raise LinAlgError(
            f"{name}: {_batch_prefix(d, bad)}The factorization could not be completed because "
            f"the input is not positive-definite (the leading minor of order {order} is not "
            "positive-definite)."
        )
    if upper:
        res = np.ascontiguousarray(np.swapaxes(res, -1, -2))
    L = _make(res)
    if needs_grad(A):
        record(LinalgCholeskyExBackward0, L, (A,), {"L": L}, {"upper": upper})
    return L, info


def _linalg_cholesky(A, *, upper=False, out=None):
    """``torch.linalg.cholesky``: the lower (or ``upper``) triangular ``L`` with
    ``A = L L^T``; reads only the lower triangle of ``A``; raises ``LinAlgError`` naming
    the first leading minor that is not positive-definite."""
    L = _cholesky("linalg.cholesky", A, upper, True)[0]
    return L if out is None else write_out("linalg_cholesky", out, L)


def _linalg_cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """``torch.linalg.cholesky_ex``: ``(L, info)``, ``info`` the order of the first leading
    minor that is not positive-definite (0 when the factorisation succeeded; ``L`` is then
    LAPACK's partial factor)."""
    if out is not None:
        raise NotImplementedError("linalg.cholesky_ex(out=...) is not supported")
    L, info = _cholesky("linalg.cholesky_ex", A, upper, check_errors)
    return linalg_cholesky_ex_result(L, _make(info))


# --- torch.cholesky -----------------------------------------------------------------------------
CholeskyBackward0 = node_class(
    "CholeskyBackward0",
    lambda n, grad: _cholesky_backward(_Renamed(n, {"L": "result"}), grad),
    saved=("result",),
    attrs=("upper",),
)


class _Renamed:
    """A view of node ``n`` whose ``saved(name)`` reads another saved name."""

    __slots__ = ("_n", "_names")

    def __init__(self, n, names):
        self._n, self._names = n, names

    def saved(self, name):
        return self._n.saved(self._names.get(name, name))

    def __getattr__(self, name):
        return getattr(self._n, name)


def cholesky(input, upper=False):
    """``torch.cholesky`` (deprecated in PyTorch for ``linalg.cholesky``): the lower (or
    ``upper``) Cholesky factor, as one ``CholeskyBackward0``."""
    _deprecated(
        "cholesky",
        "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a "
        "future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\nL = "
        "torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\nshould be replaced "
        "with\nU = torch.linalg.cholesky(A).mH\nThis transform will produce equivalent results "
        "for all valid (symmetric positive definite) inputs. (Triggered internally at "
        "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:1765.)",
    )
    d = input._data
    _check_square("cholesky", d)
    _float_only("cholesky_cpu", d)
    try:
        res = _linalg_cholesky(input.detach(), upper=upper)
    except LinAlgError as e:
        raise LinAlgError(str(e).replace("linalg.cholesky", "cholesky")) from None
    out = _make(res._data)
    if needs_grad(input):
        record(CholeskyBackward0, out, (input,), None, {"upper": upper}, "result")
    return out


# --- cholesky_solve -----------------------------------------------------------------------------
def _cholesky_solve_backward(n, grad):
    """``X = (L L^T)^-1 B``: ``gB = (L L^T)^-1 grad``; ``gL = -(C + C^T) L`` with
    ``C = gB X^T`` (``-U (C + C^T)`` for an upper factor)."""
    L, X = n.saved("input2"), n.saved("result")
    upper = n._attrs["upper"]
    gB = cholesky_solve(grad, L, upper)
    common = gB @ X.mT
    common = common + common.mT
    gL = -(L @ common) if upper else -(common @ L)
    return unbroadcast(gB, n.shapes[0]), unbroadcast(gL, n.shapes[1])


CholeskySolveBackward0 = node_class(
    "CholeskySolveBackward0",
    _cholesky_solve_backward,
    saved=("input2", "result", "self"),
    attrs=("upper",),
    fields=("shapes",),
)


def _check_solve_operands(name, b, a, b_message, a_message):
    if b.ndim < 2:
        raise RuntimeError(b_message.format(b.ndim))
    if a.ndim < 2:
        raise RuntimeError(a_message.format(a.ndim))
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(
            f"A must be batches of square matrices, but they are {a.shape[-2]} by "
            f"{a.shape[-1]} matrices"
        )
    if a.shape[-1] != b.shape[-2]:
        raise RuntimeError(
            f"Incompatible matrix sizes for {name}: each A matrix is {a.shape[-2]} by "
            f"{a.shape[-1]} but each b matrix is {b.shape[-2]} by {b.shape[-1]}"
        )
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"Expected b and A to have the same dtype, but found b of type "
            f"{scalar_type_name(b.dtype)} and A of type {scalar_type_name(a.dtype)} instead."
        )
    check_broadcast(b.shape[:-2], a.shape[:-2])


def _singular_cholesky_solve(tri, b, upper):
    """``potrs`` with a zero on the factor's diagonal: its two substitutions, run through."""
    batch = np.broadcast_shapes(tri.shape[:-2], b.shape[:-2])
    t = np.broadcast_to(tri, batch + tri.shape[-2:]).astype(np.float64)
    x = np.broadcast_to(b, batch + b.shape[-2:]).astype(np.float64)
    lower = t if not upper else np.swapaxes(t, -1, -2)  # A = lower @ lower^T
    x = _substitute(lower, x, lower=True)
    return _substitute(np.swapaxes(lower, -1, -2), x, lower=False)


def cholesky_solve(input, input2, upper=False):
    """``torch.cholesky_solve``: ``X`` with ``A X = input``, ``A = L L^T`` given its Cholesky
    factor ``input2 = L`` (``U^T U`` when ``upper``); batch dimensions broadcast."""
    b, L = input._data, input2._data
    _check_solve_operands(
        "cholesky_solve",
        b,
        L,
        "b should have at least 2 dimensions, but has {} dimensions instead",
        "u should have at least 2 dimensions, but has {} dimensions instead",
    )
    _float_only("cholesky_solve_cpu", b)
    tri = np.triu(L) if upper else np.tril(L)
    if (np.diagonal(tri, axis1=-2, axis2=-1) == 0).any():  # LAPACK's potrs: inf/nan
        res = _singular_cholesky_solve(tri, b, upper)
    else:
        A = np.swapaxes(tri, -1, -2) @ tri if upper else tri @ np.swapaxes(tri, -1, -2)
        res = _solve64(A, b)
    out = _make(np.asarray(res, dtype=b.dtype))
    if needs_grad(input, input2):
        record(
            CholeskySolveBackward0,
            out,
            (input, input2),
            {"input2": input2, "self": input},
            {"upper": upper},
            "result",
            fields={"shapes": (b.shape, L.shape)},
        )
    return out


# --- cholesky_inverse ---------------------------------------------------------------------------
def _cholesky_inverse_backward(n, grad):
    """``R = (L L^T)^-1``: ``gL = -R (G + G^T) R L`` (``-U R (G + G^T) R`` when upper)."""
    L, R = n.saved("self"), n.saved("result")
    common = R @ ((grad + grad.mT) @ R)
    return -(L @ common) if n._attrs["upper"] else -(common @ L)


CholeskyInverseBackward0 = node_class(
    "CholeskyInverseBackward0",
    _cholesky_inverse_backward,
    saved=("result", "self"),
    attrs=("upper",),
)


def cholesky_inverse(input, upper=False):
    """``torch.cholesky_inverse``: ``(L L^T)^-1`` from a lower Cholesky factor ``L``
    (``(U^T U)^-1`` when ``upper``); only that triangle of ``input`` is read."""
    d = input._data
    _check_square("cholesky_inverse", d)
    _float_only("cholesky_inverse_out_cpu", d)
    tri = np.triu(d) if upper else np.tril(d)
    info = _zero_pivots(tri)  # (potri inverts the factor first: a zero on its diagonal)
    if info.any():
        raise _singular("cholesky_inverse", d, info)
    A = np.swapaxes(tri, -1, -2) @ tri if upper else tri @ np.swapaxes(tri, -1, -2)
    eye = np.broadcast_to(np.eye(d.shape[-1]), A.shape)
    out = _make(np.asarray(_solve64(A, eye), dtype=d.dtype))
    if needs_grad(input):
        record(CholeskyInverseBackward0, out, (input,), {"self": input}, {"upper": upper}, "result")
    return out


# --- triangular_solve ---------------------------------------------------------------------------
def _triangular_solve_backward(n, grads):
    gX, gM = grads
    A, X = n.saved("A"), n.saved("solution")
    a = n._attrs
    upper, transpose_, unit = a["upper"], a["transpose"], a["unitriangular"]
    gB = gA = None
    if gX is not None:
        # X = op(A)^-1 B, op(A) = A or A^T: gB = op(A)^-T gX, gA = -gB X^T (or -X gB^T).
        gB = _linalg_solve_triangular(
            A.mT if not transpose_ else A,
            gX,
            upper=(not upper) if not transpose_ else upper,
            unitriangular=unit,
        )
        gA = -(X @ gB.mT) if transpose_ else -(gB @ X.mT)
        shift = 1 if unit else 0
        gA = gA.triu(shift) if upper else gA.tril(-shift)
    if gM is not None:
        gA = gM if gA is None else gA + gM
    b_shape, a_shape = n.shapes
    return (
        None if gB is None else unbroadcast(gB, b_shape),
        None if gA is None else unbroadcast(gA, a_shape),
    )


TriangularSolveBackward0 = node_class(
    "TriangularSolveBackward0",
    _triangular_solve_backward,
    saved=("A", "self", "solution"),
    attrs=("transpose", "unitriangular", "upper"),
    fields=("shapes",),
    all_grads=True,
)


def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False):
    """``torch.triangular_solve`` (deprecated in PyTorch for ``linalg.solve_triangular``):
    ``(solution, cloned_coefficient)`` with ``op(A) X = input``, ``op(A)`` being ``A`` or
    ``A^T``; only ``A``'s ``upper`` (or lower) triangle is read. Batch dims broadcast."""
    _deprecated(
        "triangular_solve",
        "torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand will "
        "be removed in a future PyTorch release.\ntorch.linalg.solve_triangular has its "
        "arguments reversed and does not return a copy of one of the inputs.\nX = "
        "torch.triangular_solve(B, A).solution\nshould be replaced with\nX = "
        "torch.linalg.solve_triangular(A, B). (Triggered internally at "
        "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:2273.)",
    )
    b, a = input._data, A._data
    _check_solve_operands(
        "triangular_solve",
        b,
        a,
        "torch.triangular_solve: Expected b to have at least 2 dimensions, but it has {} "
        "dimensions instead",
        "torch.triangular_solve: Expected A to have at least 2 dimensions, but it has {} "
        "dimensions instead",
    )
    _float_only("triangular_solve_cpu", b)
    tri = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        tri = np.where(np.eye(a.shape[-1], dtype=bool), 1, tri)
    if transpose:
        tri = np.swapaxes(tri, -1, -2)
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    sol = _make(np.asarray(_solve64(tri, b), dtype=b.dtype))
    coef = _make(np.broadcast_to(a, batch + a.shape[-2:]).copy())
    result = triangular_solve_result(sol, coef)
    if needs_grad(input, A):
        record_multi(
            TriangularSolveBackward0,
            [sol, coef],
            (input, A),
            {"A": A, "self": input},
            {"transpose": transpose, "unitriangular": unitriangular, "upper": upper},
            fields={"shapes": (b.shape, a.shape)},
        )
        _save_outputs([sol], ("solution",))
    return result


# --- adjoint / vecdot ---------------------------------------------------------------------------
def adjoint(input):
    """``torch.adjoint``: the conjugate transpose of the last two dims (a transpose here, as
    there are no complex dtypes): a view, ``TransposeBackward0``."""
    nd = input._data.ndim
    if nd < 2:
        raise RuntimeError(
            "tensor.adjoint() is only supported on matrices or batches of matrices. Got "
            f"{nd}-D tensor."
        )
    return transpose(input, -2, -1)


def _linalg_vecdot(x, y, *, dim=-1, out=None):
    """``torch.linalg.vecdot``: ``sum(x * y, dim)`` (``x`` conjugated in PyTorch; real here),
    broadcasting ``x`` and ``y``."""
    if x._data.dtype != y._data.dtype:
        raise RuntimeError(
            "linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
            f"{scalar_type_name(x._data.dtype)} and y of type {scalar_type_name(y._data.dtype)} "
            "instead"
        )
    if x._data.dtype.kind != "f":
        raise RuntimeError(
            "linalg.vecdot: Expected a floating point or complex tensor as input. Got "
            + scalar_type_name(x._data.dtype)
        )
    result = (x * y).sum(dim)
    if out is not None:
        return write_out("linalg_vecdot", out, result)
    return result
