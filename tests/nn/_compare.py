"""Helpers shared by the nn tests: run the same module on PyTorch and on autograd_widgets."""

from __future__ import annotations

import numpy as np

import autograd_widgets as aw

TOL = {"float64": dict(rtol=1e-9, atol=1e-10), "float32": dict(rtol=1e-4, atol=1e-5)}


def to_aw(t, requires_grad=None):
    """A torch tensor as an autograd_widgets tensor with the same data and dtype."""
    arr = t.detach().numpy().copy()
    out = aw.from_numpy(arr)
    if requires_grad if requires_grad is not None else t.requires_grad:
        out.requires_grad_()
    return out


def copy_weights(torch_module, our_module) -> None:
    """Load torch's state (parameters and buffers) into our module through ``load_state_dict``."""
    state = {k: to_aw(v, False) for k, v in torch_module.state_dict().items()}
    result = our_module.load_state_dict(state)
    assert not result.missing_keys and not result.unexpected_keys


def assert_close(ours, theirs, dtype: str, what: str = "") -> None:
    a = ours.detach().numpy() if hasattr(ours, "detach") else np.asarray(ours)
    b = theirs.detach().numpy()
    assert a.shape == b.shape, f"{what}: shape {a.shape} != {b.shape}"
    assert a.dtype == b.dtype, f"{what}: dtype {a.dtype} != {b.dtype}"
    np.testing.assert_allclose(a, b, err_msg=what, **TOL[dtype])


def error_of(fn):
    """``(exception type name, message)`` raised by ``fn()``, or None."""
    try:
        fn()
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__, str(exc)
    return None


def graph_names(t) -> list:
    """``grad_fn`` class names in breadth-first order, to compare graph shapes across libraries."""
    names, seen, queue = [], set(), [t.grad_fn]
    while queue:
        fn = queue.pop(0)
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        names.append(type(fn).__name__)
        queue.extend(f for f, _ in fn.next_functions)
    return names


def run_both(
    torch, make, inputs, dtype: str, train: bool = True, reduce_fn=None, kwargs=None, graph=True
):
    """Build the module on both sides, copy weights, run forward + backward, compare everything.

    ``make(nn)`` builds the module from either ``nn`` namespace; ``inputs`` are torch tensors;
    ``kwargs(lib)``, if given, the forward's keyword arguments on either side; ``graph=False``
    skips the ``grad_fn`` names (PyTorch's fused attention kernels have their own nodes).
    Returns ``(ours_module, torch_module, ours_out, torch_out)``.
    """
    tdt = getattr(torch, dtype)
    torch.manual_seed(0)
    tm = make(torch.nn).to(tdt)
    om = make(aw.nn).to(getattr(aw, dtype))
    copy_weights(tm, om)
    tm.train(train)
    om.train(train)
    t_in = [x.to(tdt).requires_grad_() if x.is_floating_point() else x for x in inputs]
    o_in = [to_aw(x) for x in t_in]
    t_kw, o_kw = (kwargs(torch), kwargs(aw)) if kwargs else ({}, {})
    t_out, o_out = tm(*t_in, **t_kw), om(*o_in, **o_kw)
    assert not graph or graph_names(o_out) == graph_names(t_out)
    assert_close(o_out, t_out, dtype, "output")
    torch.manual_seed(1)
    weights = torch.randn(t_out.shape, dtype=t_out.dtype)
    (t_out * weights).sum().backward()
    (o_out * to_aw(weights)).sum().backward()
    for i, (a, b) in enumerate(zip(o_in, t_in)):
        if b.requires_grad:
            assert_close(a.grad, b.grad, dtype, f"grad of input {i}")
    tparams = dict(tm.named_parameters())
    oparams = dict(om.named_parameters())
    assert list(oparams) == list(tparams)
    for name, p in tparams.items():
        assert_close(oparams[name].grad, p.grad, dtype, f"grad of {name}")
    for name, b in tm.named_buffers():
        if b.is_floating_point():
            assert_close(dict(om.named_buffers())[name], b, dtype, f"buffer {name}")
    assert repr(om) == repr(tm)
    return om, tm, o_out, t_out


def check_functional(torch, inputs, fn, diff, dtype: str) -> None:
    """``fn(F, d)`` on both sides from the torch tensors ``inputs`` (a dict): graph names, value,
    and the gradient of every input named in ``diff`` for a random output gradient."""
    td = dict(inputs)
    for k in diff:
        td[k] = td[k].clone().requires_grad_()
    od = {k: to_aw(v) for k, v in td.items()}
    t_out = fn(torch.nn.functional, td)
    o_out = fn(aw.nn.functional, od)
    assert graph_names(o_out) == graph_names(t_out)
    assert_close(o_out, t_out, dtype, "value")
    torch.manual_seed(4)
    g = torch.randn(t_out.shape, dtype=t_out.dtype)
    t_out.backward(g)
    o_out.backward(to_aw(g))
    for k in diff:
        assert_close(od[k].grad, td[k].grad, dtype, f"grad of {k}")


def assert_same_error(torch, fn) -> None:
    """``fn(torch)`` raises, and ``fn(autograd_widgets)`` raises the same type and message."""
    expected = error_of(lambda: fn(torch))
    assert expected is not None
    assert error_of(lambda: fn(aw)) == expected
