# How tensors, parameters, state dicts and containers print.
import math

import torch
import torch.nn as nn

torch.manual_seed(3)
print(torch.randn(3, 4) * 1000)
print(torch.randn(2, 3) * 1e-4)
print(torch.tensor([1e10, 1.0, -2.5]), torch.tensor([float("nan"), float("inf"), -float("inf"), 1.0]))
print(torch.tensor([0.1, 0.25, 100.0]).double(), torch.tensor([1, -20, 300], dtype=torch.int32))
print(torch.zeros(2, 0), torch.ones(0), torch.tensor(math.pi), torch.tensor(-0.0))
print(torch.randn(3, 1, 2), torch.arange(24).view(2, 3, 4))
print(torch.randn(1200)[:3].shape, torch.arange(1500.0))
print(torch.randn(50, 50))
print(torch.tensor([True, False]), torch.tensor([[1, 2], [3, 4]], dtype=torch.uint8), torch.tensor([1.5], dtype=torch.float16))
bn = nn.BatchNorm1d(3)
print(bn.state_dict())
lin = nn.Linear(2, 2)
print(lin.weight, lin.bias.data, lin.weight.grad)
print(nn.Parameter(torch.ones(2)), nn.Parameter(torch.zeros(1), requires_grad=False))
print({"w": torch.ones(2), "n": 3}, [torch.zeros(1), torch.tensor(2)], (torch.tensor(1.5),))
x = torch.randn(2, 2, requires_grad=True)
print(x * 2, (x * 2).sum(), x.mean(dim=0), x.detach())
print(repr(x.T), str(x.shape), x.size(), x.dtype, x.device, type(x).__name__)
print(f"{torch.tensor(3.14159):.2f}", "{:.3f}".format(torch.tensor(2.0).item()), f"{torch.tensor([1.0, 2.0])}")
print(torch.tensor(0.1 + 0.2), torch.tensor(1 / 3, dtype=torch.float64), torch.tensor(12345678.0))
print(torch.tensor([1e-3, 1e3]), torch.tensor([1e-5, 1.0]), torch.tensor([123456.0, 0.5]))
torch.set_printoptions(threshold=5, edgeitems=2, linewidth=40)
print(torch.arange(10.0), torch.randn(4, 6))
torch.set_printoptions(profile="default")
print(torch.randn(2, 3).numpy().dtype, torch.randn(2).tolist().__class__.__name__)
