"""``torch.einsum``, lowered to the ops ATen uses, so its graph is PyTorch's graph.

ATen (``aten/src/ATen/native/Linear.cpp``: ``einsum`` and ``sumproduct_pair``) does
not have an einsum node: it takes diagonals for repeated labels, unsqueezes and
permutes every operand to one common layout (output labels first, then the
contracted ones), sums out a label as soon as only one operand still has it, and
contracts the operands pairwise from left to right, each pair as
``permute -> reshape -> bmm -> view -> permute`` (or a plain ``mul`` when nothing is
summed). The same steps are taken here with the differentiable ops of this package,
so values, gradients, double backward and the ``grad_fn`` DAG all follow.

NOTE: PyTorch contracts in the order opt_einsum chooses when that package is
installed (``torch.backends.opt_einsum.is_available()``), left to right otherwise.
Only the left-to-right order is implemented: the graphs of 3+ operand equations
match PyTorch without opt_einsum (the set-up of the test oracle).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from ..autograd.node import node_class
from ._core import Tensor, needs_grad, record

__all__ = ["einsum"]

_LETTERS = 26
_TOTAL = 2 * _LETTERS
_ELLIPSIS = _TOTAL


def _subscript(c: str) -> int:
    """ATen's label order: ``A``-``Z`` are 0-25, ``a``-``z`` are 26-51."""
    return ord(c) - ord("A") if c.isupper() else ord(c) - ord("a") + _LETTERS


def _label(s: int) -> str:
    return chr(s + ord("A")) if s < _LETTERS else chr(s - _LETTERS + ord("a"))


def _is_label(c: str) -> bool:
    return c.isascii() and c.isalpha()


def _parse_operands(lhs: str, num_ops: int):
    """Each operand's labels (``_ELLIPSIS`` for ``...``), with ATen's error messages."""
    op_labels: list[list[int]] = [[] for _ in range(num_ops)]
    ell_in_input, cur, i = False, 0, 0
    while i < len(lhs):
        c = lhs[i]
        if c == ".":
            if ell_in_input:
                raise RuntimeError(
                    f"einsum(): found '.' for operand {cur} for which an ellipsis was already found"
                )
            if not (i + 2 < len(lhs) and lhs[i + 1] == "." and lhs[i + 2] == "."):
                raise RuntimeError(
                    f"einsum(): found '.' for operand {cur} that is not part of any ellipsis"
                )
            op_labels[cur].append(_ELLIPSIS)
            ell_in_input = True
            i += 2
        elif c == ",":
            cur += 1
            if cur >= num_ops:
                raise RuntimeError(
                    "einsum(): fewer operands were provided than specified in the equation"
                )
            ell_in_input = False
        elif c != " ":
            if not _is_label(c):
                raise RuntimeError(
                    f"einsum(): invalid subscript given at index {i} in the equation string, "
                    "subscripts must be in [a-zA-Z]"
                )
            op_labels[cur].append(_subscript(c))
        i += 1
    if cur != num_ops - 1:
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    return op_labels


def _layout(equation: str, operands):
    """ATen's parse: labels per operand, each label's index in the common layout.

    Returns ``(op_labels, perm_index_of_label, ell_index, ell_num_dim, out_num_dim,
    perm_size)``: the output labels come first (explicit order, or ``...`` then the
    labels seen once, in ``A-Za-z`` order), then ``...`` if it is summed, then the
    contracted labels in ``A-Za-z`` order.
    """
    arrow = equation.find("->")
    lhs = equation if arrow < 0 else equation[:arrow]
    op_labels = _parse_operands(lhs, len(operands))
    label_count = [0] * _TOTAL
    ell_num_dim = 0
    for i, (labels, op) in enumerate(zip(op_labels, operands)):
        ndims = op._data.ndim
        nlabels = len(labels)
        has_ellipsis = False
        for s in labels:
            if s == _ELLIPSIS:
                nlabels -= 1
                has_ellipsis = True
            else:
                label_count[s] += 1
        if has_ellipsis:
            ell_num_dim = max(ell_num_dim, ndims - nlabels)
        if (nlabels > ndims) if has_ellipsis else (nlabels != ndims):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({nlabels}) "
                + (
                    f"is more than the number of dimensions ({ndims}) for operand {i}"
                    if has_ellipsis
                    else f"does not match the number of dimensions ({ndims}) for operand {i} "
                    "and no ellipsis was given"
                )
            )
    perm_of = [-1] * _TOTAL
    perm = ell_index = 0
    ell_in_output = False
    if arrow < 0:  # implicit output: the ellipsis, then the labels seen once
        perm = ell_num_dim
        ell_in_output = True
        for s in range(_TOTAL):
            if label_count[s] == 1:
                perm_of[s] = perm
                perm += 1
    else:
        rhs = equation[arrow + 2 :]
        i = 0
        while i < len(rhs):
            c = rhs[i]
            if c == ".":
                if ell_in_output:
                    raise RuntimeError(
                        "einsum(): found '.' for output but an ellipsis (...) was already found"
                    )
                if not (i + 2 < len(rhs) and rhs[i + 1] == "." and rhs[i + 2] == "."):
                    raise RuntimeError(
                        "einsum(): found '.' for output that is not part of any ellipsis (...)"
                    )
                ell_index = perm
                perm += ell_num_dim
                ell_in_output = True
                i += 2
            elif c != " ":
                if not _is_label(c):
                    raise RuntimeError(
                        f"einsum(): invalid subscript given at index {len(lhs) + 2 + i} in the "
                        "equation string, subscripts must be in [a-zA-Z]"
                    )
                s = _subscript(c)
                if label_count[s] == 0 or perm_of[s] != -1:
                    raise RuntimeError(
                        f"einsum(): output subscript {c}"
                        + (
                            " appears more than once in the output"
                            if perm_of[s] > -1
                            else " does not appear in the equation for any input operand"
                        )
                    )
                perm_of[s] = perm
                perm += 1
            i += 1
    out_num_dim = perm
    if not ell_in_output:  # a summed ellipsis comes first among the contracted dims
        ell_index = perm
        perm += ell_num_dim
    for s in range(_TOTAL):
        if label_count[s] > 0 and perm_of[s] == -1:
            perm_of[s] = perm
            perm += 1
    return op_labels, perm_of, ell_index, ell_num_dim, out_num_dim, perm


def _align(operands, op_labels, perm_of, ell_index, ell_num_dim, perm_size):
    """Diagonals for repeated labels, unsqueezes for missing ones, one permute each.

    Also counts, per layout dim, how many operands have it with a size other than 1.
    """
    label_size = [1] * _TOTAL
    ell_sizes = [1] * ell_num_dim
    dim_counts = [0] * perm_size
    ops = deque()
    for i, (op, labels) in enumerate(zip(operands, op_labels)):
        permutation = [-1] * perm_size
        dim = 0
        for s in labels:
            if s == _ELLIPSIS:
                ndim = operands[i]._data.ndim - (len(labels) - 1)
                for j in range(ell_num_dim - ndim, ell_num_dim):
                    size = op._data.shape[dim]
                    if size != 1:
                        if ell_sizes[j] not in (1, size):
                            raise RuntimeError(
                                f"einsum(): dimension {dim} covered by ellipsis in operand {i}"
                                f"has size {size} which does not broadcast with previously seen "
                                f"ellipsis with size {ell_sizes[j]} for the respective dimension"
                            )
                        ell_sizes[j] = size
                        dim_counts[ell_index + j] += 1
                    permutation[ell_index + j] = dim
                    dim += 1
            elif permutation[perm_of[s]] == -1:
                size = op._data.shape[dim]
                if size != 1:
                    if label_size[s] not in (1, size):
                        raise RuntimeError(
                            f"einsum(): subscript {_label(s)} has size {size} for operand {i} "
                            f"which does not broadcast with previously seen size {label_size[s]}"
                        )
                    label_size[s] = size
                    dim_counts[perm_of[s]] += 1
                permutation[perm_of[s]] = dim
                dim += 1
            else:  # a repeated label: take the diagonal, where the label was first seen
                prev = permutation[perm_of[s]]
                a, b = op._data.shape[dim], op._data.shape[prev]
                if a != b:
                    raise RuntimeError(
                        f"einsum(): subscript {_label(s)} is repeated for operand {i} but the "
                        f"sizes don't match, {a} != {b}"
                    )
                op = op.diagonal(0, prev, dim).movedim(-1, prev)
        for k, val in enumerate(permutation):
            if val == -1:
                op = op.unsqueeze(dim)
                permutation[k] = dim
                dim += 1
        ops.append(op.permute(permutation))
    return ops, dim_counts


def _sumproduct_pair(left: Tensor, right: Tensor, sum_dims: list, keepdim: bool) -> Tensor:
    """``(left * right).sum(sum_dims)`` through one bmm, as ATen's ``sumproduct_pair``.

    Both operands have the same number of dims (size 1 where one lacks a dim).
    """
    if not sum_dims:
        return left * right
    ndim = left._data.ndim
    summed = set(sum_dims)
    lro, lo, ro = [], [], []
    lro_size = lo_size = ro_size = sum_size = 1
    for i in range(ndim):
        sl, sr = left._data.shape[i] != 1, right._data.shape[i] != 1
        if i in summed:
            if sl and sr:
                if left._data.shape[i] != right._data.shape[i]:
                    raise RuntimeError("non-broadcast dimensions must match")
                sum_size *= left._data.shape[i]
            elif sl:
                left = left.sum(i, True)
            elif sr:
                right = right.sum(i, True)
        elif sl and sr:
            if left._data.shape[i] != right._data.shape[i]:
                raise RuntimeError("non-broadcast dimensions must match")
            lro.append(i)
            lro_size *= left._data.shape[i]
        elif sl:
            lo.append(i)
            lo_size *= left._data.shape[i]
        else:
            ro.append(i)
            ro_size *= right._data.shape[i]
    # When all of right's own dims come before left's in the output, swap the operands
    # so that bmm writes the result in output order.
    if lo and ro and ro[-1] < lo[0]:
        left, right = right, left
        lo, ro = ro, lo
        lo_size, ro_size = ro_size, lo_size
    out_size = (
        [left._data.shape[d] for d in lro]
        + [left._data.shape[d] for d in lo]
        + [1] * len(sum_dims)
        + [right._data.shape[d] for d in ro]
    )
    lperm = lro + lo + list(sum_dims) + ro
    rperm = lro + list(sum_dims) + ro + lo
    operm = [-1] * len(out_size)
    for i, d in enumerate(lro + lo + list(sum_dims) + ro):
        operm[d] = i
    left = left.permute(lperm).reshape(lro_size, lo_size, sum_size)
    right = right.permute(rperm).reshape(lro_size, sum_size, ro_size)
    result = left.bmm(right).view(out_size).permute(operm)
    if not keepdim:
        sizes = [s for i, s in enumerate(result._data.shape) if i not in summed]
        result = result.view(sizes)
    return result


def einsum(*args):
    """``torch.einsum(equation, *operands)``, computed the way ATen computes it.

    Supports ``...``, repeated labels (diagonals), broadcasting of size-1 dims and
    operands given as one list. The sublist form (``einsum(a, [0, 1], b, [1, 2])``)
    and ``torch.backends.opt_einsum`` contraction paths are not supported.
    """
    if len(args) < 2:
        raise ValueError(
            "einsum(): must specify the equation string and at least one operand, "
            "or at least one operand and its subscripts list"
        )
    equation, operands = args[0], args[1:]
    if not isinstance(equation, str):
        raise NotImplementedError(
            "einsum(): the sublist format is not supported by autograd_widgets"
        )
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    op_labels, perm_of, ell_index, ell_num_dim, out_num_dim, perm_size = _layout(equation, operands)
    ops, dim_counts = _align(operands, op_labels, perm_of, ell_index, ell_num_dim, perm_size)
    # Contract left to right; a dim is summed as soon as only one operand has it.
    while len(ops) > 1:
        a, b = ops.popleft(), ops.popleft()
        sum_dims, a_dims, b_dims = [], [], []
        for dim in range(out_num_dim, perm_size):
            sa, sb = a._data.shape[dim] != 1, b._data.shape[dim] != 1
            if sa and sb:
                if a._data.shape[dim] != b._data.shape[dim]:
                    raise RuntimeError("non-broadcast dimensions must match")
                dim_counts[dim] -= 1
                if dim_counts[dim] == 1:
                    sum_dims.append(dim)
                    dim_counts[dim] = 0
            elif dim_counts[dim] == 1:
                if sa:
                    a_dims.append(dim)
                    dim_counts[dim] = 0
                elif sb:
                    b_dims.append(dim)
                    dim_counts[dim] = 0
        if a_dims:
            a = a.sum(a_dims, True)
        if b_dims:
            b = b.sum(b_dims, True)
        ops.appendleft(_sumproduct_pair(a, b, sum_dims, True))
    result = ops[0]
    if perm_size > out_num_dim:
        if len(operands) > 1:  # the contracted dims are all 1 by now: drop them with a view
            return result.view(result._data.shape[:out_num_dim])
        return result.sum(list(range(out_num_dim, perm_size)))
    return result


# --- _trilinear (F.bilinear) -------------------------------------------------------------------
def _trilinear_backward(n, grad):
    a = n._attrs
    e1, e2, e3, sumdim = a["expand1"], a["expand2"], a["expand3"], a["sumdim"]
    i1, i2, i3 = n.saved("i1"), n.saved("i2"), n.saved("i3")
    nf = n.next_functions
    return (
        _trilinear(grad, i2, i3, sumdim, e2, e3, e1) if nf[0][0] is not None else None,
        _trilinear(i1, grad, i3, e1, sumdim, e3, e2) if nf[1][0] is not None else None,
        _trilinear(i1, i2, grad, e1, e2, sumdim, e3) if nf[2][0] is not None else None,
    )


TrilinearBackward0 = node_class(
    "TrilinearBackward0",
    _trilinear_backward,
    saved=("i1", "i2", "i3"),
    attrs=("expand1", "expand2", "expand3", "sumdim"),
)


def _trilinear(i1, i2, i3, expand1, expand2, expand3, sumdim, unroll_dim=1):
    """``torch._trilinear``: ``(i1.unsqueeze(expand1) * i2... * i3...).sum(sumdim)``.

    One node (``TrilinearBackward0``) whose gradients are ``_trilinear`` again, as in ATen.
    """
    total = i1._data.ndim + len(expand1)
    arrays = []
    for t, expand in ((i1, expand1), (i2, expand2), (i3, expand3)):
        d = t._data
        shape = list(d.shape)
        for k in sorted(expand):
            shape.insert(k, 1)
        arrays.append(d.reshape(shape))
    full = np.broadcast_shapes(*(x.shape for x in arrays))
    letters = "".join(chr(ord("a") + k) for k in range(total))
    spec = (
        ",".join([letters] * 3)
        + "->"
        + "".join(c for k, c in enumerate(letters) if k not in sumdim)
    )
    res = np.einsum(spec, *(np.broadcast_to(x, full) for x in arrays), optimize=True)
    out = Tensor._make(np.asarray(res, dtype=i1._data.dtype))
    if needs_grad(i1, i2, i3):
        record(
            TrilinearBackward0,
            out,
            (i1, i2, i3),
            {"i1": i1, "i2": i2, "i3": i3},
            {
                "expand1": tuple(expand1),
                "expand2": tuple(expand2),
                "expand3": tuple(expand3),
                "sumdim": tuple(sumdim),
            },
        )
    return out
