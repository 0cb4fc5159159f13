# Imitates a deep-learning textbook's "lazy initialization" and "GPUs" sections: LazyLinear
# layers whose shapes are inferred on the first forward pass, uninitialised parameters before
# it, then the device helpers a CPU-only reader runs (torch.device, .to(device), tensors
# created on a device, num_gpus-style checks).
import torch
from torch import nn

torch.manual_seed(0)
net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
print(net[0].weight)
print(type(net[0]).__name__, net[0].in_features)
X = torch.rand(2, 20)
out = net(X)
print(out.shape, net[0].weight.shape, net[2].weight.shape)
print(type(net[0]).__name__, net[0].in_features, net[0].out_features)
print(sum(p.numel() for p in net.parameters()))


def init_xavier(module):
    if type(module) == nn.Linear:
        nn.init.xavier_uniform_(module.weight)
        nn.init.zeros_(module.bias)


net.apply(init_xavier)
print(net[2].bias.abs().sum().item(), f"{net[0].weight.abs().max().item():.4f}")

cpu = torch.device("cpu")
print(cpu, torch.device("cpu"), torch.cuda.is_available(), torch.cuda.device_count())


def try_gpu(i=0):
    if torch.cuda.device_count() >= i + 1:
        return torch.device(f"cuda:{i}")
    return torch.device("cpu")


def try_all_gpus():
    return [torch.device(f"cuda:{i}") for i in range(torch.cuda.device_count())]


print(try_gpu(), try_gpu(10), try_all_gpus())
x = torch.tensor([1, 2, 3])
print(x.device)
X = torch.ones(2, 3, device=try_gpu())
print(X, X.device.type)
Y = torch.rand(2, 3, device=try_gpu())
print((X + Y).shape, Y.to(cpu) is Y, Y.cpu().device)
net = net.to(device=try_gpu())
print(net[0].weight.data.device, next(net.parameters()).is_cuda)
