"""The four oracle tests every distributions test file runs, made from its case tables:
values (and printing, shapes) and seeded samples equal to PyTorch's, gradients equal to
PyTorch's and to finite differences. ``globals().update(oracle_tests(...))`` in a test
module makes pytest collect them there."""

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.test_distributions import _close, _gradcheck, _grads, _run


def oracle_tests(setup, value_cases, sample_cases, grad_cases, trigamma=(), grad_extra=""):
    """``trigamma``: labels of gradient cases that go through digamma's derivative, which
    PyTorch computes to about 1e-9 (ours to rounding; finite differences check ours)."""

    @pytest.mark.parametrize("code", value_cases)
    def test_values_match_pytorch(code):
        torch = require_torch()
        want = _run(torch, code, setup)
        got = _run(aw, code, setup)
        # float32 values (computed by different libms): a few ulps; float64: rounding only
        _close(got, want, rtol=2e-6, atol=1e-7)

    @pytest.mark.parametrize("code", sample_cases)
    def test_seeded_samples_are_pytorchs(code):
        torch = require_torch()
        want = _run(torch, code, setup)
        got = _run(aw, code, setup)
        _close(got, want, rtol=1e-6, atol=1e-12)

    ids = [c[0] for c in grad_cases]

    @pytest.mark.parametrize(("label", "params", "loss"), grad_cases, ids=ids)
    def test_gradients_match_pytorch(label, params, loss):
        torch = require_torch()
        want_value, want = _grads(torch, params, loss, grad_extra)
        got_value, got = _grads(aw, params, loss, grad_extra)
        assert got_value == pytest.approx(want_value, rel=1e-12, abs=1e-12)
        rtol = 2e-8 if label in trigamma else 1e-10
        for g, w in zip(got, want):
            np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=rtol, atol=1e-12)

    @pytest.mark.parametrize(("label", "params", "loss"), grad_cases, ids=ids)
    def test_gradients_match_finite_differences(label, params, loss):
        assert _gradcheck(params, loss, grad_extra)

    tests = {
        "test_values_match_pytorch": test_values_match_pytorch,
        "test_seeded_samples_are_pytorchs": test_seeded_samples_are_pytorchs,
        "test_gradients_match_pytorch": test_gradients_match_pytorch,
        "test_gradients_match_finite_differences": test_gradients_match_finite_differences,
    }
    if not sample_cases:  # no seeded stream to compare (the sampler is numpy's)
        del tests["test_seeded_samples_are_pytorchs"]
    return tests


def _ks_statistic(a, b):
    """The two-sample Kolmogorov-Smirnov statistic ``sup |F_a - F_b|`` (1-d arrays)."""
    grid = np.sort(np.concatenate([a, b]))
    fa = np.searchsorted(np.sort(a), grid, side="right") / a.size
    fb = np.searchsorted(np.sort(b), grid, side="right") / b.size
    return np.abs(fa - fb).max()


def _samples(module, make, n, seed):
    module.manual_seed(seed)
    d = eval(make, {"torch": module, "D": module.distributions})
    s = d.sample((n,))
    return s.numpy().astype(np.float64).reshape(n, -1)
