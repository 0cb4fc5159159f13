"""Matrix decompositions with their derivatives: QR, the symmetric eigendecomposition, least
squares (``torch.linalg.qr``, ``eigh``, ``eigvalsh``, ``lstsq``; ``torch.qr``, ``Tensor.qr``).

numpy does the factorisations (the same LAPACK routines PyTorch calls: ``geqrf``/``orgqr``
for QR, so Q and R carry PyTorch's signs; ``syevd`` for eigh, whose eigenvectors are
unique only up to sign). numpy computes in float64; float32 results are cast back.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..autograd.node import SavedTensor, node_class
from ._core import Tensor, needs_grad, not_implemented_for, record_multi, scalar_type_name
from ._linalg_solve import _linalg_solve_triangular
from .matrix import _check_square
from .reduction import _return_type
from .shape import cat

_make = Tensor._make

__all__ = ["qr"]

# ``Tensor.<name>`` for these names: the function itself (ops/__init__.py attaches them).
TENSOR_METHODS = ["qr"]

linalg_qr_result = _return_type("linalg_qr", ("Q", "R"))
qr_result = _return_type("qr", ("Q", "R"))
linalg_eigh_result = _return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))


def _save_outputs(outs, names) -> None:
    """Keep the op's own outputs for its backward (as PyTorch does: no reference cycle)."""
    node = outs[0]._grad_fn
    if node is None:  # grad mode off: record_multi only told a listener
        return
    if node._saved is None:
        node._saved = {}
    for out, name in zip(outs, names):
        node._saved[name] = SavedTensor(out, is_output=True)


def _check_matrix(name, d):
    if d.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")


# --- QR -----------------------------------------------------------------------------------------
def _qr_tall_grad(Q, R, gQ, gR):
    """``A = QR`` with ``A`` m x n, m >= n (Q m x n, R n x n upper triangular).

    With ``M = R gR^T - gQ^T Q``, the gradient is ``(gQ + Q sym(M)) R^-T`` where ``sym``
    keeps the lower triangle of ``M`` and mirrors it above the diagonal: the part of
    ``Q^T dQ`` (skew) and ``dR R^-1`` (upper) that a perturbation ``dA`` can move.
    """
    M = None
    if gR is not None:
        M = R @ gR.mT
    if gQ is not None:
        M = -(gQ.mT @ Q) if M is None else M - gQ.mT @ Q
    b = Q @ (M.tril() + M.tril(-1).mT)
    if gQ is not None:
        b = b + gQ
    return _linalg_solve_triangular(R.mT, b, upper=False, left=False)  # b R^-T


def _linalg_qr_backward(node, grads):
    gQ, gR = grads
    mode = node._attrs["mode"]
    if mode == "r":
        raise RuntimeError(
            "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
            "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
            "linalg.qr."
        )
    Q, R = node.saved("Q"), node.saved("R")
    m, n = Q.shape[-2], R.shape[-1]
    if mode == "complete" and m > n:
        raise RuntimeError(
            "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
        )
    if gQ is None and gR is None:
        return (None,)
    if m >= n:
        return (_qr_tall_grad(Q, R, gQ, gR),)
    # m < n: A = [X | Y] with X = Q U (U = R[:, :m]) and Y = Q V (V = R[:, m:]); Q and U are
    # X's QR, so Y reaches them only through V = Q^T Y.
    U, V = R[..., :m], R[..., m:]
    if gR is None:
        gU, gY = None, _make(np.zeros(V.shape, dtype=V._data.dtype))
    else:
        gU, gV = gR[..., :m], gR[..., m:]
        gY = Q @ gV
        Y = Q @ V
        gQ = Y @ gV.mT if gQ is None else gQ + Y @ gV.mT
    return (cat([_qr_tall_grad(Q, U, gQ, gU), gY], -1),)


LinalgQrBackward0 = node_class(
    "LinalgQrBackward0", _linalg_qr_backward, saved=("Q", "R"), attrs=("mode",), all_grads=True
)


def _qr(A, mode, result_type):
    d = A._data
    _check_matrix("linalg.qr", d)
    if d.dtype.kind != "f":
        raise RuntimeError(
            "linalg.qr: Expected a floating point or complex tensor as input. Got "
            + scalar_type_name(d.dtype)
        )
    if not isinstance(mode, str):
        raise TypeError(f"linalg_qr(): argument 'mode' must be str, not {type(mode).__name__}")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
            "'r', or 'complete'"
        )
    if d.dtype.itemsize < 4:
        raise not_implemented_for("geqrf_cpu", d.dtype)
    # numpy's QR is LAPACK's geqrf + orgqr, PyTorch's too: the same Householder signs.
    if mode == "r":
        q, r = np.zeros((0,), d.dtype), np.linalg.qr(d.astype(np.float64), mode="r")
    else:
        q, r = np.linalg.qr(d.astype(np.float64), mode=mode)
    result = result_type(_make(q.astype(d.dtype)), _make(r.astype(d.dtype)))
    if needs_grad(A):
        record_multi(LinalgQrBackward0, list(result), (A,), None, {"mode": mode})
        _save_outputs(result, ("Q", "R"))
    return result


def _linalg_qr(A, mode="reduced"):
    """``torch.linalg.qr``: ``(Q, R)`` with ``A = QR``, Q with orthonormal columns and R upper
    triangular; ``mode='complete'`` gives a square Q, ``mode='r'`` only R (Q empty)."""
    return _qr(A, mode, linalg_qr_result)


_qr_warned = []


def qr(input, some=True):
    """``torch.qr`` (deprecated in PyTorch for ``linalg.qr``): ``linalg.qr(input, 'reduced'
    if some else 'complete')`` as ``torch.return_types.qr``; warns once, as PyTorch does."""
    if not _qr_warned:
        _qr_warned.append(True)
        warnings.warn(
            "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future "
            "PyTorch release.\nThe boolean parameter 'some' has been replaced with a string "
            "parameter 'mode'.\nQ, R = torch.qr(A, some)\nshould be replaced with\nQ, R = "
            "torch.linalg.qr(A, 'reduced' if some else 'complete') (Triggered internally at "
            "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:2505.)",
            UserWarning,
            stacklevel=2,
        )
    return _qr(input, "reduced" if some else "complete", qr_result)


# --- eigh / eigvalsh ----------------------------------------------------------------------------
def _linalg_eigh_backward(node, grads):
    """``A = V diag(L) V^T``: ``gA = V (diag(gL) + skew(V^T gV) / (L_j - L_i)) V^T``.

    Only the skew-symmetric part of ``V^T gV`` can move (V stays orthogonal), and the
    quotient is symmetric, so is ``gA``. Equal eigenvalues give inf/nan, as in PyTorch.
    """
    gL, gV = grads
    L, V = node.saved("eigenvalues"), node.saved("eigenvectors")
    if gV is None:
        if gL is None:
            return (None,)
        return ((V * gL.unsqueeze(-2)) @ V.mT,)  # eigvalsh's gradient
    VtgV = V.mT @ gV
    skew = 0.5 * (VtgV - VtgV.mT)
    eye = _make(np.eye(L.shape[-1], dtype=L._data.dtype))
    gaps = L.unsqueeze(-2) - L.unsqueeze(-1) + eye  # [i, j] = L_j - L_i, ones on the diagonal
    inner = skew / gaps
    if gL is not None:
        inner = inner + gL.diag_embed()
    return (V @ (inner @ V.mT),)


_EIGH_SAVED = ("eigenvalues", "eigenvectors")
LinalgEighBackward0 = node_class(
    "LinalgEighBackward0", _linalg_eigh_backward, saved=_EIGH_SAVED, all_grads=True
)


def _eigh(A, UPLO):
    d = A._data
    _check_square("linalg.eigh", d)
    if not isinstance(UPLO, str):
        raise TypeError(f"linalg_eigh(): argument 'UPLO' must be str, not {type(UPLO).__name__}")
    if UPLO.upper() not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    if d.dtype.kind != "f" or d.dtype.itemsize < 4:
        raise not_implemented_for("linalg_eigh_cpu", d.dtype)
    with np.errstate(all="ignore"):
        try:
            w, v = np.linalg.eigh(d.astype(np.float64), UPLO=UPLO.upper())
        except np.linalg.LinAlgError:  # NaN input: PyTorch returns NaN
            w = np.full(d.shape[:-1], np.nan)
            v = np.full(d.shape, np.nan)
    result = linalg_eigh_result(_make(w.astype(d.dtype)), _make(v.astype(d.dtype)))
    if needs_grad(A):
        record_multi(LinalgEighBackward0, list(result), (A,))
        _save_outputs(result, _EIGH_SAVED)
    return result


def _linalg_eigh(A, UPLO="L"):
    """``torch.linalg.eigh``: eigenvalues (ascending) and orthonormal eigenvectors (columns)
    of symmetric matrices, reading only the ``UPLO`` ('L' or 'U') triangle. Each column's
    sign is LAPACK's choice: PyTorch's and ours can differ."""
    return _eigh(A, UPLO)


def _linalg_eigvalsh(A, UPLO="L"):
    """``torch.linalg.eigvalsh``: the eigenvalues of symmetric matrices, ascending. As in
    PyTorch, with a gradient to compute it is ``eigh``'s first output (``LinalgEighBackward0``)."""
    return _eigh(A, UPLO)[0]
