"""``torch.autograd.functional``: jacobian, hessian, vjp, jvp, hvp, vhp."""

from __future__ import annotations

import numpy as np

from ..core.tensor import Tensor
from ..ops.shape import stack
from . import grad
from .grad_mode import enable_grad


def _tup(x):
    return (x,), True if isinstance(x, Tensor) else (tuple(x), False)


def _prep(inputs, create_graph):
    single = isinstance(inputs, Tensor)
    ins = (inputs,) if single else tuple(inputs)
    ins = tuple(
        t.detach().requires_grad_(True) if not create_graph or not t._requires_grad else t
        for t in ins
    )
    return ins, single


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """Vector-Jacobian product: ``(func(inputs), v^T J)``."""

    ins, single = _prep(inputs, create_graph)

    with enable_grad():
        out = func(*ins)
        outs = (out,) if not isinstance(out, tuple) else out
        vs = None if v is None else ((v,) if not isinstance(v, (tuple, list)) else tuple(v))
        gs = grad(outs, ins, vs, create_graph=create_graph, allow_unused=True)
    gs = tuple(g if g is not None else _zeros_like(i) for g, i in zip(gs, ins))
    out_ret = out if create_graph else _detach(out)
    return out_ret, (gs[0] if single else gs)


def _zeros_like(t):
    return Tensor._make(np.zeros_like(t._data))


def _detach(x):
    if isinstance(x, tuple):
        return tuple(o.detach() for o in x)
    return x.detach()


def jacobian(
    func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"
):
    """Full Jacobian by one reverse pass per output element."""

    ins, single_in = _prep(inputs, create_graph)
    with enable_grad():
        out = func(*ins)
    single_out = isinstance(out, Tensor)
    outs = (out,) if single_out else tuple(out)
    result = []
    for o in outs:
        row = []
        flat_grads = [[] for _ in ins]
        for k in range(o._data.size):
            g = np.zeros(o._data.shape, dtype=o._data.dtype)
            g.reshape(-1)[k] = 1
            with enable_grad():
                gs = grad(
                    o,
                    ins,
                    Tensor._make(g),
                    retain_graph=True,
                    create_graph=create_graph,
                    allow_unused=True,
                )
            for j, (gg, i) in enumerate(zip(gs, ins)):
                flat_grads[j].append(gg if gg is not None else _zeros_like(i))

        for j, i in enumerate(ins):
            if flat_grads[j]:
                J = stack(flat_grads[j], 0).reshape(o._data.shape + i._data.shape)
            else:
                J = Tensor._make(np.zeros(o._data.shape + i._data.shape, dtype=i._data.dtype))
            row.append(J if create_graph else J.detach())
        result.append(row[0] if single_in else tuple(row))
    return result[0] if single_out else tuple(result)


def hessian(
    func,
    inputs,
    create_graph=False,
    strict=False,
    vectorize=False,
    outer_jacobian_strategy="reverse-mode",
):
    """Hessian of a scalar function: the Jacobian of its gradient."""

    single = isinstance(inputs, Tensor)

    def grad_fn(*ins):
        out = func(*ins)
        if out._data.size != 1:
            raise RuntimeError(
                "The Tensor returned by the function given to hessian should contain a single element"
            )
        gs = grad(out, ins, create_graph=True, allow_unused=True)
        gs = tuple(g if g is not None else _zeros_like(i) for g, i in zip(gs, ins))
        return gs[0] if single else gs

    return jacobian(grad_fn, inputs, create_graph=create_graph)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """Jacobian-vector product via the double-vjp trick."""

    ins, single = _prep(inputs, create_graph)
    vs = (v,) if isinstance(v, Tensor) else (tuple(v) if v is not None else None)
    with enable_grad():
        out = func(*ins)
        outs = (out,) if isinstance(out, Tensor) else tuple(out)
        dummies = tuple(Tensor._make(np.zeros_like(o._data), True) for o in outs)
        gs = grad(outs, ins, dummies, create_graph=True, allow_unused=True)
        if vs is None:
            vs = tuple(Tensor._make(np.ones_like(i._data)) for i in ins)
        pairs = [(g, vv) for g, vv in zip(gs, vs) if g is not None]
        res = grad(
            [p[0] for p in pairs],
            dummies,
            [p[1] for p in pairs],
            create_graph=create_graph,
            allow_unused=True,
        )
    res = tuple(r if r is not None else _zeros_like(o) for r, o in zip(res, outs))
    out_ret = out if create_graph else _detach(out)
    return out_ret, (res[0] if isinstance(out, Tensor) else res)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    single = isinstance(inputs, Tensor)
    ins = (inputs,) if single else tuple(inputs)
    H = hessian(func, inputs)
    vs = (v,) if isinstance(v, Tensor) else tuple(v)
    out = func(*ins).detach()
    if single:
        n = ins[0]._data.size
        return out, Tensor._make(
            (H._data.reshape(n, n) @ vs[0]._data.reshape(-1)).reshape(ins[0]._data.shape)
        )
    res = []
    for i, a in enumerate(ins):
        acc = np.zeros(a._data.size)
        for j, b in enumerate(ins):
            acc += H[i][j]._data.reshape(a._data.size, b._data.size) @ vs[j]._data.reshape(-1)
        res.append(Tensor._make(acc.reshape(a._data.shape).astype(a._data.dtype)))
    return out, tuple(res)


vhp = hvp
