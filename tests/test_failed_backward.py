"""A backward that fails leaves the graph as PyTorch leaves it.

PyTorch frees a node's saved tensors right after the node has run. When a node fails
(a saved tensor was modified in place) it and the nodes after it keep theirs: a second
``backward()`` repeats the in-place error, and a graph drawn afterwards with
``show_saved=True`` still has the saved entries. Each scenario runs on both libraries and
must print the same.
"""

from __future__ import annotations

import pytest

import autograd_widgets as aw
from autograd_widgets.graph import GraphModel
from tests._oracle import require_torch

pytestmark = pytest.mark.oracle


def _attempt(fn):
    try:
        return ("ok", repr(fn()).split(" at 0x")[0])
    except RuntimeError as exc:
        return ("RuntimeError", str(exc)[:90])


def _failing_node_first(torch):
    x = torch.ones(3, requires_grad=True)
    a = x.exp()
    a.add_(1)
    s = a.sum()
    return [
        _attempt(s.backward),
        _attempt(s.backward),  # ExpBackward0 failed, so it kept its saved result
        _attempt(lambda: s.grad_fn.next_functions[0][0].next_functions[0][0]._saved_result),
        _attempt(lambda: s.backward(retain_graph=True)),
    ]


def _failing_node_after_others(torch):
    x = torch.ones(3, requires_grad=True)
    e = x.exp()
    y = e * 2
    e.mul_(2)
    z = (y.sin() * x).sum()
    mul = z.grad_fn.next_functions[0][0]
    return [
        _attempt(z.backward),
        _attempt(lambda: x.grad),  # nothing reached the leaf
        _attempt(lambda: mul._saved_self),  # ran before the failure: freed
        _attempt(lambda: y.grad_fn.next_functions[0][0]._saved_result),  # kept, still stale
        _attempt(z.backward),  # MulBackward0 runs first now: freed
    ]


def _grad_leaves_unneeded_branches(torch):
    a = torch.ones(2, requires_grad=True)
    b = torch.ones(2, requires_grad=True)
    z = (a * a).sum() + b.exp().sum()
    exp = z.grad_fn.next_functions[1][0].next_functions[0][0]
    return [
        _attempt(lambda: torch.autograd.grad(z, a)),
        _attempt(lambda: exp._saved_result),  # never ran: not freed
        _attempt(z.backward),
    ]


@pytest.mark.parametrize(
    "scenario",
    [_failing_node_first, _failing_node_after_others, _grad_leaves_unneeded_branches],
    ids=lambda f: f.__name__.strip("_"),
)
def test_graph_after_a_failed_backward_matches_torch(scenario):
    torch = require_torch()
    assert scenario(aw) == scenario(torch)


def test_saved_entries_drawn_after_a_failed_backward_match_torch():
    torch = require_torch()

    def drawn(module):
        x = module.ones(3, requires_grad=True)
        a = x.exp()
        a.add_(1)
        s = (a * x).sum()
        for _ in range(2):
            with pytest.raises(RuntimeError):
                s.backward()
        model = GraphModel.from_tensors(s, show_saved=True, namespace=None).to_json()
        return [
            (n["label"], [(d.get("attr"), d.get("repr")) for d in n["saved"]])
            for n in model["nodes"]
        ]

    ours = drawn(aw)
    assert ours == drawn(torch)
    saved = dict(ours)["ExpBackward0"]
    assert saved and saved[0][0] == "_saved_result"
    assert "freed" not in saved[0][1]  # kept (stale), not freed as after a finished backward
