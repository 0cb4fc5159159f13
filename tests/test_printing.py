"""``tensor_repr`` against ``repr`` of real PyTorch tensors (the oracle), string for string."""

from __future__ import annotations

import contextlib
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_widgets as aw
from autograd_widgets.core import _dtype
from autograd_widgets.core._printing import (
    get_printoptions,
    parameter_repr,
    printoptions,
    set_printoptions,
    tensor_repr,
    tensor_str,
)
from tests._oracle import require_torch

DEFAULT_OPTIONS = {
    "precision": 4,
    "threshold": 1000,
    "edgeitems": 3,
    "linewidth": 80,
    "sci_mode": None,
}
FLOAT_TYPES = [np.float16, np.float32, np.float64]
INT_TYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8]
ALL_TYPES = FLOAT_TYPES + INT_TYPES + [np.bool_]


@pytest.fixture(autouse=True)
def _restore_printing_state():
    """Every test starts and ends with default print options and default dtype."""
    yield
    set_printoptions(profile="default")
    _dtype.set_default_dtype(_dtype.float32)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_printoptions(profile="default")
        torch.set_default_dtype(torch.float32)


@contextlib.contextmanager
def both_options(torch, **options):
    """The same print options in PyTorch and here, for the duration of a block."""
    torch.set_printoptions(**options)
    set_printoptions(**options)
    try:
        yield
    finally:
        torch.set_printoptions(profile="default")
        set_printoptions(profile="default")


def assert_same_repr(torch, array):
    expected = repr(torch.tensor(array))
    assert tensor_repr(array) == expected


# ---------------------------------------------------------------------------
# Cases: one seeded generator, many shapes and magnitudes.

_rng = np.random.default_rng(20260513)


def _randn(shape, scale=1.0, dtype=np.float32):
    return (_rng.standard_normal(shape) * scale).astype(dtype)


def _cases():
    cases = {}
    for exponent in range(-8, 9):
        for dtype in (np.float32, np.float64):
            name = f"scale1e{exponent}-{np.dtype(dtype).name}"
            cases[name] = _randn((7,), 10.0**exponent, dtype)
    for exponent in (-10, -5, -4, -3, 0, 3, 4, 7, 8, 9, 12):
        cases[f"uniform-positive-1e{exponent}"] = _rng.uniform(1, 9, 5) * 10.0**exponent
    cases.update(
        {
            "ratio-just-under-1000": np.array([1.0, 999.0, 0.5], np.float32),
            "ratio-over-1000": np.array([1.0, 1001.5, 0.5], np.float32),
            "max-1e8": np.array([1e8, 1.5], np.float64),
            "over-1e8": np.array([1.0000001e8, 1e6], np.float64),
            "min-1e-4": np.array([1e-4, 2e-4], np.float32),
            "under-1e-4": np.array([9.99e-5, 2e-4], np.float32),
            "integral-floats": np.array([1.0, 2.0, -3.0, 100.0], np.float32),
            "big-integral-floats": np.array([123456789.0, 1.0], np.float64),
            "integral-and-fraction": np.array([1.0, 2.5, 3.0], np.float32),
            "ints-and-floats-mix": np.array([[1, 2.25], [1000, -7]], np.float32),
            "rounds-up-width": np.array([9.99996, 0.5], np.float64),
            "nan-inf": np.array([np.nan, np.inf, -np.inf, 1.5], np.float32),
            "nan-inf-integral": np.array([np.nan, np.inf, -np.inf, 2.0], np.float32),
            "only-nonfinite": np.array([np.nan, -np.inf], np.float32),
            "zeros-and-nan": np.array([0.0, np.nan], np.float32),
            "all-zero": np.zeros((2, 3), np.float32),
            "negative-zero": np.array([-0.0, 0.0, 1.0], np.float32),
            "negative-zero-fraction": np.array([-0.0, 0.25], np.float32),
            "negative-zero-sci": np.array([-0.0, 1e-9, 1.0], np.float32),
            "tiny-negative": np.array([-1e-5, 1.0], np.float32),
            "subnormal": np.array([1e-40, 1.0], np.float32),
            "huge-float64": np.array([1e300, -1e-300], np.float64),
            "max-float16": np.array([65504.0, -1.0, 0.125], np.float16),
            "float16-sci": np.array([6e-5, 100.0], np.float16),
            "0d-float": np.array(3.0, np.float32),
            "0d-fraction": np.array(-3.25, np.float32),
            "0d-negative-zero": np.array(-0.0, np.float32),
            "0d-nan": np.array(np.nan, np.float32),
            "0d-inf": np.array(-np.inf, np.float64),
            "0d-sci": np.array(1.5e-7, np.float32),
            "0d-int": np.array(-42, np.int64),
            "0d-int8": np.array(7, np.int8),
            "0d-bool": np.array(True),
            "1d-wrap-small": _randn((30,)),
            "1d-wrap-wide": _randn((40,), 1e3, np.float64),
            "1d-wrap-sci": _randn((25,), 1e-6),
            "1d-wrap-ints": _rng.integers(-(10**9), 10**9, 60),
            "1d-single-per-line": np.array([1.23456789e30, -1.0, 7.0] * 4, np.float64),
            "2d": _randn((4, 5)),
            "2d-row-wraps": _randn((3, 20), 100),
            "2d-column": _randn((6, 1)),
            "3d": _randn((2, 3, 4)),
            "3d-wraps": _randn((2, 2, 15)),
            "4d": _randn((2, 2, 2, 3), 1e-3),
            "5d": _randn((1, 2, 1, 2, 2)),
            "summarise-1d": np.arange(1001, dtype=np.float32),
            "summarise-1d-long": _randn((10000,)),
            "summarise-1d-ints": np.arange(10000),
            "summarise-2d": _randn((40, 40)),
            "summarise-2d-thin": _randn((1000, 2)),
            "summarise-2d-wide": _randn((2, 1000), 1e5),
            "summarise-3d": _randn((11, 11, 11)),
            "summarise-5d": _randn((5, 5, 5, 5, 5)),
            "summarise-edges-decide-format": np.concatenate(
                [np.ones(3), np.full(1000, 0.123456), np.ones(3)]
            ).astype(np.float32),
            "summarise-nan-in-middle": np.concatenate([np.arange(3.0), [np.nan] * 1000, [4.0]]),
            "summarise-big": _randn((100, 100, 10)),
        }
    )
    for dtype in INT_TYPES:
        info = np.iinfo(dtype)
        name = np.dtype(dtype).name
        cases[f"{name}-random"] = _rng.integers(
            info.min, info.max, (3, 4), dtype=dtype, endpoint=True
        )
        cases[f"{name}-extremes"] = np.array([info.min, info.max, 0], dtype)
        cases[f"{name}-summarise"] = np.arange(2000).astype(dtype)
    cases["bool-mixed"] = np.array([[True, False], [False, True]])
    cases["bool-all-true"] = np.ones(5, bool)
    cases["bool-summarise"] = _rng.integers(0, 2, 3000).astype(bool)
    for dtype in FLOAT_TYPES:
        name = np.dtype(dtype).name
        cases[f"{name}-2d"] = _randn((3, 3), 10, dtype)
        cases[f"{name}-integral"] = np.array([1, 2, 3], dtype)
    return cases


CASES = _cases()


@pytest.mark.oracle
@pytest.mark.parametrize("array", CASES.values(), ids=CASES.keys())
def test_repr_matches_torch(array):
    torch = require_torch()
    assert_same_repr(torch, array)


@pytest.mark.oracle
@pytest.mark.parametrize("array", CASES.values(), ids=CASES.keys())
def test_tensor_str_matches_torch(array):
    torch = require_torch()
    from torch._tensor_str import _tensor_str

    for indent in (0, 7, 30):
        assert tensor_str(array, indent=indent) == _tensor_str(torch.tensor(array), indent)


EMPTY_SHAPES = [(0,), (2, 0), (0, 3), (1, 0, 2), (0, 0)]


@pytest.mark.oracle
@pytest.mark.parametrize("shape", EMPTY_SHAPES, ids=str)
@pytest.mark.parametrize("dtype", ALL_TYPES, ids=lambda d: np.dtype(d).name)
def test_empty_matches_torch(shape, dtype):
    torch = require_torch()
    assert_same_repr(torch, np.zeros(shape, dtype))


@pytest.mark.oracle
@pytest.mark.parametrize("name", ["2d", "0d-float", "integral-floats", "bool-mixed", "int8-random"])
@pytest.mark.parametrize("shape", [(0,), (2, 0)], ids=str)
@pytest.mark.parametrize("default", ["float32", "float64"])
def test_dtype_suffix_follows_default_dtype(name, shape, default):
    torch = require_torch()
    torch.set_default_dtype(getattr(torch, default))
    _dtype.set_default_dtype(getattr(_dtype, default))
    for array in (CASES[name], CASES[name].astype(np.float64), CASES[name].astype(np.float32)):
        assert_same_repr(torch, array)
    for dtype in ALL_TYPES:
        assert_same_repr(torch, np.zeros(shape, dtype))


OPTION_SETS = [
    {"precision": 0},
    {"precision": 2},
    {"precision": 8},
    {"threshold": 5},
    {"threshold": 0},
    {"edgeitems": 0},
    {"edgeitems": 1},
    {"edgeitems": 5},
    {"edgeitems": 0, "threshold": 10},
    {"linewidth": 20},
    {"linewidth": 40},
    {"linewidth": 150},
    {"linewidth": 5},
    {"profile": "short"},
    {"profile": "full"},
    {"profile": "default"},
    {"profile": "short", "precision": 6},
    {"sci_mode": True},
    {"sci_mode": False},
    {"sci_mode": True, "precision": 1},
]
OPTION_CASES = [
    "scale1e-8-float32",
    "scale1e5-float64",
    "scale1e0-float32",
    "integral-floats",
    "nan-inf",
    "negative-zero",
    "0d-fraction",
    "0d-int",
    "1d-wrap-small",
    "1d-wrap-ints",
    "3d-wraps",
    "summarise-1d",
    "summarise-2d",
    "summarise-3d",
    "int16-random",
    "bool-mixed",
    "float16-2d",
]


@pytest.mark.oracle
@pytest.mark.parametrize(
    "options", OPTION_SETS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items())
)
def test_printoptions_match_torch(options):
    torch = require_torch()
    with both_options(torch, **options):
        assert get_printoptions() == torch._tensor_str.get_printoptions()
        for name in OPTION_CASES:
            assert tensor_repr(CASES[name]) == repr(torch.tensor(CASES[name])), name


@pytest.mark.oracle
def test_printoptions_context_manager_matches_torch():
    torch = require_torch()
    array = CASES["1d-wrap-small"]
    with (
        printoptions(precision=2, linewidth=30),
        torch._tensor_str.printoptions(precision=2, linewidth=30),
    ):
        assert tensor_repr(array) == repr(torch.tensor(array))
    assert tensor_repr(array) == repr(torch.tensor(array))


# ---------------------------------------------------------------------------
# Suffixes: requires_grad, grad_fn, Parameter.


@pytest.mark.oracle
@pytest.mark.parametrize(
    "name",
    ["2d", "0d-float", "1d-wrap-small", "summarise-2d", "float64-2d", "float16-2d", "max-1e8"],
)
def test_requires_grad_suffix(name):
    torch = require_torch()
    array = CASES[name]
    expected = repr(torch.tensor(array, requires_grad=True))
    assert tensor_repr(array, requires_grad=True) == expected


def _grad_fn_examples(torch):
    leaf = torch.ones(2, 2, requires_grad=True)
    leaf64 = torch.tensor(np.linspace(-1, 1, 7), requires_grad=True)
    wide = torch.tensor(np.linspace(-100, 100, 9).astype(np.float32), requires_grad=True)
    return [
        leaf * 2,
        leaf + 2,
        (leaf + 2) ** 2,
        ((leaf + 2) * (leaf + 2) * 3).mean(),
        leaf.sum(),
        leaf @ leaf,
        leaf.exp(),
        leaf64 * 3,
        leaf64.sin(),
        wide * 1.5,
        wide / 7,
        leaf64[:6],
        leaf64.reshape(7, 1) * leaf64,
    ]


@pytest.mark.oracle
def test_grad_fn_suffix_from_real_ops():
    torch = require_torch()
    for result in _grad_fn_examples(torch):
        name = type(result.grad_fn).__name__
        ours = tensor_repr(result.detach().numpy(), grad_fn_name=name)
        assert ours == repr(result), name


def test_custom_function_node_repr():
    # PyTorch makes <Name>Backward in torch/autograd/function.py: its repr and class say so.
    import autograd_widgets as aw

    class Cube(aw.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x**3

        @staticmethod
        def backward(ctx, grad):
            return grad

    y = Cube.apply(aw.ones(2, requires_grad=True))
    assert repr(y.grad_fn).startswith("<torch.autograd.function.CubeBackward object at 0x")
    assert str(type(y.grad_fn)) == "<class 'torch.autograd.function.CubeBackward'>"
    assert repr(y) == "tensor([1., 1.], grad_fn=<CubeBackward>)"


@pytest.mark.oracle
@pytest.mark.parametrize("width", [1, 5, 6, 7, 8, 9, 10, 11])
def test_suffixes_wrap_at_line_width(width):
    """Rows close to 80 columns push the suffixes onto their own lines."""
    torch = require_torch()
    array = np.linspace(-1.5, 2.5, width).astype(np.float64)
    leaf = torch.tensor(array, requires_grad=True)
    assert tensor_repr(array, requires_grad=True) == repr(leaf)
    result = leaf * 2
    ours = tensor_repr(result.detach().numpy(), grad_fn_name="MulBackward0")
    assert ours == repr(result)


@pytest.mark.oracle
@pytest.mark.parametrize("name", ["2d", "0d-float", "float64-2d", "summarise-2d"])
@pytest.mark.parametrize("requires_grad", [True, False])
def test_parameter_repr(name, requires_grad):
    torch = require_torch()
    array = CASES[name]
    expected = repr(torch.nn.Parameter(torch.tensor(array), requires_grad=requires_grad))
    assert parameter_repr(array, requires_grad=requires_grad) == expected


@pytest.mark.oracle
def test_explicit_dtype_and_prefix():
    torch = require_torch()
    array = np.array([1, 2, 3])
    assert tensor_repr(array, dtype=_dtype.float64) == repr(
        torch.tensor(array, dtype=torch.float64)
    )
    assert tensor_repr(array, dtype=_dtype.uint8) == repr(torch.tensor(array, dtype=torch.uint8))
    from torch._tensor_str import _str

    custom = tensor_repr(array, dtype=_dtype.float32, tensor_contents="[...]", requires_grad=True)
    leaf = torch.tensor(array, dtype=torch.float32, requires_grad=True)
    assert custom == _str(leaf, tensor_contents="[...]")
    assert tensor_repr(array, prefix="Tensor(").startswith("Tensor([1, 2, 3]")


# ---------------------------------------------------------------------------
# Properties: arbitrary arrays, arbitrary options.

_DTYPES = st.sampled_from([np.dtype(t) for t in ALL_TYPES])
_SHAPES = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=9)


@st.composite
def _arrays(draw):
    dtype = draw(_DTYPES)
    shape = draw(_SHAPES)
    if dtype.kind == "f":
        scale = draw(st.sampled_from([1e-9, 1e-5, 1e-3, 1.0, 1e3, 1e6, 1e9]))
        elements = st.one_of(
            hnp.from_dtype(dtype),
            # Round through the dtype: x * scale need not be representable (hypothesis checks).
            st.floats(-10, 10, width=dtype.itemsize * 8).map(
                lambda x: float(dtype.type(x * scale))
            ),
            st.integers(-1000, 1000).map(float),
        )
        return draw(hnp.arrays(dtype, shape, elements=elements))
    return draw(hnp.arrays(dtype, shape))


@pytest.mark.oracle
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(array=_arrays())
def test_property_repr_matches_torch(array):
    torch = require_torch()
    with np.errstate(over="ignore"):
        tensor = torch.tensor(array)
    assert tensor_repr(array) == repr(tensor)


@pytest.mark.oracle
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    array=_arrays(),
    precision=st.integers(0, 10),
    threshold=st.integers(0, 60),
    edgeitems=st.integers(0, 4),
    linewidth=st.integers(1, 120),
    sci_mode=st.sampled_from([None, True, False]),
)
def test_property_options_match_torch(array, precision, threshold, edgeitems, linewidth, sci_mode):
    torch = require_torch()
    options = {
        "precision": precision,
        "threshold": threshold,
        "edgeitems": edgeitems,
        "linewidth": linewidth,
        "sci_mode": sci_mode,
    }
    with both_options(torch, **options):
        assert tensor_repr(array) == repr(torch.tensor(array))


# ---------------------------------------------------------------------------
# Without the oracle: options API and speed.


def test_set_printoptions_semantics():
    assert get_printoptions() == DEFAULT_OPTIONS
    set_printoptions(precision=2, sci_mode=True)
    assert get_printoptions()["precision"] == 2 and get_printoptions()["sci_mode"] is True
    set_printoptions(linewidth=50)  # as in torch, sci_mode falls back to None
    assert get_printoptions()["sci_mode"] is None
    assert get_printoptions()["precision"] == 2
    set_printoptions(profile="full")
    assert get_printoptions()["threshold"] == float("inf")
    set_printoptions(profile="short", edgeitems=4)
    assert get_printoptions() == {**DEFAULT_OPTIONS, "precision": 2, "edgeitems": 4}
    set_printoptions(profile="default")
    assert get_printoptions() == DEFAULT_OPTIONS


def test_printoptions_restores_and_decorates():
    with printoptions(precision=1):
        assert tensor_repr(np.array([1.25, 2.5], np.float32)) == "tensor([1.2, 2.5])"
        with printoptions(threshold=2):
            assert tensor_repr(np.arange(10)) == "tensor([0, 1, 2,  ..., 7, 8, 9])"
        assert get_printoptions()["threshold"] == 1000
    assert get_printoptions() == DEFAULT_OPTIONS

    @printoptions(sci_mode=True)
    def shown():
        return tensor_repr(np.array(1.0, np.float32))

    assert shown() == "tensor(1.0000e+00)"
    assert get_printoptions() == DEFAULT_OPTIONS

    with pytest.raises(ValueError), printoptions(precision=0):
        raise ValueError
    assert get_printoptions() == DEFAULT_OPTIONS


def test_known_strings():
    assert tensor_repr(np.array(3.0, np.float32)) == "tensor(3.)"
    assert tensor_repr(np.zeros(0, np.float32)) == "tensor([])"
    assert tensor_repr(np.zeros((2, 0), np.float32)) == "tensor([], size=(2, 0))"
    assert tensor_repr(np.zeros(0, np.int64)) == "tensor([], dtype=torch.int64)"
    assert tensor_repr(np.ones((2, 2), np.float32), grad_fn_name="MulBackward0") == (
        "tensor([[1., 1.],\n        [1., 1.]], grad_fn=<MulBackward0>)"
    )
    assert tensor_str(np.array([0.5, -0.0], np.float32)) == "[0.5000, -0.0000]"
    assert parameter_repr(np.ones(2, np.float32)) == (
        "Parameter containing:\ntensor([1., 1.], requires_grad=True)"
    )


@pytest.mark.parametrize("shape", [(1000, 1000), (3_000_000,), (100, 100, 100)], ids=str)
def test_large_tensor_repr_formats_only_the_edges(shape, monkeypatch):
    """Summarising happens before formatting: only the edges are ever written.

    Checked by what reaches the formatter (at most 2 x edgeitems per dimension),
    not by a timing: tests never assert on speed.
    """
    from autograd_widgets.core import _printing

    seen = []
    summarize = _printing._summarize

    def spy(a, edge):
        small, cut = summarize(a, edge)
        seen.append(small.size)
        return small, cut

    monkeypatch.setattr(_printing, "_summarize", spy)
    array = np.random.default_rng(0).random(shape, dtype=np.float32)
    text = tensor_repr(array)
    assert "..." in text
    assert seen and max(seen) <= 6 ** len(shape)


# ---------------------------------------------------------------------------
# Through the package: Tensor.__repr__ and nn.Parameter.__repr__ use this module.

PYTHON_DATA = [
    3.5,
    7,
    True,
    [],
    [1.0, 2.0],
    [[1, 2], [3, 4]],
    [0.1, 1.0, 0.0001],
    [[1e-9, 1.0], [float("nan"), -float("inf")]],
    [True, False],
    [[[]]],
]


@pytest.mark.oracle
@pytest.mark.parametrize("default", ["float32", "float64"])
@pytest.mark.parametrize("data", PYTHON_DATA, ids=repr)
def test_package_tensor_repr_matches_torch(data, default):
    torch = require_torch()
    import autograd_widgets as aw

    torch.set_default_dtype(getattr(torch, default))
    aw.set_default_dtype(getattr(aw, default))
    assert repr(aw.tensor(data)) == repr(torch.tensor(data))
    if isinstance(data, list) and data and isinstance(data[0], float):
        ours, theirs = aw.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
        assert repr(ours) == repr(theirs)
        assert repr(ours * 2) == repr(theirs * 2)
        assert str(ours.sum()) == str(theirs.sum())
        assert repr(aw.nn.Parameter(ours.detach())) == repr(torch.nn.Parameter(theirs.detach()))


@pytest.mark.filterwarnings("ignore:__array_wrap__ must accept")  # (PyTorch's, on numpy 2)
def test_numpy_ufuncs_of_a_tensor_give_a_tensor():
    """``np.sin(t)`` is a tensor in PyTorch (``Tensor.__array_wrap__``); bools become uint8."""
    torch = require_torch()
    cases = [
        lambda lib: np.exp(lib.ones(2)),
        lambda lib: np.add(lib.ones(2), 1),
        lambda lib: np.equal(lib.ones(2), lib.ones(2)),
        lambda lib: np.exp(lib.tensor(1.0)),
        lambda lib: np.maximum(lib.ones(2), np.zeros(2)),
        lambda lib: np.sqrt(lib.tensor([4])),
        lambda lib: np.divmod(lib.ones(2), 2),
    ]
    for case in cases:
        ours, theirs = case(aw), case(torch)
        assert repr(ours) == repr(theirs)
        first = ours[0] if isinstance(ours, tuple) else ours
        assert type(first) is aw.Tensor
    out = np.empty(2, np.float32)
    assert np.add(aw.ones(2), aw.ones(2), out=out) is out  # out= stays numpy's
    with pytest.raises(RuntimeError, match="Can't call numpy"):
        np.exp(aw.ones(2, requires_grad=True))
