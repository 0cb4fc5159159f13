"""``torch.nn.utils.rnn``: ``pad_sequence`` (packed sequences are not supported)."""

from __future__ import annotations

from ...core import _creation

__all__ = [
    "pad_sequence",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pack_sequence",
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


def _unsupported(name):
    def fn(*args, **kwargs):
        raise NotImplementedError(
            f"torch.nn.utils.rnn.{name} is not supported by autograd_widgets: pad the batch "
            "with pad_sequence and run the RNN on the padded tensor instead"
        )

    fn.__name__ = name
    return fn


pack_padded_sequence = _unsupported("pack_padded_sequence")
pad_packed_sequence = _unsupported("pad_packed_sequence")
pack_sequence = _unsupported("pack_sequence")
PackedSequence = _unsupported("PackedSequence")
