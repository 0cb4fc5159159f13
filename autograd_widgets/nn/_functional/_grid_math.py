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

from ...core._random import fma as _fma64

CUBIC_A = -0.75  # ATen's cubic convolution coefficient


def fma(a, b, c):
    """``a * b + c`` rounded once, as the 2-D kernel's compiled (FMA-contracted) code does.

    float32 goes through float64, where the product is exact; float64 takes Dekker's
    exact product (``core._random.fma``).
    """
    dt = np.result_type(a, b, c)
    if dt == np.float64:
        return _fma64(a, b, c)
    f64 = np.float64
    return (np.asarray(a, f64) * np.asarray(b, f64) + np.asarray(c, f64)).astype(dt)


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
    extra = fma(-np.trunc(a / twice_span), twice_span, a)
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
    return fma(g + dt(1), scale, dt(-0.5)), scale


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
    """Sum ``(flat, mask, values)`` taps into a zero (N, C, S) array, in the input's dtype.

    The additions run point by point, each point's taps in order: ATen's scalar (3-D)
    kernel's order exactly; the 2-D kernel groups points by SIMD width first, so a float32
    sum there can differ from PyTorch's in the last bit.
    """
    N, C, S = shape
    flat = np.stack([f for f, _, _ in contributions], axis=-1)[:, None]  # (N, 1, P, T)
    mask = np.stack([m for _, m, _ in contributions], axis=-1)[:, None]
    values = np.stack([v for _, _, v in contributions], axis=-1)  # (N, C, P, T)
    idx = np.arange(N * C, dtype=np.int64).reshape(N, C, 1, 1) * S + flat
    keep = np.broadcast_to(mask, values.shape)
    out = np.zeros(N * C * S, dtype=dtype)
    np.add.at(out, idx[keep], values[keep].astype(dtype, copy=False))
    return out.reshape(shape)


def cubic_coefficients(t):
    """The four cubic-convolution weights for fractional offsets ``t``, in ATen's order.

    NOTE: the compiled kernel fuses ``p * q + r`` when ``r`` is not itself a product, so
    only the ``+ 1`` of the inner polynomial is one rounding (the others add exact
    constants like ``8 * A``, which compile to a fused product of constants).
    """
    dt = t.dtype.type
    A = dt(CUBIC_A)

    def outer(x):  # ((A x - 5A) x + 8A) x - 4A, for 1 < |x| < 2
        return ((A * x - dt(5) * A) * x + dt(8) * A) * x - dt(4) * A

    def inner(x):  # ((A + 2) x - (A + 3)) x x + 1, for |x| <= 1
        return fma(((A + dt(2)) * x - (A + dt(3))) * x, x, dt(1))

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


def cubic_sum_x(weights, values):
    """One row of the bicubic forward: ``w0 v0 + w1 v1 + w2 v2 + w3 v3``.

    NOTE: measured against PyTorch 2.13's x86 build (GCC, FMA contraction): the first
    product is fused into the first addition, the last two additions are not fused.
    """
    out = fma(weights[0], values[0], weights[1] * values[1])
    return out + weights[2] * values[2] + weights[3] * values[3]


def cubic_sum_y(weights, values):
    """The bicubic column sum: every addition fused with the product that follows it."""
    out = weights[0] * values[0]
    for w, v in zip(weights[1:], values[1:]):
        out = fma(w, v, out)
    return out
