"""Dtypes never drift: every differentiable op of the op tables, in float32, float16 and float64.

numpy 1.x promotes by value (a 0-d float32 array times ``0.5`` is float64), numpy 2 does
not (NEP 50); PyTorch keeps a tensor's dtype whatever Python number it meets. A float64
gradient in a float32 graph breaks the first ``mm`` it reaches, so this walk checks, for
every case of ``tests/op_table.py`` and ``tests/test_graph_parity.py`` and for both a plain
and a ``create_graph=True`` backward, that

- every gradient a node receives has the dtype of the forward output it is the gradient of,
  and every gradient it produces has the dtype of the tensor on that edge (PyTorch's engine
  guarantees this; ours must compute it so);
- every floating tensor of the forward graph (node outputs, ``_saved_*`` tensors) has the
  case's dtype, unless the case itself converts (``x.double()``, a float64 constant...);
- the ``.grad`` of every leaf and of every intermediate (``retain_grad``) has its tensor's
  dtype.

Then a Python number meeting a float32 tensor gives PyTorch's bits, and the optimizers keep
0-d float32 parameters and their state float32. It runs in CI on numpy 1.26 and on numpy 2.x. No oracle is needed, except to tell, in
float16, an op PyTorch does not support either (skipped) from one we broke.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets.autograd import events
from autograd_widgets.core.tensor import WrappedNumber
from tests._oracle import require_torch
from tests.nn.test_optim import OPTIMIZERS
from tests.op_table import TABLE, C
from tests.test_graph_parity import CASES as PARITY_CASES
from tests.test_ops import flat_outputs

DTYPES = ["float32", "float16", "float64"]


def _cases():
    out = []
    for tag, table in (("ops", TABLE), ("parity", PARITY_CASES)):
        for c in table:
            if c.xfail or all(isinstance(s, C) for s in c.inputs):
                continue
            out.append(pytest.param(c, id=f"{tag}:{c.id}"))
    return out


def _inputs(case, dtype):
    """Random float inputs of ``dtype`` requiring grad; float constants in ``dtype`` too (so
    that a pure graph stays pure), other constants as they are."""
    rng = np.random.default_rng(sum(map(ord, case.id)))
    dt = getattr(aw, dtype)
    ts = []
    for spec in case.inputs:
        if isinstance(spec, C):
            a = spec.array()
            if a.dtype.kind == "f" and spec.dtype is None:
                ts.append(aw.tensor(a.astype(dt.np)))
            else:
                ts.append(aw.tensor(a.copy()))
        else:
            a = case.gen(rng, spec) if case.gen else rng.uniform(case.low, case.high, spec)
            ts.append(aw.tensor(np.asarray(a, dtype=dt.np), requires_grad=True))
    return ts


class _Recorder:
    """Listens to the engine's events: forward outputs while recording, then every gradient."""

    def __init__(self):
        self.out_dtypes = {}  # node -> {output_nr: numpy dtype}
        self.outputs = []  # every non-leaf forward output, to retain_grad
        self.bad = []  # mismatches: (where, what, got, want)
        self.recording = True

    def __call__(self, kind, p):
        if kind == "node_created" and self.recording:
            out = p["output"]
            self.out_dtypes.setdefault(p["node"], {})[out._output_nr] = out._data.dtype
            self.outputs.append(out)
        elif kind == "node_executed":
            self._check_node(p["node"], p["grad_outputs"], p["grad_inputs"])

    def _want(self, fn, nr):
        if type(fn).__name__ == "AccumulateGrad":
            return fn.variable._data.dtype
        return self.out_dtypes.get(fn, {}).get(nr)

    def _check_node(self, node, grads_in, grads_out):
        name = type(node).__name__
        for nr, g in enumerate(grads_in):
            want = self._want(node, nr)
            if g is not None and want is not None and g._data.dtype != want:
                self.bad.append((name, f"received gradient {nr}", g._data.dtype, want))
        for i, g in enumerate(grads_out):
            if g is None or i >= len(node.next_functions):
                continue
            fn, nr = node.next_functions[i]
            want = None if fn is None else self._want(fn, nr)
            if want is not None and g._data.dtype != want:
                self.bad.append((name, f"gradient for input {i}", g._data.dtype, want))


def _saved_tensors(outs):
    """``(node name, attr, tensor)`` for every tensor saved anywhere in the graph of ``outs``."""
    found, stack, seen = [], [o.grad_fn for o in outs], set()
    while stack:
        fn = stack.pop()
        if fn is None or id(fn) in seen or type(fn).__name__ == "AccumulateGrad":
            continue
        seen.add(id(fn))
        for attr in dir(fn):
            if not attr.startswith("_saved_"):
                continue
            try:
                v = getattr(fn, attr)
            except RuntimeError:  # e.g. a saved tensor already freed
                continue
            for t in v if isinstance(v, (tuple, list)) else (v,):
                # A saved Python number shows as a 0-d double tensor, as in PyTorch.
                if isinstance(t, aw.Tensor) and type(t) is not WrappedNumber:
                    found.append((type(fn).__name__, attr, t))
        stack.extend(f for f, _ in fn.next_functions)
    return found


def _walk(case, dtype, create_graph):
    """Forward and backward under the recorder; returns the list of dtype mismatches."""
    dt = getattr(aw, dtype).np
    rec = _Recorder()
    events.add_listener(rec, kinds=("node_created", "node_executed"))
    try:
        ts = _inputs(case, dtype)
        outs = flat_outputs(case.fn(aw, *ts))
        rec.recording = False
        diff = [o for o in outs if isinstance(o, aw.Tensor) and o.requires_grad]
        if not diff:
            return None
        # Floating dtypes the case itself produces (a conversion, a float64 constant...).
        allowed = {dt} | {o._data.dtype for o in outs if isinstance(o, aw.Tensor)}
        allowed = {d for d in allowed if d.kind == "f"}
        for o in rec.outputs:
            d = o._data.dtype
            if d.kind == "f" and d not in allowed:
                rec.bad.append((type(o.grad_fn).__name__, "forward output", d, dt))
        for name, attr, t in _saved_tensors(diff):
            d = t._data.dtype
            if d.kind == "f" and d not in allowed:
                rec.bad.append((name, attr, d, dt))
        retained = [o for o in rec.outputs if o.requires_grad and o.grad_fn is not None]
        for o in retained:
            o.retain_grad()
        rng = np.random.default_rng(7)
        ws = [aw.tensor(rng.uniform(0.5, 1.5, tuple(o.shape)), dtype=o.dtype) for o in diff]
        aw.autograd.backward(diff, ws, create_graph=create_graph)
        for t in retained + [t for t in ts if t.requires_grad]:
            g = t.grad
            if g is not None and g._data.dtype != t._data.dtype:
                rec.bad.append((type(t.grad_fn).__name__, ".grad", g._data.dtype, t._data.dtype))
        # The bus drops a listener that raises (with a warning): then nothing was checked.
        assert rec in events.listeners, "the recorder raised and was dropped"
        return rec.bad
    finally:
        events.remove_listener(rec)


def _torch_supports(case, dtype):
    """Whether PyTorch runs the case (forward and backward) in ``dtype``."""
    torch = require_torch()
    ts = []
    for spec, t in zip(case.inputs, _inputs(case, dtype)):
        a = torch.from_numpy(t.detach().numpy().copy())
        ts.append(a if isinstance(spec, C) else a.requires_grad_())
    try:
        outs = [o for o in flat_outputs(case.fn(torch, *ts)) if o.requires_grad]
        torch.autograd.backward(outs, [torch.ones_like(o) for o in outs])
    except (RuntimeError, NotImplementedError, TypeError):
        return False
    return True


@pytest.mark.parametrize("create_graph", [False, True], ids=["backward", "create_graph"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", _cases())
def test_dtypes_do_not_drift(case, dtype, create_graph):
    with np.errstate(all="ignore"):  # float16 overflows in some cases: dtypes still matter
        try:
            bad = _walk(case, dtype, create_graph)
        except (RuntimeError, NotImplementedError, TypeError) as e:
            if create_graph and not case.gradgrad and isinstance(e, NotImplementedError):
                pytest.skip(f"no double backward here (the case says so): {e}")
            if _torch_supports(case, dtype):
                raise
            pytest.skip(f"PyTorch raises too (in {dtype}): {e}")
    if bad is None:
        pytest.skip("no differentiable output")
    lines = [f"{where}: {what} is {got}, want {want}" for where, what, got, want in bad]
    assert not lines, f"{case.id} in {dtype}:\n" + "\n".join(dict.fromkeys(lines))


# A Python number meets a float32 tensor in float32: rounded to it first, then one rounding.
# (Not float16: PyTorch computes half ops in float32 with the number unrounded; not pow,
# whose float32 kernel goes through float64 on purpose: see ``_power_np``.)
SCALAR_OPS = [
    ("mul", lambda t, s: t * s),
    ("rmul", lambda t, s: s * t),
    ("div", lambda t, s: t / s),
    ("rdiv", lambda t, s: s / t),
    ("add", lambda t, s: t + s),
    ("rsub", lambda t, s: s - t),
    ("maximum_of_clamp", lambda t, s: t.clamp(min=s)),
]


@pytest.mark.parametrize("number", [float, np.float64], ids=["python", "numpy_float64"])
@pytest.mark.parametrize("shape", [(), (50,)], ids=["0d", "1d"])
@pytest.mark.parametrize("op", SCALAR_OPS, ids=[o[0] for o in SCALAR_OPS])
def test_number_rounds_to_the_tensor_dtype_first(op, shape, number):
    """Bit for bit PyTorch's result: on numpy 1.x a 0-d float32 times ``0.1`` was computed in
    float64 and rounded once more (one result in five differed in the last bit)."""
    torch = require_torch()
    _, fn = op
    rng = np.random.default_rng(5)
    x = rng.uniform(0.5, 3, shape).astype(np.float32)
    for s in rng.uniform(0.05, 2.5, 20):
        s = number(s)
        ours = fn(aw.tensor(x), s)
        want = fn(torch.tensor(x), s)
        assert str(ours.dtype) == str(want.dtype)
        assert ours.numpy().tobytes() == want.numpy().tobytes(), f"{s!r}"


@pytest.mark.parametrize(
    "case", OPTIMIZERS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(OPTIMIZERS)]
)
def test_optimizers_keep_0d_float32_parameters_float32(case):
    """A 0-d parameter (``a = torch.tensor(0.5, requires_grad=True)``, as the polynomial
    tutorials fit) is where numpy 1.x promoted every optimizer update to float64."""
    torch = require_torch()
    name, kwargs = case
    results = []
    for m in (aw, torch):
        params = [m.tensor(v, requires_grad=True) for v in (0.5, -1.25, 2.0)]
        opt = getattr(m.optim, name)(params, **kwargs)
        for step in range(8):
            opt.zero_grad()
            a, b, c = params
            loss = ((a * 1.5 + b) * c - 0.3 * step) ** 2
            loss.backward()
            opt.step()
        results.append((params, opt))
    (ours, opt), (theirs, _) = results
    for o, t in zip(ours, theirs):
        assert o.dtype == aw.float32 and o.grad.dtype == aw.float32
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-6)
    for p in ours:
        for key, value in opt.state[p].items():
            if isinstance(value, aw.Tensor) and key != "step":
                assert value.dtype == aw.float32, f"state {key!r} is {value.dtype}"
