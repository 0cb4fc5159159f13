# Odds and ends notebooks do: dtypes/finfo, indexing tricks, in-place ops, printing params.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

print(torch.finfo(torch.float32).eps, torch.finfo(torch.float32).max, torch.iinfo(torch.int64).max)
print(torch.float32, torch.long, torch.get_default_dtype(), torch.tensor(1).dtype, torch.tensor(1.0).dtype)
x = torch.arange(12, dtype=torch.float32).reshape(3, 4)
x[x > 5] = 0
print(x, x[:, [0, 2]], x[[0, 2], 1:3], x[x.sum(1) > 3])
x[1] += 1
x[:, 0] *= -1
print(x, x.masked_fill(x == 0, -1.0))
idx = torch.tensor([[0, 1], [2, 3], [1, 0]])
print(torch.gather(x, 1, idx), x.gather(0, torch.tensor([[2, 1, 0, 0]])))
z = torch.zeros(3, 5)
z.scatter_(1, torch.tensor([[0], [3], [4]]), 1.0)
print(z, torch.zeros(5).index_add_(0, torch.tensor([0, 0, 2]), torch.tensor([1.0, 2.0, 3.0])))
print(F.one_hot(torch.tensor([3, 0]), 4).float() @ torch.arange(4.0))
print(torch.chunk(torch.arange(10), 3), torch.split(torch.arange(7), [3, 4]))
a, b = torch.arange(6).view(2, 3).unbind(0)
print(a, b, torch.arange(6).view(2, 3).permute(1, 0).contiguous().view(-1))
print(x.half().dtype, x.to(torch.float16)[0])
print(torch.tensor([1.5, -0.5]).round(), torch.tensor([2.5, 3.5]).round(), torch.tensor(2.345).round(decimals=2))
print(torch.tensor([[1, 2], [3, 4]]).sum(dim=0, keepdim=True), torch.tensor([True, False]).sum())
print(torch.tensor([1, 2, 3]) * 1.5, torch.tensor([1, 2, 3]) // 2, torch.tensor([5, -5]) % 3, 7 / torch.tensor([2, 4]))
print(torch.tensor([0.1, 0.2]).sum().item() == 0.30000001192092896, float(torch.tensor(0.3)))
print(int(torch.tensor(3.9)), bool(torch.tensor([1])), len(torch.zeros(4, 2)), list(torch.arange(3)))
print(torch.tensor(np.float64(2.5)), torch.as_tensor([1, 2], dtype=torch.float32), torch.tensor(np.array([1, 2], dtype=np.int32)))
t = torch.ones(2, 2, requires_grad=True)
print(t.detach().numpy(), t.data, t.clone().detach().requires_grad_(True))
net = nn.Linear(2, 1)
with torch.no_grad():
    net.weight.fill_(0.5)
    net.bias.zero_()
print(list(net.parameters()))
print(net.weight.data, net.state_dict())
print(F.mse_loss(net(torch.ones(3, 2)), torch.zeros(3, 1)), F.l1_loss(torch.ones(2), torch.zeros(2), reduction="sum"))
print(F.binary_cross_entropy(torch.tensor([0.8, 0.2]), torch.tensor([1.0, 0.0])), F.sigmoid(torch.tensor(0.0)))
print(F.log_softmax(torch.tensor([[1.0, 2.0, 3.0]]), dim=1), F.gelu(torch.tensor([1.0])), F.silu(torch.tensor([1.0])))
print(F.cross_entropy(torch.tensor([[2.0, 0.5, 0.1]]), torch.tensor([0]), label_smoothing=0.1))
print(F.nll_loss(F.log_softmax(torch.tensor([[1.0, 2.0]]), 1), torch.tensor([1])), F.kl_div(torch.tensor([-1.0]), torch.tensor([0.5]), reduction="batchmean"))
print(torch.sigmoid(torch.tensor([-2.0, 2.0])), torch.tanh(torch.tensor(0.5)), torch.softmax(torch.tensor([1.0, 1.0]), 0))
print(torch.allclose(torch.tensor([1.0]), torch.tensor([1.0 + 1e-9])), torch.isclose(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1])))
print(torch.max(torch.tensor([1, 5, 3])), torch.min(torch.tensor([[4, 2], [1, 3]]), dim=1), torch.maximum(torch.tensor([1, 4]), torch.tensor([3, 2])))
print(torch.tensor([[1.0, 2.0], [3.0, 4.0]]).mm(torch.eye(2)), torch.bmm(torch.ones(2, 1, 3), torch.ones(2, 3, 1)).squeeze())
print(torch.linalg.matrix_norm(torch.eye(2)) if hasattr(torch.linalg, "matrix_norm") else None, torch.norm(torch.tensor([3.0, 4.0]), p=1))
print(torch.zeros(2, 3).shape == (2, 3), torch.Size([2, 3]), torch.Size([2, 3]).numel(), tuple(torch.ones(1, 2).shape))
print(x.view(-1).shape, x.flatten().shape, x.numel(), x.t().shape, x.unsqueeze(1).squeeze(1).shape, x.ndim, x.ndimension())
print(torch.tensor([3, 1, 2]).sort(descending=True), torch.tensor([[3, 1], [0, 5]]).argmax(dim=0))
