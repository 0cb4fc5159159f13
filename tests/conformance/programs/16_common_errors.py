# Errors users hit, printed the way notebooks print them.
import torch
import torch.nn as nn

a = torch.ones(2, 3)
b = torch.ones(2, 3)
try:
    a @ b
except RuntimeError as e:
    print(e)
try:
    torch.mm(a, b)
except RuntimeError as e:
    print(e)
try:
    torch.matmul(torch.ones(3), torch.ones(4))
except RuntimeError as e:
    print(e)

lin = nn.Linear(4, 2)
try:
    lin(torch.ones(3, 5))
except RuntimeError as e:
    print(e)

try:
    a + torch.ones(3, 2)
except RuntimeError as e:
    print(e)

try:
    a.view(4, 2)
except RuntimeError as e:
    print(e)

try:
    torch.cat([torch.ones(2, 3), torch.ones(2, 4)])
except RuntimeError as e:
    print(e)

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = (x * x).sum()
y.backward()
try:
    y.backward()
except RuntimeError as e:
    print(e)

z = x * 2
try:
    z.backward()
except RuntimeError as e:
    print(e)

w = torch.ones(2)
try:
    w.sum().backward()
except RuntimeError as e:
    print(e)

try:
    x.add_(1)
except RuntimeError as e:
    print(e)

try:
    x.numpy()
except RuntimeError as e:
    print(e)

try:
    torch.ones(2, 2).item()
except RuntimeError as e:
    print(e)

try:
    torch.ones(3)[5]
except IndexError as e:
    print(e)

loss_fn = nn.CrossEntropyLoss()
try:
    loss_fn(torch.ones(4, 3), torch.tensor([0.0, 1.0, 2.0, 1.0]).long().float())
except RuntimeError as e:
    print(e)

try:
    loss_fn(torch.ones(4, 3), torch.tensor([0, 1, 2]))
except (RuntimeError, ValueError) as e:
    print(e)

try:
    nn.MSELoss()(torch.ones(3, requires_grad=True), torch.ones(3, dtype=torch.long))
except RuntimeError as e:
    print(e)

try:
    torch.ones(2, 3).transpose(0, 2)
except IndexError as e:
    print(e)

try:
    torch.ones(2, 3).sum(dim=2)
except IndexError as e:
    print(e)

try:
    torch.tensor([1, 2]) / torch.tensor([0, 1])
    print(torch.tensor([1, 2]) / torch.tensor([0, 1]))
except RuntimeError as e:
    print(e)

try:
    torch.tensor([1, 2], requires_grad=True)
except RuntimeError as e:
    print(e)

try:
    nn.Conv2d(3, 8, 3)(torch.ones(1, 4, 8, 8))
except RuntimeError as e:
    print(e)

try:
    torch.autograd.grad(x.sum() * 2, torch.ones(2, requires_grad=True))
except RuntimeError as e:
    print(e)

try:
    torch.ones(2, 3).reshape(5)
except RuntimeError as e:
    print(e)

try:
    torch.ones(2, 3).expand(4, 3)
except RuntimeError as e:
    print(e)

try:
    torch.stack([torch.ones(2), torch.ones(3)])
except RuntimeError as e:
    print(e)
