"""``histogram``, ``histc`` and ``bincount`` against PyTorch: every bin, dtype, error and the
``NotImplemented`` graph node. None of them is differentiable (in PyTorch either), so there
is no gradient to check; backward through them must fail as PyTorch's does."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch


def _inputs():
    rng = np.random.default_rng(14)
    yield "normal", rng.standard_normal(200)
    yield "on_edges", np.repeat(np.linspace(-1, 1, 11), 3)  # every element on an edge
    yield "integers", rng.integers(0, 10, 100).astype(float)  # many exact ties
    yield "thirds", np.arange(30) / 3.0  # edges that do not round exactly
    yield "constant", np.full(7, 2.5)
    yield "empty", np.zeros(0)
    yield "nan_inf", np.array([0.0, np.nan, 1.0, np.inf, -np.inf, 0.5])
    yield "matrix", rng.uniform(-3, 3, (6, 5))


INPUTS = dict(_inputs())
DTYPES = ["float32", "float64"]

# Each call is fn(m, x, dtype) on a torch-like module; only finite inputs go to calls
# whose default range comes from the data (PyTorch rejects an infinite range).
CALLS = {
    "bins_default": lambda m, x, dt: m.histogram(x),
    "bins_7": lambda m, x, dt: m.histogram(x, 7),
    "bins_1": lambda m, x, dt: m.histogram(x, bins=1),
    "range": lambda m, x, dt: m.histogram(x, 5, range=(-1.0, 1.0)),
    "range_wide": lambda m, x, dt: m.histogram(x, 13, range=(-10.0, 3.0)),
    "density": lambda m, x, dt: m.histogram(x, 6, density=True),
    "density_range": lambda m, x, dt: m.histogram(x, 4, range=(0.0, 2.0), density=True),
    "weight": lambda m, x, dt: m.histogram(x, 5, weight=m.linspace(0, 2, x.numel(), dtype=dt)),
    "weight_density": lambda m, x, dt: m.histogram(
        x, 3, weight=m.arange(x.numel(), dtype=dt).reshape(x.shape), density=True
    ),
    "edges": lambda m, x, dt: m.histogram(x, m.tensor([-2.0, -0.5, 0.0, 0.1, 3.0], dtype=dt)),
    "edges_uneven_density": lambda m, x, dt: m.histogram(
        x, m.tensor([-1.0, 0.0, 2.0, 8.0], dtype=dt), density=True
    ),
    "method": lambda m, x, dt: x.histogram(4, range=(-1.0, 4.0)),
    "histc": lambda m, x, dt: m.histc(x),
    "histc_bins": lambda m, x, dt: m.histc(x, bins=9),
    "histc_range": lambda m, x, dt: m.histc(x, 4, min=-1, max=1),
    "histc_method": lambda m, x, dt: x.histc(5, 0, 3),
}
NEEDS_FINITE = {"bins_default", "bins_7", "bins_1", "density", "weight", "weight_density"}
NEEDS_FINITE |= {"histc", "histc_bins"}


def _as_arrays(result):
    if isinstance(result, tuple):
        return [r.numpy() for r in result]
    return [result.numpy()]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("data", sorted(INPUTS))
@pytest.mark.parametrize("call", sorted(CALLS))
def test_values_match_pytorch(call, data, dtype):
    torch = require_torch()
    x = INPUTS[data]
    if call in NEEDS_FINITE and not np.isfinite(x).all():
        pytest.skip("PyTorch rejects a data range that is not finite (see the error tests)")
    results = []
    for m in (torch, aw):
        dt = getattr(m, dtype)
        try:
            results.append(("ok", CALLS[call](m, m.tensor(x, dtype=dt), dt)))
        except Exception as e:  # noqa: BLE001 - an error must match too
            results.append(("error", (type(e).__name__, str(e))))
    (kind_t, theirs), (kind_o, ours) = results
    assert kind_o == kind_t, (theirs, ours)
    if kind_t == "error":
        assert ours == theirs
        return
    assert type(ours).__name__ == type(theirs).__name__
    for o, t in zip(_as_arrays(ours), _as_arrays(theirs), strict=True):
        assert o.dtype == t.dtype and o.shape == t.shape
        np.testing.assert_array_equal(o, t)  # bin for bin, bit for bit


BINCOUNT = {
    "plain": lambda m: m.bincount(m.tensor([0, 3, 3, 1, 7])),
    "minlength": lambda m: m.bincount(m.tensor([1, 1, 2]), minlength=6),
    "minlength_short": lambda m: m.bincount(m.tensor([1, 9]), minlength=2),
    "empty": lambda m: m.bincount(m.tensor([], dtype=m.int64)),
    "empty_minlength": lambda m: m.bincount(m.tensor([], dtype=m.int64), minlength=3),
    "uint8": lambda m: m.bincount(m.tensor([1, 1], dtype=m.uint8), minlength=4),
    "int8_float_weights": lambda m: m.bincount(
        m.tensor([0, 2], dtype=m.int8), m.tensor([1.5, 2.0])
    ),
    "float32_weights": lambda m: m.bincount(m.tensor([0, 2, 2]), m.tensor([0.1, 0.2, 0.3])),
    "float64_weights": lambda m: m.bincount(
        m.tensor([4, 2, 2]), weights=m.tensor([0.1, 0.2, 0.3], dtype=m.float64)
    ),
    "int_weights": lambda m: m.bincount(m.tensor([0, 2]), weights=m.tensor([3, 4])),
    "bool_weights": lambda m: m.bincount(m.tensor([0, 2]), weights=m.tensor([True, False])),
    "half_weights": lambda m: m.bincount(m.tensor([1]), weights=m.tensor([2.0], dtype=m.half)),
    "method": lambda m: m.tensor([2, 2, 0]).bincount(minlength=4),
}


@pytest.mark.parametrize("case", sorted(BINCOUNT))
def test_bincount_matches_pytorch(case):
    torch = require_torch()
    ours, theirs = BINCOUNT[case](aw), BINCOUNT[case](torch)
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


ERRORS = {
    "histogram_long": lambda m: m.histogram(m.arange(3), 3),
    "histogram_bins_0": lambda m: m.histogram(m.ones(3), 0),
    "histogram_bins_negative": lambda m: m.histogram(m.ones(3), -2),
    "histogram_one_edge": lambda m: m.histogram(m.ones(3), m.tensor([0.0])),
    "histogram_edges_2d": lambda m: m.histogram(m.ones(3), m.tensor([[0.0, 1.0]])),
    "histogram_edges_dtype": lambda m: m.histogram(m.ones(3), m.tensor([0.0, 1.0], dtype=m.double)),
    "histogram_min_over_max": lambda m: m.histogram(m.ones(3), 3, range=(2.0, 1.0)),
    "histogram_nan_range": lambda m: m.histogram(m.ones(3), 3, range=(float("nan"), 1.0)),
    "histogram_inf_data": lambda m: m.histogram(m.tensor([0.0, float("inf")]), 3),
    "histogram_weight_shape": lambda m: m.histogram(m.ones(4), 3, weight=m.ones(3)),
    "histogram_weight_dtype": lambda m: m.histogram(
        m.ones(4), 3, weight=m.ones(4, dtype=m.float64)
    ),
    "histc_long": lambda m: m.histc(m.arange(3), 3),
    "histc_bins_0": lambda m: m.histc(m.ones(3), bins=0),
    "histc_min_over_max": lambda m: m.histc(m.ones(3), 3, 2, 1),
    "histc_inf": lambda m: m.histc(m.ones(3), 3, float("inf"), 1),
    "histc_inf_data": lambda m: m.histc(m.tensor([1.0, float("-inf")]), 3),
    "bincount_float": lambda m: m.bincount(m.tensor([0.5])),
    "bincount_bool": lambda m: m.bincount(m.tensor([True])),
    "bincount_2d": lambda m: m.bincount(m.tensor([[0, 2]])),
    "bincount_negative": lambda m: m.bincount(m.tensor([-1])),
    "bincount_minlength": lambda m: m.bincount(m.tensor([0, 2]), minlength=-1),
    "bincount_weights_length": lambda m: m.bincount(m.tensor([0, 2]), weights=m.ones(3)),
    "histogram_backward": lambda m: (
        m.histogram(m.ones(3, requires_grad=True), 2).hist.sum().backward()
    ),
    "bincount_backward": lambda m: (
        m.bincount(m.tensor([0, 1]), m.ones(2, requires_grad=True)).sum().backward()
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_match_pytorch(case):
    assert_raises_like_torch(ERRORS[case])


GRAPHS = {
    "input": lambda m, r: m.histogram(r(5, True), 3),
    "input_edges_weight": lambda m, r: m.histogram(
        r(5, True), r(3, True).sort().values, weight=r(5, True)
    ),
    "weight_only": lambda m, r: m.histogram(r(5, False), 3, weight=r(5, True)),
    "none": lambda m, r: m.histogram(r(5, False), 3),
    "histc": lambda m, r: (m.histc(r(5, True), 3),),
    "bincount_weights": lambda m, r: (m.bincount(m.tensor([0, 1, 1, 0, 3]), r(5, True)),),
}


@pytest.mark.parametrize("case", sorted(GRAPHS))
def test_graph_matches_pytorch(case):
    """grad_fn name, requires_grad and the edges of PyTorch's ``NotImplemented`` node."""
    torch = require_torch()

    def shape(m):
        rng = np.random.default_rng(0)

        def r(n, grad):
            return m.tensor(rng.uniform(-1, 1, n), dtype=m.float32, requires_grad=grad)

        outs = GRAPHS[case](m, r)
        first = outs[0].grad_fn
        return [
            (o.requires_grad, type(o.grad_fn).__name__ if o.grad_fn else None) for o in outs
        ], None if first is None else [
            type(f).__name__ if f is not None else None for f, _ in first.next_functions
        ]

    assert shape(aw) == shape(torch)
    with aw.no_grad():
        assert not aw.histogram(aw.ones(3, requires_grad=True), 2).hist.requires_grad
