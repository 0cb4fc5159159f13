"""``torch.linalg`` (subset): norms, products, solves, inverses and factorisations."""

from __future__ import annotations

from .ops._core import write_out
from .ops._decomp import _linalg_eigh as eigh
from .ops._decomp import _linalg_eigvalsh as eigvalsh
from .ops._decomp import _linalg_qr as qr
from .ops._linalg_solve import _linalg_inv_ex as inv_ex
from .ops._linalg_solve import _linalg_solve as solve
from .ops._linalg_solve import _linalg_solve_ex as solve_ex
from .ops._linalg_solve import _linalg_solve_triangular as solve_triangular
from .ops._lstsq import _linalg_lstsq as lstsq
from .ops._lu import _linalg_lu as lu
from .ops._lu import _linalg_lu_factor as lu_factor
from .ops._lu import _linalg_lu_factor_ex as lu_factor_ex
from .ops._lu import _linalg_lu_solve as lu_solve
from .ops._solvers import _linalg_cholesky as cholesky
from .ops._solvers import _linalg_cholesky_ex as cholesky_ex
from .ops._solvers import _linalg_vecdot as vecdot
from .ops._svd import _linalg_cond as cond
from .ops._svd import _linalg_matrix_norm as matrix_norm
from .ops._svd import _linalg_matrix_rank as matrix_rank
from .ops._svd import _linalg_svd as svd
from .ops._svd import _linalg_svdvals as svdvals
from .ops.linalg import _multi_dot as multi_dot
from .ops.linalg import matmul
from .ops.matrix import LinAlgError, det
from .ops.matrix import _linalg_cross as cross
from .ops.matrix import _linalg_matrix_exp as matrix_exp
from .ops.matrix import _linalg_matrix_power as matrix_power
from .ops.matrix import _linalg_pinv as pinv
from .ops.matrix import _linalg_slogdet as slogdet
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
    "inv_ex",
    "solve",
    "solve_ex",
    "solve_triangular",
    "cholesky",
    "cholesky_ex",
    "LinAlgError",
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
    "cond",
    "matrix_rank",
    "lu",
    "lu_factor",
    "lu_factor_ex",
    "lu_solve",
    "lstsq",
]


def norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):  # noqa: A002
    """``torch.linalg.norm``: ``matrix_norm`` when ``ord`` is given for a matrix (2-D input
    or a 2-tuple ``dim``), else ``vector_norm`` (the 2-norm of the flattened input by default)."""
    if dtype is not None:
        A = A.to(dtype)
    two_dims = isinstance(dim, (tuple, list)) and len(dim) == 2
    if ord is not None and (two_dims or dim is None and A._data.ndim == 2):
        result = matrix_norm(A, ord, (-2, -1) if dim is None else dim, keepdim)
    elif isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: Order {ord} not supported.")
    else:
        result = vector_norm(A, 2 if ord is None else ord, dim, keepdim)
    if out is not None:
        return write_out("linalg_norm", out, result)
    return result


def __getattr__(name):
    raise AttributeError(
        f"module 'autograd_widgets.linalg' has no attribute '{name}' (torch.linalg.{name} is not "
        "supported by autograd_widgets)"
    )
