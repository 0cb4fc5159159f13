"""Small autograd programs written once and run on ``autograd_widgets`` and on ``torch``.

Each takes the library module (``autograd_widgets`` or ``torch``) and returns
``(outputs, names)``: the tensors to draw and the ``{name: tensor}`` labels.
Values are fixed lists (no RNG), so both libraries compute the same numbers.
"""

from __future__ import annotations

X22 = [[1.0, 2.0], [3.0, 4.0]]
W23 = [[0.5, -1.0, 0.25], [1.5, 0.75, -0.5]]
W31 = [[1.0], [-2.0], [0.5]]


def tutorial_basics(lib):
    """The 60-minute blitz: ``y = x + 2; z = y * y * 3; out = z.mean()``."""
    x = lib.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    return (out,), {"x": x, "y": y, "z": z, "out": out}


def tutorial_learn_basics(lib):
    """Learn-the-basics: ``z = x @ w + b`` and a logistic loss, written with primitives."""
    x = lib.ones(5)
    y = lib.zeros(3)
    w = lib.tensor([[0.1 * (i + j) - 0.5 for j in range(3)] for i in range(5)], requires_grad=True)
    b = lib.tensor([0.1, -0.2, 0.3], requires_grad=True)
    z = lib.matmul(x, w) + b
    p = lib.sigmoid(z)
    loss = -(y * lib.log(p) + (1 - y) * lib.log(1 - p)).mean()
    return (loss,), {"w": w, "b": b, "z": z, "loss": loss}


def mlp_step(lib):
    """A two-layer MLP with plain tensor ops, after one backward()."""
    x = lib.tensor(X22)
    t = lib.tensor([[1.0], [0.0]])
    w1 = lib.tensor(W23, requires_grad=True)
    b1 = lib.tensor([0.1, 0.2, -0.3], requires_grad=True)
    w2 = lib.tensor(W31, requires_grad=True)
    b2 = lib.tensor([0.05], requires_grad=True)
    h = (x @ w1 + b1).relu()
    out = h @ w2 + b2
    loss = ((out - t) ** 2).mean()
    loss.backward(retain_graph=True)
    return (loss,), {"w1": w1, "b1": b1, "w2": w2, "b2": b2, "h": h, "loss": loss}


def mlp_tanh_sum_loss(lib):
    """An MLP with tanh, transposes and a sum loss (not run backward)."""
    x = lib.tensor(X22)
    w1 = lib.tensor(W23, requires_grad=True)
    w2 = lib.tensor(W31, requires_grad=True)
    h = lib.tanh(x.mm(w1))
    out = (h @ w2).t()
    loss = (out * out).sum()
    return (loss,), {"w1": w1, "w2": w2, "loss": loss}


def views_and_inplace(lib):
    """Views (view, slicing, transpose, expand) and in-place ops on non-leaves."""
    x = lib.tensor(X22, requires_grad=True)
    a = x * 1
    b = a[0]
    b.mul_(2)
    c = a.view(4)
    d = c.unsqueeze(0).expand(3, 4)
    e = a.t().clone()
    e.add_(1)
    f = e.exp()
    f.relu_()
    out = d.sum() + f.sum()
    return (out,), {"x": x, "a": a, "out": out}


def inplace_chain(lib):
    """In-place ops rewrite a tensor's grad_fn; a leaf seen through its view."""
    w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = w.clone()
    y.sub_(0.5)
    y.mul_(w)
    y[1] = 0.0
    z = y.pow(2).sum()
    return (z,), {"w": w, "y": y, "z": z}


def custom_function(lib):
    """A custom ``autograd.Function`` with saved tensors."""

    class MyExp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            result = x.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad):
            (result,) = ctx.saved_tensors
            return grad * result

    x = lib.tensor([0.0, 1.0, 2.0], requires_grad=True)
    y = MyExp.apply(x * 2)
    out = (y * x).sum()
    return (out,), {"x": x, "out": out}


def higher_order(lib):
    """Higher-order grads: the graph of a gradient computed with ``create_graph=True``."""
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x**3).sum()
    (g,) = lib.autograd.grad(y, x, create_graph=True)
    gg = (g * x).sum()
    return (gg,), {"x": x, "g": g, "gg": gg}


def multi_output(lib):
    """Several outputs and a multi-output node (unbind)."""
    x = lib.tensor(X22, requires_grad=True)
    r0, r1 = x.unbind(0)
    s = r0 * r1
    m = lib.stack([r0, s]).max()
    return (s, m), {"x": x, "s": s, "m": m, "r0": r0}


def broadcast_and_reduce(lib):
    """Broadcasting, reductions with dim/keepdim, softmax-like composition."""
    x = lib.tensor(X22, requires_grad=True)
    b = lib.tensor([0.5, -0.5], requires_grad=True)
    z = x + b
    e = lib.exp(z - z.max(dim=1, keepdim=True).values)
    p = e / e.sum(dim=1, keepdim=True)
    loss = -lib.log(p[:, 0]).mean()
    return (loss,), {"x": x, "b": b, "p": p, "loss": loss}


def shared_leaf_square(lib):
    """``x * x``: one node lists the same leaf twice (two edges)."""
    x = lib.tensor([3.0], requires_grad=True)
    y = x * x
    return (y,), {"x": x}


def detached_branch(lib):
    """A branch cut by ``detach()`` and a constant factor."""
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    k = (x * 3).detach()
    y = (x * k).sum()
    return (y,), {"x": x, "k": k}


PROGRAMS = [
    tutorial_basics,
    tutorial_learn_basics,
    mlp_step,
    mlp_tanh_sum_loss,
    views_and_inplace,
    inplace_chain,
    custom_function,
    higher_order,
    multi_output,
    broadcast_and_reduce,
    shared_leaf_square,
    detached_branch,
]
