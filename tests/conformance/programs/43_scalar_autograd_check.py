# Imitates a "micrograd from scratch" lecture: a single tanh neuron on scalars, its gradients
# worked out by the chain rule by hand and checked against autograd in float64, then a small
# numerical-derivative check of the same expression.
import math

import torch

x1 = torch.tensor([2.0]).double()
x1.requires_grad = True
x2 = torch.tensor([0.0]).double()
x2.requires_grad = True
w1 = torch.tensor([-3.0]).double()
w1.requires_grad = True
w2 = torch.tensor([1.0]).double()
w2.requires_grad = True
b = torch.tensor([6.8813735870195432]).double()
b.requires_grad = True
n = x1 * w1 + x2 * w2 + b
o = torch.tanh(n)
print(o.data.item())
o.backward()
print("---")
print("x2", x2.grad.item())
print("w2", w2.grad.item())
print("x1", x1.grad.item())
print("w1", w1.grad.item())

do_dn = 1 - o.item() ** 2
print(round(do_dn, 6), round(w1.item() * do_dn, 6), round(x1.item() * do_dn, 6))
print(math.isclose(x1.grad.item(), w1.item() * do_dn, rel_tol=1e-9))


def f(a, b, c):
    return (a * b + c).tanh() * (a - c) ** 2


h = 1e-6
a = torch.tensor(0.4, dtype=torch.float64, requires_grad=True)
bb = torch.tensor(-1.2, dtype=torch.float64, requires_grad=True)
c = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
out = f(a, bb, c)
out.backward()
with torch.no_grad():
    num = (f(a + h, bb, c) - f(a - h, bb, c)) / (2 * h)
print(f"{out.item():.8f} {a.grad.item():.6f} {num.item():.6f}")
print(abs(a.grad.item() - num.item()) < 1e-6, bb.grad.dtype, c.grad.shape)
print(o.grad_fn, o.grad_fn.next_functions[0][0])
