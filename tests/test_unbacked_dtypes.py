"""Dtypes numpy has no element type for (bfloat16, complex, float8): nameable, not computable.

Programs often only *mention* them (nanoGPT's ``{"bfloat16": torch.bfloat16, ...}[dtype]``,
``torch.finfo(dtype).min`` for masks, autocast's default CPU dtype), so they must exist and
answer like PyTorch's; making a tensor of one raises a TypeError that says why.
"""

import pickle

import pytest

import autograd_widgets as aw

torch = pytest.importorskip("torch")

NAMES = [
    "bfloat16",
    "complex32",
    "chalf",
    "complex64",
    "cfloat",
    "complex128",
    "cdouble",
    "float8_e4m3fn",
    "float8_e4m3fnuz",
    "float8_e5m2",
    "float8_e5m2fnuz",
    "float8_e8m0fnu",
]
FINFO_FIELDS = ("bits", "resolution", "min", "max", "eps", "smallest_normal", "tiny", "dtype")


@pytest.mark.parametrize("name", NAMES)
def test_dtype_answers_like_torch(name):
    ours, theirs = getattr(aw, name), getattr(torch, name)
    assert repr(ours) == repr(theirs) and str(ours) == str(theirs)
    for attr in ("is_floating_point", "is_complex", "is_signed", "itemsize"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert pickle.loads(pickle.dumps(ours)) is ours
    assert isinstance(ours, aw.dtype)


@pytest.mark.parametrize("name", NAMES)
def test_finfo_like_torch(name):
    ours, theirs = aw.finfo(getattr(aw, name)), torch.finfo(getattr(torch, name))
    for field in FINFO_FIELDS:
        a, b = getattr(ours, field), getattr(theirs, field)
        assert (a == pytest.approx(b, rel=1e-7)) if isinstance(b, float) else a == b, field
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize(
    "name", ["float16", "float32", "float64", "bfloat16", "complex32", "complex64", "complex128"]
)
def test_to_complex_and_to_real(name):
    ours, theirs = getattr(aw, name), getattr(torch, name)
    assert repr(ours.to_complex()) == repr(theirs.to_complex())
    assert repr(ours.to_real()) == repr(theirs.to_real())


@pytest.mark.parametrize("name", ["int64", "int32", "uint8", "bool"])
def test_to_complex_of_integers_raises_like_torch(name):
    with pytest.raises(RuntimeError) as theirs:
        getattr(torch, name).to_complex()
    with pytest.raises(RuntimeError) as ours:
        getattr(aw, name).to_complex()
    assert str(ours.value) == str(theirs.value)
    assert repr(getattr(aw, name).to_real()) == repr(getattr(torch, name).to_real())


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.zeros(2, dtype=lib.bfloat16),
        lambda lib: lib.ones(2).bfloat16(),
        lambda lib: lib.ones(2).to(lib.bfloat16),
        lambda lib: lib.tensor([1.0], dtype=lib.cfloat),
        lambda lib: lib.ones(2).cdouble(),
        lambda lib: lib.ones(2).cdouble().abs(),
        lambda lib: lib.zeros(3, dtype=lib.float8_e4m3fn),
        lambda lib: lib.ones(2).type(lib.complex64),
    ],
)
def test_making_a_tensor_of_one_raises_a_clear_type_error(make):
    make(torch)  # PyTorch has them
    with pytest.raises(TypeError, match=r"autograd_widgets has no \w+ tensors"):
        make(aw)


def test_set_default_dtype_bfloat16_says_why():
    with pytest.raises(TypeError, match="no bfloat16 tensors"):
        aw.set_default_dtype(aw.bfloat16)
    assert aw.get_default_dtype() is aw.float32
    with pytest.raises(TypeError, match="only floating-point types"):
        aw.set_default_dtype(aw.complex64)  # as PyTorch


def test_a_program_that_only_names_them_runs():
    # nanoGPT's train.py picks a dtype by name, then autocasts only on CUDA.
    def pick(lib, dtype):
        ptdtype = {"float32": lib.float32, "bfloat16": lib.bfloat16, "float16": lib.float16}[dtype]
        mask_value = lib.finfo(ptdtype).min
        return repr(ptdtype), mask_value

    for dtype in ("float32", "bfloat16", "float16"):
        assert pick(aw, dtype) == pick(torch, dtype)
    assert repr(aw.get_autocast_dtype("cpu")) == repr(torch.get_autocast_dtype("cpu"))
    assert aw.get_autocast_dtype("cpu") is aw.bfloat16
