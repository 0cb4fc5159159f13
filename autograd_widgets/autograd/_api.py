"""``torch.autograd.backward``, ``grad`` and the legacy ``Variable``: the autograd API.

Above the ops (it takes tensors), so the package loads it on first use (see
``autograd/__init__.py``), and the substrate modules beside it never import it.
"""

from __future__ import annotations

from .. import stack, zeros_like
from ..core.tensor import Size, Tensor
from .engine import run_backward
from .graph import GradientEdge


def Variable(data, requires_grad=False, volatile=False):  # noqa: N802 - legacy API
    """Legacy ``torch.autograd.Variable``: returns the tensor (with requires_grad set)."""
    if requires_grad:
        data.requires_grad_(True)
    return data


def _as_seq(x):
    if x is None:
        return None
    if isinstance(x, (Tensor, GradientEdge)):
        return (x,)
    return tuple(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """``torch.autograd.backward``: accumulate gradients of ``tensors`` into leaves."""
    tensors = _as_seq(tensors)
    grad_tensors = _as_seq(grad_tensors)
    inputs = _as_seq(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    run_backward(tensors, grad_tensors, retain_graph, create_graph, inputs=inputs)


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    only_inputs=True,
    allow_unused=None,
    is_grads_batched=False,
    materialize_grads=False,
):
    """``torch.autograd.grad``: return the gradients of ``outputs`` w.r.t. ``inputs``."""
    outputs = _as_seq(outputs)
    inputs = _as_seq(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    grad_outputs = _as_seq(grad_outputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    if not allow_unused and materialize_grads:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
            "allow_unused=False."
        )
    if is_grads_batched and grad_outputs is not None:
        return _grad_batched(
            outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused,
            materialize_grads,
        )  # fmt: skip
    result = run_backward(
        outputs,
        grad_outputs,
        retain_graph,
        create_graph,
        inputs=inputs,
        allow_unused=allow_unused,
        accumulate=False,
    )
    if materialize_grads:
        result = tuple(r if r is not None else zeros_like(i) for r, i in zip(result, inputs))
    return result


def _grad_batched(
    outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused, materialize_grads
):
    """``grad(..., is_grads_batched=True)``: the first dim of every grad_output is a batch.

    PyTorch vmaps one backward pass over it; we run one pass per batch entry (keeping the
    graph for all but the last, unless told to keep it) and stack the results.
    """
    batch = None
    for i, (g, out) in enumerate(zip(grad_outputs, outputs)):
        if g is None:
            continue
        if tuple(g.shape[1:]) != tuple(out.shape):
            raise RuntimeError(
                "If `is_grads_batched=True`, we interpret the first dimension of each "
                "grad_output as the batch dimension. The sizes of the remaining dimensions are "
                "expected to match the shape of corresponding output, but a mismatch was "
                f"detected: grad_output[{i}] has a shape of {Size(g.shape[2:])} and output[{i}] "
                f"has a shape of {out.shape}. If you only want some tensors in `grad_output` to "
                "be considered batched, consider using vmap."
            )
        batch = g.shape[0] if batch is None else batch
    if retain_graph is None:
        retain_graph = create_graph
    rows = []
    for b in range(batch or 0):
        rows.append(
            grad(
                outputs,
                inputs,
                [None if g is None else g[b] for g in grad_outputs],
                retain_graph=retain_graph or b < batch - 1,
                create_graph=create_graph,
                allow_unused=allow_unused,
                materialize_grads=False,
            )
        )
    result = []
    for j, inp in enumerate(inputs):
        per = [r[j] for r in rows]
        if all(p is None for p in per):
            result.append(zeros_like(inp) if materialize_grads else None)
        else:
            result.append(stack([zeros_like(inp) if p is None else p for p in per]))
    return tuple(result)
