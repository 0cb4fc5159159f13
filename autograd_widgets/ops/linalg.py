"""Matrix products: matmul for every rank combination, mm, bmm, mv, dot, outer, addmm, einsum."""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from ._core import Tensor, needs_grad, promote, record

_make = Tensor._make


def _type_name(t: Tensor) -> str:
    from .._dtype import _DTYPE_TO_TYPE_STRING, from_numpy_dtype

    return _DTYPE_TO_TYPE_STRING[from_numpy_dtype(t._data.dtype)][6:].replace("Tensor", "")


def _same_dtype(a: Tensor, b: Tensor, op: str):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {a.dtype} != {b.dtype}"
            if op == "mm"
            else f"expected scalar type {_type_name(a)} but found {_type_name(b)}"
        )


# --- mm / bmm / mv / dot ----------------------------------------------------------------------
def _mm_backward(n, grad):
    self, mat2 = n.saved("self"), n.saved("mat2")
    ga = grad.mm(mat2.t()) if n.next_functions[0][0] is not None else None
    gb = self.t().mm(grad) if n.next_functions[1][0] is not None else None
    return ga, gb


MmBackward0 = node_class(
    "MmBackward0", _mm_backward, saved=("self", "mat2"), attrs=("mat2_sym_sizes", "self_sym_sizes")
)


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
            {"self": input, "mat2": mat2},
            {"mat2_sym_sizes": b.shape, "self_sym_sizes": a.shape},
        )
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


def dot(input, tensor):
    a, b = input._data, tensor._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            "inconsistent tensor size, expected tensor [%d] and src [%d] to have the same number of "
            "elements, but got %d and %d elements respectively"
            % (a.shape[0], b.shape[0], a.shape[0], b.shape[0])
        )
    _same_dtype(input, tensor, "dot")
    out = _make(np.asarray(np.dot(a, b)))
    if needs_grad(input, tensor):
        record(DotBackward0, out, (input, tensor), {"self": input, "tensor": tensor})
    return out


inner = dot
vdot = dot


def outer(input, vec2):
    return input.reshape(-1, 1) * vec2


ger = outer


# --- matmul ----------------------------------------------------------------------------------
def matmul(input, other):
    """``torch.matmul`` for every rank combination, built from the ops PyTorch uses."""
    if not isinstance(other, Tensor):
        raise TypeError(
            f"matmul(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}"
        )
    a, b = input._data, other._data
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    if a.ndim == 1 and b.ndim == 1:
        return dot(input, other)
    if a.ndim == 2 and b.ndim == 1:
        return mv(input, other)
    if a.ndim == 1 and b.ndim == 2:
        if a.shape[0] != b.shape[0]:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied (1x{a.shape[0]} and {b.shape[0]}x{b.shape[1]})"
            )
        return mm(input.unsqueeze(0), other).squeeze(0)
    if a.ndim == 2 and b.ndim == 2:
        return mm(input, other)
    if b.ndim == 2 and a.ndim >= 3:
        # Fold the batch into rows: (..., n, k) @ (k, m) -> one mm.
        if a.shape[-1] != b.shape[0]:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({int(np.prod(a.shape[:-1]))}x{a.shape[-1]} "
                f"and {b.shape[0]}x{b.shape[1]})"
            )
        folded = input.reshape(-1, a.shape[-1])
        return _unsafe_view(mm(folded, other), a.shape[:-1] + (b.shape[1],))
    # General batched case with broadcasting of the batch dims.
    x = input.unsqueeze(0) if a.ndim == 1 else input
    y = other.unsqueeze(-1) if b.ndim == 1 else other
    xs, ys = x._data.shape, y._data.shape
    if xs[-1] != ys[-2]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{int(np.prod(xs[:-2]))}, {xs[-1]}] "
            f"but got: [{int(np.prod(ys[:-2]))}, {ys[-2]}]."
        )
    batch = np.broadcast_shapes(xs[:-2], ys[:-2])
    nb = int(np.prod(batch)) if batch else 1
    xe = x.expand(batch + xs[-2:]).reshape(nb, xs[-2], xs[-1])
    ye = y.expand(batch + ys[-2:]).reshape(nb, ys[-2], ys[-1])
    out = _unsafe_view(bmm(xe, ye), batch + (xs[-2], ys[-1]))
    if a.ndim == 1:
        out = out.squeeze(-2)
    if b.ndim == 1:
        out = out.squeeze(-1)
    return out


def _unsafe_view(t: Tensor, shape):
    from .shape import UnsafeViewBackward0

    out = _make(t._data.reshape(shape))
    if needs_grad(t):
        record(UnsafeViewBackward0, out, (t,), None, {"self_sym_sizes": t._data.shape})
    return out


# --- addmm / baddbmm ---------------------------------------------------------------------------
def _addmm_backward(n, grad):
    a = n._attrs
    m1, m2 = n.saved("mat1"), n.saved("mat2")
    from ._core import unbroadcast

    g_self = (
        unbroadcast(grad * a["beta"], n._shapes) if a["beta"] != 1 else unbroadcast(grad, n._shapes)
    )
    g1 = grad.mm(m2.t())
    g2 = m1.t().mm(grad)
    if a["alpha"] != 1:
        g1, g2 = g1 * a["alpha"], g2 * a["alpha"]
    return g_self, g1, g2


AddmmBackward0 = node_class(
    "AddmmBackward0",
    _addmm_backward,
    saved=("mat1", "mat2"),
    attrs=("alpha", "beta", "mat1_sym_sizes", "mat2_sym_sizes"),
)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    a, b = mat1._data, mat2._data
    if a.ndim != 2 or b.ndim != 2:
        raise RuntimeError(
            "mat1 must be a matrix, got %d-D tensor" % a.ndim
            if a.ndim != 2
            else "mat2 must be a matrix, got %d-D tensor" % b.ndim
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
        )
        out._grad_fn._shapes = input._data.shape
    return out


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    return input * beta + bmm(batch1, batch2) * alpha


def addmv(input, mat, vec, *, beta=1, alpha=1):
    return input * beta + mv(mat, vec) * alpha


# --- einsum -----------------------------------------------------------------------------------
def _einsum_backward(n, grad):
    eq = n._attrs["equation"]
    ins, out_spec = eq.split("->")
    specs = ins.split(",")
    ops = [n.saved(f"op{i}") for i in range(len(specs))]
    grads = []
    for i, spec in enumerate(specs):
        if n.next_functions[i][0] is None:
            grads.append(None)
            continue
        others = [s for j, s in enumerate(specs) if j != i]
        other_ops = [o for j, o in enumerate(ops) if j != i]
        # Letters of operand i that appear nowhere else were summed out: broadcast back via ones.
        present = set(out_spec) | set("".join(others))
        missing = [c for c in spec if c not in present]
        target = "".join(dict.fromkeys(c for c in spec))
        sub = ",".join([out_spec] + others)
        g = einsum(f"{sub}->{''.join(c for c in target if c not in missing)}", grad, *other_ops)
        if missing:
            sizes = {c: ops[i]._data.shape[spec.index(c)] for c in missing}
            shape_now = [ops[i]._data.shape[spec.index(c)] for c in target if c not in missing]
            g = g.reshape(tuple(shape_now) + (1,) * len(missing))
            cur = [c for c in target if c not in missing] + missing
            g = g.expand(tuple(shape_now) + tuple(sizes[c] for c in missing))
            g = g.permute(tuple(cur.index(c) for c in target))
        if len(set(spec)) != len(spec):
            # Repeated index (diagonal): place the gradient on the diagonal.
            eye = np.zeros(ops[i]._data.shape, dtype=grad._data.dtype)
            full = np.einsum(
                f"{target}->{spec}", np.ones([ops[i]._data.shape[spec.index(c)] for c in target])
            )
            del full
            idx = np.indices(ops[i]._data.shape)
            mask = np.ones(ops[i]._data.shape, dtype=bool)
            for c in set(spec):
                pos = [k for k, ch in enumerate(spec) if ch == c]
                for p in pos[1:]:
                    mask &= idx[pos[0]] == idx[p]
            eye[mask] = 1
            g = g.reshape(tuple(ops[i]._data.shape[spec.index(c)] for c in target))
            expanded = einsum(f"{target}->{target}", g)
            grads.append(_make(eye) * _broadcast_einsum(expanded, target, spec, ops[i]._data.shape))
            continue
        grads.append(g)
    return tuple(grads)


def _broadcast_einsum(g, target, spec, shape):
    # view g (indexed by target letters) as a tensor indexed by spec letters
    letters = list(target)
    g2 = g
    for k, c in enumerate(spec):
        pass
    idx = np.indices(shape)
    take = tuple(idx[spec.index(c)] for c in letters)
    return g2[take] if False else _make(g2._data[take])


EinsumBackward0 = node_class("EinsumBackward0", _einsum_backward, attrs=("equation",))


def einsum(equation, *operands):
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    eq = equation.replace(" ", "")
    if "..." in eq:
        raise NotImplementedError("einsum with '...' is not supported by autograd_widgets yet")
    if "->" not in eq:
        ins = eq.split(",")
        letters = sorted(c for c in set("".join(ins)) if "".join(ins).count(c) == 1)
        eq = eq + "->" + "".join(letters)
    res = np.einsum(eq, *[o._data for o in operands], optimize=len(operands) > 2)
    out = _make(np.asarray(res, dtype=promote(*operands)))
    if needs_grad(*operands):
        saved = {f"op{i}": o for i, o in enumerate(operands)}
        record(EinsumBackward0, out, tuple(operands), saved, {"equation": eq})
    return out
