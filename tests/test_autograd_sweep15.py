"""Autograd behaviours a sweep of tutorial-style programs found different, pinned against PyTorch."""

from __future__ import annotations

import pytest

import autograd_widgets as aw
from tests._oracle import require_torch

pytestmark = pytest.mark.oracle


def _outcome(call):
    try:
        return repr(call())
    except Exception as exc:  # noqa: BLE001 - the error is the outcome compared
        return f"{type(exc).__name__}: {exc}"


def _addresses_masked(text: str) -> str:
    import re

    return re.sub(r" at 0x[0-9a-f]+>", " at 0x...>", text)


# --- custom Functions: set_materialize_grads, mark_dirty, once_differentiable --------------------


def _materialize_run(m, materialize):
    seen = []

    class Two(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(materialize)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            seen.append((ga.tolist(), None if gb is None else gb.tolist()))
            return ga * 2 + (0 if gb is None else gb * 3)

    x = m.ones(2, requires_grad=True)
    a, _ = Two.apply(x)
    a.sum().backward()
    return seen, x.grad.tolist()


@pytest.mark.parametrize("materialize", [True, False])
def test_set_materialize_grads_false_passes_none_for_unused_outputs(materialize):
    torch = require_torch()
    assert _materialize_run(aw, materialize) == _materialize_run(torch, materialize)


def _dirty_run(m):
    class Double(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2, None

    out = []
    leaf = m.ones(3, requires_grad=True)
    out.append(_outcome(lambda: Double.apply(leaf, leaf)))
    out.append((repr(leaf), leaf._version))
    out.append(_outcome(lambda: Double.apply(leaf[:2], leaf)))
    out.append((repr(leaf), leaf._version))
    plain = m.ones(3)
    r = Double.apply(plain, leaf)
    out.append((r is plain, repr(plain), plain.is_leaf, plain._version))
    base = leaf.clone()
    view = base[:2]
    r = Double.apply(view, leaf)
    out.append((r is view, type(view.grad_fn).__name__, repr(base)))
    out.append(type(base.grad_fn.next_functions[0][0]).__name__)
    base.sum().backward()
    out.append(leaf.grad.tolist())
    with m.no_grad():
        r = Double.apply(leaf, leaf)
    out.append((r is leaf, repr(r), repr(leaf)))
    return out


def test_mark_dirty_checks_leaves_bumps_versions_and_rebases_views():
    torch = require_torch()
    assert _dirty_run(aw) == _dirty_run(torch)


def _dirty_view_two_outputs(m):
    class Both(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x, x * 2

        @staticmethod
        def backward(ctx, ga, gb):
            return ga + 2 * gb

    base = m.ones(4, requires_grad=True).clone()
    return _outcome(lambda: Both.apply(base[1:]))


def test_mark_dirty_view_with_two_outputs_is_refused():
    torch = require_torch()
    assert _dirty_view_two_outputs(aw) == _dirty_view_two_outputs(torch)


def _once_differentiable_run(m):
    from_mod = m.autograd.function

    class Sort(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            s, idx = x.sort()
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            return s, idx

        @staticmethod
        @from_mod.once_differentiable
        def backward(ctx, g, _):
            (idx,) = ctx.saved_tensors
            return m.zeros_like(g).index_add_(0, idx, g)

    x = m.tensor([3.0, 1.0, 2.0], requires_grad=True)
    s, _ = Sort.apply(x)
    (g,) = m.autograd.grad(s.pow(2).sum(), x, create_graph=True)
    fn = g.grad_fn
    out = [
        repr(g),
        str(type(fn)),
        fn.name(),
        type(fn.next_functions[0][0]).__name__,
        repr(fn.next_functions[0][0].variable),
        _outcome(lambda: g.sum().backward()),
    ]
    s, _ = Sort.apply(x)
    (g,) = m.autograd.grad(s.sum(), x, create_graph=True)  # constant gradient: no Error node
    out.append(repr(g))
    return out


def test_once_differentiable_under_create_graph_gives_an_error_node():
    torch = require_torch()
    assert _once_differentiable_run(aw) == _once_differentiable_run(torch)


def _node_types(m):
    x = m.ones(2, requires_grad=True)
    y = (x * 2).sum()
    return [str(type(y.grad_fn)), str(type(y.grad_fn.next_functions[0][0].next_functions[0][0]))]


def test_node_types_print_as_pytorch_cpp_types():
    torch = require_torch()
    assert _node_types(aw) == _node_types(torch)


# --- autograd.Function under torch.func transforms ------------------------------------------------


def _functorch_support(m):
    class CtxStyle(m.autograd.Function):  # forward(ctx, ...): no setup_context
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class NoVmap(m.autograd.Function):
        @staticmethod
        def forward(x):
            return x * 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class Generated(NoVmap):
        generate_vmap_rule = True

    x = m.arange(6.0).reshape(3, 2)

    def call(fn, name):
        tr = getattr(m.func, name)
        if name == "vmap":
            return tr(fn.apply)(x)
        if name in ("grad", "hessian"):
            return tr(lambda t: fn.apply(t).sum())(x[0])
        if name == "jvp":
            return tr(fn.apply, (x[0],), (x[1],))
        return tr(fn.apply)(x[0])

    return [
        (fn.__name__, name, _outcome(lambda: call(fn, name)))  # noqa: B023 - called at once
        for fn in (CtxStyle, NoVmap, Generated)
        for name in ("vmap", "grad", "jacrev", "jacfwd", "hessian", "jvp")
    ]


def test_functions_under_func_transforms_need_setup_context_vmap_and_jvp_support():
    torch = require_torch()
    assert _functorch_support(aw) == _functorch_support(torch)


# --- tensor hooks' results; views a custom Function returns ---------------------------------------


def _hook_results(m):
    import functools

    class Hook:
        def __call__(self, g):
            return g[:1]

    def shrink(g):
        return g[:1]

    def hooked(t, fn):
        t.register_hook(fn)
        return t

    z = m.ones(2, requires_grad=True)
    hooks = [
        shrink,
        lambda g: g.double(),
        lambda g: g.long(),
        lambda g: 3,
        lambda g: (g,),
        Hook(),
        functools.partial(lambda a, g: g[:1], 1),
    ]
    out = [_outcome(lambda: hooked(z * 2, fn).sum().backward()) for fn in hooks]  # noqa: B023
    leaf = m.ones(2, requires_grad=True)
    out.append(_outcome(lambda: (hooked(leaf, shrink) * 2).sum().backward()))
    return out


def test_tensor_hook_results_are_checked_like_pytorch():
    torch = require_torch()
    assert _hook_results(aw) == _hook_results(torch)


def _function_views(m):
    class Identity(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    class Views(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.view(-1), x[0]

        @staticmethod
        def backward(ctx, g, h):
            r = g.view(2, 2).clone()
            r[0] += h
            return r

    class OneView(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x[1:]

        @staticmethod
        def backward(ctx, g):
            return m.cat([m.zeros(1), g])

    x = m.ones(2, 2, requires_grad=True)
    y = x * 1
    o = Identity.apply(y)
    a, b = Views.apply(y)
    v = OneView.apply(y.view(-1))
    out = [o._base is y, a._base is y, b._base is y]
    for t in (o, a, b, a[1:], v, v[:1]):
        out.append(_outcome(lambda: t.add_(1)))  # noqa: B023
    lin = m.nn.ReLU(inplace=True)
    lin.register_full_backward_hook(lambda mod, gi, go: None)
    out.append(_outcome(lambda: lin(x * 1)))
    return out


def test_views_returned_by_a_function_refuse_in_place_changes():
    torch = require_torch()
    assert _function_views(aw) == _function_views(torch)


# --- grad modes, inference tensors, warnings' lines -----------------------------------------------


def _modes(m):
    out = [str(m.set_grad_enabled(False)), repr(m.set_grad_enabled(True))]
    x = m.ones(2)
    with m.inference_mode():
        y = x * 2
        out.append(_outcome(lambda: y._version))
    out.append(_outcome(lambda: y._version))
    out.append(x._version)
    return out


def test_set_grad_enabled_repr_and_inference_tensors_have_no_version():
    torch = require_torch()
    assert _modes(aw) == _modes(torch)


def _warning_lines(m):
    import warnings

    x = m.ones(1, requires_grad=True)
    seen = []
    for call in (lambda: x.std(), lambda: m.std(x), lambda: m.var(x, dim=0)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        seen += [(w.filename == __file__, str(w.message)) for w in caught]
    return seen


def test_std_var_warnings_name_the_callers_line():
    torch = require_torch()
    assert _warning_lines(aw) == _warning_lines(torch)
