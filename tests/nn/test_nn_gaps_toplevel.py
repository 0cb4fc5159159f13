"""The nn ops PyTorch exposes at the top level (``torch.dropout(input, p, train)``...) and
``Tensor.hardshrink``/``Tensor.prelu``: PyTorch's positional signatures, values, graphs."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from tests.nn._both import error, names, same

_LEAVES: list = []  # every leaf _x made in the current scenario, to compare their .grad


def _x(m, *shape, grad=True, shift=0.0):
    n = int(np.prod(shape))
    data = np.sin(np.arange(n) * 1.7 + 0.3 + shift).reshape(shape) * 2
    t = m.tensor(data, dtype=m.float64, requires_grad=grad)
    _LEAVES.append(t)
    return t


def _t(m):
    return _x(m, 2, 3, 4)


CALLS = {
    "conv1d": lambda m: m.conv1d(_t(m), _x(m, 2, 3, 2), None, 1, 1),
    "conv2d": lambda m: m.conv2d(_x(m, 1, 2, 4, 4), _x(m, 3, 2, 2, 2), _x(m, 3), 2),
    "conv3d": lambda m: m.conv3d(_x(m, 1, 2, 3, 3, 3), _x(m, 2, 2, 2, 2, 2)),
    "conv_transpose1d": lambda m: m.conv_transpose1d(_t(m), _x(m, 3, 2, 2), None, 2),
    "conv_transpose2d": lambda m: m.conv_transpose2d(_x(m, 1, 2, 3, 3), _x(m, 2, 2, 2, 2)),
    "conv_transpose3d": lambda m: m.conv_transpose3d(_x(m, 1, 2, 2, 2, 2), _x(m, 2, 1, 2, 2, 2)),
    "dropout": lambda m: m.dropout(_t(m), 0.5, True),
    "dropout_eval": lambda m: m.dropout(_t(m), 0.5, False),
    "alpha_dropout": lambda m: m.alpha_dropout(_t(m), 0.3, True),
    "feature_alpha_dropout": lambda m: m.feature_alpha_dropout(_t(m), 0.3, True),
    "layer_norm": lambda m: m.layer_norm(_t(m), [4], _x(m, 4), None, 1e-3, False),
    "group_norm": lambda m: m.group_norm(_x(m, 2, 4, 3), 2, _x(m, 4), _x(m, 4)),
    "instance_norm": lambda m: m.instance_norm(
        _t(m), _x(m, 3), None, None, None, True, 0.1, 1e-5, False
    ),
    "batch_norm": lambda m: m.batch_norm(
        _t(m),
        _x(m, 3),
        _x(m, 3),
        m.zeros(3, dtype=m.float64),
        m.ones(3, dtype=m.float64),
        True,
        0.1,
        1e-5,
        False,
    ),  # fmt: skip
    "embedding": lambda m: m.embedding(_x(m, 5, 2), m.tensor([[1, 2], [2, 4]]), 2),
    "embedding_nopad": lambda m: m.embedding(_x(m, 5, 2), m.tensor([1, 4, 1])),
    "max_pool1d": lambda m: m.max_pool1d(_t(m), 2),
    "max_pool2d": lambda m: m.max_pool2d(_t(m), 2, 1),
    "max_pool3d": lambda m: m.max_pool3d(_x(m, 1, 2, 4, 4, 4), 2),
    "max_pool1d_with_indices": lambda m: m.max_pool1d_with_indices(_t(m), 2)[0],
    "avg_pool1d": lambda m: m.avg_pool1d(_t(m), 2),
    "adaptive_avg_pool1d": lambda m: m.adaptive_avg_pool1d(_t(m), 3),
    "adaptive_max_pool1d": lambda m: m.adaptive_max_pool1d(_t(m), 3)[0],
    "pixel_shuffle": lambda m: m.pixel_shuffle(_x(m, 1, 4, 2, 2), 2),
    "pixel_unshuffle": lambda m: m.pixel_unshuffle(_x(m, 1, 1, 4, 4), 2),
    "selu": lambda m: m.selu(_t(m)),
    "celu": lambda m: m.celu(_t(m), 0.5),
    "rrelu": lambda m: m.rrelu(_t(m), 0.1, 0.3, True),
    "prelu": lambda m: m.prelu(_t(m), _x(m, 3)),
    "bilinear": lambda m: m.bilinear(_x(m, 2, 3), _x(m, 2, 4), _x(m, 5, 3, 4), None),
    "kl_div": lambda m: m.kl_div(_t(m), _t(m).detach().exp(), 2, log_target=False),
    "pairwise_distance": lambda m: m.pairwise_distance(_x(m, 2, 3), _x(m, 2, 3, shift=1)),
    "cosine_embedding_loss": lambda m: m.cosine_embedding_loss(
        _x(m, 2, 3), _x(m, 2, 3, shift=1), m.tensor([1.0, -1.0]), 0.1, 0
    ),
    "hinge_embedding_loss": lambda m: m.hinge_embedding_loss(_t(m), m.ones(2, 3, 4), 1.0, 2),
    "margin_ranking_loss": lambda m: m.margin_ranking_loss(
        _x(m, 4), _x(m, 4, shift=1), m.tensor([1.0, -1, 1, -1]), 0.2, 1
    ),
    "poisson_nll_loss": lambda m: m.poisson_nll_loss(
        _t(m), _t(m).detach().abs(), True, True, 1e-8, 1
    ),
    "binary_cross_entropy_with_logits": lambda m: m.binary_cross_entropy_with_logits(
        _t(m), m.full((2, 3, 4), 0.25, dtype=m.float64), None, m.full((4,), 2.0, dtype=m.float64), 0
    ),
    "triplet_margin_loss": lambda m: m.triplet_margin_loss(
        _x(m, 2, 3), _x(m, 2, 3, shift=1), _x(m, 2, 3, shift=2), 1.0, 2.0, 1e-6, True, 2
    ),
    "rms_norm": lambda m: m.rms_norm(_t(m), [4], _x(m, 4)),
    "constant_pad_nd": lambda m: m.constant_pad_nd(_t(m), [1, 2], 0.5),
    "hardshrink": lambda m: m.hardshrink(_t(m), 0.7),
    "hardshrink_method": lambda m: _t(m).hardshrink(0.7),
    "prelu_method": lambda m: _t(m).prelu(_x(m, 1)),
    "threshold": lambda m: m.threshold(_t(m), 0.1, -3.0),
    "ctc_loss": lambda m: m.ctc_loss(
        _t(m).log_softmax(2), m.tensor([[1, 2], [3, 1], [2, 2]]), (2, 2, 1), (1, 2, 1), 0, 0, True
    ),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_top_level_nn_op(name):
    def run(m):
        _LEAVES.clear()
        y = CALLS[name](m)
        y.backward(m.ones_like(y))
        grads = [t.grad for t in _LEAVES if t.grad is not None]
        # NOTE: conv_transpose here is composed from ops and ends in one ConvolutionBackward0;
        # PyTorch's is that node alone, so only the last node is compared for it.
        graph = names(y)[:1] if name.startswith("conv_transpose") else names(y)
        return [y, graph, grads]

    same(run)


@pytest.mark.parametrize("name", ["selu_", "celu_", "rrelu_", "threshold_", "dropout_"])
def test_top_level_inplace(name):
    args = {"threshold_": (0.1, 2.0), "dropout_": (0.5, True), "rrelu_": (0.1, 0.3, True)}

    def run(m):
        x = _x(m, 3, 4)
        y = x * 1
        r = getattr(m, name)(y, *args.get(name, ()))
        r.sum().backward()
        return [r is y, y._version, names(r), r, x.grad]

    same(run)


def test_top_level_out_and_reduction_enum():
    def run(m):
        x = _x(m, 2, 3, grad=False)
        out = m.empty(2, 3, dtype=m.float64)
        r = m.hardshrink(x, 0.5, out=out)
        return [
            r is out,
            out,
            m.threshold(x, 0.0, 9.0, out=m.empty(2, 3, dtype=m.float64)),
            error(lambda: m.kl_div(x, x, "mean")) is not None,
            error(lambda: m.hardshrink(_x(m, 3), out=m.empty(3, dtype=m.float64))),
        ]

    same(run)


def test_elu_inplace_scale_and_input_scale():
    def run(m):
        x = _x(m, 6)
        y = x * 1
        r = m.nn.functional.elu_(y, 0.5, 2.0, 3.0)
        r.sum().backward()
        return [r, x.grad, r.grad_fn._saved_scale, r.grad_fn._saved_input_scale]

    same(run)


def test_top_level_names_do_not_load_nn_at_import():
    code = (
        "import sys, autograd_widgets as aw; assert 'autograd_widgets.nn' not in sys.modules; "
        "aw.dropout; assert 'autograd_widgets.nn' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("swap", [False, True])
def test_triplet_margin_with_distance_loss(reduction, swap):
    def run(m):
        F = m.nn.functional
        a, p, n = _x(m, 4, 3), _x(m, 4, 3, shift=0.5), _x(m, 4, 3, shift=1.0)

        def cos(x, y):
            return 1.0 - F.cosine_similarity(x, y)

        out = []
        for dist in (None, cos, m.nn.PairwiseDistance(p=1.0)):
            loss = F.triplet_margin_with_distance_loss(
                a, p, n, distance_function=dist, margin=0.7, swap=swap, reduction=reduction
            )
            loss.sum().backward()
            out += [loss, names(loss), a.grad, p.grad, n.grad]
        mod = m.nn.TripletMarginWithDistanceLoss(swap=swap, reduction=reduction)
        return out + [repr(mod), mod(a, p, n)]

    same(run)


def test_triplet_margin_with_distance_loss_errors():
    def run(m):
        F = m.nn.functional
        a = _x(m, 2, 3)
        return [
            error(lambda: F.triplet_margin_with_distance_loss(a, a, a, margin=0.0)),
            error(lambda: F.triplet_margin_with_distance_loss(a, a, a, reduction="avg")),
            error(lambda: F.triplet_margin_with_distance_loss(a, a, a[0])),
            error(lambda: m.nn.TripletMarginWithDistanceLoss(margin=-1)),
            repr(m.nn.TripletMarginWithDistanceLoss(distance_function=m.nn.CosineSimilarity())),
        ]

    same(run)
