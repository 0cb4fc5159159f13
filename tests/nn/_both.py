"""Run one scenario on PyTorch and on autograd_widgets and compare everything it returns."""

from __future__ import annotations

import numpy as np

import autograd_widgets as aw
from tests._oracle import require_torch


def plain(v):
    """Tensors as (numpy array, dtype name); containers recursively; the rest as it is."""
    if hasattr(v, "detach") and hasattr(v, "numpy"):
        return ("tensor", v.detach().numpy().copy(), str(v.dtype))
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    return v


def _compare(a, b, rtol, atol, where="result"):
    if isinstance(a, tuple) and a and a[0] == "tensor":
        assert isinstance(b, tuple) and b[0] == "tensor", where
        assert a[2] == b[2], f"{where}: dtype {a[2]} != {b[2]}"
        assert a[1].shape == b[1].shape, f"{where}: shape {a[1].shape} != {b[1].shape}"
        np.testing.assert_allclose(a[1], b[1], rtol=rtol, atol=atol, err_msg=where)
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), f"{where}: {a!r} != {b!r}"
        for i, (x, y) in enumerate(zip(a, b)):
            _compare(x, y, rtol, atol, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _compare(a[k], b[k], rtol, atol, f"{where}[{k!r}]")
    elif isinstance(a, float) and isinstance(b, float):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=where)
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def error(fn):
    """``(type name, message)`` of what ``fn()`` raises (None when it does not)."""
    try:
        fn()
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__, str(exc)
    return None


def same(scenario, rtol=1e-9, atol=1e-10, seed=0):
    """``scenario(m)`` for ``m`` torch and autograd_widgets, from the same seed: equal results."""
    torch = require_torch()
    torch.manual_seed(seed)
    theirs = plain(scenario(torch))
    aw.manual_seed(seed)
    ours = plain(scenario(aw))
    _compare(ours, theirs, rtol, atol)
    return ours


def names(t) -> list:
    """``grad_fn`` names breadth first (the graph's shape)."""
    out, seen, queue = [], set(), [t.grad_fn]
    while queue:
        fn = queue.pop(0)
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        out.append(type(fn).__name__)
        queue.extend(f for f, _ in fn.next_functions)
    return out
