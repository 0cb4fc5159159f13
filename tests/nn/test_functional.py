"""``nn.functional`` against PyTorch: values, gradients, graph shape and error messages."""

from __future__ import annotations

import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import assert_close, check_functional, to_aw

pytestmark = pytest.mark.oracle


def _inputs(torch, dtype):
    torch.manual_seed(3)
    dt = getattr(torch, dtype)
    x = torch.randn(6, 4, dtype=dt)
    return {
        "x": x,
        "t": torch.randn(6, 4, dtype=dt),
        "p": torch.rand(6, 4, dtype=dt).clamp(0.05, 0.95),
        "pt": torch.rand(6, 4, dtype=dt),
        "y": torch.tensor([0, 3, 1, 2, 3, 0]),
        "y_ign": torch.tensor([0, -100, 1, 2, 3, -100]),
        "sign": torch.randint(0, 2, (6, 4)).to(dt) * 2 - 1,
        "labels": torch.tensor(
            [
                [3, 0, -1, 1],
                [0, 1, 2, 3],
                [-1, 0, 0, 0],
                [2, 2, -1, 3],
                [1, -1, 2, 2],
                [0, 3, 1, -1],
            ]
        ),
        "soft": torch.softmax(torch.randn(6, 4, dtype=dt), 1),
        "w": torch.rand(4, dtype=dt) + 0.5,
        "x4": torch.randn(2, 3, 4, 5, dtype=dt),
        "y4": torch.randint(0, 3, (2, 4, 5)),
        "img": torch.randn(2, 3, 6, 6, dtype=dt),
        "pos": torch.rand(4, dtype=dt) * 2,
        "k": torch.randn(2, 3, 3, 3, dtype=dt),
    }


# (id, fn(F, d) with d the dict of inputs on the same side, names of differentiable inputs)
CASES = [
    ("relu", lambda F, d: F.relu(d["x"]), ["x"]),
    ("leaky_relu", lambda F, d: F.leaky_relu(d["x"], 0.1), ["x"]),
    ("leaky_relu_inplace", lambda F, d: F.leaky_relu(d["x"] * 1, 0.1, inplace=True), ["x"]),
    ("elu_inplace", lambda F, d: F.elu(d["x"] * 1, inplace=True), ["x"]),
    ("relu_inplace", lambda F, d: F.relu(d["x"] * 1, inplace=True), ["x"]),
    ("gelu", lambda F, d: F.gelu(d["x"]), ["x"]),
    ("gelu_tanh", lambda F, d: F.gelu(d["x"], approximate="tanh"), ["x"]),
    ("silu", lambda F, d: F.silu(d["x"]), ["x"]),
    ("elu", lambda F, d: F.elu(d["x"], 1.5), ["x"]),
    ("softplus", lambda F, d: F.softplus(d["x"] * 15, beta=2, threshold=10), ["x"]),
    ("tanh", lambda F, d: F.tanh(d["x"]), ["x"]),
    ("sigmoid", lambda F, d: F.sigmoid(d["x"]), ["x"]),
    ("softmax", lambda F, d: F.softmax(d["x"], dim=1), ["x"]),
    ("log_softmax", lambda F, d: F.log_softmax(d["x"], dim=0), ["x"]),
    ("normalize", lambda F, d: F.normalize(d["x"]), ["x"]),
    ("normalize_p1", lambda F, d: F.normalize(d["x"], p=1, dim=0), ["x"]),
    ("pad", lambda F, d: F.pad(d["x"], (1, 2, 0, 1), value=0.5), ["x"]),
    ("pad_negative", lambda F, d: F.pad(d["x"], (-1, 2)), ["x"]),
    ("layer_norm", lambda F, d: F.layer_norm(d["x"], (4,), d["w"], d["w"] * 0.5), ["x", "w"]),
    (
        "batch_norm_fn",
        lambda F, d: F.batch_norm(d["x"], None, None, d["w"], None, training=True),
        ["x", "w"],
    ),
    ("linear", lambda F, d: F.linear(d["x"], d["t"][:3], d["w"][:3]), ["x", "t", "w"]),
    ("linear_nobias", lambda F, d: F.linear(d["x"], d["t"][:3]), ["x", "t"]),
    ("conv2d_fn", lambda F, d: F.conv2d(d["img"], d["k"], d["w"][:2], 1, 1), ["img", "k", "w"]),
    ("max_pool2d_fn", lambda F, d: F.max_pool2d(d["img"], 3, 2, 1), ["img"]),
    ("avg_pool2d_fn", lambda F, d: F.avg_pool2d(d["img"], 2, divisor_override=3), ["img"]),
    ("mse", lambda F, d: F.mse_loss(d["x"], d["t"]), ["x", "t"]),
    ("mse_sum", lambda F, d: F.mse_loss(d["x"], d["t"], reduction="sum"), ["x", "t"]),
    ("mse_none", lambda F, d: F.mse_loss(d["x"], d["t"], reduction="none"), ["x", "t"]),
    ("l1", lambda F, d: F.l1_loss(d["x"], d["t"]), ["x", "t"]),
    ("l1_none", lambda F, d: F.l1_loss(d["x"], d["t"], reduction="none"), ["x"]),
    ("smooth_l1", lambda F, d: F.smooth_l1_loss(d["x"], d["t"], beta=0.5), ["x", "t"]),
    ("smooth_l1_none", lambda F, d: F.smooth_l1_loss(d["x"], d["t"], reduction="none"), ["x"]),
    ("huber", lambda F, d: F.huber_loss(d["x"], d["t"], delta=0.7), ["x", "t"]),
    ("huber_sum", lambda F, d: F.huber_loss(d["x"], d["t"], reduction="sum"), ["x"]),
    ("cross_entropy", lambda F, d: F.cross_entropy(d["x"], d["y"]), ["x"]),
    ("cross_entropy_sum", lambda F, d: F.cross_entropy(d["x"], d["y"], reduction="sum"), ["x"]),
    ("cross_entropy_none", lambda F, d: F.cross_entropy(d["x"], d["y"], reduction="none"), ["x"]),
    ("cross_entropy_weight", lambda F, d: F.cross_entropy(d["x"], d["y"], weight=d["w"]), ["x"]),
    ("cross_entropy_ignore", lambda F, d: F.cross_entropy(d["x"], d["y_ign"]), ["x"]),
    (
        "cross_entropy_ignore_none",
        lambda F, d: F.cross_entropy(d["x"], d["y_ign"], reduction="none"),
        ["x"],
    ),
    (
        "cross_entropy_smooth",
        lambda F, d: F.cross_entropy(d["x"], d["y"], label_smoothing=0.2),
        ["x"],
    ),
    (
        "cross_entropy_smooth_weight_ignore",
        lambda F, d: F.cross_entropy(d["x"], d["y_ign"], weight=d["w"], label_smoothing=0.1),
        ["x"],
    ),
    ("cross_entropy_probs", lambda F, d: F.cross_entropy(d["x"], d["soft"]), ["x", "soft"]),
    (
        "cross_entropy_probs_smooth_weight",
        lambda F, d: F.cross_entropy(
            d["x"], d["soft"], weight=d["w"], label_smoothing=0.3, reduction="sum"
        ),
        ["x"],
    ),
    ("cross_entropy_4d", lambda F, d: F.cross_entropy(d["x4"], d["y4"]), ["x4"]),
    ("cross_entropy_1d", lambda F, d: F.cross_entropy(d["x"][0], d["y"][1]), ["x"]),
    ("nll", lambda F, d: F.nll_loss(F.log_softmax(d["x"], 1), d["y"]), ["x"]),
    (
        "nll_weight_sum",
        lambda F, d: F.nll_loss(d["x"], d["y"], weight=d["w"], reduction="sum"),
        ["x"],
    ),
    ("bce", lambda F, d: F.binary_cross_entropy(d["p"], d["pt"]), ["p", "pt"]),
    (
        "bce_weight_none",
        lambda F, d: F.binary_cross_entropy(d["p"], d["pt"], d["w"], reduction="none"),
        ["p"],
    ),
    ("bce_logits", lambda F, d: F.binary_cross_entropy_with_logits(d["x"], d["pt"]), ["x", "pt"]),
    (
        "bce_logits_pos_weight",
        lambda F, d: F.binary_cross_entropy_with_logits(
            d["x"] * 30, d["pt"], d["w"], pos_weight=d["pos"]
        ),
        ["x", "pt"],
    ),
    (
        "kl_div_batchmean",
        lambda F, d: F.kl_div(F.log_softmax(d["x"], 1), d["soft"], reduction="batchmean"),
        ["x"],
    ),
    (
        "kl_div_log_target",
        lambda F, d: F.kl_div(d["x"], d["t"], reduction="sum", log_target=True),
        ["x", "t"],
    ),
    ("kl_div_none", lambda F, d: F.kl_div(d["x"], d["soft"], reduction="none"), ["x", "soft"]),
    (
        "margin_ranking",
        lambda F, d: F.margin_ranking_loss(d["x"], d["t"], d["pt"].round() * 2 - 1, margin=0.2),
        ["x", "t"],
    ),
    (
        "margin_ranking_none",
        lambda F, d: F.margin_ranking_loss(d["x"], d["t"], d["p"], reduction="none"),
        ["x", "t", "p"],
    ),
    (
        "margin_ranking_legacy",
        lambda F, d: F.margin_ranking_loss(d["x"], d["t"], d["p"], reduce=False),
        ["x"],
    ),
    ("triplet", lambda F, d: F.triplet_margin_loss(d["x"], d["t"], d["p"]), ["x", "t", "p"]),
    (
        "triplet_swap",
        lambda F, d: F.triplet_margin_loss(
            d["x"], d["t"], d["p"], 0.5, 3, swap=True, reduction="sum"
        ),
        ["x", "t", "p"],
    ),
    (
        "triplet_none_inf",
        lambda F, d: F.triplet_margin_loss(
            d["x"], d["t"], d["p"], p=float("inf"), reduction="none"
        ),
        ["x", "p"],
    ),
    ("lrn_4d", lambda F, d: F.local_response_norm(d["img"], 2), ["img"]),
    ("lrn_3d", lambda F, d: F.local_response_norm(d["x4"][0], 5, 0.5, 0.9, 0.5), ["x4"]),
    ("lrn_size1", lambda F, d: F.local_response_norm(d["x4"], 1, alpha=1.0), ["x4"]),
    # prelu: one PreluKernelBackward0 node (the weight viewed to broadcast), as ATen's kernel.
    ("prelu_channels", lambda F, d: F.prelu(d["x"], d["w"] - 0.75), ["x", "w"]),
    ("prelu_one_weight", lambda F, d: F.prelu(d["img"], d["w"][:1]), ["img", "w"]),
    ("prelu_0d_weight", lambda F, d: F.prelu(d["x4"], d["w"][0]), ["x4", "w"]),
    ("prelu_1d_input", lambda F, d: F.prelu(d["x"][0], d["w"][:1]), ["x", "w"]),
    # One SoftMarginLossBackward0 / MultilabelMarginLossBackward0 node each, as ATen.
    ("soft_margin", lambda F, d: F.soft_margin_loss(d["x"], d["sign"]), ["x"]),
    (
        "soft_margin_none",
        lambda F, d: F.soft_margin_loss(d["x"], d["sign"], reduction="none"),
        ["x"],
    ),
    ("multilabel_margin", lambda F, d: F.multilabel_margin_loss(d["x"], d["labels"]), ["x"]),
    (
        "multilabel_margin_sum",
        lambda F, d: F.multilabel_margin_loss(d["x"] * 0.3, d["labels"], reduction="sum"),
        ["x"],
    ),
    (
        "multilabel_margin_none_1d",
        lambda F, d: F.multilabel_margin_loss(d["x"][1], d["labels"][0], reduction="none"),
        ["x"],
    ),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_functional_matches_torch(case, dtype):
    torch = require_torch()
    _, fn, diff = case
    check_functional(torch, _inputs(torch, dtype), fn, diff, dtype)


def test_loss_modules_match_functional():
    torch = require_torch()
    td = _inputs(torch, "float64")
    od = {k: to_aw(v) for k, v in td.items()}
    pairs = [
        ("MSELoss", {}, "x", "t"),
        ("L1Loss", {"reduction": "sum"}, "x", "t"),
        ("SmoothL1Loss", {"beta": 0.3}, "x", "t"),
        ("HuberLoss", {"delta": 2.0}, "x", "t"),
        ("CrossEntropyLoss", {"label_smoothing": 0.1}, "x", "y"),
        ("NLLLoss", {}, "x", "y"),
        ("BCELoss", {}, "p", "pt"),
        ("BCEWithLogitsLoss", {}, "x", "pt"),
        ("KLDivLoss", {"reduction": "batchmean"}, "x", "soft"),
        ("SoftMarginLoss", {}, "x", "sign"),
        ("MultiLabelMarginLoss", {"reduction": "none"}, "x", "labels"),
    ]
    for name, kw in [("MarginRankingLoss", {"margin": 0.1}), ("TripletMarginLoss", {"swap": True})]:
        tl, ol = getattr(torch.nn, name)(**kw), getattr(aw.nn, name)(**kw)
        assert repr(ol) == repr(tl)
        assert_close(ol(od["x"], od["t"], od["p"]), tl(td["x"], td["t"], td["p"]), "float64", name)
    for name, kw, a, b in pairs:
        tl, ol = getattr(torch.nn, name)(**kw), getattr(aw.nn, name)(**kw)
        assert repr(ol) == repr(tl)
        assert_close(ol(od[a], od[b]), tl(td[a], td[b]), "float64", name)
    w = td["w"]
    tl = torch.nn.CrossEntropyLoss(weight=w)
    ol = aw.nn.CrossEntropyLoss(weight=to_aw(w))
    assert list(ol.state_dict()) == list(tl.state_dict()) == ["weight"]
    assert_close(ol(od["x"], od["y"]), tl(td["x"], td["y"]), "float64", "weighted")


def test_dropout_statistics_and_graph():
    aw.manual_seed(0)
    x = aw.ones(200, 100, requires_grad=True)
    y = aw.nn.functional.dropout(x, 0.25)
    assert type(y.grad_fn).__name__ == "MulBackward0"
    kept = (y.detach().numpy() != 0).mean()
    assert abs(kept - 0.75) < 0.02
    assert set(y.detach().numpy().ravel().tolist()) <= {0.0, float(aw.tensor(1 / 0.75))}
    y.sum().backward()
    assert ((x.grad.numpy() == 0) == (y.detach().numpy() == 0)).all()
    assert aw.nn.functional.dropout(x, 0.5, training=False) is x
    m = aw.nn.Dropout(0.5).eval()
    assert m(x) is x
    assert (aw.nn.functional.dropout(x, 1.0).detach().numpy() == 0).all()


def test_one_hot_matches_torch():
    torch = require_torch()
    t = torch.tensor([[0, 2], [1, 3]])
    for n in (-1, 5):
        o = aw.nn.functional.one_hot(to_aw(t), n)
        assert repr(o) == repr(torch.nn.functional.one_hot(t, n))


def _error(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__, str(exc)
    return None


# Bad input: the same exception type and message as PyTorch.
ERRORS = [
    ("linear_shapes", lambda torch: torch.nn.Linear(2, 5)(torch.randn(4, 3))),
    ("linear_shapes_1d", lambda torch: torch.nn.Linear(2, 5)(torch.randn(3))),
    ("linear_shapes_3d", lambda torch: torch.nn.Linear(2, 5)(torch.randn(2, 4, 3))),
    ("linear_nobias_shapes", lambda torch: torch.nn.Linear(2, 5, bias=False)(torch.randn(4, 3))),
    (
        "ce_target_high",
        lambda torch: torch.nn.functional.cross_entropy(
            torch.randn(4, 3), torch.tensor([0, 1, 5, 2])
        ),
    ),
    (
        "ce_target_negative",
        lambda torch: torch.nn.functional.cross_entropy(
            torch.randn(4, 3), torch.tensor([0, 1, -2, 2])
        ),
    ),
    (
        "ce_batch_mismatch",
        lambda torch: torch.nn.functional.cross_entropy(torch.randn(4, 3), torch.tensor([0, 1, 2])),
    ),
    (
        "ce_float_target_1d",
        lambda torch: torch.nn.functional.cross_entropy(torch.randn(4, 3), torch.rand(4)),
    ),
    (
        "ce_float_target_wrong_shape",
        lambda torch: torch.nn.functional.cross_entropy(torch.randn(4, 3), torch.rand(4, 2)),
    ),
    (
        "nll_float_target",
        lambda torch: torch.nn.functional.nll_loss(torch.randn(4, 3), torch.tensor([0, 1, 2.0, 1])),
    ),
    (
        "bad_reduction",
        lambda torch: torch.nn.functional.mse_loss(torch.randn(3), torch.randn(3), reduction="avg"),
    ),
    (
        "mse_broadcast_fail",
        lambda torch: torch.nn.functional.mse_loss(torch.randn(4, 3), torch.randn(4, 2)),
    ),
    (
        "bce_size",
        lambda torch: torch.nn.functional.binary_cross_entropy(torch.rand(4), torch.rand(4, 1)),
    ),
    (
        "bce_range",
        lambda torch: torch.nn.functional.binary_cross_entropy(torch.rand(4) + 1, torch.rand(4)),
    ),
    (
        "bce_logits_size",
        lambda torch: torch.nn.functional.binary_cross_entropy_with_logits(
            torch.rand(4), torch.rand(4, 1)
        ),
    ),
    ("conv_channels", lambda torch: torch.nn.Conv2d(3, 2, 3)(torch.randn(2, 1, 6, 6))),
    ("conv_kernel_too_big", lambda torch: torch.nn.Conv2d(1, 2, 3)(torch.randn(2, 1, 2, 2))),
    ("conv_rank", lambda torch: torch.nn.Conv2d(1, 2, 3)(torch.randn(1, 2, 1, 6, 6))),
    ("conv1d_rank", lambda torch: torch.nn.Conv1d(1, 2, 3)(torch.randn(1, 1, 2, 6))),
    (
        "maxpool_pad",
        lambda torch: torch.nn.functional.max_pool2d(torch.randn(1, 1, 4, 4), 3, padding=2),
    ),
    (
        "embedding_range",
        lambda torch: torch.nn.functional.embedding(torch.tensor([10]), torch.randn(3, 2)),
    ),
    ("embedding_float_idx", lambda torch: torch.nn.Embedding(3, 2)(torch.tensor([1.0]))),
    ("batchnorm_one_value", lambda torch: torch.nn.BatchNorm1d(3)(torch.randn(1, 3))),
    ("batchnorm_channels", lambda torch: torch.nn.BatchNorm1d(3)(torch.randn(4, 2))),
    ("batchnorm2d_rank", lambda torch: torch.nn.BatchNorm2d(3)(torch.randn(4, 3))),
    ("layernorm_shape", lambda torch: torch.nn.LayerNorm(3)(torch.randn(4, 2))),
    ("dropout_p", lambda torch: torch.nn.functional.dropout(torch.randn(3), 1.5)),
    ("one_hot_classes", lambda torch: torch.nn.functional.one_hot(torch.tensor([1, 4]), 3)),
    ("one_hot_dtype", lambda torch: torch.nn.functional.one_hot(torch.tensor([1.0, 4]))),
    ("pad_odd", lambda torch: torch.nn.functional.pad(torch.randn(3), (1, 2, 3))),
    ("softmax_dim", lambda torch: torch.nn.functional.softmax(torch.randn(3), dim=2)),
    (
        "margin_ranking_dims",
        lambda torch: torch.nn.functional.margin_ranking_loss(
            torch.randn(3), torch.randn(3, 1), torch.ones(3)
        ),
    ),
    (
        "margin_ranking_reduction",
        lambda torch: torch.nn.functional.margin_ranking_loss(
            torch.randn(3), torch.randn(3), torch.ones(3), reduction="avg"
        ),
    ),
    (
        "triplet_margin",
        lambda torch: torch.nn.functional.triplet_margin_loss(*[torch.randn(2, 3)] * 3, margin=0),
    ),
    (
        "triplet_dims",
        lambda torch: torch.nn.functional.triplet_margin_loss(
            torch.randn(2, 3), torch.randn(3), torch.randn(2, 3)
        ),
    ),
    ("triplet_module_margin", lambda torch: torch.nn.TripletMarginLoss(margin=-1.0)),
    ("lrn_rank", lambda torch: torch.nn.functional.local_response_norm(torch.randn(2, 3), 2)),
    ("softmax2d_rank", lambda torch: torch.nn.Softmax2d()(torch.randn(2, 3))),
    ("pixel_shuffle_module", lambda torch: torch.nn.PixelShuffle(2)(torch.randn(1, 3, 2, 2))),
    ("prelu_channels", lambda torch: torch.nn.functional.prelu(torch.randn(2, 3), torch.ones(2))),
    ("prelu_0d_input", lambda torch: torch.nn.functional.prelu(torch.tensor(1.0), torch.ones(2))),
    (
        "prelu_weight_ndim",
        lambda torch: torch.nn.functional.prelu(torch.randn(2, 2), torch.ones(1, 2)),
    ),
    (
        "multilabel_target_size",
        lambda torch: torch.nn.functional.multilabel_margin_loss(
            torch.randn(3, 4), torch.zeros(3, 3, dtype=torch.long)
        ),
    ),
    (
        "multilabel_target_range",
        lambda torch: torch.nn.functional.multilabel_margin_loss(
            torch.randn(3, 4), torch.full((3, 4), 4)
        ),
    ),
    (
        "multilabel_target_dtype",
        lambda torch: torch.nn.functional.multilabel_margin_loss(
            torch.randn(3, 4), torch.ones(3, 4)
        ),
    ),
    (
        "multilabel_rank",
        lambda torch: torch.nn.functional.multilabel_margin_loss(
            torch.randn(2, 3, 4), torch.zeros(2, 3, 4, dtype=torch.long)
        ),
    ),
    (
        "soft_margin_reduction",
        lambda torch: torch.nn.functional.soft_margin_loss(
            torch.randn(3), torch.ones(3), reduction="bad"
        ),
    ),
    (
        "prelu_dtypes",
        lambda torch: torch.nn.functional.prelu(torch.randn(2), torch.ones(1, dtype=torch.float64)),
    ),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors_match_torch(case):
    torch = require_torch()
    _, fn = case
    expected = _error(lambda: fn(torch))
    assert expected is not None
    got = _error(lambda: fn(aw))
    assert got == expected
