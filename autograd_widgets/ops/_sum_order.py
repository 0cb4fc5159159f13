"""Floating-point sums in ATen's order, so ``loss.item()`` prints PyTorch's digits.

PyTorch's CPU ``sum`` (``SumKernel.cpp``, ``cascade_sum``) accumulates in the tensor's
dtype with a fixed order: 256-bit vectors (8 floats / 4 doubles), four vectors in flight
(``row_sum``'s ILP), and a four-level cascade (``multi_row_sum``) that adds partial sums
every ``2**level_power`` rows. numpy's pairwise summation gives different last bits, which
``print(t, loss.item())`` in "Learning PyTorch with Examples" shows. This module repeats
ATen's order for contiguous full reductions, for reductions over a block of adjacent axes
(leading, trailing or in the middle: an outer sum per leading index) and over leading plus
trailing axes around a kept block (inner sums, then the leading index in order), each
checked bit for bit against torch; anything else (and integer sums) goes to numpy. Tensors of 32768+
elements are split across threads by PyTorch (thread-count dependent); the single-thread
order is used here.
"""

from __future__ import annotations

import math

import numpy as np

_VEC_BYTES = 32  # AVX2 vectors: ATen's reduction kernels run at this width


def _ceil_log2(x: int) -> int:
    return 1 if x <= 2 else int(x - 1).bit_length()


def _multi_row_sum(rows: np.ndarray) -> np.ndarray:
    """ATen's ``multi_row_sum``: a 4-level cascade over axis 0 of ``rows``."""
    size = rows.shape[0]
    levels = 4
    power = max(4, _ceil_log2(size) // levels)
    step = 1 << power
    if size < step:  # one partial block: sequential adds, then the (zero) upper levels
        acc0 = np.add.reduce(rows, axis=0)
        acc0 += 0  # ATen adds the empty levels too (-0.0 becomes +0.0)
        return acc0
    if rows.ndim < 2 or rows[0].size < 2:
        # One column: numpy would reduce the reshaped blocks pairwise (an inner axis).
        return _multi_row_sum_loop(rows, levels, power, step)
    # Vectorised, same order as the loop below (checked bit for bit, signed zeros included):
    # level 0 sums each block of `step` rows in order (numpy reduces a non-inner axis with
    # sequential adds); level j sums groups of `step` level j-1 sums; the top level sums
    # all of its inputs. Partial groups stay at their level. `+ 0` mirrors ATen's
    # accumulators starting at zero (-0.0 becomes +0.0).
    tail = rows.shape[1:]
    nb = size // step
    cur = np.add.reduce(rows[: nb * step].reshape((nb, step) + tail), axis=1)
    if nb < step:
        # Fewer than `step` blocks (size < 256 rows at the least power): only level 1 gets a
        # partial sum; the empty upper levels only add +0 (same values as the loop below).
        acc0 = np.add.reduce(cur, axis=0)
        acc0 += 0
        if nb * step < size:
            acc0 = np.add.reduce(rows[nb * step :], axis=0) + acc0
            acc0 += 0
        return acc0
    zero = np.zeros(tail, dtype=rows.dtype)
    partials = []
    for _ in range(1, levels - 1):
        n = cur.shape[0] // step
        rest = cur[n * step :]
        partials.append(np.add.reduce(rest, axis=0) + 0 if rest.shape[0] else zero)
        cur = np.add.reduce(cur[: n * step].reshape((n, step) + tail), axis=1) + 0
    partials.append(np.add.reduce(cur, axis=0) + 0 if cur.shape[0] else zero)
    acc0 = np.add.reduce(rows[nb * step :], axis=0) if nb * step < size else zero.copy()
    for p in partials:
        acc0 += p
    return acc0


def _multi_row_sum_loop(rows: np.ndarray, levels: int, power: int, step: int) -> np.ndarray:
    """The cascade as ATen writes it, one block at a time (reference; 1-D rows)."""
    size = rows.shape[0]
    mask = step - 1
    acc = np.zeros((levels,) + rows.shape[1:], dtype=rows.dtype)
    i = 0
    while i + step <= size:
        # Within a block the adds are sequential; numpy reduces a non-inner axis in order.
        acc[0] = np.add.reduce(rows[i : i + step], axis=0)
        i += step
        for j in range(1, levels):
            acc[j] += acc[j - 1]
            acc[j - 1] = 0
            if i & (mask << (j * power)):
                break
    if i < size:
        acc[0] = np.add.reduce(rows[i:], axis=0)
    for j in range(1, levels):
        acc[0] += acc[j]
    return acc[0]


def _row_sum(rows: np.ndarray) -> np.ndarray:
    """ATen's ``row_sum``: four interleaved accumulators over axis 0, then combined."""
    n = rows.shape[0]
    ilp = n // 4
    if not ilp:
        p0 = rows[0].copy()
        for m in range(1, n):
            p0 += rows[m]
        return p0
    ps = _multi_row_sum(rows[: ilp * 4].reshape((ilp, 4) + rows.shape[1:]))
    p0 = ps[0]
    for m in range(ilp * 4, n):
        p0 += rows[m]
    p0 += ps[1]
    p0 += ps[2]
    p0 += ps[3]
    return p0


def _inner_sum(x: np.ndarray) -> np.ndarray:
    """Sum each row of a C-contiguous 2-D ``x`` over its last axis, in ATen's order."""
    rows, n = x.shape
    lanes = _VEC_BYTES // x.itemsize
    if n < lanes:  # scalar_inner_sum: row_sum over scalars
        return _row_sum(np.ascontiguousarray(x.T))
    nvec = n // lanes
    vecs = x[:, : nvec * lanes].reshape(rows, nvec, lanes).transpose(1, 0, 2)
    acc = _row_sum(vecs)  # (rows, lanes)
    out = np.zeros(rows, dtype=x.dtype)
    for k in range(nvec * lanes, n):
        out += x[:, k]
    for k in range(lanes):
        out += acc[:, k]
    return out


def _outer_sum(x: np.ndarray) -> np.ndarray:
    """Sum ``x`` over axis 0, in ATen's order for contiguous columns: ``x`` is (rows, cols)
    C-contiguous, or (rows, batch, cols) with each ``x[:, b]`` such a block (a reduction
    over middle axes: one outer sum per leading index)."""
    cols = x.shape[-1]
    lanes = _VEC_BYTES // x.itemsize
    out = np.empty(x.shape[1:], dtype=x.dtype)
    if cols < lanes:  # scalar_outer_sum: columns four at a time, then one by one
        j4 = (cols // 4) * 4
        if j4:
            out[..., :j4] = _multi_row_sum(x[..., :j4])
        if j4 < cols:
            out[..., j4:] = _row_sum(x[..., j4:])
        return out
    j = 0
    block = 4 * lanes
    if cols >= block:
        jb = (cols // block) * block
        out[..., :jb] = _multi_row_sum(x[..., :jb])
        j = jb
    if cols - j >= lanes:
        jv = j + ((cols - j) // lanes) * lanes
        out[..., j:jv] = _row_sum(x[..., j:jv])
        j = jv
    if j < cols:
        out[..., j:] = _row_sum(x[..., j:])
    return out


def _sum_1d(x: np.ndarray):
    """Fast path: a contiguous 1-D full sum (losses, ``sum_to`` of a scalar's gradient)."""
    n = x.shape[0]
    lanes = _VEC_BYTES // x.itemsize
    if n < lanes:  # scalar row_sum: ((x0 + x4 + ...) + x1) + x2) + x3, in the dtype
        f = x.dtype.type
        v = x.tolist()
        if n < 4:
            total = f(v[0])
            for e in v[1:]:
                total = f(total + f(e))
            return total
        p0 = f(v[0])
        for e in v[4:]:
            p0 = f(p0 + f(e))
        for e in v[1:4]:
            p0 = f(p0 + f(e))
        return p0
    nvec = n // lanes
    acc = _row_sum(x[: nvec * lanes].reshape(nvec, lanes))
    total = x.dtype.type(0)
    for v in x[nvec * lanes :].tolist() + acc.tolist():
        total = total + x.dtype.type(v)
    return total


def torch_sum(d: np.ndarray, axes: tuple, keepdims: bool):
    """``d.sum(axis=axes)`` in PyTorch's order, or None when the layout is not handled.

    PyTorch's accumulators start at ``0.``, so a sum of ``-0.`` values is ``+0.`` (numpy
    keeps ``-0.``): adding a zero makes that so.
    """
    r = _torch_sum(d, axes, keepdims)
    return r if r is None else np.add(r, d.dtype.type(0))


def _torch_sum(d: np.ndarray, axes: tuple, keepdims: bool):
    if d.dtype.kind != "f" or d.size == 0 or not d.flags.c_contiguous or d.dtype.itemsize < 4:
        return None
    nd = d.ndim
    if nd == 1 and not keepdims:
        return np.asarray(_sum_1d(d))
    axes = tuple(sorted(a % nd for a in axes)) if nd else ()
    if not axes or len(axes) == nd:
        full = True
    else:
        # Size-1 dims do not change the order (TensorIterator drops them): reduce without them.
        keep_ax = [i for i in range(nd) if d.shape[i] != 1]
        squeezed = d.reshape([d.shape[i] for i in keep_ax])
        red = tuple(keep_ax.index(a) for a in axes if d.shape[a] != 1)
        full = len(red) == squeezed.ndim
    shape = d.shape
    red_axes = axes if axes else tuple(range(nd))
    out_shape = tuple(s for i, s in enumerate(shape) if i not in red_axes)
    if full:
        res = _inner_sum(d.reshape(1, -1))[0] if nd else d.copy()
        res = np.asarray(res, dtype=d.dtype).reshape(out_shape)
        if keepdims:
            res = res.reshape(tuple(1 if i in red_axes else s for i, s in enumerate(shape)))
        return res
    sq, k, snd = squeezed.shape, len(red), squeezed.ndim
    if not red:
        res = d.reshape(out_shape).copy()
    elif red == tuple(range(snd - k, snd)):  # trailing axes: one inner sum per row
        res = _inner_sum(squeezed.reshape(math.prod(sq[: snd - k]), -1))
    elif red == tuple(range(k)):  # leading axes: an outer sum over contiguous columns
        res = _outer_sum(squeezed.reshape(-1, math.prod(sq[k:])))
    elif red == tuple(range(red[0], red[0] + k)):  # middle axes: an outer sum per leading index
        lead, rows = math.prod(sq[: red[0]]), math.prod(sq[red[0] : red[0] + k])
        blocks = squeezed.reshape(lead, rows, -1)
        res = _outer_sum(blocks.transpose(1, 0, 2))
    else:
        kept = [a for a in range(snd) if a not in red]
        first, last = kept[0], kept[-1]
        if kept != list(range(first, last + 1)) or red != (
            tuple(range(first)) + tuple(range(last + 1, snd))
        ):
            return None
        # Leading and trailing axes around a kept block (a conv bias's gradient: (N, C, H, W)
        # over 0, 2, 3): each row's inner sum, then the leading index's sums added in order.
        lead, mid = math.prod(sq[:first]), math.prod(sq[first : last + 1])
        parts = _inner_sum(squeezed.reshape(lead * mid, -1)).reshape(lead, mid)
        res = np.add.reduce(parts, axis=0)
    res = res.reshape(out_shape)
    if keepdims:
        res = res.reshape(tuple(1 if i in axes else s for i, s in enumerate(shape)))
    return res
