# torch.autograd reference examples: grad with create_graph / allow_unused / materialize_grads,
# backward(inputs=...), functional jacobian/hessian/hvp/vhp, Function.once_differentiable,
# mark_non_differentiable, set_materialize_grads, and the errors the docs describe.
import torch
from torch.autograd import Function
from torch.autograd.function import once_differentiable

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
z = (x * y).sum() + x.pow(3).sum()

gx, gy = torch.autograd.grad(z, (x, y), create_graph=True)
print(gx, gy)
(ggx,) = torch.autograd.grad(gx.sum(), x, retain_graph=True)
print(ggx)
u = torch.tensor(1.0, requires_grad=True)
print(torch.autograd.grad(gx.sum(), [x, u], allow_unused=True, retain_graph=True))
print(torch.autograd.grad(gx.sum(), [x, u], allow_unused=True, materialize_grads=True))
try:
    torch.autograd.grad((x * 2).sum(), [x, u])
except RuntimeError as e:
    print(e)

x.grad = None
w = (x**2 * y).sum()
w.backward(inputs=[x])
print(x.grad, y.grad)
torch.autograd.backward([(x * y).sum(), (x + y).sum()], inputs=[y])
print(x.grad, y.grad)
a = torch.ones(2, 2, requires_grad=True)
torch.autograd.backward(a * 3, grad_tensors=torch.full((2, 2), 0.5))
print(a.grad)


def exp_reducer(x):
    return x.exp().sum(dim=1)


inputs = torch.tensor([[0.1, 0.2], [0.3, -0.4]])
print(torch.autograd.functional.jacobian(exp_reducer, inputs))
print(torch.autograd.functional.jacobian(exp_reducer, inputs, create_graph=True).requires_grad)


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


print(
    torch.autograd.functional.jacobian(
        exp_adder, (torch.tensor([0.5, 1.0]), torch.tensor([1.0, 2.0]))
    )
)


def pow_reducer(x):
    return x.pow(3).sum()


print(torch.autograd.functional.hessian(pow_reducer, torch.tensor([[1.0, 2.0], [-1.0, 0.5]])))


def pow_adder_reducer(x, y):
    return (2 * x.pow(2) + 3 * y.pow(2)).sum()


print(
    torch.autograd.functional.hessian(
        pow_adder_reducer, (torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
    )
)
v = torch.ones(2, 2)
print(torch.autograd.functional.hvp(pow_reducer, torch.tensor([[1.0, 2.0], [-1.0, 0.5]]), v))
print(torch.autograd.functional.vhp(pow_reducer, torch.tensor([[1.0, 2.0], [-1.0, 0.5]]), v))
print(torch.autograd.functional.vjp(exp_reducer, inputs, torch.ones(2)))
print(torch.autograd.functional.jvp(exp_reducer, inputs, torch.ones(2, 2)))


class MyExp(Function):
    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return grad_output * result


t = torch.tensor([0.0, 1.0], requires_grad=True)
e = MyExp.apply(t)
print(e, e.grad_fn.__class__.__name__)
(g,) = torch.autograd.grad(e.sum(), t, create_graph=True)
print(g, g.requires_grad)
try:
    g.sum().backward()
except RuntimeError as err:
    print(err)


class Sort(Function):
    @staticmethod
    def forward(ctx, x):
        values, idx = x.sort()
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(x, idx)
        return values, idx

    @staticmethod
    def backward(ctx, g1, g2):
        x, idx = ctx.saved_tensors
        grad_input = torch.zeros_like(x)
        grad_input.index_add_(0, idx, g1)
        return grad_input


s = torch.tensor([3.0, 1.0, 2.0], requires_grad=True)
vals, idx = Sort.apply(s)
print(vals, idx, idx.requires_grad)
(vals * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
print(s.grad)


class SimpleFunc(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        return x.clone(), x.clone()

    @staticmethod
    @once_differentiable
    def backward(ctx, g1, g2):  # We must check grad_outputs for None
        x = None
        if g1 is not None:
            x = g1
        if g2 is not None:
            x = g2 if x is None else x + g2
        return x


a = torch.tensor(1.0, requires_grad=True)
b, _ = SimpleFunc.apply(a)
b.backward()
print(a.grad)

# Errors the autograd docs warn about.
leaf = torch.randn(3, requires_grad=True)
try:
    leaf.add_(1)
except RuntimeError as err:
    print(err)
try:
    leaf.numpy()
except RuntimeError as err:
    print(err)
try:
    torch.autograd.grad(leaf.sum(), torch.ones(3))
except RuntimeError as err:
    print(err)
try:
    torch.autograd.grad(torch.ones(3).sum(), leaf)
except RuntimeError as err:
    print(err)
try:
    (leaf * 2).backward()
except RuntimeError as err:
    print(err)
try:
    (leaf * 2).sum().backward(torch.ones(2))
except RuntimeError as err:
    print(err)
print(leaf.detach().numpy().shape, (leaf * 2).detach().requires_grad)
