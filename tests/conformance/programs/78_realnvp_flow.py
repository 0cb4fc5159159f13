# Imitates a RealNVP notebook on the two-moons-like toy data: affine coupling layers with
# alternating binary masks, scale via tanh, log-determinant of the Jacobian summed per sample,
# a standard-normal base distribution, maximum likelihood training, then sampling via inverse.
import numpy as np
import torch
import torch.nn as nn
from torch import distributions

rng = np.random.RandomState(1)
n = 200
t = rng.uniform(0, np.pi, n)
moons = np.concatenate(
    [np.stack([np.cos(t), np.sin(t)], 1), np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1)]
)
moons = moons + 0.05 * rng.randn(*moons.shape)
X = torch.from_numpy(moons.astype(np.float32))
print(X.shape, X.dtype)


class RealNVP(nn.Module):
    def __init__(self, nets, nett, mask, prior):
        super(RealNVP, self).__init__()
        self.prior = prior
        self.mask = nn.Parameter(mask, requires_grad=False)
        self.t = torch.nn.ModuleList([nett() for _ in range(len(mask))])
        self.s = torch.nn.ModuleList([nets() for _ in range(len(mask))])

    def g(self, z):
        x = z
        for i in range(len(self.t)):
            x_ = x * self.mask[i]
            s = self.s[i](x_) * (1 - self.mask[i])
            t = self.t[i](x_) * (1 - self.mask[i])
            x = x_ + (1 - self.mask[i]) * (x * torch.exp(s) + t)
        return x

    def f(self, x):
        log_det_J, z = x.new_zeros(x.shape[0]), x
        for i in reversed(range(len(self.t))):
            z_ = self.mask[i] * z
            s = self.s[i](z_) * (1 - self.mask[i])
            t = self.t[i](z_) * (1 - self.mask[i])
            z = (1 - self.mask[i]) * (z - t) * torch.exp(-s) + z_
            log_det_J -= s.sum(dim=1)
        return z, log_det_J

    def log_prob(self, x):
        z, logp = self.f(x)
        return self.prior.log_prob(z) + logp

    def sample(self, batchSize):
        z = self.prior.sample((batchSize, 1))
        logp = self.prior.log_prob(z)
        x = self.g(z)
        return x


nets = lambda: nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(), nn.Linear(32, 32), nn.LeakyReLU(), nn.Linear(32, 2), nn.Tanh())
nett = lambda: nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(), nn.Linear(32, 32), nn.LeakyReLU(), nn.Linear(32, 2))
masks = torch.from_numpy(np.array([[0, 1], [1, 0]] * 3).astype(np.float32))
prior = distributions.MultivariateNormal(torch.zeros(2), torch.eye(2))
print(prior, prior.event_shape, prior.batch_shape)
torch.manual_seed(0)
flow = sync_weights(RealNVP(nets, nett, masks, prior))
print(flow.mask)
print(sum(p.numel() for p in flow.parameters() if p.requires_grad))

optimizer = torch.optim.Adam([p for p in flow.parameters() if p.requires_grad == True], lr=1e-3)
for t in range(12):
    loss = -flow.log_prob(X).mean()
    optimizer.zero_grad()
    loss.backward(retain_graph=True)
    optimizer.step()
    if t % 4 == 0:
        print("iter %s:" % t, "loss = %.3f" % loss)

z, logdet = flow.f(X[:4])
print(z.shape, logdet)
x_rec = flow.g(z)
print("invertible:", torch.allclose(x_rec, X[:4], atol=1e-5))
print(loss.grad_fn, flow.mask.grad)
samples = flow.sample(5)
print(samples.shape)

# planar flow, with its own log|det J|
class Planar(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.u = nn.Parameter(torch.tensor([0.5, -0.3]))
        self.w = nn.Parameter(torch.tensor([1.0, 2.0]))
        self.b = nn.Parameter(torch.tensor(0.1))

    def forward(self, z):
        lin = z @ self.w + self.b
        f = z + self.u * torch.tanh(lin).unsqueeze(-1)
        psi = (1 - torch.tanh(lin) ** 2).unsqueeze(-1) * self.w
        logdet = torch.log(torch.abs(1 + psi @ self.u) + 1e-8)
        return f, logdet


pf = Planar(2)
z0 = torch.tensor([[0.0, 0.0], [1.0, -1.0], [0.5, 0.5]])
zk, ld = pf(z0)
print(zk, ld)
base = distributions.Normal(torch.zeros(2), torch.ones(2))
lp = base.log_prob(z0).sum(-1) - ld
lp.mean().backward()
print(pf.u.grad, pf.w.grad, pf.b.grad)
jac = torch.autograd.functional.jacobian(lambda v: pf(v.unsqueeze(0))[0].squeeze(0), z0[1])
print(jac, torch.logdet(jac), ld[1])
