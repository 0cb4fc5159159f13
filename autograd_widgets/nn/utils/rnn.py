"""``torch.nn.utils.rnn``: padded and packed batches of variable-length sequences.

A ``PackedSequence`` holds the steps of a batch sorted by length (longest first), time
step by time step: ``data`` has one row per (step, sequence) that exists, and
``batch_sizes[t]`` says how many sequences are still running at step ``t``. The RNN
layers run only those rows at each step, so padding never leaks into the last states.
Built as PyTorch builds them: ``pack_padded_sequence`` is one
``PackPaddedSequenceBackward0`` node (after an ``index_select`` that sorts the batch when
``enforce_sorted=False``); ``pad_packed_sequence`` copies each step into a padded tensor
(``CopySlices``) and puts the batch back in its original order (``IndexSelectBackward0``).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ...autograd.node import node_class
from ...core import _creation
from ...core.tensor import Tensor
from ...ops._core import record

__all__ = [
    "pad_sequence",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pack_sequence",
    "unpad_sequence",
    "unpack_sequence",
    "PackedSequence",
]


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack variable-length tensors into one, padded with ``padding_value``.

    Built as PyTorch does: a filled tensor whose slices are copied in (``CopySlices``).
    """
    if padding_side not in ("left", "right"):
        raise ValueError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    sequences = list(sequences)
    max_len = max(s.shape[0] for s in sequences)
    trailing = tuple(sequences[0].shape[1:])
    b = len(sequences)
    shape = ((b, max_len) if batch_first else (max_len, b)) + trailing
    out = _creation.full(shape, padding_value, dtype=sequences[0].dtype)
    for i, s in enumerate(sequences):
        n = s.shape[0]
        rows = slice(0, n) if padding_side == "right" else slice(max_len - n, max_len)
        if batch_first:
            out[i, rows] = s
        else:
            out[rows, i] = s
    return out


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences ``pad_sequence`` stacked (each cut to its length)."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[: int(n)] for seq, n in zip(padded_sequences, _lengths(lengths))]


class PackedSequence(
    namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])
):
    """``torch.nn.utils.rnn.PackedSequence``: made by :func:`pack_padded_sequence` /
    :func:`pack_sequence`, accepted by ``nn.RNN``/``LSTM``/``GRU``, undone by
    :func:`pad_packed_sequence`."""

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = _invert(sorted_indices)
        if batch_sizes is None:
            raise RuntimeError(
                "PackedSequence needs batch_sizes: make it with pack_padded_sequence"
            )
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else type(self)(data, *self[1:])

    def _with_data(self, data):
        return type(self)(data, *self[1:])

    def cpu(self):
        return self

    @property
    def is_cuda(self):
        return False

    def is_pinned(self):
        return False


def _cast_method(name):
    def method(self):
        return self._with_data(getattr(self.data, name)())

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"The sequence with ``data.{name}()``."
    return method


for _name in ("double", "float", "half", "long", "int", "short", "char", "byte"):
    setattr(PackedSequence, _name, _cast_method(_name))


def _lengths(lengths) -> np.ndarray:
    if isinstance(lengths, Tensor):
        return lengths._data.astype(np.int64).reshape(-1)
    return np.asarray([int(n) for n in lengths], dtype=np.int64)


def _invert(perm: Tensor) -> Tensor:
    inv = np.empty_like(perm._data)
    inv[perm._data] = np.arange(perm._data.size, dtype=perm._data.dtype)
    return _creation.tensor(inv)


def _packed_rows(batch_sizes: np.ndarray):
    """(time index, batch index) of each row of a packed ``data``, in packed order."""
    t_idx = np.repeat(np.arange(batch_sizes.size), batch_sizes)
    b_idx = np.concatenate([np.arange(n) for n in batch_sizes]) if batch_sizes.size else t_idx
    return t_idx, b_idx


def _pack_padded_backward(n, grad):
    sizes = n._attrs["input_sym_sizes"]
    batch_first = n._attrs["batch_first"]
    t_idx, b_idx = _packed_rows(n.saved("result1")._data)
    index = (
        (_creation.tensor(b_idx), _creation.tensor(t_idx))
        if batch_first
        else (_creation.tensor(t_idx), _creation.tensor(b_idx))
    )
    out = _creation.zeros(sizes, dtype=grad.dtype)
    out[index] = grad
    return out


PackPaddedSequenceBackward0 = node_class(
    "PackPaddedSequenceBackward0",
    _pack_padded_backward,
    saved=("result1",),
    attrs=("batch_first", "input_sym_sizes"),
)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (``T x B x *`` or ``B x T x *``) given each sequence's length."""
    n = _lengths(lengths)
    if enforce_sorted:
        if np.any(n[1:] > n[:-1]):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability."
            )
        sorted_indices = None
    else:
        order = np.argsort(-n, kind="stable")
        n = n[order]
        sorted_indices = _creation.tensor(order.astype(np.int64))
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    if n.size and n[-1] <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in 'lengths' "
            "that is <= 0"
        )
    d = input._data
    steps = d.shape[1] if batch_first else d.shape[0]
    if n.size and n[0] > steps:
        raise RuntimeError(
            f"Expected sequence length to be at most {steps}, but got a length of {n[0]}"
        )
    batch_sizes_np = (n[None, :] > np.arange(int(n[0]) if n.size else 0)[:, None]).sum(1)
    t_idx, b_idx = _packed_rows(batch_sizes_np)
    rows = d[b_idx, t_idx] if batch_first else d[t_idx, b_idx]
    data = Tensor._make(np.ascontiguousarray(rows))
    batch_sizes = _creation.tensor(batch_sizes_np.astype(np.int64))
    if input.requires_grad:
        record(
            PackPaddedSequenceBackward0,
            data,
            (input,),
            {"result1": batch_sizes},
            {"batch_first": bool(batch_first), "input_sym_sizes": d.shape},
        )
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo :func:`pack_padded_sequence`: ``(padded, lengths)``, the batch in its order."""
    data, batch_sizes, _, unsorted = sequence
    bs = batch_sizes._data.astype(np.int64)
    max_len = bs.size
    if total_length is not None:
        if total_length < max_len:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{max_len}"
            )
        max_len = total_length
    batch = int(bs[0]) if bs.size else 0
    out = _creation.full((max_len, batch) + tuple(data.shape[1:]), padding_value, dtype=data.dtype)
    offset = 0
    for t, size in enumerate(bs.tolist()):
        out[t, :size] = data[offset : offset + size]
        offset += size
    lengths = (bs[None, :] > np.arange(batch)[:, None]).sum(1).astype(np.int64)
    if batch_first:
        out = out.transpose(0, 1)
    lengths_t = _creation.tensor(lengths)
    if unsorted is not None:
        out = out.index_select(0 if batch_first else 1, unsorted)
        lengths_t = _creation.tensor(lengths[unsorted._data])
    return out, lengths_t


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of variable-length tensors (``pad_sequence`` then pack)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences :func:`pack_sequence` packed."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
