"""Every case of the op table, checked four ways (tinygrad's helper_test_op, HIPS check_grads).

1. finite differences (float64, central) against our gradients — always;
2. values, dtypes and gradients of every input against PyTorch;
3. ``grad_fn`` class names, ``next_functions`` structure (recursively, with the
   ``AccumulateGrad``/``None`` pattern and which leaf each ``AccumulateGrad``
   holds), the names of the ``_saved_*`` attributes and the values of the plain
   (non-tensor) ones against PyTorch;
4. second derivatives (``create_graph=True``) against PyTorch.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.op_table import TABLE, C, Case

EPS = 1e-6


def _params(flag=None):
    out = []
    for c in TABLE:
        if flag is not None and not getattr(c, flag):
            continue
        if flag == "fd" and all(isinstance(s, C) for s in c.inputs):
            continue  # only constant inputs: nothing to differentiate
        marks = [pytest.mark.xfail(reason=c.xfail, strict=True)] if c.xfail else []
        out.append(pytest.param(c, id=c.id, marks=marks))
    return out


def _rng(case, salt: str = ""):
    return np.random.default_rng(zlib.crc32((case.id + salt).encode()))


def input_arrays(case):
    rng = _rng(case)
    out = []
    for spec in case.inputs:
        if isinstance(spec, C):
            out.append(spec.array())
        else:
            a = case.gen(rng, spec) if case.gen else rng.uniform(case.low, case.high, spec)
            out.append(np.asarray(a, dtype=np.float64))
    return out


def make_inputs(m, case, arrays, dtype=None):
    dt = getattr(m, dtype or case.dtype)
    ts = []
    for spec, a in zip(case.inputs, arrays):
        if isinstance(spec, C):
            ts.append(m.tensor(a.copy()))
        else:
            ts.append(m.tensor(a.copy(), dtype=dt, requires_grad=True))
    return ts


def flat_outputs(out):
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(flat_outputs(o))
        return res
    return [out]


def to_np(t):
    try:
        return t.detach().numpy()
    except RuntimeError:  # torch's ZeroTensor (an efficient zero gradient)
        return t.detach().numpy(force=True)


def _weights(case, outs):
    rng = _rng(case, "w")
    return [rng.uniform(0.5, 1.5, tuple(o.shape)) for o in outs]


def run(m, case, arrays, dtype=None, create_graph=False):
    """Forward, graph signature, and gradients of sum(w * out) w.r.t. every float input."""
    ts = make_inputs(m, case, arrays, dtype)
    out = case.fn(m, *ts)
    outs = flat_outputs(out)
    diff = [o for o in outs if o.requires_grad]
    leaves = [t for t in ts if t.requires_grad]
    sig = tuple(graph_signature(o.grad_fn, leaves) for o in outs if o.grad_fn is not None)
    grads = None
    if diff and leaves:
        ws = [m.tensor(w, dtype=o.dtype) for w, o in zip(_weights(case, diff), diff)]
        grads = m.autograd.grad(diff, leaves, ws, allow_unused=True, create_graph=create_graph)
    return ts, out, outs, grads, sig


def graph_signature(fn, leaves, _memo=None):
    """``(name, _saved_* names, next_functions signatures)``, recursively."""
    if fn is None:
        return None
    name = type(fn).__name__
    if name == "AccumulateGrad":
        idx = [i for i, t in enumerate(leaves) if t is fn.variable]
        return f"AccumulateGrad[{idx[0] if idx else '?'}]"
    saved = tuple(sorted(a for a in dir(fn) if a.startswith("_saved_")))
    return (
        name,
        saved,
        tuple((graph_signature(f, leaves), nr) for f, nr in fn.next_functions),
    )


def assert_close(ours, theirs, case, what):
    a, b = np.asarray(ours), np.asarray(theirs)
    assert a.shape == b.shape, f"{what}: shape {a.shape} != torch {b.shape}"
    if a.dtype.kind in "biu" or b.dtype.kind in "biu":
        assert np.array_equal(a, b), f"{what}: {a} != torch {b}"
    else:
        rtol, atol = case.rtol, case.atol
        if a.dtype == np.float32 or b.dtype == np.float32:
            rtol, atol = max(rtol, 1e-4), max(atol, 1e-5)
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)


# --- 1. finite differences ---------------------------------------------------------------------
@pytest.mark.parametrize("case", _params("fd"))
def test_finite_differences(case):
    arrays = input_arrays(case)
    ts, out, outs, grads, _ = run(aw, case, arrays, dtype="float64")
    float_idx = [i for i, s in enumerate(case.inputs) if not isinstance(s, C)]
    diff = [o for o in outs if o.requires_grad]
    if not float_idx or not diff:
        pytest.skip("nothing differentiable")
    ws = _weights(case, diff)

    def loss(arrs):
        with aw.no_grad():
            o = flat_outputs(case.fn(aw, *make_inputs(aw, case, arrs, "float64")))
        o = [x for x in o if x.dtype.is_floating_point]
        return sum(float((to_np(x).astype(np.float64) * w).sum()) for x, w in zip(o, ws))

    for k, i in enumerate(float_idx):
        num = np.zeros(arrays[i].shape)
        flat = num.reshape(-1)
        for j in range(arrays[i].size):
            plus = [a.copy() for a in arrays]
            minus = [a.copy() for a in arrays]
            plus[i].reshape(-1)[j] += EPS
            minus[i].reshape(-1)[j] -= EPS
            flat[j] = (loss(plus) - loss(minus)) / (2 * EPS)
        g = grads[k]
        analytic = np.zeros(arrays[i].shape) if g is None else to_np(g)
        np.testing.assert_allclose(
            analytic, num, rtol=1e-4, atol=1e-5, err_msg=f"{case.id}: d/d input {i}"
        )


# --- 2. values and gradients against PyTorch ----------------------------------------------------
@pytest.mark.parametrize("case", _params())
def test_against_torch(case):
    torch = require_torch()
    arrays = input_arrays(case)
    try:
        _, out_t, outs_t, grads_t, _ = run(torch, case, arrays)
    except Exception as e:  # noqa: BLE001 - then ours must raise the same error
        with pytest.raises(type(e)) as info:
            run(aw, case, arrays)
        assert str(info.value) == str(e)
        return
    _, out_a, outs_a, grads_a, _ = run(aw, case, arrays)
    assert len(outs_a) == len(outs_t), "number of outputs"
    if isinstance(out_t, tuple) and hasattr(out_t, "indices"):
        assert type(out_a).__name__ == type(out_t).__name__
        assert hasattr(out_a, "values") and hasattr(out_a, "indices")
    for k, (a, t) in enumerate(zip(outs_a, outs_t)):
        assert str(a.dtype) == str(t.dtype), f"output {k} dtype"
        assert tuple(a.shape) == tuple(t.shape), f"output {k} shape"
        assert_close(to_np(a), to_np(t), case, f"output {k}")
        assert a.requires_grad == t.requires_grad, f"output {k} requires_grad"
        assert a.is_leaf == t.is_leaf, f"output {k} is_leaf"
    assert (grads_a is None) == (grads_t is None)
    if grads_t is not None:
        for k, (ga, gt) in enumerate(zip(grads_a, grads_t)):
            assert (ga is None) == (gt is None), f"grad {k} None-ness"
            if gt is not None:
                assert str(ga.dtype) == str(gt.dtype), f"grad {k} dtype"
                assert_close(to_np(ga), to_np(gt), case, f"grad of input {k}")


# --- 2b. the same in float32 (dtypes of results and gradients must not drift) --------------------
def _float32_params():
    out = []
    for c in TABLE:
        if c.dtype == "float64" and any(not isinstance(s, C) for s in c.inputs) and not c.xfail:
            out.append(pytest.param(c, id=c.id))
    return out


@pytest.mark.parametrize("case", _float32_params())
def test_float32_against_torch(case):
    torch = require_torch()
    arrays = input_arrays(case)
    c32 = Case(**{**case.__dict__, "dtype": "float32", "atol": 1e-5, "rtol": 1e-4})
    try:
        _, _, outs_t, grads_t, _ = run(torch, c32, arrays)
    except Exception:  # noqa: BLE001 - error parity is checked in float64
        pytest.skip("torch raises")
    _, _, outs_a, grads_a, _ = run(aw, c32, arrays)
    for k, (a, t) in enumerate(zip(outs_a, outs_t)):
        assert str(a.dtype) == str(t.dtype), f"output {k} dtype"
        assert_close(to_np(a), to_np(t), c32, f"output {k}")
    for k, (ga, gt) in enumerate(zip(grads_a or (), grads_t or ())):
        if gt is not None and ga is not None:
            assert str(ga.dtype) == str(gt.dtype), f"grad {k} dtype"
            assert_close(to_np(ga), to_np(gt), c32, f"grad of input {k}")


# --- 3. graph structure and saved values against PyTorch ---------------------------------------
def saved_values(outs):
    """``{node path: {attr: value}}`` for the saved numbers, tuples, strings and flags."""
    found, stack, seen = {}, [(o.grad_fn, str(k)) for k, o in enumerate(outs)], set()
    while stack:
        fn, path = stack.pop()
        if fn is None or id(fn) in seen or type(fn).__name__ == "AccumulateGrad":
            continue
        seen.add(id(fn))
        vals = {}
        for a in dir(fn):
            if not a.startswith("_saved_"):
                continue
            try:
                v = getattr(fn, a)
            except RuntimeError:
                continue
            if isinstance(v, (bool, int, float, str, type(None))) or (
                isinstance(v, tuple) and all(isinstance(x, int) for x in v)
            ):
                vals[a] = tuple(v) if isinstance(v, tuple) else v
        found[path + ":" + type(fn).__name__] = vals
        for k, (nxt, _) in enumerate(fn.next_functions):
            stack.append((nxt, f"{path}.{k}"))
    return found


def graph_and_saved(m, case, arrays):
    ts = make_inputs(m, case, arrays)
    outs = flat_outputs(case.fn(m, *ts))
    leaves = [t for t in ts if t.requires_grad]
    sig = tuple(graph_signature(o.grad_fn, leaves) for o in outs if o.grad_fn is not None)
    return sig, saved_values(outs)


@pytest.mark.parametrize("case", _params("graph"))
def test_graph_against_torch(case):
    """grad_fn names, next_functions structure, _saved_* names, then their plain values."""
    torch = require_torch()
    arrays = input_arrays(case)
    sig_t, want = graph_and_saved(torch, case, arrays)
    sig_a, got = graph_and_saved(aw, case, arrays)
    assert sig_a == sig_t
    for path, vals in want.items():
        mine = got.get(path, {})
        for attr, v in vals.items():
            assert attr in mine, f"{path} {attr}: torch {v!r}, ours missing or not a plain value"
            assert mine[attr] == v, f"{path} {attr}: torch {v!r}, ours {mine[attr]!r}"


# --- 4. second derivatives against PyTorch ------------------------------------------------------
@pytest.mark.parametrize("case", _params("gradgrad"))
def test_gradgrad_against_torch(case):
    torch = require_torch()
    arrays = input_arrays(case)

    def second(m):
        ts, _, _, grads, _ = run(m, case, arrays, dtype="float64", create_graph=True)
        leaves = [t for t in ts if t.requires_grad]
        if grads is None:
            return None
        live = [(g, w) for g, w in zip(grads, _weights(case, leaves)) if g is not None]
        live = [(g, w) for g, w in live if g.requires_grad]
        if not live:
            return None
        total = sum((g * m.tensor(w, dtype=g.dtype)).sum() for g, w in live)
        return m.autograd.grad(total, leaves, allow_unused=True)

    try:
        want = second(torch)
    except RuntimeError as e:
        pytest.skip(f"torch has no double backward here: {e}")
    got = second(aw)
    if got is None or want is None:
        # One side knows the gradient is identically zero; the other must be zero too.
        for g in got or want or ():
            assert g is None or np.allclose(to_np(g), 0)
        return
    for k, (a, t) in enumerate(zip(got, want)):
        if t is None:
            assert a is None or np.allclose(to_np(a), 0), f"second grad {k}"
            continue
        if a is None:
            assert np.allclose(to_np(t), 0), f"second grad {k} is None, torch non-zero"
            continue
        assert_close(to_np(a), to_np(t), case, f"second grad of input {k}")
