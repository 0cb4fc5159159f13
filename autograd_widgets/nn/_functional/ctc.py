"""Connectionist temporal classification: ``F.ctc_loss`` with PyTorch's ``CtcLossBackward0``.

PyTorch computes the loss of each sequence in one kernel (``aten::_ctc_loss``) by the
log-space forward (alpha) recursion and its gradient by the backward (beta) recursion; the
reduction, ``zero_infinity`` and the unbatched squeeze are ops around it (``WhereBackward0``,
``DivBackward0``, ``MeanBackward0``...). Here both recursions run over the whole batch at
once with numpy: one step per time frame, every sequence and every extended-label position
in one array operation.

Sequences are padded to the longest target: position ``s`` of the extended label sequence is
the blank for even ``s`` and ``target[(s - 1) // 2]`` for odd ``s``; positions at or past
``2 * target_length + 1`` and frames at or past ``input_length`` hold ``-inf``.
"""

from __future__ import annotations

import numpy as np

from ...autograd.grad_mode import state as grad_state
from ...autograd.node import node_class
from ...ops._core import Tensor, needs_grad, record, scalar_type_name
from ...ops.pointwise import NotImplemented_, where
from .loss import _check_reduction

_make = Tensor._make

__all__ = ["ctc_loss"]

_WHERE = "ctc_loss_allocate_outputs"


def _log_add(*terms: np.ndarray) -> np.ndarray:
    """``log(sum(exp(terms)))`` as ATen's CTC kernel writes it: shifted by the largest term,
    a shift of 0 when every term is ``-inf`` (so the sum is ``log(0) = -inf``)."""
    m = terms[0]
    for t in terms[1:]:
        m = np.maximum(m, t)
    m = np.where(m == -np.inf, m.dtype.type(0), m)
    total = np.exp(terms[0] - m)
    for t in terms[1:]:
        total = total + np.exp(t - m)
    return np.log(total) + m


def _shift(a: np.ndarray, k: int, fill) -> np.ndarray:
    """``a`` moved ``k`` places along its last axis (right for ``k > 0``), ``fill`` coming in."""
    out = np.full_like(a, fill)
    if k > 0:
        out[..., k:] = a[..., :-k]
    else:
        out[..., :k] = a[..., -k:]
    return out


class _Problem:
    """The padded extended labels of a batch and what the recursions need from them."""

    def __init__(self, lp: np.ndarray, targets: np.ndarray, il, tl, blank: int):
        T, N, _ = lp.shape
        self.il, self.tl = np.asarray(il, np.int64), np.asarray(tl, np.int64)
        L = 2 * int(self.tl.max(initial=0)) + 1
        pos = np.arange(L)
        self.valid = pos[None, :] < (2 * self.tl + 1)[:, None]  # (N, L)
        ext = np.full((N, L), blank, np.int64)
        odd = np.nonzero(self.valid & (pos[None, :] % 2 == 1))
        ext[odd] = targets[odd[0], (odd[1] - 1) // 2]
        self.ext = ext
        # The skip from s - 2 to s: only onto a label that differs from the one two back.
        self.skip = np.zeros((N, L), bool)
        self.skip[:, 2:] = ext[:, 2:] != ext[:, :-2]
        # emit[t, b, s] = lp[t, b, ext[b, s]], -inf on the padding positions
        emit = np.take_along_axis(lp, np.broadcast_to(ext[None], (T, N, L)), axis=2)
        self.emit = np.where(self.valid[None], emit, -np.inf).astype(lp.dtype, copy=False)
        self.frames = np.arange(T)[:, None] < self.il[None, :]  # (T, N)

    def alpha(self) -> tuple:
        """``log_alpha`` (N, T, L) and the negative log likelihood of each sequence."""
        T, N, L = self.emit.shape
        dt = self.emit.dtype
        la = np.full((N, T, L), -np.inf, dt)
        if T:
            first = np.full((N, L), -np.inf, dt)
            first[:, 0] = self.emit[0, :, 0]
            if L > 1:
                first[:, 1] = np.where(self.tl > 0, self.emit[0, :, 1], -np.inf)
            la[:, 0] = np.where(self.frames[0][:, None], first, -np.inf)
        for t in range(1, T):
            prev = la[:, t - 1]
            a2 = _shift(prev, 1, -np.inf)
            a3 = np.where(self.skip, _shift(prev, 2, -np.inf), -np.inf)
            cur = _log_add(prev, a2, a3) + self.emit[t]
            la[:, t] = np.where(self.frames[t][:, None] & self.valid, cur, -np.inf)
        log_lik = np.full(N, -np.inf, dt)
        if T:
            rows, last_t = np.arange(N), np.maximum(self.il - 1, 0)
            l1 = la[rows, last_t, 2 * self.tl]
            l2 = la[rows, last_t, np.maximum(2 * self.tl - 1, 0)]
            log_lik = _log_add(l1, np.where(self.tl > 0, l2, -np.inf))
        # An empty input explains only an empty target.
        log_lik = np.where(self.il == 0, np.where(self.tl == 0, 0, -np.inf), log_lik)
        return la, (-log_lik).astype(dt, copy=False)

    def beta(self) -> np.ndarray:
        """``log_beta`` (N, T, L): started at each sequence's last frame, run back to 0."""
        T, N, L = self.emit.shape
        dt = self.emit.dtype
        lb = np.full((N, T, L), -np.inf, dt)
        pos = np.arange(L)[None, :]
        end = 2 * self.tl[:, None]
        skip_next = _shift(self.skip, -2, False)
        for t in range(T - 1, -1, -1):
            start = np.where(
                (pos == end) | ((pos == end - 1) & (self.tl[:, None] > 0)),
                self.emit[t],
                -np.inf,
            )
            if t + 1 < T:
                nxt = lb[:, t + 1]
                b2 = _shift(nxt, -1, -np.inf)
                b3 = np.where(skip_next, _shift(nxt, -2, -np.inf), -np.inf)
                run = _log_add(nxt, b2, b3) + self.emit[t]
            else:
                run = start
            here = np.where((t == self.il - 1)[:, None], start, run)
            lb[:, t] = np.where(self.frames[t][:, None] & self.valid, here, -np.inf)
        return lb


def _ctc_backward(n, grad):
    """ATen's ``_ctc_loss_backward``: ``exp(lp) - exp(log(sum_s alpha*beta) + nll - lp)``.

    NOTE: as in PyTorch, this is the gradient the loss has when ``log_probs`` come from a
    log_softmax (the ``exp(lp)`` term is what that softmax's backward cancels), not the
    derivative with respect to arbitrary ``log_probs``.
    """
    lp_t = n.saved("log_probs")
    lp = lp_t._data
    T, N, C = lp.shape
    nll = n.saved("result0")._data
    la = n.saved("result1")._data
    a = n._attrs
    p = _Problem(lp, n.padded, a["input_lengths"], a["target_lengths"], a["blank"])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lab = la + p.beta()  # (N, T, L)
    # log(sum over positions s labelled c of alpha * beta), accumulated from the last s down.
    lcab = np.full((N, T, C), -np.inf, lp.dtype)
    rows = np.arange(N)
    with np.errstate(invalid="ignore", over="ignore"):
        for s in range(lab.shape[2] - 1, -1, -1):
            c = p.ext[:, s]
            cur = lcab[rows, :, c]
            new = lab[:, :, s]
            m = np.maximum(cur, new)
            summed = np.log(np.exp(cur - m) + np.exp(new - m)) + m
            lcab[rows, :, c] = np.where(cur == -np.inf, new, summed)
        g = grad._data.astype(lp.dtype, copy=False).reshape(N)
        lp_btc = lp.transpose(1, 0, 2)
        gx = (np.exp(lp_btc) - np.exp(lcab + nll[:, None, None] - lp_btc)) * g[:, None, None]
    keep = p.frames.T[:, :, None]
    if n._attrs["zero_infinity"]:
        keep = keep & (nll != np.inf)[:, None, None]
    gx = np.ascontiguousarray(np.where(keep, gx, 0).astype(lp.dtype).transpose(1, 0, 2))
    out = _make(gx)
    if grad_state.enabled and needs_grad(grad, lp_t):
        # PyTorch has no derivative for this backward: its NotImplemented node takes
        # ``log_probs`` and the loss node's outputs as inputs.
        record(
            NotImplemented_, out, (lp_t, n.saved("result0")), fields={"op": "_ctc_loss_backward"}
        )
    return out


CtcLossBackward0 = node_class(
    "CtcLossBackward0",
    _ctc_backward,
    saved=("log_probs", "targets", "result0", "result1"),
    attrs=("input_lengths", "target_lengths", "blank", "zero_infinity"),
    fields=("padded",),
)


def _lengths(v, name: str):
    """Lengths as a tuple of ints, from a sequence or an integral tensor of any rank."""
    if isinstance(v, Tensor):
        if v._data.dtype.kind not in "iu":
            raise RuntimeError(f"{name} must be integral")
        return tuple(int(x) for x in v._data.reshape(-1))
    return tuple(int(x) for x in v)


def _dims_error(what: str, got: int, arg: str) -> RuntimeError:
    return RuntimeError(
        f"Expected {what}, but got {got}-dimensional tensor for {arg} (while checking arguments for {_WHERE})"
    )


def _padded_targets(targets: np.ndarray, tl: tuple, batch: int) -> np.ndarray:
    """Targets as an (N, max target length) array, from padded (N, S) or concatenated 1-D."""
    arg = "argument #2 'targets'"
    for v in tl:
        if v < 0:
            raise RuntimeError(
                f"Expected target_lengths to have value at least 0, but got value {v} "
                f"(while checking arguments for {_WHERE})"
            )
    longest = max(tl, default=0)
    if targets.ndim == 1:
        total = sum(tl)
        if targets.shape[0] != total:
            raise RuntimeError(
                f"Expected tensor to have size {total} at dimension 0, but got size "
                f"{targets.shape[0]} for {arg} (while checking arguments for {_WHERE})"
            )
        out = np.zeros((batch, longest), np.int64)
        offsets = np.cumsum((0,) + tl[:-1])
        for b, (o, n) in enumerate(zip(offsets, tl)):
            out[b, :n] = targets[o : o + n]
        return out
    if targets.shape[0] != batch:
        raise RuntimeError(
            f"Expected tensor to have size {batch} at dimension 0, but got size "
            f"{targets.shape[0]} for {arg} (while checking arguments for {_WHERE})"
        )
    if targets.shape[1] < longest:
        raise RuntimeError(
            f"Expected tensor to have size at least {longest} at dimension 1, but got size "
            f"{targets.shape[1]} for {arg} (while checking arguments for {_WHERE})"
        )
    return targets[:, :longest]


def _ctc_loss_node(
    log_probs: Tensor, targets: Tensor, il: tuple, tl: tuple, blank: int, zero_infinity: bool
) -> Tensor:
    """``aten::_ctc_loss``: the negative log likelihood of each sequence, one node."""
    lp = log_probs._data
    if lp.dtype.kind != "f" or lp.dtype == np.float16:
        raise NotImplementedError(
            f"\"ctc_loss_cpu\" not implemented for '{scalar_type_name(lp.dtype)}'"
        )
    tg = targets._data
    if lp.ndim != 3:
        raise _dims_error("3-dimensional tensor", lp.ndim, "argument #1 'log_probs'")
    if not 1 <= tg.ndim <= 2:
        raise _dims_error("1 to 2 dimensions", tg.ndim, "argument #2 'targets'")
    T, N, C = lp.shape
    if not 0 <= blank < C:
        raise RuntimeError("blank must be in label range")
    if len(il) != N:
        raise RuntimeError("input_lengths must be of size batch_size")
    if len(tl) != N:
        raise RuntimeError("target_lengths must be of size batch_size")
    padded = _padded_targets(tg.astype(np.int64), tl, N)
    for v in il:
        if v < 0 or v > T:
            bound = "least 0" if v < 0 else f"most {T}"
            raise RuntimeError(
                f"Expected input_lengths to have value at {bound}, but got value {v} "
                f"(while checking arguments for {_WHERE})"
            )
    if padded.size and (padded.min() < 0 or padded.max() >= C):
        # NOTE: PyTorch's CPU kernel reads out of bounds here (garbage or a crash).
        raise IndexError(f"ctc_loss: target labels must lie in [0, {C}), the number of classes")
    problem = _Problem(lp, padded, il, tl, blank)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_alpha, nll = problem.alpha()
    out = _make(nll)
    if needs_grad(log_probs):
        record(
            CtcLossBackward0,
            out,
            (log_probs,),
            {
                "log_probs": log_probs,
                "targets": _make(tg.astype(np.int64)),
                "result1": _make(log_alpha),
            },
            {
                "input_lengths": il,
                "target_lengths": tl,
                "blank": blank,
                "zero_infinity": bool(zero_infinity),
            },
            output_saved="result0",
            fields={"padded": padded},
        )
    return out


def ctc_loss(
    log_probs,
    targets,
    input_lengths,
    target_lengths,
    blank=0,
    reduction="mean",
    zero_infinity=False,
):
    """PyTorch's ``F.ctc_loss``: ``log_probs`` (T, N, C) or unbatched (T, C), ``targets``
    padded (N, S) or concatenated 1-D, lengths as sequences or integral tensors (both alike).

    Differs from PyTorch in one place: a target label outside ``[0, C)`` raises ``IndexError``
    (PyTorch's CPU kernel reads memory out of bounds).
    """
    _check_reduction(reduction)
    if isinstance(input_lengths, Tensor) != isinstance(target_lengths, Tensor) or not all(
        isinstance(v, (Tensor, list, tuple)) for v in (input_lengths, target_lengths)
    ):
        got = ", ".join(
            "Tensor" if isinstance(v, Tensor) else type(v).__name__
            for v in (log_probs, targets, input_lengths, target_lengths)
        )
        raise TypeError(
            f"ctc_loss() received an invalid combination of arguments - got ({got}, int, int, "
            "bool), but expected one of:\n"
            " * (Tensor log_probs, Tensor targets, tuple of ints input_lengths, tuple of ints "
            "target_lengths, int blank = 0, int reduction = at::Reduction::Mean, bool "
            "zero_infinity = False)\n"
            " * (Tensor log_probs, Tensor targets, Tensor input_lengths, Tensor target_lengths, "
            "int blank = 0, int reduction = at::Reduction::Mean, bool zero_infinity = False)\n"
        )
    il = _lengths(input_lengths, "input_lengths")
    tl = _lengths(target_lengths, "target_lengths")
    batched = log_probs.dim() == 3
    lp = log_probs if batched else log_probs.unsqueeze(1)
    res = _ctc_loss_node(lp, targets, il, tl, int(blank), zero_infinity)
    if zero_infinity:
        zero = _make(np.zeros((), res._data.dtype))
        res = where(res == float("inf"), zero, res)
    if reduction == "mean":
        lengths = _make(np.maximum(np.asarray(tl, res._data.dtype), 1))
        return (res / lengths).mean()
    if reduction == "sum":
        return res.sum()
    return res if batched else res.squeeze(0)
