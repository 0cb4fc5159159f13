"""``affine_grid`` and ``grid_sample``: the two halves of a spatial transformer.

``affine_grid`` multiplies a base grid of normalised pixel centres by each ``theta``
(``AffineGridGeneratorBackward0``; its backward is a ``bmm`` with the same base grid, written
with Tensor ops so ``create_graph=True`` works). ``grid_sample`` reads the input at the
grid's points with bilinear, nearest or bicubic weights (``GridSampler2DBackward0`` /
``GridSampler3DBackward0``, numpy-only backward as in PyTorch, which has no double
backward for it). The coordinate arithmetic is in :mod:`._grid_math`.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ...autograd.node import node_class
from ...core._creation import linspace
from ...core._dtype import not_implemented_for, scalar_type_name
from ...ops import _mkl
from ...ops._core import Tensor, needs_grad, record
from . import _grid_math as gm
from ._common import no_double_backward as _no_double_backward

_make = Tensor._make

_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
_PADDINGS = {"zeros": 0, "border": 1, "reflection": 2}
_DEFAULT_WARNING = (
    "Default grid_sample and affine_grid behavior has changed to align_corners=False since "
    "1.3.0. Please specify align_corners=True if the old behavior is desired. See the "
    "documentation of grid_sample for details."
)


# --- affine_grid ------------------------------------------------------------------------------
def _linspace(n, align_corners, dtype):
    """ATen's ``linspace_from_neg_one``: ``linspace(-1, 1, n)``, shrunk by ``(n-1)/n``."""
    dt = dtype.type
    if n <= 1:
        return np.zeros(1, dtype=dtype)
    r = linspace(-1, 1, n, dtype=dtype)._data
    if not align_corners:
        r = r * dt(n - 1) / dt(n)
    return r


def _base_grid(size, align_corners, dtype):
    """(N, *spatial, k + 1): the normalised x, y[, z] of every output pixel, then a 1."""
    spatial = tuple(size[2:])
    base = np.empty(spatial + (len(spatial) + 1,), dtype=dtype)
    for k, n in enumerate(reversed(spatial)):  # x runs along the last dim
        shape = [1] * len(spatial)
        shape[len(spatial) - 1 - k] = n
        base[..., k] = _linspace(n, align_corners, dtype).reshape(shape)
    base[..., -1] = 1
    return base.reshape(-1, len(spatial) + 1)


def _affine_grid_backward(node, grad):
    size = node._attrs["size"]
    N, k = size[0], len(size) - 2
    base = _make(np.broadcast_to(node.base, (N,) + node.base.shape).astype(grad._data.dtype))
    # grad_theta = (base^T @ grad)^T, as ATen's affine_grid_generator_backward.
    return base.transpose(1, 2).bmm(grad.reshape(N, -1, k)).transpose(1, 2)


AffineGridGeneratorBackward0 = node_class(
    "AffineGridGeneratorBackward0",
    _affine_grid_backward,
    attrs=("align_corners", "size"),
    fields=("base",),
)


def affine_grid(theta, size, align_corners=None):
    """``torch.nn.functional.affine_grid``: the sampling grid of a batch of affine maps.

    ``theta`` is (N, 2, 3) for a 4-D ``size`` (N, C, H, W), giving (N, H, W, 2), or
    (N, 3, 4) for a 5-D ``size``, giving (N, D, H, W, 3).
    """
    if align_corners is None:
        warnings.warn(_DEFAULT_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if len(size) in (4, 5):
        k = len(size) - 2
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (k, k + 1):
            shape = "Nx2x3" if k == 2 else "Nx3x4"
            raise ValueError(
                f"Expected a batch of {k}D affine matrices of shape {shape} for size {size}. "
                f"Got {theta.shape}."
            )
    else:
        raise NotImplementedError(
            "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
            f"respectively. Got size {size}."
        )
    if align_corners and min(size[2:]) == 1:
        warnings.warn(
            "Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
            "align_corners=True. This is not an intended use case of affine_grid. See the "
            "documentation of affine_grid for details.",
            stacklevel=2,
        )
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    N = int(size[0])
    if theta.shape[0] != N:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{N}, {k + 1}] "
            f"but got: [{theta.shape[0]}, {k + 1}]."
        )
    th = theta._data
    base = _base_grid(size, bool(align_corners), th.dtype)
    # One product at a time, as ATen's bmm adds them: its own loop for small products
    # (unfused), MKL for the rest (fused on some CPUs, see _mkl).
    fused = (k + 1) * base.shape[0] * k >= 400 and _mkl.fuses()
    res = np.zeros((N, base.shape[0], k), dtype=th.dtype)
    for j in range(k + 1):
        res = _mkl.subtract_product(res, -base[None, :, j, None], th[:, None, :, j], fused)
    out = _make(res.reshape((N, *size[2:], k)))
    if needs_grad(theta):
        record(
            AffineGridGeneratorBackward0,
            out,
            (theta,),
            attrs={"align_corners": bool(align_corners), "size": tuple(int(s) for s in size)},
            fields={"base": base},
        )
    return out


# --- grid_sample: forward ---------------------------------------------------------------------
def _bilinear_2d(x, y, H, W):
    """Taps (flat index, in-bounds mask, weight) of the four neighbours, and the distances."""
    dt = x.dtype.type
    x_w, y_n = np.floor(x), np.floor(y)
    w = x - x_w
    e = dt(1) - w
    n = y - y_n
    s = dt(1) - n
    ix, iy = gm.to_index(x_w, W), gm.to_index(y_n, H)
    taps = []
    for (dy, dx), weight in zip(((0, 0), (0, 1), (1, 0), (1, 1)), (s * e, s * w, n * e, n * w)):
        flat, mask = gm.corner((iy + dy, ix + dx), (H, W))
        taps.append((flat, mask, weight))
    return taps, (n, s, w, e)


def _trilinear_3d(x, y, z, D, H, W):
    """The eight taps of the scalar 3-D kernel (tnw, tne, tsw, tse, bnw, bne, bsw, bse)."""
    dt = x.dtype.type
    x0, y0, z0 = np.floor(x), np.floor(y), np.floor(z)
    x1, y1, z1 = x0 + dt(1), y0 + dt(1), z0 + dt(1)
    ix, iy, iz = gm.to_index(x0, W), gm.to_index(y0, H), gm.to_index(z0, D)
    # per axis: (distance to the far side, distance to the near side) = weight of (near, far)
    dx, dy, dz = (x1 - x, x - x0), (y1 - y, y - y0), (z1 - z, z - z0)
    taps = []
    for kz in (0, 1):
        for ky in (0, 1):
            for kx in (0, 1):
                flat, mask = gm.corner((iz + kz, iy + ky, ix + kx), (D, H, W))
                taps.append((flat, mask, (kx, ky, kz), dx[kx] * dy[ky] * dz[kz]))
    return taps, (dx, dy, dz)


class _Plan:
    """Where and with what weights each output point reads the input (shared by both passes)."""

    def __init__(self, input_shape, grid, mode, padding_mode, align_corners):
        self.mode, self.sizes = mode, tuple(input_shape[2:])
        N = grid.shape[0]
        g = grid.reshape(N, math.prod(grid.shape[1:-1]), grid.shape[-1])
        coords = [g[:, :, k] for k in range(grid.shape[-1])]  # x, y[, z]
        sizes = self.sizes[::-1]  # W, H[, D]
        if mode == "bicubic":
            self.unnorm = [gm.unnormalize_vec(c, n, align_corners) for c, n in zip(coords, sizes)]
            self.padding, self.align = padding_mode, align_corners
            return
        source = gm.source_vec if len(sizes) == 2 else gm.source_scalar
        pts = [source(c, n, padding_mode, align_corners) for c, n in zip(coords, sizes)]
        self.mults = [m for _, m in pts]
        xyz = [p for p, _ in pts]
        if mode == "nearest":
            idx = [gm.to_index(np.rint(c), n) for c, n in zip(xyz, sizes)]
            flat, mask = gm.corner(idx[::-1], self.sizes)
            self.taps = [(flat, mask, None)]
        elif len(sizes) == 2:
            self.taps, self.dist = _bilinear_2d(xyz[0], xyz[1], *self.sizes)
        else:
            taps, self.dist = _trilinear_3d(xyz[0], xyz[1], xyz[2], *self.sizes)
            self.corner_ids = [t[2] for t in taps]
            self.taps = [(f, m, w) for f, m, _, w in taps]

    def cubic_taps(self):
        """For bicubic: (i, j, flat, mask) of the 16 neighbours, and the x and y weights."""
        (x, _), (y, _) = self.unnorm
        H, W = self.sizes
        dt = x.dtype.type
        ix, iy = np.floor(x), np.floor(y)
        cx, cy = gm.cubic_coefficients(x - ix), gm.cubic_coefficients(y - iy)
        taps = {}
        for i in range(4):
            xx = gm.pad_vec(ix + dt(i - 1), W, self.padding, self.align)[0]
            for j in range(4):
                yy = gm.pad_vec(iy + dt(j - 1), H, self.padding, self.align)[0]
                taps[i, j] = gm.corner((gm.to_index(yy, H), gm.to_index(xx, W)), (H, W))
        return taps, cx, cy, (x - ix, y - iy)


def _forward(inp, plan):
    N, C = inp.shape[:2]
    src = inp.reshape(N, C, math.prod(inp.shape[2:]))
    if plan.mode == "bicubic":
        taps, cx, cy, _ = plan.cubic_taps()
        cx = [c[:, None] for c in cx]
        rows = [
            gm.cubic_sum_x(cx, [gm.gather(src, *taps[i, j]) for i in range(4)]) for j in range(4)
        ]
        return gm.cubic_sum_y([c[:, None] for c in cy], rows)
    out = None
    fused = len(plan.sizes) == 2  # the 2-D kernel's sum is FMA-contracted, the 3-D one's is not
    for flat, mask, weight in plan.taps:
        v = gm.gather(src, flat, mask)
        if weight is None:
            out = v
        elif out is None:
            out = v * weight[:, None]
        else:
            out = gm.fma(v, weight[:, None], out) if fused else out + v * weight[:, None]
    return out


# --- grid_sample: backward --------------------------------------------------------------------
def _seq_sum(terms):
    """Sum (N, C, P) arrays over C and the list, channel by channel, as ATen's loop does."""
    stacked = np.stack(terms, axis=2)  # (N, C, T, P)
    N, C, T, P = stacked.shape
    return stacked.reshape(N, C * T, P).sum(axis=1)


def _fused_channel_sum(terms, gout):
    """``acc = fma(terms[:, c], gout[:, c], acc)`` over the channels, as the 2-D kernel does."""
    acc = np.zeros_like(gout[:, 0])
    for c in range(terms.shape[1]):
        acc = gm.fma(terms[:, c], gout[:, c], acc)
    return acc


def _grid_grad_linear(src, gout, plan):
    """d(loss)/d(grid) for bilinear (2-D, ATen's vectorised formula) or trilinear (3-D)."""
    vals = [gm.gather(src, f, m) for f, m, _ in plan.taps]
    if len(plan.sizes) == 2:
        n, s, w, e = (d[:, None] for d in plan.dist)
        nw, ne, sw, se = vals
        # gx += ((ne - nw) s + (se - sw) n) gOut, channel after channel, with ATen's fused ops
        tx = gm.fma(se - sw, n, (ne - nw) * s)
        ty = gm.fma(se - ne, w, (sw - nw) * e)
        return [_fused_channel_sum(tx, gout), _fused_channel_sum(ty, gout)]
    dist = [(a[:, None], b[:, None]) for a, b in plan.dist]
    out = []
    for axis in range(3):  # gix, giy, giz
        terms = []
        for v, ks in zip(vals, plan.corner_ids):
            others = [dist[a][ks[a]] for a in range(3) if a != axis]
            t = v * others[0] * others[1] * gout
            terms.append(t if ks[axis] else -t)
        out.append(_seq_sum(terms))
    return out


def _grid_grad_cubic(src, gout, plan, taps, cx, cy, frac):
    """``gx -= val * gOut * cx'[i] * cy[j]`` (and the same for y) over channels and taps,
    each step one fused multiply-subtract, in ATen's loop order (channel, i, j)."""
    cxg, cyg = gm.cubic_coefficients_grad(frac[0]), gm.cubic_coefficients_grad(frac[1])
    vg = {ij: gm.gather(src, *taps[ij]) * gout for ij in taps}
    gx = np.zeros_like(gout[:, 0])
    gy = np.zeros_like(gx)
    for c in range(gout.shape[1]):
        for i, j in taps:
            v = vg[i, j][:, c]
            gx = gm.fma(-(v * cxg[i]), cy[j], gx)
            gy = gm.fma(-(v * cyg[j]), cx[i], gy)
    (_, sx), (_, sy) = plan.unnorm
    return [gx * sx, gy * sy]


def _grid_sampler_backward(node, grad):
    _no_double_backward(grad, "grid_sampler")
    inp, grid = node.saved("input"), node.saved("grid")
    x = inp._data
    g = grad._data
    N, C = x.shape[:2]
    gout = g.reshape(N, C, math.prod(g.shape[2:]))
    plan = node.plan
    src = x.reshape(N, C, math.prod(x.shape[2:]))
    g_inp = g_grid = None
    want_inp = node.next_functions[0][0] is not None
    want_grid = node.next_functions[1][0] is not None
    if x.size == 0 or gout.size == 0:  # empty: zero gradients
        zi, zg = _make(np.zeros_like(x)), _make(np.zeros_like(grid._data))
        return (zi if want_inp else None), (zg if want_grid else None)
    if plan.mode == "bicubic":
        taps, cx, cy, frac = plan.cubic_taps()
        if want_inp:
            parts = [
                (*taps[i, j], gout * cx[i][:, None] * cy[j][:, None])
                for i in range(4)
                for j in range(4)
            ]
            g_inp = gm.scatter_add(src.shape, x.dtype, parts)
        if want_grid:
            g_grid = _grid_grad_cubic(src, gout, plan, taps, cx, cy, frac)
    else:
        if want_inp:
            parts = [(f, m, gout if w is None else w[:, None] * gout) for f, m, w in plan.taps]
            g_inp = gm.scatter_add(src.shape, x.dtype, parts)
        if want_grid:
            if plan.mode == "nearest":
                g_grid = [np.zeros((N, gout.shape[-1]), dtype=x.dtype)] * len(plan.sizes)
            else:
                raw = _grid_grad_linear(src, gout, plan)
                g_grid = [r * m for r, m in zip(raw, plan.mults)]
    gi = None if g_inp is None else _make(g_inp.reshape(x.shape))
    gg = None
    if g_grid is not None:
        gg = _make(np.stack(g_grid, axis=-1).astype(x.dtype, copy=False).reshape(grid.shape))
    return gi, gg


_GRID_SAVED = dict(
    saved=("input", "grid"),
    attrs=("interpolation_mode", "padding_mode", "align_corners"),
    fields=("plan",),
)
GridSampler2DBackward0 = node_class("GridSampler2DBackward0", _grid_sampler_backward, **_GRID_SAVED)
GridSampler3DBackward0 = node_class("GridSampler3DBackward0", _grid_sampler_backward, **_GRID_SAVED)


def _check_sampler(input, grid, mode):
    """ATen's ``check_grid_sampler_common`` and ``check_grid_sampler_2d/3d``, in its order."""
    x, g = input._data, grid._data
    if x.shape[0] != g.shape[0]:
        raise RuntimeError(
            "grid_sampler(): expected grid and input to have same batch size, but got input "
            f"with sizes {list(x.shape)} and grid with sizes {list(g.shape)}"
        )
    if g.shape[-1] != x.ndim - 2:
        raise RuntimeError(
            f"grid_sampler(): expected grid to have size {x.ndim - 2} in last dimension, but "
            f"got grid with sizes {list(g.shape)}"
        )
    for i in range(2, x.ndim):
        if x.shape[i] <= 0:
            raise RuntimeError(
                "grid_sampler(): expected input to have non-empty spatial dimensions, but input "
                f"has sizes {list(x.shape)} with dimension {i} being empty"
            )
    want = 4 if x.ndim == 4 else 5
    if x.ndim != want or g.ndim != want:
        raise RuntimeError(
            f"grid_sampler(): expected {want}D input and grid with same number of dimensions, "
            f"but got input with sizes {list(x.shape)} and grid with sizes {list(g.shape)}"
        )
    if want == 5 and mode == "bicubic":
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if x.dtype.kind != "f":
        raise not_implemented_for(f"grid_sampler_{want - 2}d_cpu_kernel_impl", x.dtype)
    if g.dtype != x.dtype:
        raise RuntimeError(
            f"expected scalar type {scalar_type_name(x.dtype)} but found "
            f"{scalar_type_name(g.dtype)}"
        )


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """``torch.nn.functional.grid_sample``: read ``input`` at the normalised points of ``grid``.

    4-D input (N, C, H, W) with grid (N, Ho, Wo, 2), or 5-D input with grid (N, Do, Ho, Wo, 3)
    (``bicubic`` is 4-D only, as in PyTorch).
    """
    if mode not in _MODES:
        raise ValueError(
            "nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or "
            f"'bicubic', but got: '{mode}'"
        )
    if padding_mode not in _PADDINGS:
        raise ValueError(
            "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
            f"'reflection', but got: '{padding_mode}'"
        )
    if align_corners is None:
        warnings.warn(_DEFAULT_WARNING, stacklevel=2)
        align_corners = False
    _check_sampler(input, grid, mode)
    x = input._data
    align = bool(align_corners)
    plan = _Plan(x.shape, grid._data, mode, padding_mode, align)
    N, C = x.shape[:2]
    if x.size == 0 or grid._data.size == 0:  # nothing to read or nowhere to write
        res = np.zeros((N, C, math.prod(grid.shape[1:-1])), dtype=x.dtype)
    else:
        res = _forward(x, plan).astype(x.dtype, copy=False)
    out = _make(res.reshape((N, C) + grid.shape[1:-1]))
    if needs_grad(input, grid):
        cls = GridSampler2DBackward0 if x.ndim == 4 else GridSampler3DBackward0
        record(
            cls,
            out,
            (input, grid),
            {"input": input, "grid": grid},
            attrs={
                "interpolation_mode": _MODES[mode],
                "padding_mode": _PADDINGS[padding_mode],
                "align_corners": align,
            },
            fields={"plan": plan},
        )
    return out
