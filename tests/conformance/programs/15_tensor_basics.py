# "Tensors" (Learn the Basics) and common tensor printing.
import numpy as np
import torch

data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
print(x_data, x_np)
x_ones = torch.ones_like(x_data)
print(f"Ones Tensor: \n {x_ones} \n")
x_rand = torch.rand_like(x_data, dtype=torch.float)
print(x_rand.shape, x_rand.dtype)

shape = (
    2,
    3,
)
ones_tensor = torch.ones(shape)
zeros_tensor = torch.zeros(shape)
print(f"Ones Tensor: \n {ones_tensor} \n")
print(f"Zeros Tensor: \n {zeros_tensor}")

tensor = torch.ones(3, 4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")

tensor = torch.ones(4, 4)
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(tensor)
t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)

y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
print(y1, y3)
z1 = tensor * tensor
z2 = tensor.mul(tensor)
z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
print(z3)

agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))
print(f"{tensor} \n")
tensor.add_(5)
print(tensor)

t = torch.ones(5)
print(f"t: {t}")
n = t.numpy()
print(f"n: {n}")
t.add_(1)
print(f"t: {t}")
print(f"n: {n}")
n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)
print(f"t: {t}")
print(f"n: {n}")

a = torch.arange(16)
print(a.view(-1, 8), a.view(2, 2, 4).size(), a.reshape(4, -1).T)
print(a.size(), a.size(0), a.shape[0], len(a), a.dim(), a.numel())
print(a.float().mean(), a.sum(), a.max(), a.dtype, a.float().dtype, a.double().dtype)
print(torch.stack([a[:3], a[3:6]]), torch.stack([a[:3], a[3:6]], dim=1).shape)
print(torch.zeros(2, 3, dtype=torch.long), torch.eye(3), torch.arange(0, 1, 0.25))
print(torch.tensor(3.5), torch.tensor([True, False]), torch.tensor([1e-8, 1e8]))
print(torch.tensor([[0.1234567, 100.5], [-3.0, 2e-3]]))
print(repr(torch.tensor([])), torch.empty(0, 3).shape, torch.tensor(7).item())
b = torch.tensor([[1.0, -2.0], [3.0, 4.0]])
print(b.abs(), b.sqrt(), b.clamp(min=0), b.argmax(), b.argmax(dim=1, keepdim=True))
print(b.max(dim=0), b.max(dim=0).values, b.max(1)[1])
print(b.tolist(), b[0].tolist(), b.numpy().dtype)
print(b.squeeze(), b.unsqueeze(0).shape, b[None].shape, b[:, None, :].shape)
print(torch.where(b > 0, b, torch.zeros_like(b)))
print(b.type(torch.int64), b.to(torch.int32), b.int(), b.long().dtype, b.bool())
print(b.mean(dim=0), b.std(), b.var(dim=1), b.norm(), b.sum(dim=(0, 1)))
print(b.exp(), b.pow(2), b**0.5)
print(str(b.dtype), b.is_floating_point(), torch.is_tensor(b), b.requires_grad)
big = torch.arange(2000).reshape(2, 1000)
print(big)
print(torch.linspace(0, 1, 5), torch.full((2, 2), 7), torch.full((2,), 1.5))
