"""Legacy tensor types (torch.FloatTensor, torch.LongTensor, ...) against PyTorch."""

from __future__ import annotations

import pytest

import autograd_widgets as aw
from tests._oracle import require_torch

NAMES = [
    "FloatTensor",
    "DoubleTensor",
    "HalfTensor",
    "LongTensor",
    "IntTensor",
    "ShortTensor",
    "CharTensor",
    "ByteTensor",
    "BoolTensor",
]


def outcome(fn):
    """``repr`` of the result, or the exception's type and text."""
    try:
        return repr(fn())
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {e}"


def cases(m):
    return {
        "data": lambda: [getattr(m, n)([1, 0, 2]) for n in NAMES],
        "nested": lambda: m.FloatTensor([[1, 2], [3, 4]]),
        "tuple is data": lambda: m.FloatTensor((2, 3)),
        "sizes": lambda: m.LongTensor(2, 3).shape,
        "size kw": lambda: m.DoubleTensor(size=(2,)).shape,
        "Size is a shape": lambda: m.FloatTensor(m.ones(2, 3).size()).shape,
        "empty": lambda: m.FloatTensor(),
        "scalar data": lambda: m.FloatTensor(2.5),
        "negative size": lambda: m.FloatTensor(2, -1),
        "repr": lambda: [repr(getattr(m, n)) for n in NAMES],
        "names": lambda: [(getattr(m, n).__name__, getattr(m, n).__module__) for n in NAMES],
        "dtype": lambda: [str(getattr(m, n).dtype) for n in NAMES],
        "isinstance": lambda: [
            isinstance(m.ones(2), m.FloatTensor),
            isinstance(m.ones(2, dtype=m.float64), m.FloatTensor),
            isinstance(m.tensor([1, 2]), m.LongTensor),
            isinstance(3, m.FloatTensor),
            issubclass(m.FloatTensor, m.Tensor),
        ],
        "type(T)": lambda: m.ones(2, requires_grad=True).type(m.DoubleTensor),
        "type('str')": lambda: m.ones(2).type("torch.LongTensor"),
        "type() string": lambda: [getattr(m, n)([1]).type() for n in NAMES],
        "same tensor": lambda: m.FloatTensor(m.ones(2)),
        "cuda type": lambda: m.cuda.FloatTensor(2),
    }


@pytest.mark.parametrize("name", list(cases(aw)))
def test_legacy_type_matches_torch(name):
    torch = require_torch()
    want = outcome(cases(torch)[name])
    got = outcome(cases(aw)[name])
    assert got == want


@pytest.mark.parametrize("target", ["type", "string"])
def test_converting_to_a_cuda_type_is_a_clear_error(target):
    # PyTorch's CPU build fails here with an internal "Cannot initialize CUDA without
    # ATen_cuda library" RuntimeError; ours names the missing CUDA instead.
    t = aw.cuda.FloatTensor if target == "type" else "torch.cuda.FloatTensor"
    with pytest.raises(TypeError, match="not available. Torch not compiled with CUDA enabled"):
        aw.ones(2).type(t)
