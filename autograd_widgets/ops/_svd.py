"""The singular value decomposition with its derivative, and what is built on it:
``linalg.svd``/``svdvals``, ``torch.svd``/``Tensor.svd`` (deprecated), ``linalg.matrix_norm``
for every order, ``linalg.cond``, ``linalg.matrix_rank``, ``torch.nuclear_norm`` and
``torch.frobenius_norm`` (deprecated).

numpy's SVD is LAPACK's ``gesdd``, PyTorch's CPU driver too; it runs in float64 and float32
results are cast back, so singular vectors can differ from PyTorch's by a sign per pair.
"""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from ._core import Tensor, needs_grad, record_multi, scalar_type_name, wrap_dim, write_out
from ._decomp import _save_outputs
from ._solvers import _deprecated
from .matrix import _check_square, inverse
from .reduction import MATRIX_NORM, _aten_norm, _return_type, amax, amin, vector_norm

_make = Tensor._make

__all__ = ["svd", "nuclear_norm", "frobenius_norm"]

# ``Tensor.<name>`` for these names: the function itself (ops/__init__.py attaches them).
TENSOR_METHODS = ["svd"]

linalg_svd_result = _return_type("linalg_svd", ("U", "S", "Vh"))
svd_result = _return_type("svd", ("U", "S", "V"))


def _svd_backward(n, grads):
    """PyTorch's ``svd_backward`` (real case). With ``E[i, j] = S_j^2 - S_i^2``:
    ``gA = U [ (skew(U^T gU) S + S skew(V^T gV)) / E + diag(gS) ] V^T`` plus, for a tall
    (wide) A, the part of ``gU`` (``gV``) outside the span of U (V): ``(I - U U^T) gU S^-1``.
    Repeated singular values give inf/nan, as in PyTorch."""
    gU, gS, gVh = grads
    U, S, Vh = n.saved("U"), n.saved("S"), n.saved("Vh")
    k = S.shape[-1]
    if n._attrs["full_matrices"]:  # only the first k singular vectors reach A
        U, Vh = U[..., :k], Vh[..., :k, :]
        gU = None if gU is None else gU[..., :k]
        gVh = None if gVh is None else gVh[..., :k, :]
    if gU is None and gVh is None:
        if gS is None:
            return (None,)
        return ((U * gS.unsqueeze(-2)) @ Vh,)
    m, n_ = U.shape[-2], Vh.shape[-1]
    V, gV = Vh.mT, None if gVh is None else gVh.mT
    UhgU = None if gU is None else U.mT @ gU
    UhgU = None if UhgU is None else UhgU - UhgU.mT
    VhgV = None if gV is None else V.mT @ gV
    VhgV = None if VhgV is None else VhgV - VhgV.mT
    S2 = S * S
    eye = _make(np.eye(k, dtype=S._data.dtype))
    E = S2.unsqueeze(-2) - S2.unsqueeze(-1) + eye  # ones on the diagonal (skew parts are 0)
    if UhgU is not None and VhgV is not None:
        gA = (UhgU * S.unsqueeze(-2) + S.unsqueeze(-1) * VhgV) / E
    elif UhgU is not None:
        gA = UhgU * (S.unsqueeze(-2) / E)
    else:
        gA = S.unsqueeze(-1) * (VhgV / E)
    if gS is not None:
        gA = gA + gS.diag_embed()
    if m > k and gU is not None:
        gA = U @ gA
        gUSinv = gU / S.unsqueeze(-2)
        gA = (gA + gUSinv - U @ (U.mT @ gUSinv)) @ Vh
    elif n_ > k and gV is not None:
        gA = gA @ Vh
        gVSinv = gV / S.unsqueeze(-2)
        gA = U @ (gA + gVSinv.mT - (gVSinv.mT @ V) @ Vh)
    else:
        gA = U @ (gA @ Vh) if m >= n_ else (U @ gA) @ Vh
    return (gA,)


LinalgSvdBackward0 = node_class(
    "LinalgSvdBackward0",
    _svd_backward,
    saved=("S", "U", "Vh"),
    attrs=("S_sym_argsize_minus_1", "full_matrices"),
    all_grads=True,
)


def _column_major(x, dtype):
    """Matrices laid out as LAPACK writes them (PyTorch's strides: ``(1, m)`` for m x k)."""
    return np.swapaxes(np.ascontiguousarray(np.swapaxes(x, -1, -2), dtype=dtype), -1, -2)


def _svd(A, full_matrices, compute_uv=True, legacy=False):
    """``(U, S, Vh)`` of ``A`` as ``torch._linalg_svd`` computes them: one node for all three
    (U and Vh are computed whenever a gradient is wanted, as PyTorch does)."""
    d = A._data
    if d.ndim < 2:
        raise RuntimeError(
            f"linalg.svd: input should have at least 2 dimensions, but has {d.ndim} dimensions "
            "instead"
            if legacy
            else "linalg.svd: The input tensor A must have at least 2 dimensions."
        )
    if d.dtype.kind != "f":
        raise RuntimeError(
            "linalg.svd: Expected a floating point or complex tensor as input. Got "
            + scalar_type_name(d.dtype)
        )
    grad = needs_grad(A)
    m, n = d.shape[-2:]
    k = min(m, n)
    with np.errstate(all="ignore"):
        if d.size == 0:
            ku, kv = (m, n) if full_matrices else (k, k)
            u = np.broadcast_to(np.eye(m, ku), d.shape[:-2] + (m, ku))
            vh = np.broadcast_to(np.eye(kv, n), d.shape[:-2] + (kv, n))
            s = np.zeros(d.shape[:-2] + (k,))
        elif compute_uv or grad:
            u, s, vh = np.linalg.svd(d.astype(np.float64), full_matrices=full_matrices)
        else:
            s = np.linalg.svd(d.astype(np.float64), compute_uv=False)
            u = vh = np.zeros(d.shape[:-2] + (0, 0))
    U, Vh = _make(_column_major(u, d.dtype)), _make(_column_major(vh, d.dtype))
    S = _make(np.ascontiguousarray(s, dtype=d.dtype))
    if grad:
        attrs = {"S_sym_argsize_minus_1": k, "full_matrices": full_matrices}
        record_multi(LinalgSvdBackward0, [U, S, Vh], (A,), None, attrs)
        _save_outputs([U, S, Vh], ("U", "S", "Vh"))
    return U, S, Vh


def _check_driver(driver):
    if driver is not None:
        raise RuntimeError(
            "torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with "
            "cuSOLVER backend."
        )


def _linalg_svd(A, full_matrices=True, *, driver=None, out=None):
    """``torch.linalg.svd``: ``(U, S, Vh)`` with ``A = U diag(S) Vh``, S descending."""
    _check_driver(driver)
    result = linalg_svd_result(*_svd(A, full_matrices))
    return result if out is None else write_out("linalg_svd", out, result)


def _linalg_svdvals(A, *, driver=None, out=None):
    """``torch.linalg.svdvals``: the singular values, largest first (``LinalgSvdBackward0``'s
    second output when a gradient is wanted)."""
    _check_driver(driver)
    S = _svd(A, False, compute_uv=False)[1]
    return S if out is None else write_out("linalg_svdvals", out, S)


def svd(input, some=True, compute_uv=True):
    """``torch.svd`` (deprecated in PyTorch for ``linalg.svd``): ``(U, S, V)`` with V, not
    Vh (its ``mT``: ``TransposeBackward0``); ``compute_uv=False`` gives zero U and V."""
    U, S, Vh = _svd(input, not some, compute_uv, legacy=True)
    if not compute_uv:
        d = input._data
        m, n = d.shape[-2:]
        U = _make(np.zeros(d.shape[:-2] + (m, m), d.dtype))
        Vh = _make(np.zeros(d.shape[:-2] + (n, n), d.dtype))
        return svd_result(U, S, Vh)
    return svd_result(U, S, Vh.mT)


# --- matrix norms -------------------------------------------------------------------------------
_ORDS = ("fro", "nuc", 2, -2, 1, -1, float("inf"), float("-inf"))


def _linalg_matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """``torch.linalg.matrix_norm``: Frobenius (``'fro'``), nuclear (``'nuc'``), spectral
    (``2``, ``-2``: largest/smallest singular value) or max/min absolute column (``1``,
    ``-1``) or row (``inf``, ``-inf``) sum, over the two dims ``dim``; built as PyTorch
    builds it (svdvals of the permuted input, or amax/amin of a vector norm)."""
    d = A._data
    if d.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."
        )
    if d.dtype.kind != "f":
        raise RuntimeError(
            "linalg.matrix_norm: Expected a floating point or complex tensor as input. Got "
            + scalar_type_name(d.dtype)
        )
    if dtype is not None:
        A = A.to(dtype)
    if ord not in _ORDS:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    dim0, dim1 = (wrap_dim(x, d.ndim) for x in dim)
    if dim0 == dim1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        result = vector_norm(A, 2, (dim0, dim1), keepdim)
    elif ord in ("nuc", 2, -2):
        perm = [i for i in range(d.ndim) if i not in (dim0, dim1)] + [dim0, dim1]
        S = _linalg_svdvals(A.permute(perm))
        if ord == "nuc":
            result = S.sum(-1, keepdim)
        else:
            result = (amax if ord == 2 else amin)(S, -1, keepdim)
        if keepdim:
            result = result.unsqueeze(-1).permute(list(np.argsort(perm)))
    else:
        if abs(ord) == float("inf"):
            dim0, dim1 = dim1, dim0
        if not keepdim and dim0 < dim1:
            dim1 -= 1
        reduce = amax if ord > 0 else amin
        result = reduce(vector_norm(A, 1, dim0, keepdim), dim1, keepdim)
    return result if out is None else write_out("linalg_matrix_norm", out, result)


MATRIX_NORM.append(_linalg_matrix_norm)


def nuclear_norm(input, dim=None, keepdim=False, *, out=None):
    """``torch.nuclear_norm`` (deprecated in PyTorch): ``linalg.matrix_norm(input, 'nuc')``."""
    _deprecated(
        "nuclear_norm",
        "at::nuclear_norm is deprecated and it is just left for JIT compatibility. It will be "
        "removed in a future PyTorch release. Please use `linalg.matrix_norm(A, 'nuc', dim, "
        "keepdim)` instead (Triggered internally at "
        "/__w/pytorch/pytorch/aten/src/ATen/native/LinearAlgebra.cpp:3229.)",
    )
    if isinstance(dim, bool):  # nuclear_norm(input, keepdim)
        dim, keepdim = None, dim
    result = _linalg_matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim)
    return result if out is None else write_out("nuclear_norm", out, result)


def frobenius_norm(input, dim, keepdim=False, *, out=None):
    """``torch.frobenius_norm`` (deprecated in PyTorch): the 2-norm over ``dim`` (at most two
    dims), as ``at::norm`` (``NormBackward1``)."""
    _deprecated(
        "frobenius_norm",
        "at::frobenius_norm is deprecated and it is just left for JIT compatibility. It will be "
        "removed in a future PyTorch release. Please use `linalg.vector_norm(A, 2., dim, "
        "keepdim)` instead (Triggered internally at "
        "/__w/pytorch/pytorch/aten/src/ATen/native/LinearAlgebra.cpp:3175.)",
    )
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if len(dims) > 2:
        raise RuntimeError(
            f"Expected at most 2 dimensions, but got {len(dims)} dimensions instead."
        )
    result = _aten_norm(input, 2, dims, keepdim)
    return result if out is None else write_out("frobenius_norm", out, result)


# --- cond / matrix_rank -------------------------------------------------------------------------
def _linalg_cond(A, p=None, *, out=None):
    """``torch.linalg.cond``: ``||A||_p ||A^-1||_p``; for ``p`` None or +-2 the ratio of the
    extreme singular values (any shape), else square matrices only (inf where singular)."""
    d = A._data
    if d.ndim < 2:
        raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
    if p not in _ORDS and p is not None:
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    if p is None or p in (2, -2):
        if d.size == 0:
            result = _make(np.zeros(d.shape[:-2], d.dtype))
        else:
            S = _linalg_svdvals(A)
            s_max, s_min = S.narrow(-1, 0, 1), S.narrow(-1, -1, 1)
            result = (s_min / s_max if p == -2 else s_max / s_min).squeeze(-1)
        return result if out is None else write_out("linalg_cond", out, result)
    shown = p if isinstance(p, str) else ("inf" if abs(p) == float("inf") else int(p))
    if isinstance(p, float) and abs(p) == float("inf") and p < 0:
        shown = "-inf"
    _check_square(f"linalg.cond(ord={shown})", d)
    if d.size == 0:
        result = _make(np.zeros(d.shape[:-2], d.dtype))
    elif p == "nuc":
        S = _linalg_svdvals(A)
        result = S.sum(-1) * S.reciprocal().sum(-1)
    else:
        # ATen: ``inverse, info = linalg.inv_ex(A)``, then inf where A is singular.
        with np.errstate(all="ignore"):
            singular = np.linalg.matrix_rank(d.astype(np.float64)) < d.shape[-1]
        singular = np.asarray(singular)[..., None, None]
        eye = np.eye(d.shape[-1], dtype=d.dtype)
        safe = (
            A if not singular.any() else A.masked_fill(_make(singular), 0) + _make(singular * eye)
        )
        # NOTE: in place, as in ATen: it bumps the saved inverse's version, so the backward
        # raises exactly as PyTorch 2.13's does (linalg.cond is not differentiable for these p).
        inv = inverse(safe).masked_fill_(_make(singular), float("inf"))
        result = _linalg_matrix_norm(A, p) * _linalg_matrix_norm(inv, p)
        result = result.nan_to_num_(float("inf"), float("inf"), float("-inf"))
    return result if out is None else write_out("linalg_cond", out, result)


def _linalg_matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """``torch.linalg.matrix_rank``: the number of singular values above
    ``max(atol, rtol * largest)`` (``rtol`` defaults to ``eps * max(m, n)`` when neither is
    given; a positional ``tol`` is ``atol``). Not differentiable (int64)."""
    d = A._data
    if d.ndim < 2:
        raise RuntimeError(
            "torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions."
        )
    if d.dtype.kind != "f":
        raise RuntimeError("This function doesn't handle types other than float and double")
    if tol is not None:
        atol = tol
    atol_v = atol._data if isinstance(atol, Tensor) else atol
    rtol_v = rtol._data if isinstance(rtol, Tensor) else rtol
    if rtol_v is None:
        rtol_v = 0.0 if atol_v is not None and np.any(np.asarray(atol_v) > 0) else None
    if rtol_v is None:
        rtol_v = np.finfo(d.dtype).eps * max(d.shape[-2:])
    if atol_v is None:
        atol_v = 0.0
    a64 = d.astype(np.float64)
    if d.size == 0:
        S = np.zeros(d.shape[:-2] + (0,))
    elif hermitian:
        S = np.abs(np.linalg.eigvalsh(a64))
    else:
        S = np.linalg.svd(a64, compute_uv=False)
    S = S.astype(d.dtype)
    smax = S.max(-1, keepdims=True, initial=0)
    tol_ = np.maximum(np.asarray(atol_v)[..., None], np.asarray(rtol_v)[..., None] * smax)
    result = _make(np.asarray((S > tol_).sum(-1), dtype=np.int64))
    return result if out is None else write_out("linalg_matrix_rank", out, result)
