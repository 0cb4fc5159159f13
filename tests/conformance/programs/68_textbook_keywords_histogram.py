# Imitates a deep-learning textbook's habits with NumPy-style calls: size= and axis=/keepdims=
# keywords, normal draws summarised with torch.histogram(density=True), histc and bincount of
# die rolls, and a central-limit check on means of uniform samples.
import torch

torch.manual_seed(0)
x = torch.normal(0, 1, size=(1000,))
print(x.shape, f"{x.mean().item():.4f}", f"{x.std().item():.4f}")
hist, edges = torch.histogram(x, bins=8, range=(-4.0, 4.0), density=True)
print(hist, edges)
print(f"{(hist * (edges[1:] - edges[:-1])).sum().item():.4f}")
print(torch.histc(x, bins=4, min=-2, max=2))

rolls = torch.randint(1, 7, size=(600,))
counts = torch.bincount(rolls, minlength=7)
print(counts, counts.sum())
print(torch.bincount(torch.tensor([0, 1, 1, 3]), weights=torch.tensor([0.5, 1.0, 2.0, 0.25])))

u = torch.rand(size=(500, 12))
means = u.mean(axis=1, keepdims=True)
print(means.shape, f"{means.mean().item():.3f}", f"{means.std().item():.3f}")
print(u.sum(axis=0).shape, u.max(axis=0).values.shape, torch.sum(u, axis=1).shape)
z = torch.randn(size=(), requires_grad=True)
y = torch.zeros(size=(2, 2)) + z
y.sum().backward()
print(z.grad, torch.ones(size=(3,)).dtype, torch.full(size=(2,), fill_value=7))
h = torch.histogram(torch.tensor([1.0, 2.0, 1.0, 4.0]), bins=torch.tensor([0.0, 1.5, 3.0, 5.0]))
print(h.hist, h.bin_edges)
