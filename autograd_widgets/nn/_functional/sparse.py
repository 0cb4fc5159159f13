"""``embedding`` (one ``EmbeddingBackward0`` node), ``embedding_bag`` (one
``EmbeddingBagBackward0``), ``one_hot`` and constant ``pad``."""

from __future__ import annotations

import numpy as np

from ...autograd.grad_mode import state as grad_state
from ...autograd.node import node_class
from ...core._dtype import _DTYPE_TO_TYPE_STRING, from_numpy_dtype
from ...ops._core import Tensor, needs_grad, record
from ...ops._shown import torch_int
from . import padding as _padding

_make = Tensor._make

__all__ = ["embedding", "embedding_bag", "one_hot", "pad"]


def _index_type_error(t: Tensor, what: str) -> str:
    name = _DTYPE_TO_TYPE_STRING[from_numpy_dtype(t._data.dtype)]
    return (
        "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, "
        f"Int; but got {name} instead (while checking arguments for {what})"
    )


def _embedding_backward(n, grad):
    a = n._attrs
    idx = n.saved("indices")._data.ravel().astype(np.int64, copy=False)
    V = a["weight_sym_argsize_0"]
    g = grad.reshape(-1, grad._data.shape[-1])
    if a["scale_grad_by_freq"]:
        counts = np.bincount(idx, minlength=V).astype(grad._data.dtype)
        g = g * _make((1 / counts[idx])[:, None])
    if a["padding_idx"] < V:  # no padding_idx is -1, saved (as in PyTorch) as 2**64 - 1
        keep = (idx != a["padding_idx"]).astype(grad._data.dtype)[:, None]
        g = g * _make(keep)
    if grad._requires_grad:
        zeros = _make(np.zeros((V, g._data.shape[1]), dtype=grad._data.dtype))
        return zeros.index_add(0, _make(idx), g)
    gw = np.zeros((V, g._data.shape[1]), dtype=grad._data.dtype)
    np.add.at(gw, idx, g._data)
    return _make(gw)


EmbeddingBackward0 = node_class(
    "EmbeddingBackward0",
    _embedding_backward,
    saved=("indices",),
    attrs=("weight_sym_argsize_0", "padding_idx", "scale_grad_by_freq", "sparse"),
)


def embedding(
    input,
    weight,
    padding_idx=None,
    max_norm=None,
    norm_type=2.0,
    scale_grad_by_freq=False,
    sparse=False,
):
    """Rows of ``weight`` picked by integer ``input``; gradients scatter-add back into the rows."""
    idx = input._data
    if idx.dtype.kind not in "iu":
        raise RuntimeError(_index_type_error(input, "embedding"))
    V = weight._data.shape[0]
    if padding_idx is not None:
        if padding_idx > 0 and padding_idx >= V:
            raise AssertionError("Padding_idx must be within num_embeddings")
        if padding_idx < 0:
            if padding_idx < -V:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = V + padding_idx
    else:
        padding_idx = -1
    if idx.size and (idx.min() < 0 or idx.max() >= V):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm(weight, idx, max_norm, norm_type)
    out = _make(weight._data[idx])
    if needs_grad(weight):
        record(
            EmbeddingBackward0,
            out,
            (weight,),
            {"indices": input},
            {
                "weight_sym_argsize_0": V,
                "padding_idx": torch_int(padding_idx),
                "scale_grad_by_freq": scale_grad_by_freq,
                "sparse": sparse,
            },
        )
    return out


def _renorm(weight, idx, max_norm, norm_type) -> None:
    """``embedding_renorm_`` without autograd: rows used by ``idx`` scaled to ``max_norm``."""
    rows = np.unique(idx)
    w = weight._data
    norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
    scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
    w[rows] = w[rows] * scale[:, None].astype(w.dtype)
    weight._vc.v += 1


# --- embedding_bag ---------------------------------------------------------------------------
_BAG_MODES = {"sum": 0, "mean": 1, "max": 2}


def _embedding_bag_backward(n, grad):
    """Sum/mean: each bag's gradient (scaled) back to its rows; max: to the arg-max rows."""
    a = n._attrs
    idx = n.saved("indices")._data.ravel().astype(np.int64, copy=False)
    o2b = n.saved("result1")._data
    bag_size = n.saved("result2")._data
    V, D = a["weight_sym_argsize_0"], grad._data.shape[-1]
    dt = grad._data.dtype
    zeros = _make(np.zeros(V * D if a["mode"] == 2 else (V, D), dtype=dt))
    if a["mode"] == 2:
        bags = np.flatnonzero(bag_size > 0)
        targets = n.saved("result3")._data[bags] * D + np.arange(D)
        g = grad.index_select(0, _make(bags)).reshape(-1)
        return zeros.index_add(0, _make(targets.ravel()), g).view(V, D), None
    coeff = n.keep.astype(dt)  # no padding, nor past a float32 last offset
    if a["mode"] == 1:
        coeff /= np.maximum(bag_size, 1)[o2b]
    plain = coeff.copy()  # the per_sample_weights gradient is not scaled by frequency
    if a["scale_grad_by_freq"]:
        # NOTE: PyTorch's CPU kernel divides the k-th distinct row (in sorted order) by the
        # count of the k-th *sorted index*, not of that row; we divide as it does.
        ordered = np.sort(idx)
        rank = np.searchsorted(np.unique(ordered), idx)
        coeff /= np.bincount(idx, minlength=V)[ordered[rank]]
    rows = grad.index_select(0, _make(o2b)) * _make(coeff[:, None])
    psw = n.saved("per_sample_weights")
    if psw is None:
        return zeros.index_add(0, _make(idx), rows), None
    rows_psw = grad.index_select(0, _make(o2b)) * _make(plain[:, None])
    grad_psw = (rows_psw * n.saved("weight").index_select(0, _make(idx))).sum(1)
    return zeros.index_add(0, _make(idx), rows * psw.unsqueeze(1)), grad_psw


EmbeddingBagBackward0 = node_class(
    "EmbeddingBagBackward0",
    _embedding_bag_backward,
    saved=(
        "indices",
        "offsets",
        "per_sample_weights",
        "weight",
        "result1",
        "result2",
        "result3",
    ),
    attrs=("mode", "padding_idx", "scale_grad_by_freq", "sparse", "weight_sym_argsize_0"),
    fields=("keep",),
)


def _bag_inputs(input, offsets, per_sample_weights, include_last_offset):
    """PyTorch's argument checks; a 2-d ``input`` becomes fixed-length bags."""
    if per_sample_weights is not None and input.shape != per_sample_weights.shape:
        raise ValueError(
            f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, "
            f"then it must have the same shape as the input ({input.shape})"
        )
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError(
                "if input is 2D, then offsets has to be None, as input is treated is a "
                "mini-batch of fixed length sequences. However, found offsets of type "
                f"{type(offsets)}"
            )
        n, length = input.shape
        offsets = _make(np.arange(0, n * length, max(length, 1), dtype=input._data.dtype))
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
        return input, offsets, per_sample_weights, False
    if input.dim() != 1:
        raise ValueError(
            f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}"
        )
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.dim() != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    return input, offsets, per_sample_weights, include_last_offset


def embedding_bag(
    input,
    weight,
    offsets=None,
    max_norm=None,
    norm_type=2,
    scale_grad_by_freq=False,
    mode="mean",
    sparse=False,
    per_sample_weights=None,
    include_last_offset=False,
    padding_idx=None,
):
    """Sums, means or maxima of bags of ``weight`` rows: bag ``b`` holds the indices from
    ``offsets[b]`` up to the next offset (2-d ``input``: one bag per row)."""
    if weight.dim() != 2:
        raise ValueError(
            f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}"
        )
    input, offsets, per_sample_weights, include_last_offset = _bag_inputs(
        input, offsets, per_sample_weights, include_last_offset
    )
    if mode not in _BAG_MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")
    idx = input._data
    if idx.dtype.kind not in "iu":
        raise RuntimeError(_index_type_error(input, "embedding_bag"))
    if max_norm is not None:
        _renorm(weight, idx, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only "
            f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
            "GitHub."
        )
    V, D = weight._data.shape
    idx = idx.astype(np.int64, copy=False)
    offs = offsets._data.astype(np.int64)
    N = idx.shape[0]
    if offs.size and offs[0] != 0:
        kind = _DTYPE_TO_TYPE_STRING[from_numpy_dtype(offsets._data.dtype)]
        raise RuntimeError(
            "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
            f"from position 0. However, got {offs[0]}\n[ {kind}{{}} ]"
        )
    if offs.size and offs[-1] > N:
        raise RuntimeError(
            f"offsets[-1] can not be greater than input's length {N} but got offsets[-1] of "
            f"{offs[-1]}"
        )
    bad = idx[(idx < 0) | (idx >= V)]
    if bad.size:
        raise RuntimeError(
            f"embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be {bad[0]}"
        )
    if padding_idx is not None:
        if not -V <= padding_idx < V:
            raise RuntimeError(
                f"padding_idx must be within the number of embeddings, -{V} through {V - 1}, "
                f"but got {padding_idx}"
            )
        padding_idx %= V
    B = max(offs.size - (1 if include_last_offset else 0), 0)
    # Each position's bag: a running count of the bag starts (empty bags are skipped).
    o2b = np.zeros(N, dtype=np.int64)
    starts = offs[1:B]
    np.add.at(o2b, starts[starts < N], 1)
    o2b = np.cumsum(o2b)
    keep = idx != padding_idx if padding_idx is not None else np.ones(N, dtype=bool)
    bag_size = np.bincount(o2b[keep], minlength=B)[:B].astype(np.int64)
    if include_last_offset and mode != "max" and weight._data.dtype.itemsize <= 4 and B:
        # PyTorch's reduced-precision kernels end the last bag at the last offset; its
        # double kernel runs it to the end of ``input`` (a mean divides by that length).
        keep &= np.arange(N) < offs[B]
    w = weight._data
    rows = w[idx]
    if per_sample_weights is not None:
        rows = rows * per_sample_weights._data[:, None]
    if mode == "max":
        out = np.zeros((B, D), dtype=w.dtype)
        max_indices = np.zeros((B, D), dtype=np.int64)
        for b in np.flatnonzero(bag_size):
            sel = np.flatnonzero(keep & (o2b == b))
            arg = rows[sel].argmax(axis=0)
            out[b] = rows[sel[arg], np.arange(D)]
            max_indices[b] = idx[sel[arg]]
        result3 = max_indices
    else:
        out = np.zeros((B, D), dtype=w.dtype)
        np.add.at(out, o2b[keep], rows[keep])
        if mode == "mean":
            out /= np.maximum(bag_size, 1).astype(w.dtype)[:, None]
            result3 = bag_size
        else:
            bag_size = result3 = np.zeros(B, dtype=np.int64)
    result = _make(out)
    if needs_grad(weight) or (per_sample_weights is not None and needs_grad(per_sample_weights)):
        record(
            EmbeddingBagBackward0,
            result,
            (weight, per_sample_weights),
            {
                "indices": input,
                "offsets": offsets,
                "per_sample_weights": per_sample_weights,
                "weight": weight if per_sample_weights is not None else None,
                "result1": _make(o2b),
                "result2": _make(bag_size),
                "result3": _make(result3),
            },
            {
                "mode": _BAG_MODES[mode],
                "padding_idx": torch_int(-1 if padding_idx is None else padding_idx),
                "scale_grad_by_freq": scale_grad_by_freq,
                "sparse": sparse,
                "weight_sym_argsize_0": V,
            },
            fields={"keep": keep},
        )
    return result


def one_hot(input, num_classes=-1):
    """``torch.nn.functional.one_hot``: int64 result with a trailing class dimension."""
    tensor = input
    d = tensor._data
    if d.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if d.size and d.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if d.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(d.max()) + 1
    elif d.size and d.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(d.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, d[..., None], 1, axis=-1)
    return _make(out)


# --- pad -------------------------------------------------------------------------------------
def _pad_backward(n, grad):
    # NOTE: PyTorch's formula too: the gradient of padding is padding by the negated widths.
    return pad(grad, [-p for p in n._attrs["pad"]])


ConstantPadNdBackward0 = node_class("ConstantPadNdBackward0", _pad_backward, attrs=("pad",))


def pad(input, pad, mode="constant", value=None):
    """``torch.nn.functional.pad``: constant (negative widths crop), reflect, replicate, circular."""
    pad = [int(p) for p in pad]
    nd = input._data.ndim
    if len(pad) % 2 != 0:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > nd:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but got "
            f"padding length {len(pad)} and input of dimension {nd}"
        )
    if mode != "constant":
        _padding.check_mode(mode, pad, nd, value)
        if mode == "circular":
            return _padding.circular(input, pad)
        return _padding.reflect_or_replicate(input, pad, mode)
    x = input._data
    crop = [slice(None)] * nd
    widths = [(0, 0)] * nd
    for i in range(len(pad) // 2):
        dim = nd - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        crop[dim] = slice(max(-lo, 0), x.shape[dim] - max(-hi, 0))
        widths[dim] = (max(lo, 0), max(hi, 0))
    res = np.pad(x[tuple(crop)], widths, constant_values=0 if value is None else value)
    out = _make(res)
    if grad_state.enabled and needs_grad(input):
        record(ConstantPadNdBackward0, out, (input,), None, {"pad": tuple(pad)})
    return out
