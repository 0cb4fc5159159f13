"""Matrix products: matmul for every rank combination, mm, bmm, mv, dot, outer, addmm.

``einsum`` lives in :mod:`._einsum` (it is lowered to these ops, as in ATen).
"""

from __future__ import annotations

import numpy as np

from ..autograd import events
from ..autograd.node import Node, node_class
from ..core._dtype import _DTYPE_TO_TYPE_STRING, from_numpy_dtype
from ._core import (
    Tensor,
    grad_state,
    needs_grad,
    no_grad_event,
    promote,
    record,
    scalar_type_name,
    unbroadcast,
    write_out,
)
from .indexing import _C_TYPE_NAMES
from .shape import SqueezeBackward4, UnsafeViewBackward0

# The ``torch.*`` functions defined here (the package namespace is the union of these lists).
__all__ = [
    "addmm",
    "addmv",
    "baddbmm",
    "bmm",
    "chain_matmul",
    "dot",
    "ger",
    "matmul",
    "mm",
    "mv",
    "outer",
    "vdot",
]

# ``Tensor.<name>`` for these names: the function itself (ops/__init__.py attaches them).
TENSOR_METHODS = """
matmul mm bmm mv dot outer ger addmm addmv baddbmm
""".split()

_make = Tensor._make


def _type_name(t: Tensor) -> str:
    return _DTYPE_TO_TYPE_STRING[from_numpy_dtype(t._data.dtype)][6:].replace("Tensor", "")


def _c_name(t: Tensor) -> str:
    """c10's C type name of ``t``'s dtype ("float", "long int"), as in PyTorch's mm message."""

    name = t._data.dtype.name
    return _C_TYPE_NAMES.get(name, name)


def _same_dtype(a: Tensor, b: Tensor, op: str):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_c_name(a)} != {_c_name(b)}"
            if op == "mm"
            else f"expected scalar type {_type_name(a)} but found {_type_name(b)}"
        )


# --- mm / bmm / mv / dot ----------------------------------------------------------------------
def _mm_backward(n, grad):
    g = grad._data
    if not grad_state.enabled and not events.hears("op_no_grad") and g.ndim == 2:
        # The same matmuls in numpy (grad mode off and nobody listening for op events).
        nf = n.next_functions
        m = n.saved("mat2")._data if nf[0][0] is not None else None
        s = n.saved("self")._data if nf[1][0] is not None else None
        if (m is None or m.dtype == g.dtype) and (s is None or s.dtype == g.dtype):
            return (
                None if m is None else _make(g @ m.T),
                None if s is None else _make(s.T @ g),
            )
    self, mat2 = n.saved("self"), n.saved("mat2")
    ga = grad.mm(mat2.t()) if n.next_functions[0][0] is not None else None
    gb = self.t().mm(grad) if n.next_functions[1][0] is not None else None
    return ga, gb


class _StridesNode(Node):
    """Exposes ``_saved_<x>_sym_strides`` like PyTorch, computed only when read.

    PyTorch keeps an operand's strides when that operand needs a gradient, else ``()``.
    """

    __slots__ = ()
    strides_of: tuple = ()

    def _sym_strides(self, key: str):
        idx = type(self).strides_of.index(key) + len(self.next_functions) - 2
        if self.next_functions[idx][0] is None:
            return ()
        try:
            d = self.saved(key)._data
            return tuple(st // d.itemsize for st in d.strides)
        except (RuntimeError, AttributeError):  # freed or not saved: the contiguous layout
            sizes, st, acc = self._attrs[key + "_sym_sizes"], [], 1
            for size in reversed(sizes):
                st.append(acc)
                acc *= max(size, 1)
            return tuple(reversed(st))

    def __dir__(self):
        return sorted(
            set(Node.__dir__(self)) | {f"_saved_{x}_sym_strides" for x in type(self).strides_of}
        )


def _declare_strides(cls, names: tuple) -> None:
    """``cls._saved_<name>_sym_strides`` for each operand ``name``."""
    cls.strides_of = names
    for key in names:
        setattr(cls, f"_saved_{key}_sym_strides", property(lambda n, key=key: n._sym_strides(key)))


MmBackward0 = node_class(
    "MmBackward0",
    _mm_backward,
    saved=("self", "mat2"),
    attrs=("mat2_sym_sizes", "self_sym_sizes"),
    base=_StridesNode,
)
_declare_strides(MmBackward0, ("self", "mat2"))


def mm(input, mat2):
    a, b = input._data, mat2._data
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})"
        )
    _same_dtype(input, mat2, "mm")
    out = _make(a @ b)
    if needs_grad(input, mat2):
        record(
            MmBackward0,
            out,
            (input, mat2),
            # Like PyTorch: each operand is saved only if the other one needs its gradient.
            {
                "self": input if mat2._requires_grad else None,
                "mat2": mat2 if input._requires_grad else None,
            },
            {"mat2_sym_sizes": b.shape, "self_sym_sizes": a.shape},
        )
    elif events.listeners and events.hears("op_no_grad"):
        no_grad_event("MmBackward0", out, (input, mat2))
    return out


def _bmm_backward(n, grad):
    self, mat2 = n.saved("self"), n.saved("mat2")
    return grad.bmm(mat2.transpose(1, 2)), self.transpose(1, 2).bmm(grad)


BmmBackward0 = node_class("BmmBackward0", _bmm_backward, saved=("self", "mat2"))


def bmm(input, mat2):
    a, b = input._data, mat2._data
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{a.shape[0]}, {a.shape[2]}] "
            f"but got: [{b.shape[0]}, {b.shape[1]}]."
        )
    _same_dtype(input, mat2, "bmm")
    out = _make(np.matmul(a, b))
    if needs_grad(input, mat2):
        record(BmmBackward0, out, (input, mat2), {"self": input, "mat2": mat2})
    return out


def _mv_backward(n, grad):
    self, vec = n.saved("self"), n.saved("vec")
    return grad.unsqueeze(1) * vec.unsqueeze(0), self.t().mv(grad)


MvBackward0 = node_class("MvBackward0", _mv_backward, saved=("self", "vec"))


def mv(input, vec):
    a, v = input._data, vec._data
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), vec ({v.shape[0]})"
        )
    _same_dtype(input, vec, "mv")
    out = _make(a @ v)
    if needs_grad(input, vec):
        record(MvBackward0, out, (input, vec), {"self": input, "vec": vec})
    return out


def _dot_backward(n, grad):
    return grad * n.saved("tensor"), grad * n.saved("self")


DotBackward0 = node_class("DotBackward0", _dot_backward, saved=("self", "tensor"))


def _dot_value(input, other, name: str) -> np.ndarray:
    a, b = input._data, other._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have "
            f"the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements respectively"
        )
    _same_dtype(input, other, name)
    return np.asarray(np.dot(a, b))


def dot(input, tensor):
    out = _make(_dot_value(input, tensor, "dot"))
    if needs_grad(input, tensor):
        record(DotBackward0, out, (input, tensor), {"self": input, "tensor": tensor})
    return out


def _vdot_backward(n, grad):
    return grad * n.saved("other"), grad * n.saved("self")


VdotBackward0 = node_class("VdotBackward0", _vdot_backward, saved=("self", "other"))


def vdot(input, other):
    """``torch.vdot``: ``dot`` of real vectors (no conjugation without complex dtypes)."""
    out = _make(_dot_value(input, other, "vdot"))
    if needs_grad(input, other):
        record(VdotBackward0, out, (input, other), {"self": input, "other": other})
    return out


def outer(input, vec2):
    return input.reshape(-1, 1) * vec2


ger = outer


# --- matmul ---------------------------------------------------------------------------------
def _squeeze_(t: Tensor, dim: int) -> Tensor:
    """``squeeze_(dim)`` on a fresh result, as matmul does (``SqueezeBackward4``)."""
    d = t._data
    out = _make(np.squeeze(d, dim))
    if needs_grad(t):
        record(SqueezeBackward4, out, (t,), None, {"dim": dim, "self_sym_sizes": d.shape})
    return out


def _should_fold(input, other) -> bool:
    """ATen's ``should_fold``: fold the larger operand into a matrix and use mm/mv."""
    a, b = input._data, other._data
    larger_first = a.ndim >= b.ndim
    t1 = a if larger_first else np.swapaxes(b, -1, -2)
    small = b.ndim if larger_first else a.ndim
    if not (t1.ndim >= 3 and small <= 2):
        return False
    t2_requires_grad = other._requires_grad if larger_first else input._requires_grad
    if t2_requires_grad and needs_grad(input, other):
        return True
    if a.ndim == 2:
        return False
    if t1.size == 0:
        return True
    st, sh = t1.strides, t1.shape
    return all(st[i] == st[i + 1] * sh[i + 1] for i in range(t1.ndim - 2))


def matmul(input, other, *, out=None):
    """``torch.matmul`` for every rank combination, built from the ops ATen uses.

    The graph matches PyTorch's: ``dot``/``mv``/``mm`` for 1-D and 2-D operands, a
    folded ``mm``/``mv`` when one side is a batch and the other a vector or matrix,
    and ``expand`` + ``reshape`` + ``bmm`` otherwise.
    """
    if out is not None:
        return write_out("matmul", out, matmul(input, other))
    if not isinstance(other, Tensor):
        raise TypeError(
            f"matmul(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}"
        )
    a, b = input._data, other._data
    da, db = a.ndim, b.ndim
    if da == 0 or db == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D"
        )
    if da == 1 and db == 1:
        return dot(input, other)
    if da == 2 and db == 1:
        return mv(input, other)
    if da == 1 and db == 2:
        if a.shape[0] != b.shape[0]:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied (1x{a.shape[0]} and {b.shape[0]}x{b.shape[1]})"
            )
        return _squeeze_(mm(input.unsqueeze(0), other), 0)
    if da == 2 and db == 2:
        return mm(input, other)
    if _should_fold(input, other):
        transpose = db > da
        t1 = other.mT if transpose else input
        t2 = (input.t() if da == 2 else input) if transpose else other
        s1 = t1._data.shape
        out_shape = s1[:-1]
        folded = t1.reshape(int(np.prod(out_shape)), s1[-1])
        if t2._data.ndim == 2:
            if s1[-1] != t2._data.shape[0]:
                raise RuntimeError(
                    f"mat1 and mat2 shapes cannot be multiplied ({folded._data.shape[0]}x{s1[-1]} "
                    f"and {t2._data.shape[0]}x{t2._data.shape[1]})"
                )
            res = _unsafe_view(folded.mm(t2), out_shape + (t2._data.shape[1],))
            return res.mT.contiguous() if transpose else res
        return _unsafe_view(folded.mv(t2), out_shape)
    # Batched: broadcast the batch dims, expand both sides, one bmm.
    n = a.shape[-2] if da > 1 else 1
    m1 = a.shape[-1]
    m2 = b.shape[-2] if db > 1 else b.shape[0]
    p = b.shape[-1] if db > 1 else 1
    if m1 != m2:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{int(np.prod(a.shape[:-2]))}, {m1}] but got: [{int(np.prod(b.shape[:-2]))}, {m2}]."
        )
    batch = tuple(np.broadcast_shapes(a.shape[: max(da - 2, 0)], b.shape[: max(db - 2, 0)]))
    nb = int(np.prod(batch)) if batch else 1
    out_shape = batch + ((n,) if da > 1 else ()) + ((p,) if db > 1 else ())
    y = other if db > 1 else other.unsqueeze(-1)
    xe = input.expand(batch + (n, m1)).reshape(nb, n, m1)
    ye = y.expand(batch + (m2, p)).reshape(nb, m2, p)
    return _unsafe_view(bmm(xe, ye), out_shape)


def _unsafe_view(t: Tensor, shape):
    out = _make(t._data.reshape(shape))
    if needs_grad(t):
        record(UnsafeViewBackward0, out, (t,), None, {"self_sym_sizes": t._data.shape})
    return out


# --- addmm / baddbmm ---------------------------------------------------------------------------
def _addmm_backward(n, grad):
    a = n._attrs
    m1, m2 = n.saved("mat1"), n.saved("mat2")

    g_self = (
        unbroadcast(grad * a["beta"], n.input_shape)
        if a["beta"] != 1
        else unbroadcast(grad, n.input_shape)
    )
    nf = n.next_functions
    g, d1, d2 = grad._data, m1._data, m2._data
    if (
        a["alpha"] == 1
        and g.ndim == 2
        and d1.dtype == g.dtype
        and d2.dtype == g.dtype
        and not grad_state.enabled
        and not events.hears("op_no_grad")
    ):
        # The same matmuls in numpy (grad mode off and nobody listening for op events).
        g1 = _make(g @ d2.T) if nf[1][0] is not None else None
        g2 = _make(d1.T @ g) if nf[2][0] is not None else None
        return g_self, g1, g2
    # Skip the products nobody needs (a first layer's input): they dominate an MLP's backward.
    g1 = grad.mm(m2.t()) if nf[1][0] is not None else None
    g2 = m1.t().mm(grad) if nf[2][0] is not None else None
    if a["alpha"] != 1:
        g1 = g1 * a["alpha"] if g1 is not None else None
        g2 = g2 * a["alpha"] if g2 is not None else None
    return g_self, g1, g2


AddmmBackward0 = node_class(
    "AddmmBackward0",
    _addmm_backward,
    saved=("mat1", "mat2"),
    attrs=("alpha", "beta", "mat1_sym_sizes", "mat2_sym_sizes"),
    base=_StridesNode,
    fields=("input_shape",),
)
_declare_strides(AddmmBackward0, ("mat1", "mat2"))


def _check_mat2_dtype(input, mat1, mat2):
    """addmm's and addbmm's dtype check: ``input`` and ``mat1`` must have ``mat2``'s dtype."""
    dt = mat2._data.dtype
    for name, t in (("self", input), ("mat1", mat1)):
        if t._data.dtype != dt:
            raise RuntimeError(
                f"{name} and mat2 must have the same dtype, but got "
                f"{scalar_type_name(t._data.dtype)} and {scalar_type_name(dt)}"
            )


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    a, b = mat1._data, mat2._data
    # ATen's addmm meta checks dtypes first: no promotion between the three (F.linear's
    # "mat1 and mat2 must have the same dtype" for float64 input to a float32 layer).
    _check_mat2_dtype(input, mat1, mat2)
    if a.ndim != 2 or b.ndim != 2:
        raise RuntimeError(
            f"mat1 must be a matrix, got {a.ndim}-D tensor"
            if a.ndim != 2
            else f"mat2 must be a matrix, got {b.ndim}-D tensor"
        )
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})"
        )
    prod = a @ b
    if alpha != 1:
        prod = prod * alpha
    base = input._data if beta == 1 else input._data * beta
    res = base + prod
    if res.shape != prod.shape:
        raise RuntimeError(
            f"The expanded size of the tensor ({prod.shape[-1]}) must match the existing size "
            f"({input._data.shape[-1]}) at non-singleton dimension 1.  Target sizes: {list(prod.shape)}.  "
            f"Tensor sizes: {list(input._data.shape)}"
        )
    out = _make(res.astype(promote(input, mat1, mat2), copy=False))
    if needs_grad(input, mat1, mat2):
        record(
            AddmmBackward0,
            out,
            (input, mat1, mat2),
            {"mat1": mat1, "mat2": mat2},
            {"alpha": alpha, "beta": beta, "mat1_sym_sizes": a.shape, "mat2_sym_sizes": b.shape},
            fields={"input_shape": input._data.shape},
        )
    return out


def _scaled(t, k):
    return t if k == 1 else t * k


def _baddbmm_backward(n, grad):
    a = n._attrs
    b1, b2 = n.saved("batch1"), n.saved("batch2")

    return (
        unbroadcast(_scaled(grad, a["beta"]), n.input_shape),
        _scaled(grad.bmm(b2.transpose(1, 2)), a["alpha"]),
        _scaled(b1.transpose(1, 2).bmm(grad), a["alpha"]),
    )


def _addmv_backward(n, grad):
    a = n._attrs
    mat, vec = n.saved("mat"), n.saved("vec")

    return (
        unbroadcast(_scaled(grad, a["beta"]), n.input_shape),
        _scaled(grad.unsqueeze(1) * vec.unsqueeze(0), a["alpha"]),
        _scaled(mat.t().mv(grad), a["alpha"]),
    )


BaddbmmBackward0 = node_class(
    "BaddbmmBackward0",
    _baddbmm_backward,
    saved=("batch1", "batch2"),
    attrs=("alpha", "beta"),
    fields=("input_shape",),
)
AddmvBackward0 = node_class(
    "AddmvBackward0",
    _addmv_backward,
    saved=("mat", "vec"),
    attrs=("alpha", "beta"),
    fields=("input_shape",),
)


def _add_product(cls, input, prod, operands, saved, beta, alpha):
    if beta == 0:  # ATen ignores ``input``'s values then (NaN there does not propagate)
        res = np.zeros(np.broadcast_shapes(input._data.shape, prod.shape), prod.dtype)
        res = res + prod * alpha
    elif beta != 1 or alpha != 1:
        res = input._data * beta + prod * alpha
    else:
        res = input._data + prod
    out = _make(np.asarray(res, dtype=promote(input, *operands)))
    if needs_grad(input, *operands):
        record(
            cls,
            out,
            (input,) + operands,
            saved,
            {"alpha": alpha, "beta": beta},
            fields={"input_shape": input._data.shape},
        )
    return out


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``torch.baddbmm``: ``beta * input + alpha * batch1 @ batch2`` (one ``BaddbmmBackward0``)."""
    dts = (input._data.dtype, batch1._data.dtype, batch2._data.dtype)
    if len(set(dts)) > 1:
        raise RuntimeError(
            f"Input dtypes must be the same, got: input {_c_name(input)}, batch1: "
            f"{_c_name(batch1)}, batch2: {_c_name(batch2)}"
        )
    prod = bmm(batch1.detach(), batch2.detach())._data
    return _add_product(
        BaddbmmBackward0,
        input,
        prod,
        (batch1, batch2),
        {"batch1": batch1, "batch2": batch2},
        beta,
        alpha,
    )


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """``torch.addmv``: ``beta * input + alpha * mat @ vec`` (one ``AddmvBackward0``)."""
    dts = (input._data.dtype, mat._data.dtype, vec._data.dtype)
    if len(set(dts)) > 1:
        raise RuntimeError(
            "addmv input tensors must have the same dtype, but got "
            f"{_type_name(input)}, {_type_name(mat)}, and {_type_name(vec)}"
        )
    prod = mv(mat.detach(), vec.detach())._data
    shape = input._data.shape
    if len(shape) > 1 or shape and shape[0] not in (1, prod.shape[0]):
        m = mat._data.shape
        raise RuntimeError(
            f"size mismatch, got input ({shape[0] if shape else 1}), mat ({m[0]}x{m[1]}), "
            f"vec ({vec._data.shape[0]})"
        )
    return _add_product(
        AddmvBackward0, input, prod, (mat, vec), {"mat": mat, "vec": vec}, beta, alpha
    )


# --- multi_dot / chain_matmul ------------------------------------------------------------------
def _chain_order(dims):
    """ATen's ``matrix_chain_order``: the split points ``s[i][j]`` of the cheapest product."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                q = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or q < cost[i][j]:
                    cost[i][j], split[i][j] = q, k
    return split


def _chain(ts, split, i, j):
    if i == j:
        return ts[i]
    k = split[i][j]
    return mm(_chain(ts, split, i, k), _chain(ts, split, k + 1, j))


def _multi_dot(tensors, *, out=None):
    """``torch.linalg.multi_dot``: mm's in the cheapest order, then one view (as ATen does)."""
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    ts, out_shape = list(tensors), []
    first, last = ts[0].dim(), ts[-1].dim()
    if first not in (1, 2):
        raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {first}D")
    if last not in (1, 2):
        raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {last}D")
    for i in range(1, n - 1):
        if ts[i].dim() != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {ts[i].dim()}D")
    # A 1-D first tensor is a row vector, a 1-D last one a column vector.
    if first == 1:
        ts[0] = ts[0].unsqueeze(0)
    else:
        out_shape.append(ts[0]._data.shape[0])
    if last == 1:
        ts[-1] = ts[-1].unsqueeze(-1)
    else:
        out_shape.append(ts[-1]._data.shape[1])
    for i in range(1, n):
        if ts[i]._data.dtype != ts[0]._data.dtype:
            raise RuntimeError(
                "multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                f"{_c_name(ts[0])} and tensor {i} {_c_name(ts[i])}"
            )
        if ts[i - 1]._data.shape[-1] != ts[i]._data.shape[0]:
            raise RuntimeError(
                f"multi_dot(): tensors {i - 1} and {i} with shapes "
                f"{list(tensors[i - 1].shape)} and {list(tensors[i].shape)} cannot be multiplied"
            )
    if n == 2:
        result = mm(ts[0], ts[1])
    elif n == 3:
        # ATen's multi_dot_three: (a x b)(b x c)(c x d), whichever pairing costs less.
        a, b = ts[0]._data.shape[0], ts[1]._data.shape[0]
        c, d = ts[2]._data.shape
        if (a * c) * (b + d) > (b * d) * (a + c):
            result = mm(ts[0], mm(ts[1], ts[2]))
        else:
            result = mm(mm(ts[0], ts[1]), ts[2])
    else:
        dims = [t._data.shape[0] for t in ts] + [ts[-1]._data.shape[1]]
        result = _chain(ts, _chain_order(dims), 0, n - 1)
    result = result.view(tuple(out_shape))
    return result if out is None else write_out("multi_dot", out, result)


def chain_matmul(*matrices, out=None):
    """``torch.chain_matmul`` (deprecated in PyTorch): ``linalg.multi_dot`` of the matrices."""
    import warnings

    warnings.warn(
        "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
        "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than "
        "multiple parameters.",
        UserWarning,
        stacklevel=2,
    )
    for t in matrices:
        if t.dim() != 2:
            raise RuntimeError(f"Tensor dimension is {t.dim()}, expected 2 instead.")
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    if len(matrices) == 1:
        return matrices[0].clone()
    return _multi_dot(matrices, out=out)
