"""``torch.linalg`` (subset): vector and matrix norms, matmul, solve/inv via numpy."""

from __future__ import annotations

import numpy as np

from .core.tensor import Tensor
from .ops._decomp import _linalg_eigh as eigh
from .ops._decomp import _linalg_eigvalsh as eigvalsh
from .ops._decomp import _linalg_qr as qr
from .ops._solvers import _linalg_vecdot as vecdot
from .ops.linalg import _multi_dot as multi_dot
from .ops.linalg import matmul
from .ops.matrix import _linalg_cholesky as cholesky
from .ops.matrix import _linalg_cross as cross
from .ops.matrix import _linalg_matrix_exp as matrix_exp
from .ops.matrix import _linalg_matrix_power as matrix_power
from .ops.matrix import _linalg_pinv as pinv
from .ops.matrix import _linalg_slogdet as slogdet
from .ops.matrix import _linalg_solve_triangular as solve_triangular
from .ops.matrix import _linalg_svd as svd
from .ops.matrix import _svd, det
from .ops.matrix import inverse as inv
from .ops.reduction import vector_norm

__all__ = [
    "vector_norm",
    "norm",
    "matrix_norm",
    "matmul",
    "multi_dot",
    "det",
    "inv",
    "solve",
    "solve_triangular",
    "cholesky",
    "cross",
    "svd",
    "svdvals",
    "qr",
    "eigh",
    "eigvalsh",
    "slogdet",
    "pinv",
    "matrix_exp",
    "matrix_power",
    "vecdot",
]


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """``torch.linalg.norm``: vector 2-norm by default, Frobenius for matrices."""
    if ord is None or ord == "fro":
        return vector_norm(A, 2, dim, keepdim)
    if A._data.ndim == 1 or dim is not None and isinstance(dim, int):
        return vector_norm(A, ord, dim, keepdim)
    raise NotImplementedError(
        f"linalg.norm(ord={ord!r}) for matrices is not supported by autograd_widgets"
    )


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False):
    if ord != "fro":
        raise NotImplementedError(
            f"linalg.matrix_norm(ord={ord!r}) is not supported by autograd_widgets"
        )
    return vector_norm(A, 2, dim, keepdim)


def _no_grad_only(name, A):
    if A._requires_grad:
        raise NotImplementedError(
            f"the derivative of linalg.{name} is not implemented in autograd_widgets"
        )


def solve(A, B):
    _no_grad_only("solve", A)
    _no_grad_only("solve", B)
    return Tensor._make(np.linalg.solve(A._data, B._data))


def svdvals(A):
    """``torch.linalg.svdvals``: the singular values, largest first (forward only)."""
    return _svd("linalg_svdvals", A, False)[1]


def __getattr__(name):
    raise AttributeError(
        f"module 'autograd_widgets.linalg' has no attribute '{name}' (torch.linalg.{name} is not "
        "supported by autograd_widgets)"
    )
