"""Property tests (hypothesis): broadcasting binary ops followed by reductions, vs PyTorch.

For random broadcast-compatible shapes, a random binary op, and a random reduction
over random dims (with or without ``keepdim``), values and the gradients of both
inputs must equal PyTorch's; for shapes that do not broadcast, the error must too.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_widgets as aw
from tests._oracle import require_torch

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

BINARY = {
    "add": lambda m, a, b: a + b,
    "sub": lambda m, a, b: a - b,
    "mul": lambda m, a, b: a * b,
    "div": lambda m, a, b: a / (b.abs() + 0.5),
    "maximum": lambda m, a, b: m.maximum(a, b),
    "where": lambda m, a, b: m.where(a > b, a, b * 2),
    "pow": lambda m, a, b: (a.abs() + 0.5) ** b,
    "atan2": lambda m, a, b: m.atan2(a, b.abs() + 0.5),
}

REDUCE = {
    "sum": lambda t, dims, k: t.sum(dims, keepdim=k),
    "mean": lambda t, dims, k: t.mean(dims, keepdim=k),
    "amax": lambda t, dims, k: t.amax(dims, keepdim=k),
    "amin": lambda t, dims, k: t.amin(dims, keepdim=k),
    "prod": lambda t, dims, k: t.prod(dims[0], keepdim=k),
    "var": lambda t, dims, k: t.var(dims, keepdim=k, correction=0),
    "std": lambda t, dims, k: t.std(dims, keepdim=k, correction=0),
    "logsumexp": lambda t, dims, k: t.logsumexp(dims, keepdim=k),
    "norm": lambda t, dims, k: t.norm(dim=dims, keepdim=k),
    "softmax": lambda t, dims, k: t.softmax(dims[0]),
    "cumsum": lambda t, dims, k: t.cumsum(dims[0]),
    "max_dim": lambda t, dims, k: t.max(dims[0], keepdim=k).values,
}


@st.composite
def problems(draw):
    shapes = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)
    )
    a_shape, b_shape = shapes.input_shapes
    out_ndim = len(shapes.result_shape)
    seed = draw(st.integers(0, 2**16))
    op = draw(st.sampled_from(sorted(BINARY)))
    red = draw(st.sampled_from(sorted(REDUCE)))
    if out_ndim:
        dims = draw(st.lists(st.integers(-out_ndim, out_ndim - 1), min_size=1, max_size=out_ndim))
        dims = list(dict.fromkeys(d % out_ndim for d in dims))
        if red not in ("prod", "softmax", "cumsum", "max_dim"):
            dims = [d - out_ndim if draw(st.booleans()) else d for d in dims]
    else:
        dims = [0]
    keepdim = draw(st.booleans())
    return a_shape, b_shape, seed, op, red, tuple(dims), keepdim


def _run(m, a, b, op, red, dims, keepdim, weights):
    ta = m.tensor(a, requires_grad=True)
    tb = m.tensor(b, requires_grad=True)
    out = REDUCE[red](BINARY[op](m, ta, tb), dims, keepdim)
    w = m.tensor(weights(tuple(out.shape)))
    ga, gb = m.autograd.grad((out * w).sum(), [ta, tb], allow_unused=True)
    return out, ga, gb


@SETTINGS
@given(problems())
def test_broadcast_then_reduce_matches_torch(problem):
    torch = require_torch()
    a_shape, b_shape, seed, op, red, dims, keepdim = problem
    rng = np.random.default_rng(seed)
    # Distinct values keep max/amax gradients away from ties.
    a = rng.permutation(max(int(np.prod(a_shape)), 1))[: int(np.prod(a_shape))]
    a = (a.reshape(a_shape) * 0.37 - 0.9).astype(np.float64)
    b = rng.uniform(-1.5, 1.5, b_shape)

    def weights(shape):
        return np.random.default_rng(seed + 1).uniform(0.5, 1.5, shape)

    try:
        want = _run(torch, a, b, op, red, dims, keepdim, weights)
    except RuntimeError as e:
        with pytest.raises(RuntimeError) as info:
            _run(aw, a, b, op, red, dims, keepdim, weights)
        assert str(info.value) == str(e)
        return
    got = _run(aw, a, b, op, red, dims, keepdim, weights)
    assert tuple(got[0].shape) == tuple(want[0].shape)
    assert str(got[0].dtype) == str(want[0].dtype)
    for g, t in zip(got, want):
        if t is None:
            assert g is None or not np.any(g.detach().numpy())
            continue
        np.testing.assert_allclose(
            g.detach().numpy(), t.detach().numpy(), rtol=1e-6, atol=1e-9, equal_nan=True
        )


@SETTINGS
@given(
    st.lists(st.integers(1, 4), min_size=0, max_size=3),
    st.lists(st.integers(1, 4), min_size=0, max_size=3),
    st.sampled_from(["add", "mul", "sub"]),
)
def test_broadcast_errors_match_torch(a_shape, b_shape, op):
    torch = require_torch()

    def outcome(m):
        try:
            r = BINARY[op](m, m.ones(tuple(a_shape)), m.ones(tuple(b_shape)))
        except Exception as e:  # noqa: BLE001 - the error text is compared
            return type(e).__name__, str(e)
        return tuple(r.shape)

    assert outcome(aw) == outcome(torch)


@SETTINGS
@given(
    hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
    st.data(),
)
def test_integer_and_bool_reductions_match_torch(shape, data):
    torch = require_torch()
    arr = data.draw(hnp.arrays(np.int64, shape, elements=st.integers(-5, 5)))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    keepdim = data.draw(st.booleans())

    def results(m):
        t = m.tensor(arr)
        outs = [
            t.sum(),
            t.sum(dim, keepdim=keepdim),
            t.prod(dim, keepdim=keepdim),
            t.amax(dim, keepdim=keepdim),
            t.argmax(dim, keepdim=keepdim),
            (t > 0).sum(dim),
            (t > 0).all(dim),
            (t > 0).any(dim),
            t.float().mean(dim, keepdim=keepdim),
            t.cumsum(dim),
        ]
        return [(str(o.dtype), tuple(o.shape), o.tolist()) for o in outs]

    got, want = results(aw), results(torch)
    for g, w in zip(got, want):
        assert g[:2] == w[:2]
        np.testing.assert_allclose(np.asarray(g[2], float), np.asarray(w[2], float), rtol=1e-6)


@pytest.mark.parametrize("default", ["float32", "float64"])
def test_python_scalar_promotion_matches_torch(default):
    torch = require_torch()
    cases = [
        lambda m: m.tensor([1, 2]) * 2.5,
        lambda m: m.tensor([1, 2]) / 2,
        lambda m: m.tensor([True, False]) + 1,
        lambda m: m.tensor([1.0, 2.0]) + m.tensor(3, dtype=m.int64),
        lambda m: m.tensor([1, 2], dtype=m.int32) + m.tensor(3),
        lambda m: m.tensor([1, 2], dtype=m.uint8) + m.tensor([1], dtype=m.int8),
        lambda m: m.tensor(2.0, dtype=m.float64) * m.tensor([1.0], dtype=m.float32),
        lambda m: m.tensor([1], dtype=m.int16) * 1.5,
    ]
    for i, fn in enumerate(cases):
        out = []
        for m in (aw, torch):
            old = m.get_default_dtype()
            m.set_default_dtype(getattr(m, default))
            try:
                r = fn(m)
            finally:
                m.set_default_dtype(old)
            out.append((str(r.dtype), r.tolist()))
        assert out[0] == out[1], f"case {i}"


@st.composite
def matmul_shapes(draw):
    """Operand shapes torch.matmul accepts: 1-D or batched matrices with broadcast batches."""
    n, k, p = draw(st.integers(1, 3)), draw(st.integers(0, 3)), draw(st.integers(1, 3))
    batch = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=3)
    )
    ba, bb = batch.input_shapes
    a_vec, b_vec = draw(st.booleans()), draw(st.booleans())
    a = (k,) if a_vec else ba + (n, k)
    b = (k,) if b_vec else bb + (k, p)
    return a, b


@SETTINGS
@given(matmul_shapes(), st.integers(0, 2**16))
def test_matmul_any_ranks_matches_torch(shapes, seed):
    torch = require_torch()
    a_shape, b_shape = shapes
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(-1, 1, a_shape), rng.uniform(-1, 1, b_shape)

    def run(m):
        ta, tb = m.tensor(a, requires_grad=True), m.tensor(b, requires_grad=True)
        out = ta @ tb
        w = m.tensor(np.random.default_rng(seed + 1).uniform(0.5, 1.5, tuple(out.shape)))
        return (out, *m.autograd.grad((out * w).sum(), [ta, tb]))

    for g, t in zip(run(aw), run(torch)):
        assert tuple(g.shape) == tuple(t.shape)
        np.testing.assert_allclose(g.detach().numpy(), t.detach().numpy(), rtol=1e-7, atol=1e-12)


@st.composite
def index_problems(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    key, dim, used_ellipsis = [], 0, False
    while dim < len(shape) and draw(st.booleans()) or not key:
        kind = draw(st.sampled_from(["int", "slice", "none", "ellipsis", "list", "mask"]))
        if dim >= len(shape) and kind not in ("none",):
            kind = "none"
        size = shape[dim] if dim < len(shape) else 1
        if kind == "int":
            key.append(("int", draw(st.integers(-size, size - 1))))
            dim += 1
        elif kind == "slice":
            start = draw(st.none() | st.integers(-size, size))
            stop = draw(st.none() | st.integers(-size, size))
            step = draw(st.none() | st.integers(1, 3))
            key.append(("slice", (start, stop, step)))
            dim += 1
        elif kind == "none":
            key.append(("none", None))
        elif kind == "ellipsis" and not used_ellipsis:
            used_ellipsis = True
            key.append(("ellipsis", None))
            dim = len(shape)  # the ellipsis may take the rest
        elif kind == "list":
            key.append(
                ("list", draw(st.lists(st.integers(-size, size - 1), min_size=1, max_size=3)))
            )
            dim += 1
        else:
            key.append(("mask", draw(st.lists(st.booleans(), min_size=size, max_size=size))))
            dim += 1
    return shape, key


def _key(m, spec):
    out = []
    for kind, v in spec:
        if kind == "int":
            out.append(v)
        elif kind == "slice":
            out.append(slice(*v))
        elif kind == "none":
            out.append(None)
        elif kind == "ellipsis":
            out.append(Ellipsis)
        elif kind == "list":
            out.append(m.tensor(v))
        else:
            out.append(m.tensor(v))
    return tuple(out)


@SETTINGS
@given(index_problems(), st.integers(0, 2**16))
def test_indexing_matches_torch(problem, seed):
    torch = require_torch()
    shape, spec = problem
    data = np.random.default_rng(seed).uniform(-1, 1, shape)

    def run(m):
        x = m.tensor(data, requires_grad=True)
        try:
            out = x[_key(m, spec)]
        except Exception as e:  # noqa: BLE001 - the error text is compared
            return type(e).__name__, str(e)
        w = m.tensor(np.random.default_rng(seed + 1).uniform(0.5, 1.5, tuple(out.shape)))
        (g,) = m.autograd.grad((out * w).sum(), x)
        return out.detach().numpy().tolist(), g.numpy().tolist(), type(out.grad_fn).__name__

    assert run(aw) == run(torch)


@SETTINGS
@given(index_problems(), st.integers(0, 2**16), st.booleans())
def test_setitem_matches_torch(problem, seed, scalar):
    torch = require_torch()
    shape, spec = problem
    rng = np.random.default_rng(seed)
    data = rng.uniform(-1, 1, shape)

    def run(m):
        x = m.tensor(data, requires_grad=True)
        y = x * 1
        key = _key(m, spec)
        try:
            target = tuple(y[key].shape)
            v = (
                1.5
                if scalar
                else m.tensor(
                    np.random.default_rng(seed + 2).uniform(-1, 1, target), requires_grad=True
                )
            )
            y[key] = v
        except Exception as e:  # noqa: BLE001 - the error text is compared
            return type(e).__name__, str(e)
        w = m.tensor(np.random.default_rng(seed + 1).uniform(0.5, 1.5, shape))
        leaves = [x] if scalar else [x, v]
        grads = m.autograd.grad((y * w).sum(), leaves, allow_unused=True)
        return (
            y.detach().numpy().tolist(),
            [None if g is None else g.numpy().tolist() for g in grads],
            type(y.grad_fn).__name__,
        )

    assert run(aw) == run(torch)
