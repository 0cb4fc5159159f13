"""Upsampling kernels: ``upsample_nearest{1,2,3}d``, ``_upsample_nearest_exact{1,2,3}d``,
``upsample_linear1d``, ``upsample_bilinear2d``, ``upsample_trilinear3d``, ``upsample_bicubic2d``.

Each call records the one node PyTorch records (``UpsampleBilinear2DBackward0``...). The
source indices and weights are computed per spatial dim as ATen's CPU kernels compute them
(``area_pixel_compute_scale`` / ``area_pixel_compute_source_index`` /
``guard_index_and_lambda``, in the input's float type), and the blend is separable, last dim
first, ``t0 * w0 + t1 * w1`` at each level, which is the nesting ATen's kernel evaluates.

Both directions are linear maps, so the backward is the transposed map (a scatter-add with
``np.add.at``) and records PyTorch's ``...BackwardBackward0`` node, whose own backward is the
forward map again: ``create_graph=True`` works to any order.
"""

from __future__ import annotations

import math

import numpy as np

from ...autograd.node import node_class
from ...core._dtype import not_implemented_for
from ...ops._core import Tensor, needs_grad, record

_make = Tensor._make

_DIMS = {1: ("",), 2: ("h", "w"), 3: ("d", "h", "w")}


def _fma(a, b, c):
    """``a * b + c`` rounded once, as the fused multiply-add ATen's compiled kernels use.

    float32 goes through float64 (the product is exact there); float64 adds the product's
    rounding error back (Dekker's split), which is faithful: it can differ from a true fused
    multiply-add in the last bit only when the sum lands on a rounding tie.
    """
    dt = np.result_type(a, b, c)
    if dt != np.float64:  # float32 (exact but for double rounding); float16 approximately
        wide = np.asarray(a, np.float64) * np.asarray(b, np.float64) + np.asarray(c, np.float64)
        return wide.astype(dt)
    a, b, c = np.asarray(a, dt), np.asarray(b, dt), np.asarray(c, dt)
    p = a * b
    split = dt.type(134217729.0)  # 2**27 + 1
    ca, cb = split * a, split * b
    ah, bh = ca - (ca - a), cb - (cb - b)
    al, bl = a - ah, b - bh
    err = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s = p + c
    bv = s - p
    tail = (p - (s - bv)) + (c - bv)
    return s + (tail + err)


def _scale_value(scale, n_in, n_out, ft):
    """ATen's ``compute_scales_value``: ``1 / scale`` if given, else ``in / out`` (in ``ft``)."""
    if scale is not None and scale > 0:
        return ft(1.0 / scale)
    return ft(n_in) / ft(n_out)


def _linear_taps(n_in, n_out, scale, align_corners, ft):
    """Indices ``(i0, i1)`` and weights ``(l0, l1)`` for one dim, as ATen's linear helper."""
    dst = np.arange(n_out, dtype=ft)
    if n_in == n_out:
        i0 = np.arange(n_out, dtype=np.int64)
        return i0, np.zeros(n_out, np.int64), np.ones(n_out, ft), np.zeros(n_out, ft)
    if align_corners:
        ratio = ft(n_in - 1) / ft(n_out - 1) if n_out > 1 else ft(0)
        src = ratio * dst
    else:
        ratio = _scale_value(scale, n_in, n_out, ft)
        # NOTE: ATen's compiled kernel fuses this multiply-add (and the blend below).
        src = _fma(ratio, dst + ft(0.5), ft(-0.5))
        src = np.where(src < 0, ft(0), src).astype(ft)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    l1 = np.minimum(np.maximum(src - i0.astype(ft), ft(0)), ft(1)).astype(ft)
    i1 = i0 + (i0 < n_in - 1)
    l0 = (ft(1) - l1).astype(ft)
    return i0, i1, l0, l1


def _cubic_taps(n_in, n_out, scale, align_corners, ft):
    """Four clamped indices and Keys' cubic weights (``A = -0.75``) for one dim, as ATen."""
    dst = np.arange(n_out, dtype=ft)
    if align_corners:
        ratio = ft(n_in - 1) / ft(n_out - 1) if n_out > 1 else ft(0)
        src = (ratio * dst).astype(ft)
    else:  # no clamp at 0 for the cubic kernel
        src = _fma(_scale_value(scale, n_in, n_out, ft), dst + ft(0.5), ft(-0.5))
    base = np.floor(src)
    t = (src - base).astype(ft)
    A = ft(-0.75)

    def near(x):  # |x| <= 1
        return ((A + ft(2)) * x - (A + ft(3))) * x * x + ft(1)

    def far(x):  # 1 < |x| < 2
        return ((A * x - ft(5) * A) * x + ft(8) * A) * x - ft(4) * A

    weights = (far(t + ft(1)), near(t), near(ft(1) - t), far((ft(1) - t) + ft(1)))
    base = base.astype(np.int64)
    return [(np.clip(base - 1 + j, 0, n_in - 1), w.astype(ft)) for j, w in enumerate(weights)]


def _nearest_taps(n_in, n_out, scale, exact):
    """Source index for one dim (ATen computes it in float even for double input)."""
    f = np.float32
    sc = _scale_value(scale, n_in, n_out, f)
    dst = np.arange(n_out, dtype=np.float64)
    if exact:
        src = np.floor(((dst + 0.5) * np.float64(sc)).astype(f))
    else:
        src = np.floor(dst.astype(f) * sc)
    return np.minimum(src.astype(np.int64), n_in - 1)


def _taps(spec, in_sizes):
    """Per spatial dim: a list of ``(index array, weight array or None)`` terms."""
    mode, out_sizes, scales, align_corners, ft = spec
    taps = []
    for n_in, n_out, s in zip(in_sizes, out_sizes, scales):
        if mode in ("nearest", "nearest-exact"):
            taps.append([(_nearest_taps(n_in, n_out, s, mode == "nearest-exact"), None)])
        elif mode == "bicubic":
            taps.append(_cubic_taps(n_in, n_out, s, align_corners, ft))
        else:
            i0, i1, l0, l1 = _linear_taps(n_in, n_out, s, align_corners, ft)
            taps.append([(i0, l0), (i1, l1)])
    return taps


def _apply(d, spec):
    """The forward map on a numpy array ``d`` of shape ``(N, C, *in_sizes)``."""
    taps = _taps(spec, d.shape[2:])
    out = d
    for k in reversed(range(len(taps))):  # last dim first: the innermost level of ATen's nest
        axis = 2 + k
        terms = []
        for idx, w in taps[k]:
            terms.append(np.take(out, idx, axis=axis))
            if w is not None:
                shape = [1] * out.ndim
                shape[axis] = w.size
                terms.append(w.reshape(shape).astype(d.dtype))
        if len(terms) == 1:
            out = terms[0]
        elif len(terms) == 4:  # t0 * w0 + t1 * w1 with the first product fused
            out = _fma(terms[0], terms[1], terms[2] * terms[3])
        else:  # out = t0 * w0, then out += tj * wj (fused), as ATen's generic loop
            out = terms[0] * terms[1]
            for j in range(2, len(terms), 2):
                out = _fma(terms[j], terms[j + 1], out)
    return np.ascontiguousarray(out, dtype=d.dtype)


def _apply_transposed(g, spec, in_shape):
    """The backward map: every output gradient added into the inputs it was blended from."""
    taps = _taps(spec, in_shape[2:])
    nsp = len(taps)
    # One term per combination of taps, with its weight (outer dim's weight first).
    combos = [((), None)]
    for k in range(nsp):
        new = []
        for idxs, w in combos:
            for idx, wk in taps[k]:
                shape = [1] * nsp
                shape[k] = idx.size
                i = idx.reshape(shape)
                if wk is None:
                    ww = w
                else:
                    wk = wk.reshape(shape)
                    ww = wk if w is None else w * wk
                new.append((idxs + (i,), ww))
        combos = new
    lead = int(np.prod(in_shape[:2]))
    gl = g.reshape((lead,) + g.shape[2:])
    in_sp = tuple(in_shape[2:])
    n_out = int(np.prod(g.shape[2:]))
    flat_idx, weights = [], []
    for idxs, w in combos:
        lin = np.ravel_multi_index(np.broadcast_arrays(*idxs), in_sp)
        flat_idx.append(lin.reshape(-1))
        weights.append(None if w is None else np.broadcast_to(w, lin.shape).reshape(-1))
    # Per output pixel, its taps in ATen's order (interleave the terms).
    target = np.stack(flat_idx, axis=-1).reshape(-1)
    gx = np.zeros((lead, int(np.prod(in_sp))), dtype=g.dtype)
    gsrc = np.repeat(gl.reshape(lead, n_out), len(combos), axis=1)
    if weights[0] is None:  # nearest: plain sums, in output order (np.add.at keeps it)
        rows = np.repeat(np.arange(lead), target.size)
        np.add.at(gx, (rows, np.tile(target, lead)), gsrc.reshape(-1))
        return gx.reshape(in_shape)
    wt = np.stack(weights, axis=-1).reshape(-1).astype(g.dtype)
    # ATen adds ``w * g`` into each input with a fused multiply-add, one output after
    # another: accumulate the k-th contribution of every input at once, for k = 0, 1, ...
    order = np.argsort(target, kind="stable")
    first = np.searchsorted(target[order], target[order], side="left")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size) - first
    for r in range(int(rank.max()) + 1 if rank.size else 0):
        sel = rank == r
        t = target[sel]
        gx[:, t] = _fma(wt[sel], gsrc[:, sel], gx[:, t])
    return gx.reshape(in_shape)


def _names(mode, nsp):
    base = {
        "nearest": "UpsampleNearest",
        "nearest-exact": "UpsampleNearestExact",
        "linear": "UpsampleLinear",
        "bilinear": "UpsampleBilinear",
        "trilinear": "UpsampleTrilinear",
        "bicubic": "UpsampleBicubic",
    }[mode]
    return f"{base}{nsp}D"


def _attrs(node_cls, spec):
    mode, out_sizes, scales, align_corners, _ = spec
    attrs = {"output_size": tuple(out_sizes)}
    if mode not in ("nearest", "nearest-exact"):
        attrs["align_corners"] = align_corners
    for name, s in zip(_DIMS[len(out_sizes)], scales):
        attrs["scales" + (name and "_" + name)] = None if s is None else float(s)
    return attrs


def _backward(node, grad):
    return _upsample_grad(grad, node.spec, node._attrs["self_sym_sizes"])


def _backward_backward(node, grad):
    return _upsample(grad, node.spec)


_NODES = {}
for _mode, _dims in (
    ("nearest", (1, 2, 3)),
    ("nearest-exact", (1, 2, 3)),
    ("linear", (1,)),
    ("bilinear", (2,)),
    ("trilinear", (3,)),
    ("bicubic", (2,)),
):
    for _n in _dims:
        _base = _names(_mode, _n)
        _ac = () if _mode.startswith("nearest") else ("align_corners",)
        _sc = tuple("scales" + (c and "_" + c) for c in _DIMS[_n])
        _NODES[_mode, _n] = (
            node_class(
                f"{_base}Backward0",
                _backward,
                attrs=_ac + ("output_size",) + _sc + ("self_sym_sizes",),
                fields=("spec",),
            ),
            node_class(
                f"{_base}BackwardBackward0",
                _backward_backward,
                attrs=_ac + ("output_size",) + _sc,
                fields=("spec",),
            ),
        )


def _upsample(input, spec):
    out = _make(_apply(input._data, spec))
    if needs_grad(input):
        cls = _NODES[spec[0], len(spec[1])][0]
        attrs = _attrs(cls, spec)
        attrs["self_sym_sizes"] = tuple(input.shape)
        record(cls, out, (input,), attrs=attrs, fields={"spec": spec})
    return out


def _upsample_grad(grad, spec, in_shape):
    gx = _make(_apply_transposed(grad._data, spec, in_shape))
    if needs_grad(grad):
        cls = _NODES[spec[0], len(spec[1])][1]
        record(cls, gx, (grad,), attrs=_attrs(cls, spec), fields={"spec": spec})
    return gx


def upsample(input, mode, output_size, scales, align_corners):
    """Run PyTorch's ``upsample_<mode><n>d`` kernel; ``scales`` is a list (``None`` entries)."""
    nsp = input.dim() - 2
    dt = input._data.dtype
    if dt.kind != "f" and dt != np.uint8:
        if nsp == 2 and mode != "bicubic":
            kind = "bilinear" if mode == "bilinear" else "nearest"
            raise not_implemented_for(f"upsample_{kind}2d_channels_last", dt)
        kind = {"bicubic": "cubic"}.get(mode, "nearest" if mode.startswith("nearest") else "linear")
        raise not_implemented_for(f"compute_indices_weights_{kind}", dt)
    if output_size is None:
        output_size = [int(math.floor(n * s)) for n, s in zip(input.shape[2:], scales)]
    if scales is None:
        scales = [None] * nsp
    if not all(n > 0 for n in input.shape[2:]) or not all(o > 0 for o in output_size):
        names = _DIMS[nsp] if nsp > 1 else ("W",)
        sizes = ", ".join(f"{c.upper()}: {n}" for c, n in zip(names, input.shape[2:]))
        outs = ", ".join(f"{c.upper()}: {n}" for c, n in zip(names, output_size))
        joint = " and output" if nsp == 1 else " output"
        raise RuntimeError(
            "Input and output sizes should be greater than 0, but got input "
            f"({sizes}){joint} ({outs})"
        )
    ft = np.float64 if input._data.dtype == np.float64 else np.float32
    spec = (mode, tuple(int(o) for o in output_size), tuple(scales), bool(align_corners), ft)
    return _upsample(input, spec)
