# Imitates a lecture notebook on activations and batch norm: Kaiming-scaled init by hand,
# batch statistics and running estimates kept under no_grad, the same layer as
# nn.BatchNorm1d in train and eval mode, and the statistics of the tanh activations.
import torch
import torch.nn as nn

g = torch.Generator().manual_seed(2147483647)
x = torch.randn(64, 10, generator=g)
w = torch.randn(10, 50, generator=g) * (5 / 3) / (10**0.5)
hpre = x @ w
print(f"{x.std().item():.3f} {hpre.std().item():.3f}")

bngain = torch.ones((1, 50))
bnbias = torch.zeros((1, 50))
bnmean_running = torch.zeros((1, 50))
bnstd_running = torch.ones((1, 50))

for step in range(5):
    xb = torch.randn(32, 10, generator=g)
    hpreact = xb @ w
    bnmeani = hpreact.mean(0, keepdim=True)
    bnstdi = hpreact.std(0, keepdim=True)
    hpreact = bngain * (hpreact - bnmeani) / bnstdi + bnbias
    with torch.no_grad():
        bnmean_running = 0.999 * bnmean_running + 0.001 * bnmeani
        bnstd_running = 0.999 * bnstd_running + 0.001 * bnstdi
    h = torch.tanh(hpreact)
    saturated = (h.abs() > 0.97).float().mean().item()
    print(step, f"{h.mean().item():+.3f} {h.std().item():.3f} {saturated * 100:.1f}%")
print(bnmean_running[0, :4], bnstd_running[0, :4])

bn = nn.BatchNorm1d(50, momentum=0.1)
print(bn)
print(bn.weight.shape, bn.running_mean[:3], bn.num_batches_tracked)
xb = torch.randn(32, 10, generator=g) @ w
out = bn(xb)
print(out.mean(0)[:4].abs().max().item() < 1e-5, f"{out.std(0, unbiased=False)[:4].mean().item():.4f}")
manual = (xb - xb.mean(0, keepdim=True)) / torch.sqrt(xb.var(0, keepdim=True, unbiased=False) + bn.eps)
print(torch.allclose(out, manual, atol=1e-5))
print(bn.running_mean[:3], bn.running_var[:3], bn.num_batches_tracked)
bn.eval()
y = bn(xb[:4])
expect = (xb[:4] - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps) * bn.weight + bn.bias
print(torch.allclose(y, expect, atol=1e-5), y.shape)
print(sorted(bn.state_dict().keys()))

lin = nn.Linear(10, 50, bias=False)
torch.nn.init.kaiming_normal_(lin.weight, nonlinearity="tanh", generator=g)
print(f"{lin.weight.std().item():.3f}", f"{(5 / 3) / (10**0.5):.3f}")
print(torch.nn.init.calculate_gain("tanh"), torch.nn.init.calculate_gain("relu"))
