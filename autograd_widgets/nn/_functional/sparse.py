"""``embedding`` (one ``EmbeddingBackward0`` node), ``one_hot`` and constant ``pad``."""

from __future__ import annotations

import numpy as np

from ...autograd.grad_mode import state as grad_state
from ...autograd.node import node_class
from ...core._dtype import _DTYPE_TO_TYPE_STRING, from_numpy_dtype
from ...ops._core import Tensor, needs_grad, record
from ...ops._shown import torch_int

_make = Tensor._make

__all__ = ["embedding", "one_hot", "pad"]


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
        rows = np.unique(idx)
        w = weight._data
        norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
        scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        w[rows] = w[rows] * scale[:, None].astype(w.dtype)
        weight._vc.v += 1
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
    """``torch.nn.functional.pad``; ``mode='constant'`` only (negative widths crop)."""
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
        raise NotImplementedError(f"F.pad(mode='{mode}') is not supported by autograd_widgets yet")
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
