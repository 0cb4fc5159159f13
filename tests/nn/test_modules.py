"""Every layer against PyTorch: same weights in, same outputs, gradients, buffers and repr out."""

from __future__ import annotations

import pytest

from tests._oracle import require_torch
from tests.nn._compare import run_both

pytestmark = pytest.mark.oracle

# (id, constructor over an ``nn`` namespace, input shapes or a factory of torch inputs)
CASES = [
    ("linear", lambda nn: nn.Linear(5, 3), [(4, 5)]),
    ("linear_nobias", lambda nn: nn.Linear(5, 3, bias=False), [(4, 5)]),
    ("linear_3d", lambda nn: nn.Linear(5, 3), [(2, 4, 5)]),
    ("linear_1d", lambda nn: nn.Linear(5, 3), [(5,)]),
    ("identity", lambda nn: nn.Sequential(nn.Linear(3, 3), nn.Identity()), [(2, 3)]),
    (
        "mlp",
        lambda nn: nn.Sequential(
            nn.Linear(6, 8),
            nn.ReLU(),
            nn.Linear(8, 8),
            nn.Tanh(),
            nn.Linear(8, 2),
            nn.LogSoftmax(dim=1),
        ),
        [(5, 6)],
    ),
    ("leaky_relu", lambda nn: nn.Sequential(nn.Linear(4, 4), nn.LeakyReLU(0.2)), [(6, 4)]),
    ("gelu", lambda nn: nn.Sequential(nn.Linear(4, 4), nn.GELU()), [(6, 4)]),
    ("gelu_tanh", lambda nn: nn.Sequential(nn.Linear(4, 4), nn.GELU("tanh")), [(6, 4)]),
    ("silu", lambda nn: nn.Sequential(nn.Linear(4, 4), nn.SiLU()), [(6, 4)]),
    ("elu", lambda nn: nn.Sequential(nn.Linear(4, 4), nn.ELU(alpha=0.7)), [(6, 4)]),
    ("sigmoid", lambda nn: nn.Sequential(nn.Linear(4, 4), nn.Sigmoid()), [(6, 4)]),
    ("selu", lambda nn: nn.Sequential(nn.Linear(4, 4), nn.SELU()), [(6, 4)]),
    ("celu", lambda nn: nn.Sequential(nn.Linear(4, 4), nn.CELU(0.5)), [(6, 4)]),
    ("hardswish", lambda nn: nn.Sequential(nn.Linear(4, 4), nn.Hardswish()), [(6, 4)]),
    ("hardsigmoid", lambda nn: nn.Sequential(nn.Linear(4, 4), nn.Hardsigmoid()), [(6, 4)]),
    ("softshrink", lambda nn: nn.Sequential(nn.Linear(4, 4), nn.Softshrink(0.2)), [(6, 4)]),
    ("hardshrink", lambda nn: nn.Sequential(nn.Linear(4, 4), nn.Hardshrink()), [(6, 4)]),
    ("rmsnorm", lambda nn: nn.Sequential(nn.Linear(4, 6), nn.RMSNorm(6)), [(5, 4)]),
    ("rmsnorm_2d", lambda nn: nn.RMSNorm([3, 4], eps=1e-3), [(2, 3, 4)]),
    ("rmsnorm_noaffine", lambda nn: nn.RMSNorm(4, elementwise_affine=False), [(3, 4)]),
    ("softplus", lambda nn: nn.Sequential(nn.Linear(4, 4), nn.Softplus(beta=2.0)), [(6, 4)]),
    ("softmax", lambda nn: nn.Sequential(nn.Linear(4, 4), nn.Softmax(dim=-1)), [(6, 4)]),
    ("flatten", lambda nn: nn.Sequential(nn.Flatten(), nn.Linear(12, 2)), [(2, 3, 4)]),
    ("unflatten", lambda nn: nn.Sequential(nn.Linear(4, 6), nn.Unflatten(1, (2, 3))), [(5, 4)]),
    ("layernorm", lambda nn: nn.Sequential(nn.Linear(4, 6), nn.LayerNorm(6)), [(5, 4)]),
    ("layernorm_2d", lambda nn: nn.LayerNorm([3, 4], eps=1e-3), [(2, 3, 4)]),
    ("layernorm_noaffine", lambda nn: nn.LayerNorm(4, elementwise_affine=False), [(3, 4)]),
    ("batchnorm1d", lambda nn: nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6)), [(8, 4)]),
    ("batchnorm1d_3d", lambda nn: nn.BatchNorm1d(3, momentum=None), [(4, 3, 5)]),
    ("batchnorm2d", lambda nn: nn.BatchNorm2d(3), [(2, 3, 4, 4)]),
    ("conv2d", lambda nn: nn.Conv2d(2, 4, 3), [(2, 2, 7, 6)]),
    ("conv2d_stride_pad", lambda nn: nn.Conv2d(2, 4, (3, 2), stride=2, padding=1), [(2, 2, 8, 7)]),
    (
        "conv2d_dilation_groups",
        lambda nn: nn.Conv2d(4, 6, 3, dilation=2, groups=2, bias=False),
        [(2, 4, 9, 9)],
    ),
    ("conv2d_same", lambda nn: nn.Conv2d(3, 2, 4, padding="same"), [(1, 3, 6, 6)]),
    ("conv2d_unbatched", lambda nn: nn.Conv2d(1, 2, 3), [(1, 5, 5)]),
    ("conv1d", lambda nn: nn.Conv1d(3, 5, 3, padding=1), [(2, 3, 10)]),
    ("conv1d_stride_groups", lambda nn: nn.Conv1d(4, 4, 2, stride=2, groups=4), [(2, 4, 9)]),
    ("maxpool2d", lambda nn: nn.Sequential(nn.Conv2d(1, 2, 3), nn.MaxPool2d(2)), [(2, 1, 9, 9)]),
    (
        "maxpool2d_overlap",
        lambda nn: nn.Sequential(nn.Conv2d(1, 2, 1), nn.MaxPool2d(3, 1, 1)),
        [(2, 1, 6, 6)],
    ),
    (
        "maxpool2d_ceil",
        lambda nn: nn.Sequential(nn.Conv2d(1, 1, 1), nn.MaxPool2d(2, ceil_mode=True)),
        [(1, 1, 5, 5)],
    ),
    (
        "maxpool2d_dilation",
        lambda nn: nn.Sequential(nn.Conv2d(1, 1, 1), nn.MaxPool2d(2, 1, dilation=2)),
        [(1, 1, 6, 6)],
    ),
    ("avgpool2d", lambda nn: nn.Sequential(nn.Conv2d(1, 2, 3), nn.AvgPool2d(2)), [(2, 1, 8, 8)]),
    (
        "avgpool2d_pad",
        lambda nn: nn.Sequential(nn.Conv2d(1, 1, 1), nn.AvgPool2d(3, 2, 1)),
        [(1, 1, 7, 7)],
    ),
    (
        "avgpool2d_nopadcount_ceil",
        lambda nn: nn.Sequential(
            nn.Conv2d(1, 1, 1), nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False)
        ),
        [(1, 1, 6, 6)],
    ),
    (
        "cnn",
        lambda nn: nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(4, 8, 3),
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(8 * 2 * 2, 3),
        ),
        [(2, 1, 8, 8)],
    ),
    ("dropout_eval", lambda nn: nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5)), [(3, 4)]),
    ("modulelist", lambda nn: _Stack(nn), [(3, 4)]),
    ("margin_ranking", lambda nn: nn.MarginRankingLoss(), [(6,), (6,), (6,)]),
    (
        "margin_ranking_sum",
        lambda nn: nn.MarginRankingLoss(margin=0.3, reduction="sum"),
        [(4, 3), (4, 3), (4, 3)],
    ),
    ("margin_ranking_none", lambda nn: nn.MarginRankingLoss(0.5, reduction="none"), [(5,)] * 3),
    ("triplet", lambda nn: nn.TripletMarginLoss(), [(5, 4)] * 3),
    (
        "triplet_swap_p1",
        lambda nn: nn.TripletMarginLoss(margin=0.5, p=1, eps=1e-3, swap=True, reduction="sum"),
        [(5, 4)] * 3,
    ),
    ("triplet_none_1d", lambda nn: nn.TripletMarginLoss(reduction="none"), [(4,)] * 3),
    ("softmax2d", lambda nn: nn.Sequential(nn.Conv2d(2, 3, 1), nn.Softmax2d()), [(2, 2, 3, 3)]),
    ("softmax2d_3d", lambda nn: nn.Softmax2d(), [(3, 2, 4)]),
    (
        "pixel_shuffle",
        lambda nn: nn.Sequential(nn.Conv2d(2, 8, 1), nn.PixelShuffle(2)),
        [(2, 2, 3, 3)],
    ),
    ("pixel_unshuffle", lambda nn: nn.PixelUnshuffle(2), [(2, 3, 4, 6)]),
    ("unfold", lambda nn: nn.Unfold(2, padding=1, stride=(1, 2)), [(2, 3, 4, 5)]),
    ("unfold_dilation", lambda nn: nn.Unfold((2, 3), dilation=2), [(1, 2, 6, 7)]),
    ("fold", lambda nn: nn.Fold((4, 5), 2), [(2, 12, 12)]),
    ("fold_unbatched", lambda nn: nn.Fold(5, (2, 2), padding=1, stride=2), [(8, 9)]),
    ("lrn", lambda nn: nn.Sequential(nn.Conv2d(2, 6, 1), nn.LocalResponseNorm(3)), [(2, 2, 4, 4)]),
    ("lrn_3d", lambda nn: nn.LocalResponseNorm(2, alpha=0.1, beta=0.5, k=2.0), [(2, 5, 7)]),
    ("lrn_5d", lambda nn: nn.LocalResponseNorm(4, alpha=0.3), [(2, 6, 3, 2, 2)]),
]


def _Stack(nn):
    class Stack(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
            self.heads = nn.ModuleDict({"a": nn.Linear(4, 2), "b": nn.Linear(4, 1)})

        def forward(self, x):
            for layer in self.layers:
                x = layer(x).relu()
            return self.heads["a"](x).sum(1) + self.heads["b"](x).squeeze(1)

    return Stack()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_module_matches_torch(case, dtype):
    torch = require_torch()
    name, make, shapes = case
    torch.manual_seed(2)
    inputs = [torch.randn(*s, dtype=torch.float64) for s in shapes]
    run_both(torch, make, inputs, dtype, train=not name.startswith("dropout"))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_embedding_matches_torch(dtype):
    torch = require_torch()
    idx = torch.tensor([[0, 2, 1], [4, 2, 2]])
    for kwargs in ({}, {"padding_idx": 2}, {"scale_grad_by_freq": True}):
        run_both(torch, lambda nn, kw=kwargs: nn.Embedding(5, 3, **kw), [idx], dtype)


def test_batchnorm_eval_uses_running_stats():
    torch = require_torch()
    make = lambda nn: nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))  # noqa: E731
    ours, theirs, _, _ = run_both(torch, make, [torch.randn(6, 3, dtype=torch.float64)], "float64")
    # A second call in eval mode: running statistics (updated by the training call) are used.
    run_both(torch, make, [torch.randn(6, 3, dtype=torch.float64)], "float64", train=False)
    assert int(ours[1].num_batches_tracked) == int(theirs[1].num_batches_tracked) == 1


def test_default_init_distributions():
    import numpy as np

    import autograd_widgets as aw

    aw.manual_seed(0)
    lin = aw.nn.Linear(400, 300)
    bound = 1 / np.sqrt(400)
    w = lin.weight.detach().numpy()
    assert w.dtype == np.float32 and abs(w).max() <= bound and abs(w).max() > 0.99 * bound
    np.testing.assert_allclose(w.std(), bound / np.sqrt(3), rtol=0.02)
    assert abs(lin.bias.detach().numpy()).max() <= bound
    conv = aw.nn.Conv2d(4, 8, 3)
    cb = 1 / np.sqrt(4 * 9)
    assert abs(conv.weight.detach().numpy()).max() <= cb
    emb = aw.nn.Embedding(1000, 20, padding_idx=3).weight.detach().numpy()
    np.testing.assert_allclose(emb.std(), 1.0, rtol=0.05)
    assert (emb[3] == 0).all()
    ln = aw.nn.LayerNorm(5)
    assert (ln.weight.detach().numpy() == 1).all() and (ln.bias.detach().numpy() == 0).all()
