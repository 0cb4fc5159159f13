# torch.autograd API: grad with grad_outputs, jacobian/hessian/vjp/jvp, retain_graph, anomaly mode.
import torch
from torch.autograd.functional import hessian, jacobian, jvp, vjp


def f(x):
    return x ** 2 + 3 * x.sin()


x = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
y = f(x)
(g,) = torch.autograd.grad(y, x, grad_outputs=torch.ones_like(y), create_graph=True)
print(g, g.grad_fn)
(g2,) = torch.autograd.grad(g.sum(), x, retain_graph=True)
print(g2)
print(jacobian(f, torch.tensor([0.5, 1.0])))
print(hessian(lambda t: (t ** 3).sum(), torch.tensor([1.0, 2.0])))
print(vjp(f, torch.tensor([1.0, 2.0]), torch.tensor([1.0, 0.5])))
print(jvp(f, torch.tensor([1.0, 2.0]), torch.tensor([1.0, 0.0])))


def model(w, b):
    return (w * torch.tensor([1.0, 2.0])).sum() + b


print(jacobian(model, (torch.tensor([0.1, 0.2]), torch.tensor(0.5))))

a = torch.tensor(3.0, requires_grad=True)
b = a * a
b.backward(retain_graph=True)
b.backward()
print(a.grad)
a.grad = None
c = a ** 3
c.backward(inputs=[a])
print(a.grad)

u = torch.tensor([1.0, 2.0], requires_grad=True)
v = torch.tensor([3.0, 4.0], requires_grad=True)
out = (u * v).sum()
gu, gv = torch.autograd.grad(out, [u, v])
print(gu, gv)
w = torch.tensor(1.0, requires_grad=True)
try:
    torch.autograd.grad(out, [w])
except RuntimeError as e:
    print(e)
print(torch.autograd.grad((u * 2).sum(), [u, w], allow_unused=True))
print(torch.autograd.grad((u * 2).sum(), [u, w], allow_unused=True, materialize_grads=True))

with torch.autograd.set_detect_anomaly(True):
    p = torch.tensor([1.0], requires_grad=True)
    q = (p * 2).sum()
    q.backward()
print(p.grad, torch.is_anomaly_enabled())

x = torch.ones(2, 2, requires_grad=True)
y = x + 2
y.retain_grad()
z = (y * y * 3).mean()
z.backward()
print(y.grad, x.grad, y.is_leaf, y.grad_fn.next_functions)
print(torch.autograd.backward(torch.tensor(2.0, requires_grad=True) * 3))

x = torch.tensor([1.0, -1.0], requires_grad=True)
y = torch.where(x > 0, x, torch.zeros_like(x)).pow(2).sum()
y.backward()
print(x.grad)
x = torch.tensor([4.0], requires_grad=True)
with torch.no_grad():
    y = x * 2
print(y.requires_grad, y.grad_fn, (x.detach() * 2).requires_grad)
e = torch.tensor(1.0, requires_grad=True)
print(e.exp().exp().grad_fn.name(), e.sigmoid().grad_fn.next_functions[0][0].variable is e)
