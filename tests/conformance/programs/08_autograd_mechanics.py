# "Autograd mechanics" notes: requires_grad, grad modes, in-place correctness checks.
import numpy as np
import torch
import torch.nn as nn

x = torch.tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
w = torch.ones(3, 2, requires_grad=True)
y = x @ w
print(y.requires_grad, x.requires_grad, y.is_leaf, w.is_leaf)

model = nn.Linear(3, 2)
for param in model.parameters():
    param.requires_grad = False
print([p.requires_grad for p in model.parameters()])
model.weight.requires_grad_(True)
print(model(x).grad_fn)

with torch.no_grad():
    z = w * 2
print(z.requires_grad, z.grad_fn)

with torch.enable_grad():
    print((w * 2).requires_grad)

torch.set_grad_enabled(False)
print((w * 2).requires_grad, torch.is_grad_enabled())
torch.set_grad_enabled(True)
print(torch.is_grad_enabled())

with torch.inference_mode():
    q = w * 3
print(q.requires_grad, q.is_inference())


@torch.no_grad()
def doubler(t):
    return t * 2


print(doubler(w).requires_grad)

# In-place correctness: a saved tensor modified in place.
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = a.sigmoid()
c = b * 2
b.add_(1)
try:
    c.sum().backward()
except RuntimeError as e:
    print(e)

a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = a.exp()
b.mul_(2)
try:
    b.sum().backward()
except RuntimeError as e:
    print(e)

# In-place on a leaf that requires grad.
leaf = torch.zeros(3, requires_grad=True)
try:
    leaf.add_(1)
except RuntimeError as e:
    print(e)

with torch.no_grad():
    leaf.add_(1)
print(leaf, leaf._version)

v = torch.tensor([1.0, 2.0], requires_grad=True)
u = v.clone()
u[0] = 10.0
print(u, u.grad_fn)
u.sum().backward()
print(v.grad)

# Views share the version counter.
base = torch.ones(4, requires_grad=True).clone()
view = base[:2]
print(base._version, view._version)
view.mul_(3)
print(base._version, view._version, base)
print(view.grad_fn)
