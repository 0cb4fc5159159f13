"""In-place shape ops (``unsqueeze_``, ``squeeze_``, ``transpose_``, ``t_``, ``swapaxes_``):
PyTorch's in-place node names and saved attributes, the version bump, the leaf error and
the gradient, each compared with PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch

CASES = {
    "unsqueeze_": lambda y: y.unsqueeze_(0),
    "unsqueeze_neg": lambda y: y.unsqueeze_(-1),
    "squeeze_all": lambda y: y.squeeze_(),
    "squeeze_dim": lambda y: y.squeeze_(1),
    "squeeze_dims": lambda y: y.squeeze_((1,)),
    "transpose_": lambda y: y.transpose_(0, 2),
    "swapaxes_": lambda y: y.swapaxes_(0, 2),
    "swapdims_": lambda y: y.swapdims_(2, 0),
    "t_": lambda y: y.reshape(2, 3).t_(),
}


def _run(lib, case):
    x = lib.tensor(np.arange(6.0).reshape(2, 1, 3), requires_grad=True)
    y = x * 2
    v = y._version
    r = CASES[case](y)
    node = r.grad_fn
    saved = {a: getattr(node, a) for a in dir(node) if a.startswith("_saved_")}
    bumped = r._version - v
    (r * lib.arange(r.numel(), dtype=r.dtype).reshape(r.shape)).sum().backward()
    return type(node).__name__, saved, bumped, tuple(r.shape), x.grad.numpy()


@pytest.mark.parametrize("case", sorted(CASES))
def test_inplace_view_matches_pytorch(case):
    torch = require_torch()
    ours, theirs = _run(aw, case), _run(torch, case)
    assert ours[:4] == theirs[:4]
    np.testing.assert_array_equal(ours[4], theirs[4])


@pytest.mark.parametrize("case", ["unsqueeze_", "transpose_", "squeeze_dim"])
def test_inplace_view_of_a_leaf_that_requires_grad_is_refused(case):
    x = aw.ones(2, 1, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used"):
        CASES[case](x)
    with aw.no_grad():  # allowed without grad mode, as in PyTorch
        CASES[case](x)


def test_inplace_view_on_a_plain_tensor_bumps_its_version():
    x = aw.ones(2, 1, 3)
    x.unsqueeze_(0)
    x.transpose_(0, 1)
    assert x._version == 2 and tuple(x.shape) == (2, 1, 1, 3)
