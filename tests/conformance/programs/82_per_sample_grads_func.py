# Imitates the torch.func per-sample-gradients tutorial (and a DP-SGD style clip): a model
# turned stateless with functional_call, grad of a single-sample loss, vmap over the batch with
# in_dims=(None, None, 0, 0), compared against a loop of ordinary backward() calls.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, vmap

torch.manual_seed(0)


class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 12)
        self.fc2 = nn.Linear(12, 3)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        return self.fc2(x)


model = sync_weights(SimpleMLP())
batch_size = 8
data = torch.randn(batch_size, 6)
targets = torch.randint(3, (batch_size,))


def loss_fn(predictions, targets):
    return F.nll_loss(predictions, targets)


def compute_grad(sample, target):
    sample = sample.unsqueeze(0)
    target = target.unsqueeze(0)
    prediction = model(sample)
    loss = loss_fn(F.log_softmax(prediction, -1), target)
    return torch.autograd.grad(loss, list(model.parameters()))


def compute_sample_grads(data, targets):
    sample_grads = [compute_grad(data[i], targets[i]) for i in range(batch_size)]
    sample_grads = zip(*sample_grads)
    return [torch.stack(shards) for shards in sample_grads]


per_sample_grads = compute_sample_grads(data, targets)
print([g.shape for g in per_sample_grads])

params = {k: v.detach() for k, v in model.named_parameters()}
buffers = {k: v.detach() for k, v in model.named_buffers()}
print(list(params.keys()), buffers)


def compute_loss(params, buffers, sample, target):
    batch = sample.unsqueeze(0)
    targets = target.unsqueeze(0)
    predictions = functional_call(model, (params, buffers), (batch,))
    loss = loss_fn(F.log_softmax(predictions, -1), targets)
    return loss


ft_compute_grad = grad(compute_loss)
ft_compute_sample_grad = vmap(ft_compute_grad, in_dims=(None, None, 0, 0))
ft_per_sample_grads = ft_compute_sample_grad(params, buffers, data, targets)
for per_sample_grad, (name, ft_g) in zip(per_sample_grads, ft_per_sample_grads.items()):
    print(name, ft_g.shape, torch.allclose(per_sample_grad, ft_g, atol=3e-3, rtol=1e-5))

# batch gradient == mean of per-sample gradients
model.zero_grad()
loss_fn(F.log_softmax(model(data), -1), targets).backward()
print(torch.allclose(model.fc1.weight.grad, ft_per_sample_grads["fc1.weight"].mean(0), atol=1e-6))

# DP-SGD style: clip each sample's gradient, then average and add noise
norms = torch.stack([g.reshape(batch_size, -1).norm(dim=1) for g in ft_per_sample_grads.values()], 1).norm(dim=1)
print(norms.shape, (norms > 0).all())
clip = 1.0
factor = (clip / (norms + 1e-6)).clamp(max=1.0)
for name, g in ft_per_sample_grads.items():
    clipped = g * factor.view(-1, *([1] * (g.dim() - 1)))
    print(name, clipped.mean(0).shape, bool(clipped.reshape(batch_size, -1).norm(dim=1).max() <= clip + 1e-5))

# functional_call with a fresh set of parameters does not change the module
zeros = {k: torch.zeros_like(v) for k, v in params.items()}
print(functional_call(model, zeros, (data[:2],)))
print(model.fc2.bias.abs().sum() > 0)

# vmap on a plain function, grad with argnums and has_aux
x = torch.arange(6.0).reshape(3, 2)
print(vmap(torch.dot)(x, x))
print(vmap(lambda r: r.sum() * 2, in_dims=1)(x))
f = lambda a, b: (a * b).sum()
print(grad(f, argnums=(0, 1))(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])))
g, aux = grad(lambda a: ((a**2).sum(), a.mean()), has_aux=True)(torch.tensor([1.0, 3.0]))
print(g, aux)
print(vmap(grad(lambda a: a.sin().sum()))(x))
