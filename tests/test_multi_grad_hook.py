"""``torch.autograd.graph``'s hooks over several tensors and gradient edges, run as the
same program on ``autograd_widgets`` and on real PyTorch (values, which gradients each
pass computed, the errors), plus finite differences for a gradient taken at an edge."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch


def _program(m) -> list:
    """What a user of ``m`` sees: one entry per printed line."""
    seen = []
    graph = m.autograd.graph
    m.manual_seed(0)
    a = m.rand(2, 3, requires_grad=True)
    b = m.rand(2, 3, requires_grad=True)
    c = a * b
    d = a * b
    handle = graph.register_multi_grad_hook(
        (a, b, c, d), lambda grads: seen.append(("all", [g is not None for g in grads]))
    )
    c.sum().backward(retain_graph=True)  # a, b, c: d is not on the way
    c.sum().backward(inputs=(a,), retain_graph=True)  # b's gradient is not computed
    (c + d).sum().backward(retain_graph=True)  # all four
    try:  # PyTorch cannot say whether autograd.grad runs a leaf's node
        m.autograd.grad(c.sum(), [b], retain_graph=True)
    except RuntimeError as err:
        seen.append(("grad", str(err)))
    handle.remove()
    c.sum().backward(retain_graph=True)  # removed: nothing more
    # "any": the first gradient of each pass, once
    firsts = graph.register_multi_grad_hook(
        (a, b),
        lambda g: seen.append(("any", tuple(g.shape), g.numpy().round(4).tolist())),
        mode="any",
    )
    (a * 2 + b * 3).sum().backward()
    (a * b).sum().backward()
    firsts.remove()
    (a * b).sum().backward()
    seen.append(("a.grad", a.grad.numpy().round(4).tolist()))
    return seen


def test_multi_grad_hook_calls_match_torch():
    torch = require_torch()
    ours = _program(aw)
    theirs = _program(torch)
    assert ours == theirs
    assert [k for k, *_ in ours].count("all") == 3 and [k for k, *_ in ours].count("any") == 2


def _edges(m) -> list:
    graph = m.autograd.graph
    m.manual_seed(1)
    x = m.randn(3, requires_grad=True)
    h = x.exp()
    loss = (h * h.sin()).sum()
    edge = graph.get_gradient_edge(h)
    out = [type(edge).__name__, type(edge.node).__name__, edge.output_nr]
    (gh,) = m.autograd.grad(loss, edge, retain_graph=True)
    (gh2, gx) = m.autograd.grad(loss, [edge, x], retain_graph=True)
    leaf = graph.get_gradient_edge(x)
    out.append(type(leaf.node).__name__)
    loss.backward(inputs=leaf)
    out += [gh.numpy(), gh2.numpy(), gx.numpy(), x.grad.numpy()]
    return out


def test_gradient_edges_match_torch_and_finite_differences():
    torch = require_torch()
    ours, theirs = _edges(aw), _edges(torch)
    assert ours[:4] == theirs[:4] == ["GradientEdge", "ExpBackward0", 0, "AccumulateGrad"]
    for a, b in zip(ours[4:], theirs[4:]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # d loss / d h by central differences (loss = sum(h sin h) as a function of h)
    aw.manual_seed(1)
    h = np.exp(aw.randn(3).numpy().astype(np.float64))
    eps = 1e-6
    fd = [
        ((h + eps * e) * np.sin(h + eps * e) - (h - eps * e) * np.sin(h - eps * e)).sum()
        / (2 * eps)
        for e in np.eye(3)
    ]
    np.testing.assert_allclose(ours[4], fd, rtol=1e-4)


def test_errors_match_torch():
    torch = require_torch()
    for m in (aw, torch):
        with pytest.raises(
            ValueError, match=r"Expects mode to be one of \('all', 'any'\) but got some"
        ):
            m.autograd.graph.register_multi_grad_hook(
                (m.ones(1, requires_grad=True),), print, mode="some"
            )
        with pytest.raises(RuntimeError, match="not possible to get the gradient edge"):
            m.autograd.graph.get_gradient_edge(m.ones(2))
    with pytest.raises(RuntimeError, match="should only be called during the backward pass"):
        x = aw.ones(1, requires_grad=True)
        aw.autograd.graph._will_engine_execute_node((x * 2).grad_fn)


def test_increment_version_takes_one_tensor_or_several():
    torch = require_torch()
    for m in (aw, torch):
        x, y = m.ones(2), m.ones(2)
        m.autograd.graph.increment_version(x)
        m.autograd.graph.increment_version([x, y])
        assert (x._version, y._version) == (2, 1)
