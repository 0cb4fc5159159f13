"""LU arithmetic on numpy arrays: LAPACK's ``getrf`` (partial pivoting), the permutation its
pivots stand for, and the triangular solves ``getrs`` does with the factors.

numpy has no LU, so this is written here, vectorised over the batch dimensions: each loop
runs over the columns (or rows) of one matrix, never over the batch. The arithmetic is done
in the input's own dtype, as LAPACK's ``sgetrf``/``dgetrf`` do, so float32 factors round as
PyTorch's. Nothing here builds autograd nodes (see ``_lu.py``).
"""

from __future__ import annotations

import numpy as np

from . import _mkl


def getrf(a: np.ndarray):
    """``(LU, pivots, info)`` of ``a`` (``..., m, n``), as LAPACK's ``getrf`` returns them.

    Partial pivoting: at step ``j`` the row with the largest ``|a[i, j]|`` (``i >= j``) comes
    up, the first one on a tie (BLAS ``idamax``: a NaN never wins, unless it is the first
    candidate). ``pivots`` are 1-based int32 row numbers; ``info`` is the 1-based index of the
    first exactly-zero pivot (0 if none). The multipliers are scaled by the reciprocal of the
    pivot, as ``getrf2`` does when the pivot is not tiny.
    """
    *batch, m, n = a.shape
    k = min(m, n)
    nb = int(np.prod(batch, dtype=np.int64))
    lu = a.reshape((nb, m, n)).copy()
    piv = np.empty((nb, k), dtype=np.int32)
    info = np.zeros(nb, dtype=np.int32)
    rows = np.arange(nb)
    tiny = np.finfo(lu.dtype).tiny if lu.dtype.kind == "f" else 0
    fused = _mkl.fuses() and lu.dtype.kind == "f"
    with np.errstate(all="ignore"):
        for j in range(k):
            mag = np.abs(lu[:, j:, j])
            p = np.argmax(np.where(np.isnan(mag), -np.inf, mag), axis=1)
            p[np.isnan(mag[:, 0])] = 0
            p += j
            piv[:, j] = p + 1
            moved = p != j
            if moved.any():
                r, q = rows[moved], p[moved]
                top = lu[r, j].copy()
                lu[r, j] = lu[r, q]
                lu[r, q] = top
            pv = lu[:, j, j]
            zero = pv == 0
            info[(info == 0) & zero] = j + 1
            if j + 1 < m:
                below = lu[:, j + 1 :, j]
                big = (np.abs(pv) >= tiny)[:, None]
                scaled = np.where(big, below * (1 / pv)[:, None], below / pv[:, None])
                lu[:, j + 1 :, j] = np.where(zero[:, None], below, scaled)
                if j + 1 < n:  # the trailing update, fused as MKL does on this CPU
                    lu[:, j + 1 :, j + 1 :] = _mkl.subtract_product(
                        lu[:, j + 1 :, j + 1 :],
                        lu[:, j + 1 :, j, None],
                        lu[:, j, None, j + 1 :],
                        fused,
                    )
    return (
        lu.reshape(a.shape),
        piv.reshape((*batch, k)),
        info.reshape(batch),
    )


def permutation(piv: np.ndarray, m: int) -> np.ndarray:
    """``perm`` (``..., m``) with ``P^T A = A[perm]``: the row swaps of ``piv`` applied in
    order to ``0..m-1``."""
    batch = piv.shape[:-1]
    flat = piv.reshape((int(np.prod(batch, dtype=np.int64)), piv.shape[-1])).astype(np.intp) - 1
    perm = np.broadcast_to(np.arange(m), (flat.shape[0], m)).copy()
    rows = np.arange(flat.shape[0])
    for j in range(flat.shape[1]):
        q = flat[:, j]
        top = perm[:, j].copy()
        perm[:, j] = perm[rows, q]
        perm[rows, q] = top
    return perm.reshape((*batch, m))


def permutation_matrix(piv: np.ndarray, m: int, dtype) -> np.ndarray:
    """``P`` (``..., m, m``) with ``A = P L U``: ``P[perm[i], i] = 1``."""
    perm = permutation(piv, m)
    eye = np.eye(m, dtype=dtype)
    return np.swapaxes(eye[perm], -1, -2)


def unpack(lu: np.ndarray):
    """``(L, U)`` from the packed factor: L unit lower (``m x k``), U upper (``k x n``)."""
    m, n = lu.shape[-2:]
    k = min(m, n)
    L = np.tril(lu[..., :, :k], -1)
    L[..., np.arange(k), np.arange(k)] = 1
    return L, np.triu(lu[..., :k, :])


def _substitute(t: np.ndarray, b: np.ndarray, lower: bool, unit: bool) -> np.ndarray:
    """``t^-1 b`` for triangular ``t`` by substitution, row by row (``t`` and ``b`` share their
    batch shape). A zero on the diagonal gives inf/nan, as LAPACK's ``trsm``: no error."""
    n = t.shape[-1]
    x = np.array(b, copy=True)
    order = range(n) if lower else range(n - 1, -1, -1)
    with np.errstate(all="ignore"):
        for i in order:
            done = slice(0, i) if lower else slice(i + 1, n)
            if (i > 0) if lower else (i < n - 1):
                x[..., i, :] -= np.einsum("...j,...jk->...k", t[..., i, done], x[..., done, :])
            if not unit:
                x[..., i, :] /= t[..., i, i, None]
    return x


def getrs(lu: np.ndarray, piv: np.ndarray, b: np.ndarray, trans: bool) -> np.ndarray:
    """``A^-1 b`` (``A^-T b`` when ``trans``) from ``getrf``'s factors; ``lu``, ``piv`` and ``b``
    share their batch shape."""
    n = lu.shape[-1]
    perm = permutation(piv, n)
    if not trans:  # A = P L U: x = U^-1 L^-1 P^T b
        pb = np.take_along_axis(b, perm[..., None], axis=-2)
        y = _substitute(lu, pb, lower=True, unit=True)
        return _substitute(lu, y, lower=False, unit=False)
    lut = np.swapaxes(lu, -1, -2)  # A^T = U^T L^T P^T: x = P L^-T U^-T b
    y = _substitute(lut, b, lower=True, unit=False)
    y = _substitute(lut, y, lower=False, unit=True)
    x = np.empty_like(y)
    np.put_along_axis(x, np.broadcast_to(perm[..., None], y.shape), y, axis=-2)
    return x
