"""``gradcheck`` / ``gradgradcheck``: analytical vs finite-difference Jacobians."""

from __future__ import annotations

import warnings

import numpy as np

from ..core._printing import tensor_repr
from ..core.tensor import Tensor
from . import forward_ad as fwad
from . import grad as agrad
from .grad_mode import enable_grad, no_grad


class GradcheckError(RuntimeError):
    """Raised by gradcheck when the Jacobians disagree (``torch.autograd.GradcheckError``)."""


def _tensors(x):
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _numerical_jacobian(fn, inputs, idx, eps):
    """Central differences of every output w.r.t. ``inputs[idx]``: list of (n_in, n_out) arrays."""

    x = inputs[idx]
    flat = x._data.reshape(-1)  # a view: perturb in place
    cols = []
    with no_grad():
        for k in range(flat.size):
            orig = flat[k]
            flat[k] = orig + eps
            plus = [o._data.astype(np.float64).reshape(-1).copy() for o in _tensors(fn(*inputs))]
            flat[k] = orig - eps
            minus = [o._data.astype(np.float64).reshape(-1).copy() for o in _tensors(fn(*inputs))]
            flat[k] = orig
            cols.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
    n_out = len(cols[0]) if cols else len(_tensors(fn(*inputs)))
    jac = []
    for j in range(n_out):
        jac.append(np.stack([c[j] for c in cols], 0) if cols else np.zeros((0, 0)))
    return jac


def _forward_jacobian(fn, inputs, idx):
    """The Jacobians of every output w.r.t. ``inputs[idx]`` by forward AD, one basis tangent
    per input element: list of (n_in, n_out) arrays."""
    x = inputs[idx]
    cols = []
    for k in range(x._data.size):
        basis = np.zeros(x._data.shape, dtype=x._data.dtype)
        basis.reshape(-1)[k] = 1
        with fwad.dual_level():
            args = list(inputs)
            args[idx] = fwad.make_dual(x, Tensor._make(basis))
            outs = _tensors(fn(*args))
            col = []
            for o in outs:
                t = fwad.unpack_dual(o).tangent
                col.append(
                    np.zeros(o._data.size) if t is None else t._data.astype(np.float64).reshape(-1)
                )
        cols.append(col)
    return [np.stack([c[j] for c in cols], 0) for j in range(len(cols[0]))] if cols else []


def _analytical_jacobian(outputs, inputs, idx):
    jac = []
    for out in outputs:
        n_out = out._data.size
        j = np.zeros((inputs[idx]._data.size, n_out))
        if out._requires_grad:
            for k in range(n_out):
                g = np.zeros(out._data.shape, dtype=out._data.dtype)
                g.reshape(-1)[k] = 1
                (r,) = agrad(
                    out, inputs[idx], Tensor._make(g), retain_graph=True, allow_unused=True
                )
                if r is not None:
                    j[:, k] = r._data.astype(np.float64).reshape(-1)
        jac.append(j)
    return jac


def gradcheck(
    func,
    inputs,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_batched_forward_grad: bool = False,
    check_forward_ad: bool = False,
    check_backward_ad: bool = True,
    fast_mode: bool = False,
    masked=None,
) -> bool:
    """Compare gradients from autograd with central finite differences (``torch.autograd.gradcheck``).

    ``check_backward_ad`` checks reverse mode (``autograd.grad``), ``check_forward_ad`` forward
    mode (``forward_ad`` dual tensors), each against the same finite differences.
    """

    inputs = _tensors(inputs)
    diff_idx = [
        i for i, t in enumerate(inputs) if hasattr(t, "_requires_grad") and t._requires_grad
    ]
    if not diff_idx:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of them have requires_grad=True."
        )
    for i in diff_idx:
        if inputs[i]._data.dtype != np.float64:
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or "
                "complex. This check will likely fail if all the inputs are not of double precision "
                "floating point or complex. ",
                stacklevel=2,
            )
    outputs = _tensors(func(*inputs)) if check_backward_ad else ()
    for i in diff_idx:
        numerical = _numerical_jacobian(func, inputs, i, eps)
        modes = []
        if check_backward_ad:
            modes.append(("", _analytical_jacobian(outputs, inputs, i)))
        if check_forward_ad:
            modes.append(("computed with forward mode ", _forward_jacobian(func, inputs, i)))
        for mode, analytical in modes:
            for j, (a, n) in enumerate(zip(analytical, numerical)):
                if a.shape != n.shape or not np.allclose(a, n, rtol=rtol, atol=atol):
                    if not raise_exception:
                        return False
                    raise GradcheckError(
                        f"Jacobian {mode}mismatch for output {j} with respect to input {i},\n"
                        f"numerical:{_fmt(n)}\nanalytical:{_fmt(a)}\n"
                    )
    return True


def _fmt(a):
    try:
        return tensor_repr(a)
    except Exception:  # noqa: BLE001 - formatting must not hide the real error
        return repr(a)


def gradgradcheck(
    func,
    inputs,
    grad_outputs=None,
    *,
    eps=1e-6,
    atol=1e-5,
    rtol=1e-3,
    gen_non_contig_grad_outputs=False,
    raise_exception=True,
    **kwargs,
) -> bool:
    """Check second derivatives by gradchecking the first-derivative function."""

    inputs = _tensors(inputs)
    outputs = _tensors(func(*inputs))
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            Tensor._make(rng.standard_normal(o._data.shape).astype(o._data.dtype), True)
            for o in outputs
        )
    grad_outputs = _tensors(grad_outputs)
    n_in = len(inputs)
    diff = [i for i, t in enumerate(inputs) if t._requires_grad]

    def first_grads(*args):
        # Finite differences call this under no_grad; the first derivatives need a graph.

        ins, gos = args[:n_in], args[n_in:]
        with enable_grad():
            outs = _tensors(func(*ins))
            gs = agrad(outs, [ins[i] for i in diff], gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(
        first_grads,
        inputs + tuple(grad_outputs),
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
    )
