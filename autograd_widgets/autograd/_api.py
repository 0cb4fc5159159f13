"""``torch.autograd.backward``, ``grad`` and the legacy ``Variable``: the autograd API.

Above the ops (it takes tensors), so the package loads it on first use (see
``autograd/__init__.py``), and the substrate modules beside it never import it.
"""

from __future__ import annotations

from .. import zeros_like
from ..core.tensor import Tensor
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
    if is_grads_batched:
        raise NotImplementedError("autograd.grad(is_grads_batched=True) is not supported")
    if allow_unused is None:
        allow_unused = materialize_grads
    if not allow_unused and materialize_grads:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
            "allow_unused=False."
        )
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
