"""The rest of the ``beta * input + alpha * product`` family: ``addr`` (outer product),
``addbmm`` (sum of batched products), and the in-place forms of all five (``addmm_``,
``addmv_``, ``addr_``, ``addbmm_``, ``baddbmm_``).

``addmm``, ``addmv`` and ``baddbmm`` themselves live in :mod:`.linalg` beside ``mm``/``mv``/``bmm``.
As in ATen, ``beta == 0`` ignores ``input``'s values (NaN there does not reach the result).
"""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from ._core import Tensor, needs_grad, promote, record, unbroadcast
from .inplace import apply_inplace
from .linalg import _check_mat2_dtype, _scaled, addmm, addmv, baddbmm

_make = Tensor._make

__all__ = ["addr", "addbmm", "addmv_"]

# ``Tensor.<name>`` for these names: the function itself (ops/__init__.py attaches them).
TENSOR_METHODS = ["addr", "addbmm", "addmm_", "addmv_", "addr_", "addbmm_", "baddbmm_"]


def _scaled_sum(input, prod, beta, alpha, dtype):
    """``beta * input + alpha * prod`` in ``dtype``; ``beta == 0`` ignores ``input``."""
    base = np.zeros_like(input, dtype=dtype) if beta == 0 else input * beta
    return np.asarray(base + (prod if alpha == 1 else prod * alpha), dtype=dtype)


def _expand_error(target, shape):
    """ATen's ``expand`` message when ``input`` does not broadcast to the product's shape."""
    for i in range(1, len(shape) + 1):
        if i > len(target) or shape[-i] not in (1, target[-i]):
            have = target[-i] if i <= len(target) else 1
            return RuntimeError(
                f"The expanded size of the tensor ({have}) must match the existing size "
                f"({shape[-i]}) at non-singleton dimension {max(len(target) - i, 0)}.  "
                f"Target sizes: {list(target)}.  Tensor sizes: {list(shape)}"
            )
    return None


def _check_scalars(dtype, beta, alpha):
    if np.dtype(dtype).kind in "iub":
        for name, v in (("beta", beta), ("alpha", alpha)):
            if isinstance(v, float):
                raise RuntimeError(
                    f"For integral input tensors, argument {name} must not be a floating point "
                    "number."
                )


# --- addr ---------------------------------------------------------------------------------------
def _addr_backward(n, grad):
    a = n._attrs
    vec1, vec2 = n.saved("vec1"), n.saved("vec2")
    nf = n.next_functions
    return (
        unbroadcast(_scaled(grad, a["beta"]), n.input_shape),
        _scaled(grad.mv(vec2), a["alpha"]) if nf[1][0] is not None else None,
        _scaled(grad.t().mv(vec1), a["alpha"]) if nf[2][0] is not None else None,
    )


AddrBackward0 = node_class(
    "AddrBackward0",
    _addr_backward,
    saved=("vec1", "vec2"),
    attrs=("alpha", "beta"),
    fields=("input_shape",),
)


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """``torch.addr``: ``beta * input + alpha * outer(vec1, vec2)``; dtypes promote."""
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v._data.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v._data.ndim}-D")
    dt = promote(input, vec1, vec2)
    _check_scalars(dt, beta, alpha)
    prod = np.multiply.outer(vec1._data, vec2._data)
    err = _expand_error(prod.shape, input._data.shape)
    if err is not None:
        raise err
    out = _make(_scaled_sum(input._data, prod, beta, alpha, dt))
    if needs_grad(input, vec1, vec2):
        record(
            AddrBackward0,
            out,
            (input, vec1, vec2),
            {"vec1": vec1, "vec2": vec2},
            {"alpha": alpha, "beta": beta},
            fields={"input_shape": input._data.shape},
        )
    return out


def _size(d, dim):
    if d.ndim <= dim:
        n = max(d.ndim, 1)
        raise IndexError(
            f"Dimension out of range (expected to be in range of [-{n}, {n - 1}], but got {dim})"
        )
    return d.shape[dim]


# --- addbmm -------------------------------------------------------------------------------------
def _addbmm_backward(n, grad):
    a = n._attrs
    b1, b2 = n.saved("batch1"), n.saved("batch2")
    nf = n.next_functions
    # The gradient of every batch's product is ``grad`` itself.
    g = grad.unsqueeze(0).expand(
        a["batch1_sym_argsize_0"], a["batch1_sym_argsize_1"], a["batch2_sym_argsize_2"]
    )
    return (
        unbroadcast(_scaled(grad, a["beta"]), n.input_shape),
        _scaled(g.bmm(b2.transpose(1, 2)), a["alpha"]) if nf[1][0] is not None else None,
        _scaled(b1.transpose(1, 2).bmm(g), a["alpha"]) if nf[2][0] is not None else None,
    )


AddbmmBackward0 = node_class(
    "AddbmmBackward0",
    _addbmm_backward,
    saved=("batch1", "batch2"),
    attrs=(
        "alpha",
        "batch1_sym_argsize_0",
        "batch1_sym_argsize_1",
        "batch2_sym_argsize_2",
        "beta",
    ),
    fields=("input_shape",),
)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``torch.addbmm``: ``beta * input + alpha * sum_i batch1[i] @ batch2[i]``."""
    b1, b2 = batch1._data, batch2._data
    # ATen first expands ``input`` to (batch1.size(1), batch2.size(2)), then checks the ranks.
    target = (_size(b1, 1), _size(b2, 2))
    err = _expand_error(target, input._data.shape)
    if err is not None:
        raise err
    if b1.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if b1.shape[0] != b2.shape[0]:
        raise RuntimeError(
            f"batch1 and batch2 must have same number of batches, got {b1.shape[0]} and "
            f"{b2.shape[0]}"
        )
    if b1.shape[2] != b2.shape[1]:
        raise RuntimeError(
            f"Incompatible matrix sizes for bmm ({b1.shape[1]}x{b1.shape[2]} and "
            f"{b2.shape[1]}x{b2.shape[2]})"
        )
    _check_mat2_dtype(input, batch1, batch2)
    _check_scalars(b2.dtype, beta, alpha)
    prod = np.matmul(b1, b2).sum(0) if b1.shape[0] else np.zeros((b1.shape[1], b2.shape[2]))
    out = _make(_scaled_sum(input._data, prod, beta, alpha, b2.dtype))
    if needs_grad(input, batch1, batch2):
        record(
            AddbmmBackward0,
            out,
            (input, batch1, batch2),
            {"batch1": batch1, "batch2": batch2},
            {
                "alpha": alpha,
                "batch1_sym_argsize_0": b1.shape[0],
                "batch1_sym_argsize_1": b1.shape[1],
                "batch2_sym_argsize_2": b2.shape[2],
                "beta": beta,
            },
            fields={"input_shape": input._data.shape},
        )
    return out


# --- in-place forms -----------------------------------------------------------------------------
def _inplace(self, fn, operands, out_shape, beta, alpha):
    """``self.<op>_(...)``: the product must have ``self``'s shape (no broadcasting of self)."""
    if tuple(out_shape) != self._data.shape:
        raise RuntimeError(
            f"Bad in-place call: input tensor size {list(self._data.shape)} and output tensor "
            f"size {list(out_shape)} should match"
        )
    return apply_inplace(self, lambda t: fn(t, *operands, beta=beta, alpha=alpha), operands)


def addmm_(self, mat1, mat2, *, beta=1, alpha=1):
    """``Tensor.addmm_``: ``self = beta * self + alpha * mat1 @ mat2`` (``AddmmBackward0``)."""
    shape = (mat1._data.shape[0], mat2._data.shape[-1]) if mat1._data.ndim == 2 else ()
    return _inplace(self, addmm, (mat1, mat2), shape, beta, alpha)


def addmv_(input, mat, vec, *, beta=1, alpha=1):
    """``Tensor.addmv_`` / ``torch.addmv_``: ``input = beta * input + alpha * mat @ vec``."""
    shape = mat._data.shape[:1] if mat._data.ndim == 2 else ()
    return _inplace(input, addmv, (mat, vec), shape, beta, alpha)


def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1):
    """``Tensor.baddbmm_``: ``self = beta * self + alpha * batch1 @ batch2``."""
    b1, b2 = batch1._data, batch2._data
    shape = b1.shape[:2] + b2.shape[2:3] if b1.ndim == 3 and b2.ndim == 3 else ()
    return _inplace(self, baddbmm, (batch1, batch2), shape, beta, alpha)


def addr_(self, vec1, vec2, *, beta=1, alpha=1):
    """``Tensor.addr_``: ``self = beta * self + alpha * outer(vec1, vec2)``."""
    d = self._data
    if d.ndim != 2:
        raise RuntimeError(f"2D tensor expected, got {d.ndim}D tensor for input")
    if vec1._data.ndim == 1 and vec2._data.ndim == 1:
        if d.shape != (vec1._data.shape[0], vec2._data.shape[0]):
            raise RuntimeError(
                f"size mismatch, input: {list(d.shape)}, v1: {list(vec1._data.shape)}, "
                f"v2: {list(vec2._data.shape)}"
            )
    return apply_inplace(self, lambda t: addr(t, vec1, vec2, beta=beta, alpha=alpha), (vec1, vec2))


def addbmm_(self, batch1, batch2, *, beta=1, alpha=1):
    """``Tensor.addbmm_``: ``self = beta * self + alpha * sum_i batch1[i] @ batch2[i]``."""
    return apply_inplace(
        self, lambda t: addbmm(t, batch1, batch2, beta=beta, alpha=alpha), (batch1, batch2)
    )
