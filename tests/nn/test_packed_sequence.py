"""Packed sequences (``nn.utils.rnn``) and the RNN layers on them, against PyTorch.

Same parameters and inputs on both sides; every output, final state and gradient (inputs,
initial states, every weight) compared, plus the grad_fn names a reader sees and the
errors for bad lengths. Ties in the lengths check that the sort is PyTorch's."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch

LENGTHS = {"distinct": [4, 2, 3], "sorted": [5, 3, 3, 1], "ties": [2, 4, 2, 4, 1]}


def _inputs(lengths, feat, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((n, feat)) for n in lengths]


def _run(lib, mode, lengths, *, layers, bidir, batch_first, enforce, with_hx, seed=0):
    feat, hidden = 3, 4
    arrays = _inputs(lengths, feat, seed)
    seqs = [lib.tensor(a, requires_grad=True) for a in arrays]
    rnn = getattr(lib.nn, mode)(
        feat, hidden, num_layers=layers, bidirectional=bidir, batch_first=batch_first
    ).double()
    rng = np.random.default_rng(seed + 1)
    with lib.no_grad():
        for p in rnn.parameters():
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape)) * 0.5))
    rnn_u = lib.nn.utils.rnn
    padded = rnn_u.pad_sequence(seqs, batch_first=batch_first)
    packed = rnn_u.pack_padded_sequence(
        padded, lengths, batch_first=batch_first, enforce_sorted=enforce
    )
    hx = None
    dirs = 2 if bidir else 1
    if with_hx:
        shape = (layers * dirs, len(lengths), hidden)
        h0 = lib.tensor(rng.standard_normal(shape), requires_grad=True)
        c0 = lib.tensor(rng.standard_normal(shape), requires_grad=True)
        hx = (h0, c0) if mode == "LSTM" else h0
    out, state = rnn(packed, hx)
    h_n = state[0] if mode == "LSTM" else state
    unpacked, lens = rnn_u.pad_packed_sequence(out, batch_first=batch_first, padding_value=-2.0)
    w = lib.tensor(rng.standard_normal(tuple(unpacked.shape)))
    loss = (unpacked * w).sum() + (h_n * h_n).sum()
    if mode == "LSTM":
        loss = loss + state[1].sum()
    loss.backward()
    grads = [s.grad.numpy() for s in seqs] + [p.grad.numpy() for p in rnn.parameters()]
    if with_hx:
        grads += [h.grad.numpy() for h in (hx if mode == "LSTM" else (hx,))]
    names = (
        type(out.data.grad_fn).__name__,
        type(h_n.grad_fn).__name__,
        type(unpacked.grad_fn).__name__,
    )
    return {
        "out": out.data.detach().numpy(),
        "batch_sizes": out.batch_sizes.tolist(),
        "h_n": h_n.detach().numpy(),
        "unpacked": unpacked.detach().numpy(),
        "lens": lens.tolist(),
        "grads": grads,
        "names": names,
    }


CONFIGS = [
    ("LSTM", "distinct", 1, False, True, False, False),
    ("LSTM", "ties", 2, True, False, False, True),
    ("GRU", "sorted", 2, True, True, True, False),
    ("GRU", "distinct", 1, True, False, False, True),
    ("RNN", "ties", 2, False, True, False, True),
    ("RNN", "sorted", 1, True, False, True, True),
]


@pytest.mark.parametrize(
    "mode,lengths,layers,bidir,batch_first,enforce,with_hx",
    CONFIGS,
    ids=[
        f"{c[0]}-{c[1]}-l{c[2]}-{'bi' if c[3] else 'uni'}-{'bf' if c[4] else 'tf'}"
        f"-{'sorted' if c[5] else 'unsorted'}{'-hx' if c[6] else ''}"
        for c in CONFIGS
    ],
)
def test_rnn_on_packed_batch_matches_pytorch(
    mode, lengths, layers, bidir, batch_first, enforce, with_hx
):
    torch = require_torch()
    kw = dict(layers=layers, bidir=bidir, batch_first=batch_first, enforce=enforce, with_hx=with_hx)
    ours = _run(aw, mode, LENGTHS[lengths], **kw)
    theirs = _run(torch, mode, LENGTHS[lengths], **kw)
    assert ours["batch_sizes"] == theirs["batch_sizes"]
    assert ours["lens"] == theirs["lens"]
    assert ours["names"] == theirs["names"]
    for key in ("out", "h_n", "unpacked"):
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-10, atol=1e-12, err_msg=key)
    assert len(ours["grads"]) == len(theirs["grads"])
    for i, (g, h) in enumerate(zip(ours["grads"], theirs["grads"])):
        np.testing.assert_allclose(g, h, rtol=1e-9, atol=1e-11, err_msg=f"gradient {i}")


def test_packed_sequence_prints_and_sorts_as_pytorch():
    torch = require_torch()
    reprs = []
    for lib in (aw, torch):
        seqs = [lib.tensor(a) for a in _inputs(LENGTHS["ties"], 2)]
        p = lib.nn.utils.rnn.pack_sequence(seqs, enforce_sorted=False)
        reprs.append(repr(p))
        assert p._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")
        assert len(p) == 4 and not p.is_cuda
    assert reprs[0] == reprs[1]


def test_pack_padded_sequence_gradient_and_node():
    torch = require_torch()
    got = []
    for lib in (aw, torch):
        x = lib.tensor(np.arange(24.0).reshape(4, 3, 2), requires_grad=True)
        p = lib.nn.utils.rnn.pack_padded_sequence(x, lib.tensor([4, 3, 1]))
        node = p.data.grad_fn
        seen = (
            type(node).__name__,
            node._saved_batch_first,
            tuple(node._saved_input_sym_sizes),
            node._saved_result1.tolist(),
        )
        (p.data * lib.arange(p.data.numel(), dtype=x.dtype).reshape(p.data.shape)).sum().backward()
        got.append(seen + (x.grad.numpy(),))
    assert got[0][:4] == got[1][:4]
    np.testing.assert_array_equal(got[0][4], got[1][4])


def test_unpack_and_unpad_give_the_sequences_back():
    seqs = [aw.tensor(a) for a in _inputs([3, 1, 2], 2)]
    back = aw.nn.utils.rnn.unpack_sequence(
        aw.nn.utils.rnn.pack_sequence(seqs, enforce_sorted=False)
    )
    for a, b in zip(seqs, back):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    padded = aw.nn.utils.rnn.pad_sequence(seqs)
    for a, b in zip(seqs, aw.nn.utils.rnn.unpad_sequence(padded, aw.tensor([3, 1, 2]))):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.nn.utils.rnn.pack_padded_sequence(m.zeros(3, 2, 1), [1, 3]),
        lambda m: m.nn.utils.rnn.pack_padded_sequence(
            m.zeros(3, 2, 1), [2, 0], enforce_sorted=False
        ),
        lambda m: m.nn.utils.rnn.pad_packed_sequence(
            m.nn.utils.rnn.pack_padded_sequence(m.zeros(3, 2, 1), [3, 2]), total_length=2
        ),
    ],
    ids=["unsorted", "zero_length", "total_length"],
)
def test_bad_lengths_raise_like_pytorch(call):
    torch = require_torch()
    errs = []
    for lib in (aw, torch):
        with pytest.raises(Exception) as info:
            call(lib)
        errs.append((type(info.value), str(info.value)))
    assert errs[0] == errs[1]
