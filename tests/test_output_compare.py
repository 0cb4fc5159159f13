"""The output comparison used by the conformance programs and the tutorials.

Lines before the first float32 BLAS product must match exactly; after it,
numbers may differ by BLAS rounding and nothing else.
"""

from __future__ import annotations

import io

import pytest

from tests._oracle import require_torch
from tests._output_compare import BLAS_RTOL, BlasWatch, assert_same_output, differences


def test_identical_outputs_have_no_differences():
    lines = ["tensor([1.0000, 2.5000])", "epoch 1 loss: 0.123456"]
    assert differences(lines, list(lines), None) == []
    assert differences(lines, list(lines), 0) == []


def test_exact_rule_before_blas_takes_no_tolerance():
    [d] = differences(["x 34.4110"], ["x 34.4109"], blas_from=1)
    assert d.rule == "exact" and d.line == 1
    [d] = differences(["x 34.4110"], ["x 34.4109"], blas_from=None)
    assert d.rule == "exact"
    with pytest.raises(AssertionError, match=r"line 1 differs \(exact rule"):
        assert_same_output(["x 34.4110"], ["x 34.4109"], None, "prog.py")


def test_blas_rule_allows_one_printed_digit_or_rtol():
    # The differences seen between AVX2 and AVX-512 kernels (issue 18).
    assert differences(["34.4110 0.0962"], ["34.4109 0.0962"], 0) == []
    assert differences(["53.81352 tensor(0.0938)"], ["53.81346 tensor(0.0938)"], 0) == []
    assert (
        differences(["loss: 1.381754  [   64/  600]"], ["loss: 1.381755  [   64/  600]"], 0) == []
    )
    # Scientific notation: one unit of the last printed digit is scaled by the exponent.
    assert differences(["1.2345e-05"], ["1.2346e-05"], 0) == []


def test_blas_rule_still_catches_real_differences():
    [d] = differences(["loss 0.500000"], ["loss 0.500100"], 0)
    assert d.rule == "blas" and "rtol" in d.why
    assert 0.5 * BLAS_RTOL < 1e-4  # 1e-4 is far beyond the tolerance at this magnitude
    [d] = differences(["correct: 57/100"], ["correct: 58/100"], 0)
    assert "integers" in d.why
    [d] = differences(["<MulBackward0>"], ["<MulBackward1>"], 0)
    assert "text" in d.why
    [d] = differences(["torch.Size([3, 4])"], ["torch.Size([3, 5])"], 0)
    assert "integers" in d.why
    [d] = differences(["tensor(1.)"], ["tensor(1.)", "extra"], None)
    assert "2 lines printed, PyTorch printed 1" in d.why


def test_blas_rule_ignores_padding_moved_by_a_sign():
    # A value that rounds to -0.0000 on one CPU and 0.0000 on another shifts the padding.
    assert differences(["tensor([ 0.1000, -0.0000])"], ["tensor([0.1000, 0.0000])"], 0) == []


def test_watch_finds_the_first_float32_product():
    torch = require_torch()
    out = io.StringIO()
    with BlasWatch(out) as watch:
        out.write("before\n")
        a = torch.ones(2, 2, dtype=torch.float64)
        _ = a @ a  # float64: not a BLAS-rounding line
        (a + 1).sum()
        out.write("still before\n")
        b = torch.ones(2, 2)
        _ = torch.nn.functional.linear(b, b)
        out.write("after\n")
    assert watch.first_line == 2
