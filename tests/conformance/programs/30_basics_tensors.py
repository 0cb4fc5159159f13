# "Learn the Basics: Tensors", as the tutorial runs it (seeded instead of unseeded).
import numpy as np
import torch

torch.manual_seed(0)
data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)

np_array = np.array(data)
x_np = torch.from_numpy(np_array)

x_ones = torch.ones_like(x_data)  # retains the properties of x_data
print(f"Ones Tensor: \n {x_ones} \n")

x_rand = torch.rand_like(x_data, dtype=torch.float)  # overrides the datatype of x_data
print(f"Random Tensor: \n {x_rand} \n")

shape = (
    2,
    3,
)
rand_tensor = torch.rand(shape)
ones_tensor = torch.ones(shape)
zeros_tensor = torch.zeros(shape)

print(f"Random Tensor: \n {rand_tensor} \n")
print(f"Ones Tensor: \n {ones_tensor} \n")
print(f"Zeros Tensor: \n {zeros_tensor}")

tensor = torch.rand(3, 4)

print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")

# We move our tensor to the current accelerator if available
if torch.accelerator.is_available():
    tensor = tensor.to(torch.accelerator.current_accelerator())
if torch.cuda.is_available():
    tensor = tensor.to("cuda")

tensor = torch.ones(4, 4)
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(tensor)

t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)

# This computes the matrix multiplication between two tensors. y1, y2, y3 will have the same value
# ``tensor.T`` returns the transpose of a tensor
y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)

y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
print(y1, y2, y3, sep="\n")

# This computes the element-wise product. z1, z2, z3 will have the same value
z1 = tensor * tensor
z2 = tensor.mul(tensor)

z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
print(z1, z2, z3, sep="\n")

agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))

print(f"{tensor} \n")
tensor.add_(5)
print(tensor)

# (The numpy bridge cells are in 15_tensor_basics.py.)

# A few neighbours of the tutorial's cells.
t2 = torch.stack([tensor, tensor])
print(t2.shape, torch.hstack([tensor[0], tensor[1]]), torch.vstack([tensor[0], tensor[1]]))
print(tensor.sum(), tensor.sum().item(), tensor.mean().item(), tensor.max().item())
print(torch.rand(2, 2), torch.randn(2, 3), torch.randint(0, 10, (2, 4)))
print(x_rand.dtype, x_data.dtype, x_np.dtype, np_array.dtype)
print(torch.ones(2, 2, dtype=torch.int16), torch.zeros(3, dtype=torch.float16))
print(torch.tensor([1.5, 2.5], dtype=torch.float64).numpy(), torch.tensor([[1, 2]]).numpy())
print(tensor.T.is_contiguous(), tensor.is_contiguous(), tensor.T.contiguous().is_contiguous())
print(tensor.add(1), tensor.sub(1), tensor.div(2), tensor - 1, 1 / tensor, tensor // 2, tensor % 3)
print(tensor.sub_(1), tensor.mul_(2), tensor.div_(4), tensor.copy_(torch.zeros(4, 4)), tensor.t_())
print(torch.tensor(1.0).item(), torch.tensor([2]).item(), torch.tensor(True).item())
try:
    torch.ones(2).item()
except RuntimeError as e:
    print(e)
