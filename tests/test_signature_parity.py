"""Signature parity with PyTorch (oracle): every name both libraries export takes PyTorch's
keywords, positions and defaults, including the NumPy spellings PyTorch's parser accepts.

PyTorch's call forms are read from PyTorch itself (see ``tests/_signatures.py``), so
a keyword nobody thought of listing is still checked. What we deliberately do not
accept is listed below, each with its reason.
"""

from __future__ import annotations

import importlib
import inspect
import math

import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch
from tests._signatures import NO_DEFAULT, NUMPY_ALIASES, Ours, parser_default, torch_forms

# Keywords we do not take anywhere, and why.
NOT_TAKEN = {
    "layout": "only torch.strided exists here (no sparse or jagged layouts)",
    "pin_memory": "pinned memory is a CUDA transfer optimisation; there is no device to pin for",
    "memory_format": "numpy arrays have one memory format; channels_last has no meaning here",
    "out_dtype": "mm/bmm/addmm's out_dtype is for low-precision CUDA kernels",
    "from": "a Python keyword: uniform_/random_ take it positionally only in real code",
    "self": "PyTorch's Scalar-first overloads (torch.pow(self=2, exponent=t)): the name is only "
    "reachable as **{'self': ...}; positional use works",
    "implicit": "Tensor.expand(implicit=) is internal to PyTorch's tracer",
    "min_value": "Hardtanh's deprecated spelling of min_val (PyTorch warns on it)",
    "max_value": "Hardtanh's deprecated spelling of max_val (PyTorch warns on it)",
}

# Defaults we spell ``None`` to tell "not given" from "given": the behaviour is PyTorch's.
SENTINEL_DEFAULTS = {
    "unbiased": "var/std: None so that unbiased= and correction= cannot both be given",
    "dx": "trapezoid/trapz: None so that x= and dx= cannot both be given",
    "compute_mode": "cdist: None is PyTorch's 'use_mm_for_euclid_dist_if_necessary'",
    "nan": "nan_to_num: ATen's nan=None means 0.0, which ours spells out",
}

# Per-name deliberate differences: "space.name" -> (keywords, reason).
DIFFERENT = {
    "torch.result_type": (
        {"tensor", "other", "scalar", "scalar1", "scalar2"},
        "one Python function covers the four C++ overloads; positional use is the same",
    ),
    "torch.promote_types": ({"type1", "type2"}, "positional use is the same"),
    "torch.svd": ({"U", "S", "V"}, "svd's out tuple names; out= is not supported for svd"),
    "torch.select": ({"list", "idx"}, "the list/idx overloads are TorchScript's, not Python's"),
    "Tensor.select": ({"list", "idx"}, "the list/idx overloads are TorchScript's, not Python's"),
    "torch.mul": ({"l", "n"}, "aten::mul.left_t(list l, int n) is TorchScript's list repeat"),
    "Tensor.mul": ({"l", "n"}, "aten::mul.left_t(list l, int n) is TorchScript's list repeat"),
    "torch.log": ({"b"}, "aten::log.int_int(a, b) is TorchScript's scalar log"),
    "Tensor.log": ({"b"}, "aten::log.int_int(a, b) is TorchScript's scalar log"),
    "torch.as_tensor": ({"t"}, "aten::as_tensor.list(t) is TorchScript's"),
    "Tensor.copy_": ({"src"}, "aten::copy_'s schema name; PyTorch's Python parser takes other="),
    "torch.isin": (
        {"element", "test_element"},
        "the Scalar overloads' names; ours is one function named as the Tensor overload",
    ),
    "torch.tensor_split": (
        {"indices", "sections", "tensor_indices_or_sections"},
        "three C++ overloads; ours is one function named as PyTorch's documentation names it",
    ),
    "Tensor.tensor_split": (
        {"indices", "sections", "tensor_indices_or_sections"},
        "three C++ overloads; ours is one function named as PyTorch's documentation names it",
    ),
    "torch.tensor": ({"t"}, "aten::tensor.float(t) is TorchScript's"),
}

# nn.functional's few C++-bound functions take ``out=`` only as an artefact of the binding.
_F_WITH_OUT = (
    "adaptive_avg_pool1d avg_pool1d avg_pool2d avg_pool3d gelu linear pixel_shuffle pixel_unshuffle"
)
_F_WITH_OUT += " channel_shuffle"
for _name in (_F_WITH_OUT + " softplus hardshrink softshrink").split():
    DIFFERENT[f"nn.functional.{_name}"] = ({"out"}, "out= in nn.functional is a binding artefact")


# NumPy's names for ``input``/``other`` (x, a, x1, x2): the parser takes them, but taking
# them would wrap every pointwise op for a spelling no learning material uses.
NUMPY_INPUT_NAMES = {alias for k in ("input", "other") for alias in NUMPY_ALIASES[k]}


def _spaces():
    require_torch()
    spaces = {"torch": ("torch", "autograd_widgets")}
    for space in (
        "nn.functional",
        "nn.init",
        "nn",
        "optim",
        "optim.lr_scheduler",
        "utils.data",
        "distributions",
        "distributed",
    ):
        spaces[space] = (f"torch.{space}", f"autograd_widgets.{space}")
    return {k: tuple(importlib.import_module(m) for m in pair) for k, pair in spaces.items()}


def shared(space: str):
    """``(name, torch_callable, our_callable, is_method)`` for each name both export."""
    torch = require_torch()
    import autograd_widgets as aw

    if space == "Tensor":
        for name in sorted(dir(torch.Tensor)):
            ours = inspect.getattr_static(aw.Tensor, name, None)
            theirs = getattr(torch.Tensor, name)
            if name.startswith("_") or not inspect.isfunction(ours) or isinstance(theirs, type):
                continue
            yield name, theirs, ours, True
        return
    tm, om = _spaces()[space]
    for name in sorted(dir(tm)):
        if name.startswith("_") or not hasattr(om, name):
            continue
        theirs, ours = getattr(tm, name), getattr(om, name)
        if inspect.ismodule(theirs) or not callable(theirs) or not callable(ours):
            continue
        if inspect.isclass(theirs) != inspect.isclass(ours):
            continue
        if inspect.isclass(theirs):
            if theirs.__init__ is object.__init__ or ours.__init__ is object.__init__:
                continue
            yield name, theirs.__init__, ours.__init__, True
        else:
            yield name, theirs, ours, False


# c10::ScalarType codes, as a dtype default (tril_indices' dtype=torch.long) reads back
_SCALAR_TYPES = {"uint8": 0, "int8": 1, "int16": 2, "int32": 3, "int64": 4, "float16": 5}
_SCALAR_TYPES.update({"float32": 6, "float64": 7, "bool": 11})


def _same_default(theirs, ours, parser: bool) -> bool:
    value = parser_default(theirs) if parser and isinstance(theirs, str) else theirs
    if isinstance(ours, aw.dtype) and isinstance(value, int):
        return _SCALAR_TYPES.get(str(ours).removeprefix("torch.")) == value
    if value is NO_DEFAULT or not isinstance(value, (type(None), bool, int, float, str)):
        return True  # not a plain constant: nothing to compare
    if isinstance(ours, (list, tuple)) and value == ():
        return len(ours) == 0
    numbers = (int, float)
    if isinstance(value, numbers) and isinstance(ours, numbers):
        if isinstance(value, bool) or isinstance(ours, bool):
            return value is ours
        return math.isclose(value, ours, rel_tol=1e-6)
    return type(value) is type(ours) and value == ours


def problems(space: str, name: str, theirs, ours, method: bool) -> list[str]:
    """What PyTorch accepts for ``name`` that ours does not."""
    forms = torch_forms(theirs, method=method, name=name)
    if not forms:
        return []  # a Python-level helper without a readable signature (Tensor.numpy, ...)
    try:
        we = Ours.of(ours, method=method)
    except (TypeError, ValueError):
        return [f"{space}.{name}: our signature cannot be read"]
    skip = set(NOT_TAKEN) | NUMPY_INPUT_NAMES | DIFFERENT.get(f"{space}.{name}", (set(),))[0]
    found = []
    for form in forms:
        if form.positional[:1] == ["self"] and not method:
            continue  # Scalar-first overloads: see NOT_TAKEN["self"]
        for kw in form.names:
            if kw not in skip and not we.accepts(kw):
                found.append(f"keyword {kw!r}")
            if form.parser:
                for alias in NUMPY_ALIASES.get(kw, ()):
                    if alias not in skip and not we.accepts(alias):
                        found.append(f"keyword {alias!r} (NumPy spelling of {kw!r})")
    for kw, ours_default in we.defaults.items():
        theirs = [(f.defaults[kw], f.parser) for f in forms if kw in f.defaults]
        if theirs and kw not in skip and kw not in SENTINEL_DEFAULTS:
            if not any(_same_default(d, ours_default, parser) for d, parser in theirs):
                found.append(f"default {kw}={theirs[0][0]} (ours {ours_default!r})")
    longest = max(forms, key=lambda f: len(f.positional))
    for i, kw in enumerate(longest.positional):
        if i < len(we.positional) and we.positional[i] != kw and kw not in skip:
            found.append(f"position {i} is {kw!r} (ours {we.positional[i]!r})")
    return [f"{space}.{name}: {p}" for p in sorted(set(found))]


SPACES = ["torch", "Tensor", "nn", "nn.functional", "nn.init", "optim", "optim.lr_scheduler"]
SPACES.append("utils.data")
SPACES.append("distributions")
SPACES.append("distributed")


@pytest.mark.parametrize("space", SPACES)
def test_signatures_match_pytorch(space):
    names = list(shared(space))
    assert names, f"no shared names in {space}: the probe is broken"
    found = [p for name, theirs, ours, m in names for p in problems(space, name, theirs, ours, m)]
    assert not found, "\n".join(found)


def test_the_probe_sees_enough():
    """The parity test above checks hundreds of names, not a handful the probe happened to
    read: a broken probe must fail here rather than make the test pass vacuously."""
    counts = {space: len(list(shared(space))) for space in SPACES}
    assert counts["torch"] > 250 and counts["Tensor"] > 250, counts
    assert counts["nn"] > 50 and counts["nn.functional"] > 50, counts
    torch = require_torch()
    forms = torch_forms(torch.sum, name="sum")
    assert {"input", "dim", "keepdim", "dtype", "out"} <= {n for f in forms for n in f.names}
    assert forms[0].parser and torch_forms(torch.zeros, name="zeros")[0].varargs_first


def test_the_check_catches_a_missing_keyword():
    """A function that drops ``keepdim`` is reported (the check itself can fail)."""
    torch = require_torch()

    def sum(input, dim=None, *, dtype=None):  # noqa: A001 - stands in for ours
        return input

    found = problems("torch", "sum", torch.sum, sum, False)
    assert any("'keepdim'" in p for p in found) and any("'keepdims'" in p for p in found)


# Calls from learning material that must run as on PyTorch (issue 14): same values, shapes,
# dtypes and requires_grad.
SPELLED_CALLS = [
    lambda m, a: a.sum(1, keepdims=True),
    lambda m, a: a.sum(axis=0),
    lambda m, a: a.mean(axis=0),
    lambda m, a: m.sum(a, axis=0),
    lambda m, a: a.cumsum(axis=0),
    lambda m, a: a.max(axis=1, keepdims=True).values,
    lambda m, a: m.amax(a, axis=(0, 1), keepdims=True),
    lambda m, a: a.std(axis=0, keepdims=True),
    lambda m, a: m.softmax(a, axis=1),
    lambda m, a: a.argmax(axis=1, keepdims=True),
    lambda m, a: m.cat([a, a], axis=0),
    lambda m, a: a.unsqueeze(axis=0),
    lambda m, a: a.view(size=(4, 3)),
    lambda m, a: a.reshape(shape=(2, 6)),
    lambda m, a: a.permute(dims=(1, 0)),
    lambda m, a: a.expand(size=(2, 3, 4)),
    lambda m, a: a.new_zeros(size=(2,)),
    lambda m, a: m.zeros(size=(2, 3), dtype=m.float64),
    lambda m, a: m.ones(size=(2,)),
    lambda m, a: m.exp(a, out=m.zeros(3, 4)),
    lambda m, a: m.max(a, 1, out=(m.zeros(3), m.zeros(3, dtype=m.int64))).values,
    lambda m, a: m.nn.functional.cosine_similarity(a, a + 1, axis=0),
    lambda m, a: m.swapaxes(a, axis0=0, axis1=1),
    lambda m, a: m.split(tensor=a, split_size_or_sections=2),
]


@pytest.mark.parametrize("i", range(len(SPELLED_CALLS)))
def test_spelled_calls_match_pytorch(i):
    torch = require_torch()
    import numpy as np

    import autograd_widgets as aw

    data = np.arange(12.0, dtype=np.float32).reshape(3, 4) / 7
    ours = SPELLED_CALLS[i](aw, aw.tensor(data))
    theirs = SPELLED_CALLS[i](torch, torch.tensor(data))
    ours, theirs = (ours, theirs) if isinstance(ours, tuple) else ((ours,), (theirs,))
    for o, t in zip(ours, theirs, strict=True):
        assert str(o.dtype) == str(t.dtype) and tuple(o.shape) == tuple(t.shape)
        np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-6)


def test_factories_take_size_by_name():
    torch = require_torch()
    import autograd_widgets as aw

    for m in (aw, torch):
        x = m.randn(size=(), requires_grad=True)
        assert x.shape == () and x.requires_grad and x.is_leaf
        assert m.rand(size=(2, 4)).shape == (2, 4)
        r = m.randint(high=10, size=(3,))
        assert r.shape == (3,) and r.dtype == m.int64 and 0 <= int(r.min()) <= int(r.max()) < 10
        r = m.randint(low=5, high=7, size=(50,))
        assert int(r.min()) >= 5 and int(r.max()) < 7


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.ones(2, 3).sum(0, axis=0),
        lambda m: m.ones(2, 3).sum(dim=0, axis=1),
        lambda m: m.zeros(2, size=(2,)),
        lambda m: m.sum(m.ones(2, requires_grad=True), 0, out=m.zeros(())),
        lambda m: m.exp(m.ones(2), out=m.zeros(2, dtype=m.int64)),
    ],
)
def test_spelling_errors_match_pytorch(call):
    assert_raises_like_torch(call)
