"""Gaussian/Poisson NLL, the embedding losses and the multi-class margin losses against PyTorch:
values, gradients (PyTorch and finite differences), graph names, module reprs and errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, assert_same_error, check_functional, to_aw

pytestmark = [
    pytest.mark.oracle,
    pytest.mark.filterwarnings("ignore:size_average and reduce args will be deprecated"),
]

REDUCTIONS = ["mean", "sum", "none"]


def _inputs(torch, dtype):
    torch.manual_seed(7)
    dt = getattr(torch, dtype)
    return {
        "x": torch.randn(6, 4, dtype=dt),
        "x2": torch.randn(6, 4, dtype=dt),
        "t": torch.randn(6, 4, dtype=dt),
        "v": torch.rand(6, 4, dtype=dt) + 0.1,
        "v_row": torch.rand(6, dtype=dt) + 0.1,
        "v_col": torch.rand(6, 1, dtype=dt) + 0.1,
        "v_tiny": torch.rand(6, 4, dtype=dt) * 1e-3,
        "rate": torch.rand(6, 4, dtype=dt) * 3 + 0.1,
        "count": torch.randint(0, 6, (6, 4)).to(dt),
        "sign": torch.tensor([1, -1, 1, -1, -1, 1], dtype=dt),
        "sign_full": torch.randint(0, 2, (6, 4)).to(dt) * 2 - 1,
        "cls": torch.tensor([0, 3, 1, 2, 3, 0]),
        "labels": torch.randint(0, 2, (6, 4)).to(dt),
        "w": torch.rand(4, dtype=dt) + 0.5,
    }


def _cases():
    cases = []
    for r in REDUCTIONS:
        cases += [
            (
                f"gauss_{r}",
                lambda F, d, r=r: F.gaussian_nll_loss(d["x"], d["t"], d["v"], reduction=r),
                ["x", "t", "v"],
            ),
            (
                f"gauss_full_{r}",
                lambda F, d, r=r: F.gaussian_nll_loss(
                    d["x"], d["t"], d["v"], full=True, reduction=r
                ),
                ["x", "v"],
            ),
            (
                f"gauss_row_{r}",
                lambda F, d, r=r: F.gaussian_nll_loss(d["x"], d["t"], d["v_row"], reduction=r),
                ["x", "v_row"],
            ),
            (
                f"gauss_col_{r}",
                lambda F, d, r=r: F.gaussian_nll_loss(d["x"], d["t"], d["v_col"], reduction=r),
                ["x", "t", "v_col"],
            ),
            (
                f"poisson_{r}",
                lambda F, d, r=r: F.poisson_nll_loss(d["x"], d["count"], reduction=r),
                ["x"],
            ),
            (
                f"poisson_rate_full_{r}",
                lambda F, d, r=r: F.poisson_nll_loss(
                    d["rate"], d["count"], log_input=False, full=True, eps=1e-3, reduction=r
                ),
                ["rate"],
            ),
            (
                f"cosine_{r}",
                lambda F, d, r=r: F.cosine_embedding_loss(d["x"], d["x2"], d["sign"], reduction=r),
                ["x", "x2"],
            ),
            (
                f"cosine_margin_{r}",
                lambda F, d, r=r: F.cosine_embedding_loss(
                    d["x"], d["x2"], d["sign"], margin=-0.3, reduction=r
                ),
                ["x", "x2"],
            ),
            (
                f"hinge_{r}",
                lambda F, d, r=r: F.hinge_embedding_loss(d["x"], d["sign_full"], reduction=r),
                ["x"],
            ),
            (
                f"hinge_margin_{r}",
                lambda F, d, r=r: F.hinge_embedding_loss(
                    d["x"], d["sign"][:, None], margin=0.4, reduction=r
                ),
                ["x"],
            ),
            (
                f"multi_margin_{r}",
                lambda F, d, r=r: F.multi_margin_loss(d["x"], d["cls"], reduction=r),
                ["x"],
            ),
            (
                f"multi_margin_p2_weight_{r}",
                lambda F, d, r=r: F.multi_margin_loss(
                    d["x"], d["cls"], p=2, margin=0.7, weight=d["w"], reduction=r
                ),
                ["x"],
            ),
            (
                f"multilabel_{r}",
                lambda F, d, r=r: F.multilabel_soft_margin_loss(d["x"], d["labels"], reduction=r),
                ["x"],
            ),
            (
                f"multilabel_weight_{r}",
                lambda F, d, r=r: F.multilabel_soft_margin_loss(
                    d["x"], d["labels"], weight=d["w"], reduction=r
                ),
                ["x", "labels", "w"],
            ),
        ]
    cases += [
        ("gauss_float_var", lambda F, d: F.gaussian_nll_loss(d["x"], d["t"], 0.5), ["x", "t"]),
        (
            "gauss_clamped",
            lambda F, d: F.gaussian_nll_loss(d["x"], d["t"], d["v_tiny"], eps=1e-2),
            ["x", "v_tiny"],
        ),
        (
            "poisson_target_grad_full",
            lambda F, d: F.poisson_nll_loss(d["x"], d["rate"], full=True),
            ["x", "rate"],
        ),
        (
            "poisson_legacy",
            lambda F, d: F.poisson_nll_loss(d["x"], d["count"], reduce=False),
            ["x"],
        ),
        (
            "cosine_1d",
            lambda F, d: F.cosine_embedding_loss(d["x"][0], d["x2"][0], d["sign"][1]),
            ["x", "x2"],
        ),
        ("multi_margin_1d", lambda F, d: F.multi_margin_loss(d["x"][1], d["cls"][1]), ["x"]),
        (
            "multi_margin_1d_none",
            lambda F, d: F.multi_margin_loss(d["x"][2], d["cls"][2:3], p=2, reduction="none"),
            ["x"],
        ),
        (
            "multilabel_1d",
            lambda F, d: F.multilabel_soft_margin_loss(d["x"][0], d["labels"][0]),
            ["x"],
        ),
    ]
    return cases


CASES = _cases()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_loss_matches_torch(case, dtype):
    torch = require_torch()
    _, fn, diff = case
    check_functional(torch, _inputs(torch, dtype), fn, diff, dtype)


# gauss_clamped: PyTorch clamps var under no_grad, so its gradient is not the derivative of the
# (flat) clamped function by design; the PyTorch comparison above covers it.
FD_CASES = [c for c in CASES if c[0] != "gauss_clamped"]


@pytest.mark.parametrize("case", FD_CASES, ids=[c[0] for c in FD_CASES])
def test_loss_gradients_match_finite_differences(case):
    torch = require_torch()
    _, fn, diff = case
    od = {k: to_aw(v) for k, v in _inputs(torch, "float64").items()}

    def f(*xs):
        return fn(aw.nn.functional, {**od, **dict(zip(diff, xs))})

    xs = [od[k].detach().requires_grad_() for k in diff]
    assert aw.autograd.gradcheck(f, xs)


def test_multi_margin_loss_node_and_no_double_backward():
    torch = require_torch()
    x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    y = torch.tensor([1, 0, 3])
    w = torch.rand(4, dtype=torch.float64)
    t_out = torch.nn.functional.multi_margin_loss(x, y, p=2, margin=0.5, weight=w)
    o_out = aw.nn.functional.multi_margin_loss(to_aw(x), to_aw(y), p=2, margin=0.5, weight=to_aw(w))
    for name in ("_saved_p", "_saved_margin", "_saved_reduction"):
        assert getattr(o_out.grad_fn, name) == getattr(t_out.grad_fn, name)
    assert_close(o_out.grad_fn._saved_weight, t_out.grad_fn._saved_weight, "float64")


@pytest.mark.parametrize("which", ["multi_margin", "multilabel_margin"])
def test_margin_losses_double_backward_is_pytorchs_not_implemented_node(which):
    """PyTorch has no derivative for these backwards: under ``create_graph`` the gradient's
    ``grad_fn`` is a ``NotImplemented`` node, which raises once a gradient reaches it."""
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal((3, 4))
    labels = [[0, 2, -1, 1], [1, -1, 0, 0], [3, 2, 1, 0]]

    def run(m):
        xt = m.tensor(x, requires_grad=True)
        F = m.nn.functional
        if which == "multi_margin":
            loss = F.multi_margin_loss(xt, m.tensor([0, 2, 1]), p=2)
        else:
            loss = F.multilabel_margin_loss(xt, m.tensor(labels))
        (g,) = m.autograd.grad(loss * loss, xt, create_graph=True)
        nodes, stack = [], [g.grad_fn]
        while stack:  # the graph down to the NotImplemented nodes
            f = stack.pop()
            nodes.append((type(f).__name__, [type(e).__name__ for e, _ in f.next_functions]))
            if type(f).__name__ != "NotImplemented":
                stack.extend(e for e, _ in f.next_functions if e is not None)
        with pytest.raises(RuntimeError) as err:
            g.sum().backward()
        return g, type(g.grad_fn).__name__, nodes, str(err.value)

    (ga, *rest_a), (gt, *rest_t) = run(aw), run(torch)
    assert rest_a == rest_t
    assert ("NotImplemented", ["AddBackward0", "AccumulateGrad"]) in rest_a[1]
    assert rest_a[2] == f"derivative for aten::{which}_loss_backward is not implemented"
    assert_close(ga, gt, "float64")


MODULES = [
    ("GaussianNLLLoss", {}, ("x", "t", "v")),
    ("GaussianNLLLoss", {"full": True, "eps": 1e-3, "reduction": "sum"}, ("x", "t", "v_row")),
    ("PoissonNLLLoss", {}, ("x", "count")),
    ("PoissonNLLLoss", {"log_input": False, "full": True, "reduction": "none"}, ("rate", "count")),
    ("CosineEmbeddingLoss", {"margin": 0.2}, ("x", "x2", "sign")),
    ("HingeEmbeddingLoss", {"margin": 2.0, "reduction": "sum"}, ("x", "sign_full")),
    ("MultiMarginLoss", {}, ("x", "cls")),
    ("MultiMarginLoss", {"p": 2, "margin": 0.3, "reduction": "none"}, ("x", "cls")),
    ("MultiLabelSoftMarginLoss", {"reduction": "sum"}, ("x", "labels")),
    ("MultiLabelSoftMarginLoss", {"size_average": False}, ("x", "labels")),
]


@pytest.mark.filterwarnings("ignore:size_average and reduce")
@pytest.mark.parametrize("case", MODULES, ids=[f"{c[0]}-{i}" for i, c in enumerate(MODULES)])
def test_loss_modules_match_torch(case):
    torch = require_torch()
    name, kw, args = case
    td = _inputs(torch, "float64")
    od = {k: to_aw(v) for k, v in td.items()}
    tl, ol = getattr(torch.nn, name)(**kw), getattr(aw.nn, name)(**kw)
    assert repr(ol) == repr(tl)
    assert ol.reduction == tl.reduction
    assert_close(ol(*[od[a] for a in args]), tl(*[td[a] for a in args]), "float64", name)


@pytest.mark.parametrize("name", ["MultiMarginLoss", "MultiLabelSoftMarginLoss"])
def test_weighted_loss_modules_keep_weight_buffer(name):
    torch = require_torch()
    td = _inputs(torch, "float64")
    od = {k: to_aw(v) for k, v in td.items()}
    tl, ol = getattr(torch.nn, name)(weight=td["w"]), getattr(aw.nn, name)(weight=od["w"])
    assert list(ol.state_dict()) == list(tl.state_dict()) == ["weight"]
    target = "cls" if name == "MultiMarginLoss" else "labels"
    assert_close(ol(od["x"], od[target]), tl(td["x"], td[target]), "float64", name)


def _e(torch, fn):
    return fn(torch.nn.functional, torch)


ERRORS = [
    (
        "gauss_var_size",
        lambda F, t: F.gaussian_nll_loss(t.zeros(4, 3), t.zeros(4, 3), t.ones(4, 2)),
    ),
    ("gauss_var_3", lambda F, t: F.gaussian_nll_loss(t.zeros(4, 3), t.zeros(4, 3), t.ones(3))),
    (
        "gauss_var_neg",
        lambda F, t: F.gaussian_nll_loss(t.zeros(4, 3), t.zeros(4, 3), -t.ones(4, 3)),
    ),
    ("gauss_var_neg_float", lambda F, t: F.gaussian_nll_loss(t.zeros(2), t.zeros(2), -1.0)),
    (
        "gauss_reduction",
        lambda F, t: F.gaussian_nll_loss(t.zeros(2), t.zeros(2), t.ones(2), reduction="avg"),
    ),
    ("poisson_reduction", lambda F, t: F.poisson_nll_loss(t.zeros(2), t.zeros(2), reduction="x")),
    ("poisson_broadcast", lambda F, t: F.poisson_nll_loss(t.zeros(4, 3), t.zeros(4, 2))),
    (
        "cosine_target_2d",
        lambda F, t: F.cosine_embedding_loss(t.ones(4, 3), t.ones(4, 3), t.ones(4, 1)),
    ),
    (
        "cosine_1d_target_dims",
        lambda F, t: F.cosine_embedding_loss(t.ones(3), t.ones(4, 3), t.ones(4)),
    ),
    (
        "cosine_0d_target_dims",
        lambda F, t: F.cosine_embedding_loss(t.ones(4, 3), t.ones(4, 3), t.tensor(1.0)),
    ),
    (
        "cosine_reduction",
        lambda F, t: F.cosine_embedding_loss(t.ones(4, 3), t.ones(4, 3), t.ones(4), reduction="a"),
    ),
    ("hinge_reduction", lambda F, t: F.hinge_embedding_loss(t.ones(3), t.ones(3), reduction="a")),
    ("mm_target_range", lambda F, t: F.multi_margin_loss(t.ones(4, 3), t.tensor([0, 1, 2, 3]))),
    ("mm_target_negative", lambda F, t: F.multi_margin_loss(t.ones(4, 3), t.tensor([0, 1, 2, -1]))),
    ("mm_target_size", lambda F, t: F.multi_margin_loss(t.ones(4, 3), t.tensor([0, 1, 2]))),
    ("mm_target_2d", lambda F, t: F.multi_margin_loss(t.ones(4, 3), t.tensor([[0, 1, 2, 1]]))),
    ("mm_target_float", lambda F, t: F.multi_margin_loss(t.ones(4, 3), t.tensor([0, 1, 2, 1.0]))),
    ("mm_input_3d", lambda F, t: F.multi_margin_loss(t.ones(2, 3, 4), t.tensor([0, 1]))),
    ("mm_input_empty", lambda F, t: F.multi_margin_loss(t.ones(4, 0), t.tensor([0, 1, 2, 1]))),
    ("mm_p", lambda F, t: F.multi_margin_loss(t.ones(4, 3), t.tensor([0, 1, 2, 1]), p=3)),
    (
        "mm_weight_2d",
        lambda F, t: F.multi_margin_loss(t.ones(4, 3), t.tensor([0, 1, 2, 1]), weight=t.ones(3, 1)),
    ),
    (
        "mm_weight_size",
        lambda F, t: F.multi_margin_loss(t.ones(4, 3), t.tensor([0, 1, 2, 1]), weight=t.ones(4)),
    ),
    (
        "mm_weight_dtype",
        lambda F, t: F.multi_margin_loss(
            t.ones(4, 3, dtype=t.float64), t.tensor([0, 1, 2, 1]), weight=t.ones(3)
        ),
    ),
    (
        "mm_reduction",
        lambda F, t: F.multi_margin_loss(t.ones(4, 3), t.tensor([0, 1, 2, 1]), reduction="avg"),
    ),
    ("mm_module_p", lambda F, t: t.nn.MultiMarginLoss(p=3)),
    ("mm_module_weight", lambda F, t: t.nn.MultiMarginLoss(weight=t.ones(3, 1))),
    (
        "multilabel_reduction",
        lambda F, t: F.multilabel_soft_margin_loss(t.ones(4, 3), t.ones(4, 3), reduction="avg"),
    ),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors_match_torch(case):
    torch = require_torch()
    _, fn = case
    assert_same_error(torch, lambda t: _e(t, fn))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(64, 10), (5, 3), (1, 4), (7, 1)])
@pytest.mark.parametrize("ignore_index", [-100, 0, 2, 10**6])
def test_nll_loss_fast_path_equals_the_general_path(monkeypatch, dtype, shape, ignore_index):
    """(N, C) scores, no weights, mean: the short path gives the general path's bits."""
    from autograd_widgets.nn._functional import loss as L

    rng = np.random.default_rng(sum(shape))
    x = (rng.standard_normal(shape) * 3).astype(dtype)
    x[0, 0] = -0.0
    t = aw.from_numpy(rng.integers(0, shape[1], shape[0]))
    seen = []
    for short in (True, False):
        if not short:
            monkeypatch.setattr(L, "_nll_2d_mean", lambda *a: None)
        a = aw.from_numpy(x.copy()).requires_grad_()
        loss = aw.nn.functional.nll_loss(a, t, ignore_index=ignore_index)
        meta = (repr(loss), loss.grad_fn.name(), repr(loss.grad_fn._saved_total_weight))
        loss.backward()
        seen.append((loss.detach().numpy().tobytes(), a.grad.numpy().tobytes(), meta))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("n", [37, 1000, 4099])
@pytest.mark.parametrize("name", ["mse_loss", "huber_loss", "smooth_l1_loss"])
def test_loss_reductions_sum_in_pytorchs_order(name, n):
    torch = require_torch()
    g = torch.Generator().manual_seed(n)
    a, b = torch.randn(n, generator=g), torch.randn(n, generator=g)
    for reduction in ("sum", "mean"):
        theirs = getattr(torch.nn.functional, name)(a, b, reduction=reduction)
        ours = getattr(aw.nn.functional, name)(to_aw(a), to_aw(b), reduction=reduction)
        assert ours.item() == theirs.item(), reduction  # bit for bit: printed digits match


def _nll_errors(m, fn_name):
    fn = getattr(m.nn.functional, fn_name)
    x1, x2, x3 = m.zeros(3), m.zeros(4, 3), m.zeros(2, 3, 4)
    cases = [
        (x1, m.tensor([1, 2, 0, 1])),
        (x2, m.tensor([[1, 2], [0, 1]])),
        (x2, m.tensor(1)),
        (x2, m.tensor([1, 2])),
        (x3, m.zeros(3, 4, dtype=m.long)),
        (x3, m.zeros(2, 5, dtype=m.long)),
        (m.tensor(1.0), m.tensor(1)),
        (x1, m.tensor([[1]])),
    ]
    if fn_name == "cross_entropy":
        cases.append((x2, m.zeros(4, 3)))
    out = []
    for x, t in cases:
        kw = {"ignore_index": 1} if t.dtype == m.float32 else {}
        try:
            fn(x, t, **kw)
            out.append(None)
        except Exception as e:  # noqa: BLE001
            out.append((type(e).__name__, str(e)))
    return out


@pytest.mark.parametrize("fn_name", ["nll_loss", "cross_entropy"])
def test_class_index_target_errors_in_pytorchs_order(fn_name):
    torch = require_torch()
    assert _nll_errors(aw, fn_name) == _nll_errors(torch, fn_name)


def _target_dtype_errors(m):
    F = m.nn.functional
    s, y = m.zeros(4), m.tensor([1, 0, 1, 1])
    out = []
    for fn in (F.binary_cross_entropy_with_logits, F.kl_div):
        for t in (y, y.bool(), y.int(), y.double()):
            try:
                r = fn(s, t, reduction="sum")
                out.append(("ok", r.dtype.__repr__(), r.item()))
            except RuntimeError as e:
                out.append(("RuntimeError", str(e)))
    return out


def test_integer_targets_of_bce_with_logits_and_kl_div_fail_like_torch():
    torch = require_torch()
    assert _target_dtype_errors(aw) == _target_dtype_errors(torch)


def test_huber_loss_keeps_the_input_dtype_like_torch():
    torch = require_torch()
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(7, generator=g), torch.randn(7, generator=g, dtype=torch.float64)
    for reduction in ("none", "sum", "mean"):
        theirs = torch.nn.functional.huber_loss(a, b, reduction=reduction, delta=0.7)
        ours = aw.nn.functional.huber_loss(to_aw(a), to_aw(b), reduction=reduction, delta=0.7)
        assert repr(ours.dtype) == repr(theirs.dtype)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert aw.nn.functional.huber_loss(to_aw(b), to_aw(a)).dtype == aw.float64
