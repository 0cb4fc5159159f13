"""``F.ctc_loss`` / ``nn.CTCLoss`` against PyTorch: values, ``log_probs.grad``, graph names,
saved values, errors, and finite differences through a log_softmax."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, assert_same_error, graph_names, to_aw

pytestmark = pytest.mark.oracle


def _problem(torch, dtype, T=7, N=3, C=5, S=4, blank=0, seed=0):
    torch.manual_seed(seed)
    lp = torch.randn(T, N, C, dtype=getattr(torch, dtype)).log_softmax(-1)
    labels = [c for c in range(C) if c != blank]
    targets = torch.tensor(labels)[torch.randint(0, len(labels), (N, S))]
    return lp, targets


def _lengths(lib, values, kind):
    if kind == "tuple":
        return tuple(values)
    if kind == "list":
        return list(values)
    return lib.tensor(values, dtype=getattr(lib, kind))


# (id, T, N, C, S, input lengths, target lengths, options); every case runs with the targets
# padded and concatenated, for each reduction and lengths type below.
CASES = [
    ("full", 7, 3, 5, 4, (7, 6, 5), (4, 2, 3), {}),
    ("zero_target", 7, 3, 5, 4, (7, 6, 5), (4, 0, 1), {}),
    ("repeats_blank2", 9, 2, 4, 5, (9, 8), (5, 3), {"blank": 2}),
    ("blank_last", 6, 2, 4, 3, (6, 4), (3, 2), {"blank": 3}),
    ("impossible_inf", 6, 3, 5, 4, (6, 1, 4), (4, 2, 3), {}),
    ("impossible_zero_inf", 6, 3, 5, 4, (6, 1, 4), (4, 2, 3), {"zero_infinity": True}),
    ("zero_input", 6, 3, 5, 4, (0, 5, 0), (0, 2, 1), {"zero_infinity": True}),
    ("long", 30, 4, 12, 10, (30, 25, 18, 30), (10, 8, 5, 1), {}),
]


def _run(lib, lp, targets, il, tl, fmt, lengths, reduction, opts):
    if fmt == "concat":
        targets = lib.cat([targets[b, :n] for b, n in enumerate(tl)])
    return lib.nn.functional.ctc_loss(
        lp,
        targets,
        _lengths(lib, il, lengths),
        _lengths(lib, tl, lengths),
        reduction=reduction,
        **opts,
    )


def _compare(torch, dtype, case, fmt, lengths, reduction, unbatched=False):
    _, T, N, C, S, il, tl, opts = case
    lp, targets = _problem(torch, dtype, T, N, C, S, opts.get("blank", 0))
    if unbatched:
        lp, targets, il, tl = lp[:, 0], targets[:1], il[:1], tl[:1]
    lp_t = lp.clone().requires_grad_()
    lp_o = to_aw(lp_t)
    t_out = _run(torch, lp_t, targets, il, tl, fmt, lengths, reduction, opts)
    o_out = _run(aw, lp_o, to_aw(targets), il, tl, fmt, lengths, reduction, opts)
    assert graph_names(o_out) == graph_names(t_out)
    assert_close(o_out, t_out, dtype, "loss")
    assert (np.signbit(o_out.detach().numpy()) == np.signbit(t_out.detach().numpy())).all()
    torch.manual_seed(3)
    g = torch.rand(t_out.shape, dtype=t_out.dtype) + 0.5
    t_out.backward(g)
    o_out.backward(to_aw(g))
    a, b = lp_o.grad.numpy(), lp_t.grad.numpy()
    assert (np.isnan(a) == np.isnan(b)).all()  # an impossible alignment: nan where PyTorch has nan
    assert_close(np.nan_to_num(a), torch.nan_to_num(lp_t.grad), dtype, "grad of log_probs")
    return o_out, t_out


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("fmt", ["padded", "concat"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_ctc_loss_matches_torch(case, fmt, reduction, dtype):
    _compare(require_torch(), dtype, case, fmt, "tuple", reduction)


@pytest.mark.parametrize("lengths", ["list", "int32", "int64"])
@pytest.mark.parametrize("case", CASES[:2] + CASES[5:6], ids=["full", "zero_target", "zero_inf"])
def test_ctc_loss_lengths_as_lists_and_tensors(case, lengths):
    _compare(require_torch(), "float64", case, "padded", lengths, "mean")


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("lengths", ["tuple", "int64"])
def test_ctc_loss_unbatched(reduction, lengths):
    o_out, t_out = _compare(
        require_torch(), "float64", CASES[0], "concat", lengths, reduction, True
    )
    assert o_out.shape == t_out.shape


def test_ctc_loss_unbatched_zero_dim_lengths():
    torch = require_torch()
    lp, targets = _problem(torch, "float64")

    def run(m, lp, tg):
        return m.nn.functional.ctc_loss(lp[:, 0], tg[0], m.tensor(7), m.tensor(4), reduction="none")

    assert_close(run(aw, to_aw(lp), to_aw(targets)), run(torch, lp, targets), "float64")


def test_ctc_loss_saved_values_match_torch():
    torch = require_torch()
    lp, targets = _problem(torch, "float64")
    lp = lp.requires_grad_()
    il, tl = (7, 6, 5), (4, 2, 3)
    t_fn = torch.nn.functional.ctc_loss(
        lp, targets, torch.tensor(il), torch.tensor(tl), reduction="none"
    ).grad_fn
    o_fn = aw.nn.functional.ctc_loss(
        to_aw(lp), to_aw(targets), aw.tensor(il), aw.tensor(tl), reduction="none"
    ).grad_fn
    for name in ("input_lengths", "target_lengths", "blank", "zero_infinity"):
        assert getattr(o_fn, f"_saved_{name}") == getattr(t_fn, f"_saved_{name}")
        assert type(getattr(o_fn, f"_saved_{name}")) is type(getattr(t_fn, f"_saved_{name}"))
    for name in ("log_probs", "targets", "result0"):
        assert_close(
            getattr(o_fn, f"_saved_{name}"), getattr(t_fn, f"_saved_{name}"), "float64", name
        )
    # log_alpha: PyTorch leaves the frames past each input length (and the positions past
    # 2 * target_length + 1) uninitialised; compare the part it writes.
    ours, theirs = o_fn._saved_result1.numpy(), t_fn._saved_result1.numpy()
    assert ours.shape == theirs.shape
    for b, (n, s) in enumerate(zip(il, tl)):
        np.testing.assert_allclose(ours[b, :n, : 2 * s + 1], theirs[b, :n, : 2 * s + 1], rtol=1e-12)


@pytest.mark.parametrize(
    "opts",
    [{}, {"reduction": "sum", "blank": 2}, {"zero_infinity": True}],
    ids=["mean", "sum", "zi"],
)
def test_ctc_loss_gradient_through_log_softmax_matches_finite_differences(opts):
    """PyTorch's CTC gradient is the one that holds behind a log_softmax (see ctc.py), so the
    finite-difference check runs on the logits."""
    rng = np.random.default_rng(1)
    x = aw.tensor(rng.standard_normal((6, 2, 4)), requires_grad=True)
    targets = aw.tensor([[1, 3, 3], [3, 1, 0]])

    def f(x):
        lp = x.log_softmax(-1)
        return aw.nn.functional.ctc_loss(lp, targets, (6, 5), (3, 2), **opts)

    assert aw.autograd.gradcheck(f, (x,))


def test_ctc_loss_double_backward_is_pytorchs_not_implemented_node():
    torch = require_torch()
    x_np = np.random.default_rng(0).standard_normal((5, 2, 4))

    def run(m):
        lp = m.tensor(x_np, requires_grad=True).log_softmax(2).detach().requires_grad_()
        loss = m.nn.functional.ctc_loss(lp, m.tensor([[1, 2], [3, 3]]), (5, 5), (2, 2))
        (g,) = m.autograd.grad(loss, lp, create_graph=True)
        edges = [type(f).__name__ for f, _ in g.grad_fn.next_functions]
        with pytest.raises(RuntimeError) as err:
            g.sum().backward()
        return g, type(g.grad_fn).__name__, edges, str(err.value)

    (ga, *rest_a), (gt, *rest_t) = run(aw), run(torch)
    assert rest_a == rest_t
    assert rest_a[-1] == "derivative for aten::_ctc_loss_backward is not implemented"
    assert_close(ga, gt, "float64")


@pytest.mark.parametrize(
    "kwargs", [{}, {"blank": 2, "reduction": "sum", "zero_infinity": True}], ids=["default", "set"]
)
def test_ctc_loss_module_matches_torch(kwargs):
    torch = require_torch()
    tm, om = torch.nn.CTCLoss(**kwargs), aw.nn.CTCLoss(**kwargs)
    assert repr(om) == repr(tm)
    assert (om.blank, om.reduction, om.zero_infinity) == (tm.blank, tm.reduction, tm.zero_infinity)
    lp, targets = _problem(torch, "float64", blank=kwargs.get("blank", 0))
    il, tl = torch.tensor([7, 5, 2]), torch.tensor([4, 3, 2])
    assert_close(
        om(to_aw(lp), to_aw(targets), to_aw(il), to_aw(tl)), tm(lp, targets, il, tl), "float64"
    )


def _lp(m, *shape):
    return m.zeros(*shape).log_softmax(-1)


ERRORS = [
    (
        "input_too_long",
        lambda m, F: F.ctc_loss(_lp(m, 6, 3, 5), m.ones(3, 4, dtype=m.long), (7, 5, 4), (4, 2, 3)),
    ),
    (
        "input_negative",
        lambda m, F: F.ctc_loss(_lp(m, 6, 3, 5), m.ones(3, 4, dtype=m.long), (6, -1, 4), (4, 2, 3)),
    ),
    (
        "target_negative",
        lambda m, F: F.ctc_loss(_lp(m, 6, 3, 5), m.ones(3, 4, dtype=m.long), (6, 5, 4), (4, -2, 3)),
    ),
    (
        "input_count",
        lambda m, F: F.ctc_loss(_lp(m, 6, 3, 5), m.ones(3, 4, dtype=m.long), (6, 5), (4, 2, 3)),
    ),
    (
        "target_count",
        lambda m, F: F.ctc_loss(_lp(m, 6, 3, 5), m.ones(3, 4, dtype=m.long), (6, 5, 4), (4, 2)),
    ),
    (
        "padded_short",
        lambda m, F: F.ctc_loss(_lp(m, 6, 3, 5), m.ones(3, 4, dtype=m.long), (6, 5, 4), (5, 2, 3)),
    ),
    (
        "padded_batch",
        lambda m, F: F.ctc_loss(_lp(m, 6, 3, 5), m.ones(2, 4, dtype=m.long), (6, 5, 4), (4, 2, 3)),
    ),
    (
        "concat_size",
        lambda m, F: F.ctc_loss(_lp(m, 6, 3, 5), m.ones(8, dtype=m.long), (6, 5, 4), (4, 2, 3)),
    ),
    (
        "blank_high",
        lambda m, F: F.ctc_loss(
            _lp(m, 6, 3, 5), m.ones(3, 4, dtype=m.long), (6, 5, 4), (4, 2, 3), blank=5
        ),
    ),
    (
        "blank_negative",
        lambda m, F: F.ctc_loss(
            _lp(m, 6, 3, 5), m.ones(3, 4, dtype=m.long), (6, 5, 4), (4, 2, 3), blank=-1
        ),
    ),
    (
        "reduction",
        lambda m, F: F.ctc_loss(
            _lp(m, 6, 3, 5), m.ones(3, 4, dtype=m.long), (6, 5, 4), (4, 2, 3), reduction="avg"
        ),
    ),
    (
        "int_log_probs",
        lambda m, F: F.ctc_loss(
            m.zeros(6, 3, 5, dtype=m.int32), m.ones(3, 4, dtype=m.long), (6, 5, 4), (4, 2, 3)
        ),
    ),
    (
        "float_input_lengths",
        lambda m, F: F.ctc_loss(
            _lp(m, 6, 3, 5), m.ones(3, 4, dtype=m.long), m.tensor([6.0, 5, 4]), m.tensor([4, 2, 3])
        ),
    ),
    (
        "float_target_lengths",
        lambda m, F: F.ctc_loss(
            _lp(m, 6, 3, 5), m.ones(3, 4, dtype=m.long), m.tensor([6, 5, 4]), m.tensor([4.0, 2, 3])
        ),
    ),
    (
        "log_probs_4d",
        lambda m, F: F.ctc_loss(
            _lp(m, 6, 3, 1, 5), m.ones(3, 4, dtype=m.long), (6, 5, 4), (4, 2, 3)
        ),
    ),
    ("log_probs_1d", lambda m, F: F.ctc_loss(_lp(m, 5), m.ones(1, dtype=m.long), (1,), (1,))),
    (
        "targets_3d",
        lambda m, F: F.ctc_loss(
            _lp(m, 6, 3, 5), m.ones(1, 3, 4, dtype=m.long), (6, 5, 4), (4, 2, 3)
        ),
    ),
    (
        "unbatched_padded_targets",
        lambda m, F: F.ctc_loss(_lp(m, 6, 5), m.ones(3, 4, dtype=m.long), (6,), (4,)),
    ),
]


@pytest.mark.parametrize("case", ERRORS, ids=[e[0] for e in ERRORS])
def test_ctc_loss_errors_match_torch(case):
    torch = require_torch()
    assert_same_error(torch, lambda m: case[1](m, m.nn.functional))


@pytest.mark.parametrize("kind", ["ints", "tensor_and_tuple"])
def test_ctc_loss_lengths_of_the_wrong_kind_raise_type_error(kind):
    torch = require_torch()

    def run(m):
        il, tl = (6, 4) if kind == "ints" else (m.tensor([6]), (4,))
        return m.nn.functional.ctc_loss(_lp(m, 6, 5), m.ones(4, dtype=m.long), il, tl)

    with pytest.raises(TypeError, match="invalid combination of arguments"):
        run(torch)
    with pytest.raises(TypeError, match="invalid combination of arguments"):
        run(aw)


def test_ctc_loss_target_out_of_range_raises():
    """PyTorch's CPU kernel reads out of bounds here; we refuse."""
    with pytest.raises(IndexError, match="target labels"):
        aw.nn.functional.ctc_loss(_lp(aw, 6, 5), aw.tensor([7, 1]), (6,), (2,))
