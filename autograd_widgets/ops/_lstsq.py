"""``torch.linalg.lstsq`` with its derivative (``LinalgLstsqBackward0``).

The solution is the minimum-norm least-squares one from the SVD (what LAPACK's ``gelsd`` and
``gelss`` compute; ``gelsy`` and ``gels`` give the same for full-rank inputs), in float64 and
cast back. Which of the four outputs are filled follows PyTorch's rules per driver and shape.
Known differences: ``gelsy``'s rank is counted from the singular values (``s > rcond * s_max``)
rather than LAPACK's incremental condition estimate on a pivoted QR, and with an ``rcond`` that
cuts a full-rank matrix its truncated solution may differ from LAPACK's; ``gels`` reports a
rank-deficient tall matrix only when numpy's R has an exact zero on its diagonal (LAPACK's
rule, but MKL's rounding can make zeros where OpenBLAS's does not).
"""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from ._core import (
    METHODS,
    Tensor,
    check_broadcast,
    needs_grad,
    record_multi,
    return_type,
    scalar_type_name,
    unbroadcast,
)
from ._decomp import _save_outputs
from .matrix import LinAlgError, _linalg_pinv, _pinv_backward

_make = Tensor._make

__all__ = ["lstsq"]

# ``Tensor.lstsq``: PyTorch keeps the name only to say it was removed.
TENSOR_METHODS = ["lstsq"]

linalg_lstsq_result = return_type(
    "linalg_lstsq", ("solution", "residuals", "rank", "singular_values")
)
_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


class _PinvNode:
    """What ``_pinv_backward`` reads from a ``LinalgPinvBackward0``: A and pinv(A)."""

    __slots__ = ("_saved",)

    def __init__(self, A, pinvA):
        self._saved = {"self": A, "result": pinvA}

    def saved(self, name):
        return self._saved[name]


def _lstsq_backward(node, grads):
    """PyTorch's ``linalg_lstsq_backward``: through ``X = pinv(A) B`` for the solution, and
    ``r = sum((A X - B)^2)`` for the residuals (X's own change drops out there: ``A^T (AX - B)
    = 0`` at the optimum)."""
    gX, gR = grads
    A, B, X = node.saved("self"), node.saved("b"), node.saved("solution")
    vector = node.vector
    if vector:
        B, X = B.unsqueeze(-1), X.unsqueeze(-1)
        gX = None if gX is None else gX.unsqueeze(-1)
    gA = gB = None
    if gX is not None:
        pinvA = _linalg_pinv(A)
        gA = _pinv_backward(_PinvNode(A, pinvA), gX @ B.mT)
        gB = pinvA.mT @ gX
    if gR is not None and gR.numel() > 0:
        r = A @ X - B
        w = 2 * r * gR.unsqueeze(-2)
        gA = w @ X.mT if gA is None else gA + w @ X.mT
        gB = -w if gB is None else gB - w
    if vector and gB is not None:
        gB = gB.squeeze(-1)
    a_shape, b_shape = node.shapes
    return (
        None if gA is None else unbroadcast(gA, a_shape),
        None if gB is None else unbroadcast(gB, b_shape),
    )


LinalgLstsqBackward0 = node_class(
    "LinalgLstsqBackward0",
    _lstsq_backward,
    saved=("b", "self", "solution"),
    fields=("shapes", "vector"),
    all_grads=True,
)


def _check(a, b, driver):
    if a.ndim < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    if a.dtype != b.dtype:
        raise RuntimeError(
            "torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
            f"input's dtype {scalar_type_name(a.dtype)} and other's dtype "
            f"{scalar_type_name(b.dtype)}"
        )
    if not (a.ndim >= b.ndim and a.ndim - b.ndim <= 1):
        raise RuntimeError(
            "torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and "
            "(input.dim() - other.dim()) <= 1"
        )
    if a.dtype.kind != "f" or a.dtype.itemsize < 4:
        raise RuntimeError("This function doesn't handle types other than float and double")
    vector = a.ndim == b.ndim + 1
    check_broadcast(a.shape[:-2], b.shape[:-1] if vector else b.shape[:-2])
    if vector and a.shape[-2] != b.shape[-1]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-1)")
    if not vector and a.shape[-2] != b.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    if driver is not None:
        if not isinstance(driver, str):
            raise TypeError(
                f"linalg_lstsq(): argument 'driver' must be str, not {type(driver).__name__}"
            )
        if driver not in _DRIVERS:
            raise RuntimeError(
                "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, "
                "gelss)"
            )
    return vector


def _svd_solve(a, b, rcond):
    """Minimum-norm least squares through the SVD: ``(x, rank, s)``; singular values at or
    below ``rcond * s_max`` count as zero (LAPACK ``gelsd``'s rule). ``rank`` and ``s`` keep
    ``a``'s own batch shape, ``x`` the broadcast one."""
    m, n = a.shape[-2:]
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    if min(m, n) == 0:
        x = np.zeros(batch + (n, b.shape[-1]))
        return x, np.zeros(a.shape[:-2], dtype=np.int64), np.zeros(a.shape[:-2] + (0,))
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    keep = s > (rcond * s[..., :1])
    with np.errstate(divide="ignore"):
        inv = np.where(keep, 1 / np.where(keep, s, 1), 0)
    x = np.swapaxes(vh, -1, -2) @ (inv[..., None] * (np.swapaxes(u, -1, -2) @ b))
    return np.broadcast_to(x, batch + x.shape[-2:]), keep.sum(-1).astype(np.int64), s


def _gels_check(a):
    """LAPACK ``gels`` stops at an exact zero on R's diagonal (``A = QR``, tall or square A;
    R computed in A's dtype). Whether rounding leaves an exact zero depends on the LAPACK
    build: a rank-deficient matrix PyTorch rejects may pass here (and wide A is not checked:
    PyTorch then returns LAPACK's huge values, this the minimum-norm solution)."""
    m, n = a.shape[-2:]
    if min(m, n) == 0 or m < n:
        return
    r = np.linalg.qr(a, mode="r")
    bad = np.diagonal(r, axis1=-2, axis2=-1) == 0
    flat = bad.reshape((-1, bad.shape[-1]))
    hit = np.flatnonzero(flat.any(-1))
    if hit.size:
        b = int(hit[0])
        where = f"(Batch element {b}): " if bad.ndim > 1 else ""
        raise LinAlgError(
            f"torch.linalg.lstsq: {where}The least squares solution could not be computed "
            "because the input matrix does not have full rank (error code: "
            f"{int(np.argmax(flat[b])) + 1})."
        )


def _linalg_lstsq(A, B, rcond=None, *, driver=None):
    """``torch.linalg.lstsq``: ``(solution, residuals, rank, singular_values)`` of
    ``min ||A X - B||``. ``residuals`` (squared, per column) only for tall A with a driver other
    than ``gelsy`` (for ``gelsd``/``gelss`` only when every matrix has full rank); ``rank`` for
    every driver but ``gels``; ``singular_values`` for ``gelsd``/``gelss``. ``B`` may be a
    (batch of) vector(s). Default driver ``gelsy``; default ``rcond`` is ``eps * max(m, n)``."""
    a, b = A._data, B._data
    vector = _check(a, b, driver)
    driver = driver or "gelsy"
    m, n = a.shape[-2:]
    dt = a.dtype
    if rcond is None or rcond < 0:  # LAPACK: a negative rcond means machine precision
        rcond = np.finfo(dt).eps * max(m, n) if rcond is None else np.finfo(dt).eps
    a64 = a.astype(np.float64)
    b64 = (b[..., None] if vector else b).astype(np.float64)
    if driver == "gels":
        _gels_check(a)
    x, rank, s = _svd_solve(a64, b64, rcond)
    empty = np.zeros((0,), dt)
    residuals = empty
    if m > n and driver != "gelsy" and (driver == "gels" or bool((rank == n).all())):
        residuals = ((a64 @ x - b64) ** 2).sum(-2).astype(dt)
        if driver == "gels" and n == 0:  # gels's quick return zeroes B, residual rows too
            residuals = np.zeros_like(residuals)
    solution = x[..., 0] if vector else x
    result = linalg_lstsq_result(
        _make(np.ascontiguousarray(solution.astype(dt))),
        _make(residuals),
        _make(np.zeros((0,), np.int64) if driver == "gels" else rank),
        _make(s.astype(dt) if driver in ("gelsd", "gelss") else empty.copy()),
    )
    if needs_grad(A, B):
        outs = [result.solution, result.residuals]
        record_multi(
            LinalgLstsqBackward0,
            outs,
            (A, B),
            {"b": B, "self": A},
            fields={"shapes": (a.shape, b.shape), "vector": vector},
        )
        _save_outputs([result.solution], ("solution",))
    return result


_LSTSQ_REMOVED = (
    "This function was deprecated since version 1.9 and is now removed. `torch.lstsq` is "
    "deprecated in favor of `torch.linalg.lstsq`.\n`torch.linalg.lstsq` has reversed arguments "
    "and does not return the QR decomposition in the returned tuple (although it returns other "
    "information about the problem).\n\nTo get the QR decomposition consider using "
    "`torch.linalg.qr`.\n\nThe returned solution in `torch.lstsq` stored the residuals of the "
    "solution in the last m - n columns of the returned value whenever m > n. In "
    "torch.linalg.lstsq, the residuals are in the field 'residuals' of the returned named "
    "tuple.\n\nThe unpacking of the solution, as in\nX, _ = torch.lstsq(B, A).solution[:A.size(1)]"
    "\nshould be replaced with:\nX = torch.linalg.lstsq(A, B).solution"
)


def lstsq(input, A, *, out=None):
    """``torch.lstsq``: removed from PyTorch (since 1.9, for ``linalg.lstsq``); raises its
    message, as PyTorch 2.13 does."""
    raise RuntimeError(_LSTSQ_REMOVED)


def _tensor_lstsq(self, other):
    """``Tensor.lstsq``: removed, as ``torch.lstsq``."""
    raise RuntimeError(_LSTSQ_REMOVED)


METHODS["lstsq"] = _tensor_lstsq
