"""``nn.init.sparse_`` (same draws as PyTorch from the same seed) and the deprecated
``nn.init`` names without the underscore (a FutureWarning, then the same result)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import error_of

pytestmark = pytest.mark.oracle


@pytest.mark.parametrize(
    "shape,sparsity,kw",
    [((10, 6), 0.35, {}), ((7, 3), 0.0, {"std": 2.0}), ((5, 9), 1.0, {}), ((20, 4), 0.5, {})],
)
def test_sparse_draws_like_torch(shape, sparsity, kw):
    torch = require_torch()
    torch.manual_seed(3)
    t = torch.nn.init.sparse_(torch.empty(shape), sparsity, **kw)
    aw.manual_seed(3)
    o = aw.nn.init.sparse_(aw.empty(shape), sparsity, **kw)
    np.testing.assert_array_equal(o.numpy() == 0, t.numpy() == 0)
    np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-6, atol=1e-12)
    # and the global stream is left where PyTorch leaves it
    assert aw.rand(1).item() == torch.rand(1).item()


def test_sparse_with_generator_zeroes_from_the_global_stream():
    """PyTorch draws the values from ``generator`` but the zeroed rows from the global RNG."""
    torch = require_torch()
    torch.manual_seed(1)
    t = torch.nn.init.sparse_(
        torch.empty(8, 5), 0.4, std=0.5, generator=torch.Generator().manual_seed(9)
    )
    aw.manual_seed(1)
    o = aw.nn.init.sparse_(aw.empty(8, 5), 0.4, std=0.5, generator=aw.Generator().manual_seed(9))
    np.testing.assert_array_equal(o.numpy() == 0, t.numpy() == 0)
    np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-6)


def test_sparse_needs_a_matrix():
    torch = require_torch()
    expected = error_of(lambda: torch.nn.init.sparse_(torch.empty(3), 0.1))
    assert expected is not None
    assert error_of(lambda: aw.nn.init.sparse_(aw.empty(3), 0.1)) == expected


ALIASES = [
    ("uniform", (3, 4), (-0.5, 0.5)),
    ("normal", (3, 4), (0.0, 2.0)),
    ("constant", (3, 4), (0.25,)),
    ("eye", (3, 4), ()),
    ("dirac", (4, 2, 3), ()),
    ("xavier_uniform", (3, 4), ()),
    ("xavier_normal", (3, 4), (0.5,)),
    ("kaiming_uniform", (3, 4), ()),
    ("kaiming_normal", (3, 4), ()),
    ("orthogonal", (3, 4), ()),
    ("sparse", (6, 4), (0.5,)),
]


@pytest.mark.parametrize("name,shape,args", ALIASES, ids=[a[0] for a in ALIASES])
def test_deprecated_aliases_warn_and_match_torch(name, shape, args):
    torch = require_torch()
    results = []
    for lib in (torch, aw):
        lib.manual_seed(0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = getattr(lib.nn.init, name)(lib.empty(*shape), *args)
        results.append((out.numpy(), [(w.category, str(w.message)) for w in caught]))
        assert getattr(lib.nn.init, name).__name__ == name
    (t_val, t_warn), (o_val, o_warn) = results
    assert o_warn == t_warn
    assert t_warn == [
        (FutureWarning, f"`nn.init.{name}` is now deprecated in favor of `nn.init.{name}_`.")
    ]
    np.testing.assert_allclose(o_val, t_val, rtol=1e-5, atol=1e-7)


TRUNC_NORMAL_CASES = [
    dict(),  # [a, b] holds > 30% of the mass: whole-tensor normal_ redraws
    dict(std=0.02),
    dict(a=0.5, b=3.0),  # < 30%: uniform proposals, rejection by the density ratio
    dict(mean=0.0, std=1.0, a=2.0, b=2.5),
    dict(std=0.5, a=-0.1, b=0.1),
    dict(a=1.0, b=1.0),
]


@pytest.mark.parametrize("kw", TRUNC_NORMAL_CASES, ids=[str(k) for k in TRUNC_NORMAL_CASES])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_trunc_normal_draws_like_torch(kw, dtype):
    torch = require_torch()
    # 15 values: few enough that float32 draws take the scalar (bit-exact) normal path
    results = []
    for m in (aw, torch):
        m.manual_seed(3)
        t = m.nn.init.trunc_normal_(m.empty(3, 5, dtype=getattr(m, dtype)), **kw)
        after = m.rand(2)  # the stream is left where PyTorch leaves it
        g = m.Generator().manual_seed(7)
        t2 = m.nn.init.trunc_normal_(m.empty(15, dtype=getattr(m, dtype)), generator=g, **kw)
        results.append((t.numpy().copy(), after.numpy().copy(), t2.numpy().copy()))
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)


def test_trunc_normal_warns_and_fails_like_torch():
    torch = require_torch()
    for m in (aw, torch):
        with pytest.warns(UserWarning, match="mean is more than 2 std from"):
            m.nn.init.trunc_normal_(m.empty(4), mean=5.0)
    case = lambda m: m.nn.init.trunc_normal_(m.empty(4), a=2.0, b=-2.0)  # noqa: E731
    assert error_of(lambda: case(aw)) == error_of(lambda: case(torch))


INIT_ERRORS = [
    lambda m: m.nn.init.uniform_(m.empty(2), 1.0, 0.0),
    lambda m: m.nn.init.normal_(m.empty(2), std=-1.0),
    lambda m: m.nn.init.kaiming_normal_(m.empty(2, 3), mode="fan"),
]


@pytest.mark.parametrize("case", INIT_ERRORS, ids=["uniform_range", "normal_std", "mode"])
def test_init_errors_like_torch(case):
    torch = require_torch()
    expected = error_of(lambda: case(torch))
    assert expected is not None and error_of(lambda: case(aw)) == expected
