"""The LU family with its derivatives: ``torch.linalg.lu_factor``, ``lu_factor_ex``, ``lu``,
``lu_solve``; ``torch.lu`` (deprecated), ``torch.lu_unpack``, ``torch.lu_solve`` (deprecated);
``Tensor.lu``, ``Tensor.lu_solve``.

The factorisation is ``_lu_kernels.getrf`` (LAPACK's pivot choices, int32 1-based pivots);
the backward formulas are PyTorch's (``linalg_lu_backward``, ``lu_factor_ex_backward``,
``linalg_lu_solve_LU``, ``lu_unpack_backward`` in ``FunctionsManual.cpp``), written with
Tensor ops so they differentiate again.
"""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from . import _lu_kernels as K
from ._core import (
    METHODS,
    Tensor,
    check_broadcast,
    needs_grad,
    not_implemented_for,
    record,
    record_multi,
    return_type,
    scalar_type_name,
    write_out,
)
from ._decomp import _save_outputs
from ._linalg_solve import _linalg_solve_triangular as solve_triangular
from ._solvers import _deprecated
from .shape import cat

_make = Tensor._make

__all__ = ["lu", "lu_unpack", "lu_solve"]

# ``Tensor.<name>``: ``Tensor.lu`` returns plain tuples (see ``_tensor_lu``), set in METHODS.
TENSOR_METHODS = ["lu", "lu_solve"]

linalg_lu_factor_result = return_type("linalg_lu_factor", ("LU", "pivots"))
linalg_lu_factor_ex_result = return_type("linalg_lu_factor_ex", ("LU", "pivots", "info"))
linalg_lu_result = return_type("linalg_lu", ("P", "L", "U"))
lu_unpack_result = return_type("lu_unpack", ("P", "L", "U"))
lu_with_info_result = return_type("_lu_with_info", ("LU", "pivots", "info"))

_LU_WARNING = (
    "torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and "
    "will be removed in a future PyTorch release.\nLU, pivots = torch.lu(A, compute_pivots)\n"
    "should be replaced with\nLU, pivots = torch.linalg.lu_factor(A, compute_pivots)\nand\n"
    "LU, pivots, info = torch.lu(A, compute_pivots, get_infos=True)\nshould be replaced with\n"
    "LU, pivots, info = torch.linalg.lu_factor_ex(A, compute_pivots) (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:2073.)"
)
_LU_SOLVE_WARNING = (
    "torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed in a "
    "future PyTorch release.\nNote that torch.linalg.lu_solve has its arguments reversed.\n"
    "X = torch.lu_solve(B, LU, pivots)\nshould be replaced with\n"
    "X = torch.linalg.lu_solve(LU, pivots, B) (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:2230.)"
)


def _check_bool(fn, name, v):
    if not isinstance(v, (bool, np.bool_)):
        raise TypeError(f"{fn}(): argument '{name}' must be bool, not {type(v).__name__}")


def _write_outs(name, out, result, result_type):
    """``out=(a, b, ...)``: each output written into its tensor (``write_out``)."""
    return result_type(*(write_out(name, o, r) for o, r in zip(out, result)))


# --- backward formulas --------------------------------------------------------------------------
def _lu_backward(gL, gU, P, L, U, pivot):
    """PyTorch's ``linalg_lu_backward``: the gradient of ``A = P L U`` (m x n, k = min(m, n))
    from those of L (m x k, unit lower) and U (k x n, upper). Square: ``P L^-T (tril_-1(L^T gL)
    + triu(gU U^T)) U^-T``; a wide (tall) A carries the extra columns of U (rows of L) through
    one triangular solve only."""
    m, n = L.shape[-2], U.shape[-1]
    if m == n:
        g = None if gL is None else (L.mT @ gL).tril(-1)
        if gU is not None:
            gu = (gU @ U.mT).triu()
            g = gu if g is None else g + gu
        g = solve_triangular(U.mT, g, upper=False, left=False)
        g = solve_triangular(L.mT, g, upper=True, unitriangular=True)
    elif m < n:  # U = [U1 | U2], U1 square
        g = None if gL is None else L.mT @ gL
        if gU is not None:
            gu = gU.triu() @ U.mT
            g = -gu if g is None else g - gu
        g = solve_triangular(U[..., :m].mT, g.tril(-1), upper=False, left=False)
        if gU is not None:
            g = cat([g + gU[..., :m].triu(), gU[..., m:]], -1)
        g = solve_triangular(L.mT, g, upper=True, unitriangular=True)
        if gU is None:
            g = cat([g, _make(np.zeros(U[..., m:].shape, U._data.dtype))], -1)
    else:  # m > n: L = [L1; L2], L1 square
        g = None if gU is None else gU @ U.mT
        if gL is not None:
            gl = L.mT @ gL.tril(-1)
            g = -gl if g is None else g - gl
        g = solve_triangular(L[..., :n, :].mT, g.triu(), upper=True, unitriangular=True)
        if gL is not None:
            g = cat([g + gL[..., :n, :].tril(-1), gL[..., n:, :]], -2)
        g = solve_triangular(U.mT, g, upper=False, left=False)
        if gL is None:
            g = cat([g, _make(np.zeros(L[..., n:, :].shape, L._data.dtype))], -2)
    return P @ g if pivot else g


def _linalg_lu_backward(node, grads):
    gL, gU = grads
    if gL is None and gU is None:
        return (None,)
    P, L, U = node.saved("P"), node.saved("L"), node.saved("U")
    return (_lu_backward(gL, gU, P, L, U, node._attrs["pivot"]),)


LinalgLuBackward0 = node_class(
    "LinalgLuBackward0",
    _linalg_lu_backward,
    saved=("L", "P", "U"),
    attrs=("pivot",),
    all_grads=True,
)


def _lu_factor_ex_backward(node, grad):
    """PyTorch's ``lu_factor_ex_backward``: unpack the factor, split ``grad`` into its L and U
    parts (overlapping on the diagonal; ``_lu_backward`` keeps only each one's triangle)."""
    LU, pivots = node.saved("LU"), node.saved("pivots")
    P, L, U = lu_unpack(LU, pivots)
    m, n = LU.shape[-2:]
    k = min(m, n)
    return _lu_backward(grad[..., :k], grad[..., :k, :], P, L, U, node._attrs["pivot"])


LinalgLuFactorExBackward0 = node_class(
    "LinalgLuFactorExBackward0",
    _lu_factor_ex_backward,
    saved=("LU", "pivots"),
    attrs=("pivot",),
)


def _lu_unpack_backward(node, grads):
    """PyTorch's ``lu_unpack_backward``: L's strict lower and U's upper triangle, put back in
    the packed m x n layout."""
    gL, gU = grads
    m, n = node._attrs["LU_data_sym_argsize_minus_2"], node._attrs["LU_data_sym_argsize_minus_1"]
    k = min(m, n)
    parts = []
    if gL is not None:
        gl = gL.tril(-1)
        if n > k:
            gl = cat([gl, _make(np.zeros(gl.shape[:-1] + (n - k,), gl._data.dtype))], -1)
        parts.append(gl)
    if gU is not None:
        gu = gU.triu()
        if m > k:
            gu = cat([gu, _make(np.zeros(gu.shape[:-2] + (m - k, n), gu._data.dtype))], -2)
        parts.append(gu)
    if not parts:
        return (None,)
    return (parts[0] if len(parts) == 1 else parts[0] + parts[1],)


LuUnpackBackward0 = node_class(
    "LuUnpackBackward0",
    _lu_unpack_backward,
    attrs=("LU_data_sym_argsize_minus_1", "LU_data_sym_argsize_minus_2"),
    all_grads=True,
)


def _lu_solve_backward(node, grad):
    """PyTorch's ``linalg_lu_solve`` derivative. ``B``: ``lu_solve(LU, pivots, grad, left,
    not adjoint)``. ``LU``: the packed gradient of L (strict lower) and U (upper) from
    ``linalg_lu_solve_LU``, which solves with the factors instead of forming ``A``."""
    LU, pivots, X = node.saved("LU"), node.saved("pivots"), node.saved("result")
    left, adjoint = node._attrs["left"], node._attrs["adjoint"]
    gB = _linalg_lu_solve(LU, pivots, grad, left=left, adjoint=not adjoint)
    P, L, U = lu_unpack(LU, pivots)
    if left != adjoint:
        gR = solve_triangular(
            U.mT, -(grad if left else grad.mT) @ (X.mT if left else X), upper=False
        )
        gL = solve_triangular(L.mT, gR @ U.mT, upper=True, unitriangular=True).tril(-1)
        gLU = gL + gR.triu()
    else:
        gR = -P.mT @ (X if left else X.mT) @ (grad.mT if left else grad) @ P
        gR = solve_triangular(L.mT, gR, upper=True, left=False, unitriangular=True)
        gU = solve_triangular(U.mT, L.mT @ gR, upper=False, left=False).triu()
        gLU = gR.tril(-1) + gU
    lu_shape, b_shape = node.shapes
    return _sum_to_shape(gLU, lu_shape), _sum_to_shape(gB, b_shape)


def _sum_to_shape(g, shape):
    """A gradient summed over the batch dims its input was broadcast along."""
    if g.shape == tuple(shape):
        return g
    lead = g.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape[:-2]) if s == 1 and g.shape[i + lead] != 1
    )
    return g.sum(dims, keepdim=True).reshape(shape) if dims else g


LinalgLuSolveBackward0 = node_class(
    "LinalgLuSolveBackward0",
    _lu_solve_backward,
    saved=("LU", "pivots", "result"),
    attrs=("adjoint", "left"),
    fields=("shapes",),
)


# --- the factorisation --------------------------------------------------------------------------
def _factor(name, A, pivot):
    """``getrf`` of ``A`` with PyTorch's checks: ``(LU, pivots, info)`` as numpy arrays."""
    d = A._data
    if d.ndim < 2:
        raise RuntimeError(
            f"{name}: Expected tensor with 2 or more dimensions. Got size: {list(d.shape)} instead"
        )
    if d.dtype.kind != "f" or d.dtype.itemsize < 4:
        raise not_implemented_for("lu_cpu", d.dtype)
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    return K.getrf(d)


def _raise_singular(name, info):
    """``check_errors``: PyTorch's message for the first matrix with a zero pivot."""
    flat = info.reshape(-1)
    bad = np.flatnonzero(flat)
    if bad.size:
        b, i = int(bad[0]), int(flat[bad[0]])
        where = f"(Batch element {b}): " if info.ndim else ""
        raise RuntimeError(
            f"{name}: {where}U[{i},{i}] is zero and using it on lu_solve would result in a "
            "division by zero. If you still want to perform the factorization, consider calling "
            "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)"
        )


def _lu_factor_ex(A, pivot, check_errors, check_name, result_type):
    lu, piv, info = _factor("torch.lu_factor", A, pivot)
    if check_errors:
        _raise_singular(check_name, info)
    LU = _make(lu)
    pivots = _make(piv)
    result = result_type(LU, pivots, _make(info))
    if needs_grad(A):
        record(
            LinalgLuFactorExBackward0,
            LU,
            (A,),
            {"pivots": pivots},
            {"pivot": pivot},
            output_saved="LU",
        )
    return result


def _linalg_lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """``torch.linalg.lu_factor_ex``: ``(LU, pivots, info)``, the packed LU factor (L below the
    diagonal, its unit diagonal implied; U on and above), LAPACK's 1-based int32 pivots and
    ``info`` (the 1-based index of the first zero pivot, 0 if none). Rectangular A allowed."""
    _check_bool("linalg_lu_factor_ex", "pivot", pivot)
    result = _lu_factor_ex(
        A, pivot, check_errors, "torch.linalg.lu_factor_ex", linalg_lu_factor_ex_result
    )
    if out is not None:
        return _write_outs("linalg_lu_factor_ex", out, result, linalg_lu_factor_ex_result)
    return result


def _linalg_lu_factor(A, *, pivot=True, out=None):
    """``torch.linalg.lu_factor``: ``(LU, pivots)``; a zero pivot (singular A) is an error, as
    in PyTorch (``lu_factor_ex`` returns it in ``info`` instead)."""
    _check_bool("linalg_lu_factor", "pivot", pivot)
    LU, pivots, _ = _lu_factor_ex(
        A, pivot, True, "torch.linalg.lu_factor", linalg_lu_factor_ex_result
    )
    result = linalg_lu_factor_result(LU, pivots)
    if out is not None:
        return _write_outs("linalg_lu_factor_ex", out, result, linalg_lu_factor_result)
    return result


def _linalg_lu(A, *, pivot=True, out=None):
    """``torch.linalg.lu``: ``(P, L, U)`` with ``A = P L U``; L unit lower (m x k), U upper
    (k x n), ``k = min(m, n)``. P carries no gradient; L and U share ``LinalgLuBackward0``."""
    _check_bool("linalg_lu", "pivot", pivot)
    d = A._data
    if d.ndim < 2:
        raise RuntimeError(
            f"linalg.lu: Expected tensor with 2 or more dimensions. Got size: {list(d.shape)} "
            "instead"
        )
    lu, piv, _ = _factor("linalg.lu", A, pivot)
    L, U = K.unpack(lu)
    result = linalg_lu_result(
        _make(K.permutation_matrix(piv, d.shape[-2], d.dtype)), _make(L), _make(U)
    )
    if needs_grad(A):
        outs = [result.L, result.U]
        record_multi(LinalgLuBackward0, outs, (A,), {"P": result.P}, {"pivot": pivot})
        _save_outputs([result.L, result.U], ("L", "U"))
    if out is not None:
        return _write_outs("linalg_lu", out, result, linalg_lu_result)
    return result


def _lu_with_info(A, pivot=True, get_infos=False):
    _deprecated("lu", _LU_WARNING)
    return _lu_factor_ex(A, pivot, False, "torch.lu", lu_with_info_result)


def lu(A, pivot=True, get_infos=False, out=None):
    """``torch.lu`` (deprecated in PyTorch for ``linalg.lu_factor``): ``(LU, pivots)`` as a
    plain tuple, or ``(LU, pivots, info)`` as ``torch.return_types._lu_with_info`` when
    ``get_infos``. A singular A is not an error here, as in PyTorch."""
    result = _lu_with_info(A, pivot, get_infos)
    if out is not None:
        for o, r in zip(out, result):
            write_out("lu", o, r)
        return out
    return result if get_infos else (result[0], result[1])


def _tensor_lu(self, pivot=True, get_infos=False):
    """``Tensor.lu``: ``torch.lu`` as plain tuples (PyTorch's method unpacks the result)."""
    result = _lu_with_info(self, pivot, get_infos)
    return tuple(result) if get_infos else (result[0], result[1])


METHODS["lu"] = _tensor_lu


# --- unpacking ----------------------------------------------------------------------------------
def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """``torch.lu_unpack``: ``(P, L, U)`` from ``lu_factor``'s packed factor and pivots; an
    output not asked for (``unpack_data``/``unpack_pivots`` False) is an empty tensor."""
    _check_bool("lu_unpack", "unpack_data", unpack_data)
    _check_bool("lu_unpack", "unpack_pivots", unpack_pivots)
    d, p = LU_data._data, LU_pivots._data
    if d.ndim < 2:
        raise RuntimeError(
            "torch.lu_unpack: Expected tensor with 2 or more dimensions. Got size: "
            f"{list(d.shape)} instead"
        )
    m, n = d.shape[-2:]
    empty = np.zeros((0,), d.dtype)
    P = empty
    if unpack_pivots:
        if p.dtype != np.int32:
            raise RuntimeError(
                "torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 "
                "dtype.\nNote: this function is intended to be used with the output produced by "
                "torch.linalg.lu_factor"
            )
        if p.size and (p.min() < 1 or p.max() > m):
            raise RuntimeError(
                "pivots passed to lu_unpack must be between 1 and LU.size(-2) inclusive."
                "Did you properly pass the result of lu_factor?"
            )
        p = np.broadcast_to(p, d.shape[:-2] + p.shape[-1:])
        P = K.permutation_matrix(p, m, d.dtype)
    L = U = None
    if unpack_data:
        ld, ud = K.unpack(d)
        L, U = _make(ld), _make(ud)
    else:
        L, U = _make(empty), _make(empty.copy())
    result = lu_unpack_result(_make(P), L, U)
    if unpack_data and needs_grad(LU_data):
        attrs = {"LU_data_sym_argsize_minus_1": n, "LU_data_sym_argsize_minus_2": m}
        record_multi(LuUnpackBackward0, [L, U], (LU_data,), None, attrs)
    if out is not None:
        return _write_outs("lu_unpack", out, result, lu_unpack_result)
    return result


# --- solving ------------------------------------------------------------------------------------
def _check_lu_solve(LU, pivots, B, left):
    lu, p, b = LU._data, pivots._data, B._data
    if lu.ndim < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor A must have at least 2 dimensions.")
    if lu.shape[-1] != lu.shape[-2]:
        raise RuntimeError(
            "torch.linalg.lu_solve: A must be batches of square matrices, but they are "
            f"{lu.shape[-2]} by {lu.shape[-1]} matrices"
        )
    if b.ndim < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor B must have at least 2 dimensions.")
    n = lu.shape[-1]
    if (b.shape[-2] if left else b.shape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(
            f"linalg.lu_solve: Incompatible shapes of A and B for the equation {eq} "
            f"({n}x{n} and {b.shape[-2]}x{b.shape[-1]})"
        )
    if lu.dtype != b.dtype:
        raise RuntimeError(
            "linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type "
            f"{scalar_type_name(lu.dtype)} and B of type {scalar_type_name(b.dtype)} instead"
        )
    if lu.dtype.kind != "f":
        raise RuntimeError(
            "torch.linalg.lu_solve: Expected a floating point or complex tensor as input. Got "
            + scalar_type_name(lu.dtype)
        )
    if p.dtype != np.int32:
        raise RuntimeError("linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32")
    if p.shape != lu.shape[:-1]:
        if p.ndim == lu.ndim - 1 and p.shape[:-1] == lu.shape[:-2]:
            raise RuntimeError(
                "linalg.lu_solve: Number of pivots per batch should be same as the dimension of "
                "the matrix"
            )
        raise RuntimeError(
            "linalg.lu_solve: Expected LU.shape[:-1] and pivots.shape to be the same, but got "
            f"pivots with shape {list(p.shape)} instead"
        )
    check_broadcast(lu.shape[:-2], b.shape[:-2])
    if p.size and p.max() > n:
        raise RuntimeError(
            "Pivots given to lu_solve must all be smaller or equal to LU.size(-2). Did you "
            "properly pass the result of lu_factor?"
        )
    if p.size and p.min() < 1:
        raise RuntimeError(
            "Pivots given to lu_solve must all be greater or equal to 1. Did you properly pass "
            "the result of lu_factor?"
        )


def _linalg_lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """``torch.linalg.lu_solve``: ``X`` with ``A X = B`` from ``lu_factor(A)`` (``A^T X = B``
    when ``adjoint``; ``X A = B`` / ``X A^T = B`` when ``left=False``). Batch dims of LU and B
    broadcast. A zero pivot gives inf/nan, not an error (as in PyTorch)."""
    _check_bool("linalg_lu_solve", "left", left)
    _check_bool("linalg_lu_solve", "adjoint", adjoint)
    _check_lu_solve(LU, pivots, B, left)
    lu, p, b = LU._data, pivots._data, B._data
    batch = np.broadcast_shapes(lu.shape[:-2], b.shape[:-2])
    n = lu.shape[-1]
    lu_b = np.broadcast_to(lu, batch + (n, n))
    p_b = np.broadcast_to(p, batch + (n,))
    if left:
        x = K.getrs(lu_b, p_b, np.broadcast_to(b, batch + b.shape[-2:]), adjoint)
    else:  # X A = B  <=>  A^T X^T = B^T
        bt = np.broadcast_to(np.swapaxes(b, -1, -2), batch + b.shape[-1:] + b.shape[-2:-1])
        x = np.swapaxes(K.getrs(lu_b, p_b, bt, not adjoint), -1, -2)
    result = _make(np.ascontiguousarray(x))
    if needs_grad(LU, B):
        record(
            LinalgLuSolveBackward0,
            result,
            (LU, B),
            {"LU": LU, "pivots": pivots},
            {"adjoint": adjoint, "left": left},
            "result",
            fields={"shapes": (lu.shape, b.shape)},
        )
    if out is not None:
        return write_out("linalg_lu_solve", out, result)
    return result


def lu_solve(input, LU_data, LU_pivots, *, out=None):
    """``torch.lu_solve`` (deprecated in PyTorch for ``linalg.lu_solve``, whose arguments are
    reversed): ``X`` with ``A X = input`` from ``A``'s LU factorisation."""
    _deprecated("lu_solve", _LU_SOLVE_WARNING)
    result = _linalg_lu_solve(LU_data, LU_pivots, input)
    return result if out is None else write_out("lu_solve", out, result)


def _tensor_lu_solve(self, LU_data, LU_pivots):
    """``Tensor.lu_solve``: ``torch.lu_solve(self, LU_data, LU_pivots)``."""
    return lu_solve(self, LU_data, LU_pivots)


METHODS["lu_solve"] = _tensor_lu_solve
