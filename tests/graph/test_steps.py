"""Step-through backward: the recorded trace is what PyTorch's own hooks report.

For each program, real torch 2.13 is instrumented with ``Node.register_prehook``
(what a node received, in the order nodes run), ``Node.register_hook`` (what it
sent along each edge) and the leaves' ``.grad`` before and after; our recorder
(:class:`autograd_widgets.graph.steps.BackwardSteps`) must report the same
execution order (grad_fn names), the same gradient on every edge (shape, printed
values, statistics) and the same accumulation into each leaf.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets.graph._ids import IdMap
from autograd_widgets.graph.steps import PREVIEW_THRESHOLD, BackwardSteps, summarize
from tests._oracle import require_torch

# -- the programs: m is autograd_widgets or torch; each returns the backward calls ----------


def seed(m):
    x = m.ones(2, 2, requires_grad=True)
    out = ((x**2) * 3).mean()
    return [x], [lambda: out.backward()]


def branching(m):
    x = m.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], requires_grad=True)
    w = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * w
    z = (y.sin() + y.cos() * y).sum()
    return [x, w], [lambda: z.backward()]


def retain_twice(m):
    x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = (x.exp() * x).sum()
    return [x], [lambda: out.backward(retain_graph=True), lambda: out.backward()]


def tensor_hook(m):
    x = m.tensor([1.0, -2.0, 3.0, 0.5], requires_grad=True)
    y = x * x
    y.register_hook(lambda g: g * 10)
    x.register_hook(lambda g: g + 1)
    out = y.tanh().sum()
    return [x], [lambda: out.backward()]


def node_hook(m):
    x = m.tensor([0.3, 0.6], requires_grad=True)
    y = x.sigmoid()
    y.grad_fn.register_hook(lambda gi, go: (gi[0] * 3,))
    out = (y * y).sum()
    return [x], [lambda: out.backward()]


def multi_output(m):
    x = m.arange(6.0).reshape(3, 2).requires_grad_()
    a, b, c = x.unbind(0)
    p, q = x.split(1, dim=1)
    out = (a * 2 + b * c).sum() + (p * q).sum()
    return [x], [lambda: out.backward()]


def accumulate_over_calls(m):
    x = m.tensor([2.0, -1.0], requires_grad=True)
    outs = [(x * k).pow(2).sum() for k in (1.0, 3.0)]
    return [x], [lambda: outs[0].backward(), lambda: outs[1].backward()]


PROGRAMS = [seed, branching, retain_twice, tensor_hook, node_hook, multi_output]
PROGRAMS += [accumulate_over_calls]


# -- the oracle ------------------------------------------------------------------------------


def _walk(root):
    seen, stack, out = set(), [root], []
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        out.append(n)
        stack.extend(nxt for nxt, _ in n.next_functions)
    return out


def torch_trace(torch, program):
    """``[[step, ...] per pass]`` from PyTorch's hooks; a step is a plain dict of tensors."""
    leaves, calls = program(torch)
    passes, hooked = [], set()

    def install():
        # the graph's nodes, reached from the tensors the backward calls use
        import gc
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # isinstance() on torch's deprecated aliases
            roots = [
                o.grad_fn
                for o in gc.get_objects()
                if isinstance(o, torch.Tensor) and o.grad_fn is not None
            ]
        for root in roots:
            for n in _walk(root):
                if id(n) in hooked:
                    continue
                hooked.add(id(n))
                n.register_prehook(lambda go, n=n: on_pre(n, go))
                n.register_hook(lambda gi, go, n=n: on_post(n, gi))

    def on_pre(node, grad_outputs):
        var = getattr(node, "variable", None)
        before = None if var is None or var.grad is None else var.grad.clone()
        step = {"label": type(node).__name__, "node": node, "grads": list(grad_outputs)}
        if var is not None:
            step.update(
                before=before, var=var, leaf=next(i for i, t in enumerate(leaves) if t is var)
            )
        passes[-1].append(step)

    def on_post(node, grad_inputs):
        step = next(s for s in reversed(passes[-1]) if s["node"] is node)
        step["edges"] = [
            (i, g)
            for i, (g, (nxt, _)) in enumerate(zip(grad_inputs, node.next_functions))
            if nxt is not None and g is not None
        ]
        if "var" in step:
            step["after"] = step["var"].grad.clone()

    for call in calls:
        install()
        passes.append([])
        call()
    return passes


def our_trace(program):
    ids = IdMap()
    steps = BackwardSteps(ids)
    try:
        leaves, calls = program(aw)
        leaf_of = {ids.id_for("leaf", t): i for i, t in enumerate(leaves)}
        for call in calls:
            call()
    finally:
        steps.close()
    for p in steps.passes:
        for s in p["steps"]:
            if "leaf" in s:
                s["leaf"]["index"] = leaf_of[s["node"]]
    return steps.passes


def _canonical(steps: list, leaf_key) -> list:
    """Steps in order, with each run of AccumulateGrad nodes sorted by leaf.

    Leaves that become ready together have the same priority in PyTorch's engine
    (and in ours): their relative order is left to the heap, not specified.
    """
    out, run = [], []
    for s in [*steps, None]:
        if s is not None and s["label"] == "AccumulateGrad":
            run.append(s)
            continue
        out += sorted(run, key=leaf_key)
        run = []
        if s is not None:
            out.append(s)
    return out


# -- comparing ---------------------------------------------------------------------------------


def _same_grad(torch, ours: dict | None, theirs) -> None:
    if theirs is None:
        assert ours is None
        return
    assert ours is not None
    assert ours["shape"] == list(theirs.shape)
    assert ours["dtype"] == str(theirs.dtype)
    old = torch._tensor_str.PRINT_OPTS.threshold
    torch.set_printoptions(threshold=PREVIEW_THRESHOLD)
    try:
        assert ours["value"] == repr(theirs.detach())
    finally:
        torch.set_printoptions(threshold=old)
    a = theirs.detach().double().numpy()
    stats = ours["stats"]
    for key, want in (("min", a.min()), ("max", a.max()), ("mean", a.mean())):
        assert math.isclose(stats[key], want, rel_tol=1e-6, abs_tol=1e-7), key
    assert math.isclose(stats["norm"], float(np.sqrt((a * a).sum())), rel_tol=1e-6)


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_trace_matches_torch_hooks(program):
    torch = require_torch()
    theirs = torch_trace(torch, program)
    ours = our_trace(program)
    assert len(ours) == len(theirs)
    for mine, their in zip(ours, theirs):
        assert [s["order"] for s in mine["steps"]] == list(range(len(mine["steps"])))
        steps = _canonical(mine["steps"], lambda s: s["leaf"]["index"])
        their = _canonical(their, lambda s: s["leaf"])
        assert [s["label"] for s in steps] == [s["label"] for s in their]
        for s, t in zip(steps, their):
            assert len(s["grads"]) == len(t["grads"]), s["label"]
            for g, tg in zip(s["grads"], t["grads"]):
                _same_grad(torch, g, tg)
            assert [e["index"] for e in s["edges"]] == [i for i, _ in t["edges"]], s["label"]
            for e, (_, tg) in zip(s["edges"], t["edges"]):
                _same_grad(torch, e["grad"], tg)
                assert e["target"] == s["node"]
            if "var" in t:
                leaf = s["leaf"]
                assert leaf["index"] == t["leaf"]
                _same_grad(torch, leaf["before"], t["before"])
                _same_grad(torch, leaf["after"], t["after"])


def test_edges_name_the_drawn_nodes():
    """Edge ids are the drawing's: the gradient flows from ``target`` to ``source``."""
    x = aw.ones(2, 2, requires_grad=True)
    out = ((x**2) * 3).mean()
    live = aw.graph.LiveGraph(out)
    steps = BackwardSteps(live.ids, contains=live._contains_node)
    out.backward()
    steps.close()
    model = live.to_json()
    edges = {(e["source"], e["target"]) for e in model["edges"] if e["kind"] == "next"}
    (run,) = steps.passes
    by_id = {n["id"]: n for n in model["nodes"]}
    assert [by_id[s["node"]]["label"] for s in run["steps"]] == [
        "MeanBackward0",
        "MulBackward0",
        "PowBackward0",
        "AccumulateGrad",
    ]
    assert by_id[run["steps"][-1]["node"]]["kind"] == "leaf"
    for s in run["steps"]:
        for e in s["edges"]:
            assert (e["source"], e["target"]) in edges
    assert [s["node"] for s in run["steps"]] == model["executed"]


def test_leaf_before_incoming_after():
    """A leaf shows its ``.grad`` before, the incoming gradient (after its hooks) and after."""
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g * 2)
    steps = BackwardSteps(IdMap())
    (x * 3).sum().backward()
    (x * 5).sum().backward()
    steps.close()
    first, second = (p["steps"][-1]["leaf"] for p in steps.passes)
    assert first["before"] is None
    assert first["incoming"]["value"] == "tensor([6., 6.])"
    assert first["after"]["value"] == "tensor([6., 6.])"
    assert first["hooked"] is True
    assert second["before"]["value"] == "tensor([6., 6.])"
    assert second["incoming"]["value"] == "tensor([10., 10.])"
    assert second["after"]["value"] == "tensor([16., 16.])"
    assert [p["pass"] for p in steps.passes] == [1, 2]


def test_hook_changes_are_marked():
    x = aw.tensor([1.0, -2.0], requires_grad=True)
    y = x * x
    y.register_hook(lambda g: g * 10)
    y.register_hook(lambda g: None)  # sees, changes nothing
    z = y.exp()
    z.grad_fn.register_hook(lambda gi, go: (gi[0] + 1,))
    steps = BackwardSteps(IdMap())
    z.sum().backward()
    steps.close()
    by_label = {s["label"]: s for s in steps.passes[0]["steps"]}
    mul = by_label["MulBackward0"]
    assert (
        mul["grads_before_hooks"]["0"]["value"]
        == by_label["ExpBackward0"]["edges"][0]["grad"]["value"]
    )
    assert "grads_before_hooks" not in by_label["ExpBackward0"]
    (edge,) = by_label["ExpBackward0"]["edges"]
    assert "before_hooks" in edge
    assert "before_hooks" not in by_label["SumBackward0"]["edges"][0]
    # an identity hook (returns the same tensor, or None) changes nothing
    w = aw.tensor([1.0], requires_grad=True)
    v = w * 2
    v.register_hook(lambda g: g)
    steps = BackwardSteps(IdMap())
    v.sum().backward()
    steps.close()
    assert all("grads_before_hooks" not in s for s in steps.passes[0]["steps"])


def test_bounded_and_weak():
    """Passes are capped, previews summarised, and nothing of the graph is held."""
    import gc
    import weakref

    steps = BackwardSteps(IdMap(), max_passes=3)
    x = aw.randn(50, 50, requires_grad=True)
    for _ in range(5):
        (x * 2).sum().backward()
    assert [p["pass"] for p in steps.passes] == [3, 4, 5]
    edge = steps.passes[-1]["steps"][1]["edges"][0]
    assert "..." in edge["grad"]["value"] and len(edge["grad"]["value"]) < 600
    y = aw.ones(3, requires_grad=True)
    out = (y * 2).sum()
    node = weakref.ref(out.grad_fn)
    out.backward()
    del out
    gc.collect()
    assert node() is None
    steps.close()
    assert not steps.active


def test_only_passes_through_the_graph():
    a = aw.ones(2, requires_grad=True)
    b = aw.ones(2, requires_grad=True)
    out = (a * 2).sum()
    live = aw.graph.LiveGraph(out)
    steps = BackwardSteps(live.ids, contains=live._contains_node)
    try:
        (b * 3).sum().backward()
        assert steps.passes == []
        out.backward()
        assert len(steps.passes) == 1
    finally:
        steps.close()
        live.close()


def test_summarize_keeps_dtype_of_arrays():
    assert summarize(None) is None
    s = summarize(np.ones(3, dtype=np.float64), "torch.float64")
    assert s["dtype"] == "torch.float64" and s["shape"] == [3]


def test_quiet_engine_without_listener():
    """With nobody listening to node_executed, no leaf copy is made (the hot path)."""
    from autograd_widgets.autograd import engine, events

    assert not events.hears("node_executed")
    x = aw.ones(2, requires_grad=True)
    calls = []
    orig = engine._leaf_grad_before
    engine._leaf_grad_before = lambda n: calls.append(n) or orig(n)
    try:
        (x * 2).sum().backward()
        (x * 2).sum().backward()
    finally:
        engine._leaf_grad_before = orig
    assert calls == []
