"""numpy kernels behind ``grid_sample``: coordinate mapping, gathers and scatters.

ATen has two CPU code paths and we follow each one's order of operations, so that float32
results round as PyTorch's do: 2-D sampling runs the vectorised kernel
(``GridSamplerKernel.cpp``: ``(x + 1) * (size / 2) - 0.5``, reflection by ``trunc``), 3-D
sampling the scalar one (``GridSampler.h``: ``((x + 1) * size - 1) / 2``, reflection by
``fmod``). Every function works on whole arrays: one gather per corner, one
``bincount`` per scatter, no loop over pixels.
"""

from __future__ import annotations

import numpy as np

CUBIC_A = -0.75  # ATen's cubic convolution coefficient


# --- coordinates, vectorised (2-D) form -------------------------------------------------------
def _clip_vec(x, size):
    """Clamp to ``[0, size - 1]`` (NaN -> 0) and the gradient mask (borders count as outside)."""
    dt = x.dtype.type
    lo = np.where(x > 0, x, dt(0))
    res = np.minimum(lo, dt(size - 1))
    return res, (lo != 0) & (res != dt(size - 1))


def _reflect_vec(x, size, align_corners):
    """Reflect into ``[low, low + span]``; also the gradient's sign (+1 or -1)."""
    dt = x.dtype.type
    if align_corners:
        if size <= 1:
            return np.zeros_like(x), np.zeros_like(x)
        low, twice_span = dt(0), dt(size - 1) * dt(2)
    else:
        low, twice_span = dt(-0.5), dt(size) * dt(2)
    neg = x < low
    a = np.abs(x - low) if not align_corners else np.abs(x)
    extra = a - np.trunc(a / twice_span) * twice_span
    flipped = twice_span - extra
    more = extra > flipped
    res = np.where(more, flipped, extra)
    if not align_corners:
        res = res + low
    return res, np.where(more ^ neg, dt(-1), dt(1))


def unnormalize_vec(g, size, align_corners):
    """Grid value in [-1, 1] -> pixel coordinate, and d(coordinate)/d(grid)."""
    dt = g.dtype.type
    if align_corners:
        scale = dt(size - 1) / dt(2)
        return (g + dt(1)) * scale, scale
    scale = dt(size) / dt(2)
    return (g + dt(1)) * scale - dt(0.5), scale


def pad_vec(x, size, padding_mode, align_corners):
    """Apply ``border`` / ``reflection`` to pixel coordinates; the gradient factor (or None)."""
    if padding_mode == "border":
        res, mask = _clip_vec(x, size)
        return res, mask.astype(x.dtype)
    if padding_mode == "reflection":
        r, sign = _reflect_vec(x, size, align_corners)
        res, mask = _clip_vec(r, size)
        return res, sign * mask
    return x, None


def source_vec(g, size, padding_mode, align_corners):
    """The 2-D kernel's ``ComputeLocation.apply_get_grad``: coordinate and its gradient factor."""
    x, scale = unnormalize_vec(g, size, align_corners)
    x, factor = pad_vec(x, size, padding_mode, align_corners)
    mult = np.full_like(x, scale) if factor is None else factor * scale
    return x, mult


# --- coordinates, scalar (3-D) form -----------------------------------------------------------
def source_scalar(g, size, padding_mode, align_corners):
    """``grid_sampler_compute_source_index_set_grad`` of ``GridSampler.h``, on arrays."""
    dt = g.dtype.type
    one, two = dt(1), dt(2)
    if align_corners:
        mult = np.full_like(g, dt(size - 1) / two)
        x = ((g + one) / two) * dt(size - 1)
    else:
        mult = np.full_like(g, dt(size) / two)
        x = ((g + one) * dt(size) - one) / two
    if padding_mode == "reflection":
        lo2, hi2 = (0, 2 * (size - 1)) if align_corners else (-1, 2 * size - 1)
        if lo2 == hi2:
            x, mult = np.zeros_like(x), np.zeros_like(x)
        else:
            low, span = dt(lo2) / two, dt(hi2 - lo2) / two
            x = x - low
            sign = np.where(x < 0, dt(-1), dt(1))
            x = np.abs(x)
            extra = np.fmod(x, span)
            odd = np.floor(x / span) % 2 == 1
            x = np.where(odd, span - extra + low, extra + low)
            mult = mult * np.where(odd, -sign, sign)
    if padding_mode != "zeros":
        inside = (x > 0) & (x < dt(size - 1))
        x = np.where(x > 0, np.minimum(x, dt(size - 1)), dt(0))
        mult = mult * inside.astype(x.dtype)
    return x, mult


# --- gathers and scatters ---------------------------------------------------------------------
def to_index(x, size):
    """Integer pixel index of an integral-valued float array (far-away and NaN -> -2)."""
    x = np.where(np.isnan(x), -2, x)
    return np.clip(x, -2, size + 1).astype(np.int64)


def corner(idx, sizes):
    """(flat index into the spatial dims, in-bounds mask) for integer indices per axis."""
    mask = np.ones(idx[0].shape, dtype=bool)
    flat = np.zeros(idx[0].shape, dtype=np.int64)
    for i, n in zip(idx, sizes):
        mask &= (i >= 0) & (i < n)
        flat = flat * n + np.clip(i, 0, n - 1)
    return flat, mask


def gather(inp, flat, mask):
    """Values of ``inp`` (N, C, S) at ``flat`` (N, P), zero where ``mask`` is False: (N, C, P)."""
    vals = np.take_along_axis(inp, flat[:, None, :], axis=2)
    return np.where(mask[:, None, :], vals, inp.dtype.type(0))


def scatter_add(shape, dtype, contributions):
    """Sum ``(flat, mask, values)`` contributions into a zero (N, C, S) array."""
    N, C, S = shape
    base = (np.arange(N * C, dtype=np.int64) * S).reshape(N, C, 1)
    idx, weights = [], []
    for flat, mask, values in contributions:
        idx.append((base + flat[:, None, :])[np.broadcast_to(mask[:, None, :], values.shape)])
        weights.append(values[np.broadcast_to(mask[:, None, :], values.shape)])
    if not idx:
        return np.zeros(shape, dtype=dtype)
    total = np.bincount(np.concatenate(idx), np.concatenate(weights), minlength=N * C * S)
    return total.astype(dtype, copy=False).reshape(shape)


def cubic_coefficients(t):
    """The four cubic-convolution weights for fractional offsets ``t`` (ATen's order of ops)."""
    dt = t.dtype.type
    A = dt(CUBIC_A)

    def outer(x):
        return ((A * x - dt(5) * A) * x + dt(8) * A) * x - dt(4) * A

    def inner(x):
        return ((A + dt(2)) * x - (A + dt(3))) * x * x + dt(1)

    return [outer(t + dt(1)), inner(t), inner(dt(1) - t), outer(dt(2) - t)]


def cubic_coefficients_grad(t):
    """d(weight)/dx of :func:`cubic_coefficients`, with ATen's signs and order of ops."""
    dt = t.dtype.type
    A = dt(CUBIC_A)
    x0, x1, x2, x3 = dt(-1) - t, dt(0) - t, dt(1) - t, dt(2) - t
    return [
        (dt(-3) * A * x0 - dt(10) * A) * x0 - dt(8) * A,
        (dt(-3) * (A + dt(2)) * x1 - dt(2) * (A + dt(3))) * x1,
        (dt(3) * (A + dt(2)) * x2 - dt(2) * (A + dt(3))) * x2,
        (dt(3) * A * x3 - dt(10) * A) * x3 + dt(8) * A,
    ]
