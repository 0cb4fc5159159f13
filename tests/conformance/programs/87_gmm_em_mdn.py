# Imitates a notebook fitting a Gaussian mixture two ways: EM with responsibilities computed
# by logsumexp in log space, then a mixture-density network trained by gradient descent with
# torch.distributions (Categorical, Normal, MixtureSameFamily, Independent), plus
# kl_divergence and rsample for a small variational example.
import math

import torch
import torch.nn as nn
import torch.distributions as D

torch.manual_seed(0)
data = torch.cat([torch.randn(60) * 0.5 - 2, torch.randn(40) * 0.8 + 1.5])
print(data.shape, data.mean(), data.std())

K = 2
pi = torch.full((K,), 1.0 / K)
mu = torch.tensor([-1.0, 1.0])
var = torch.ones(K)
for step in range(15):
    log_p = -0.5 * (data[:, None] - mu) ** 2 / var - 0.5 * torch.log(2 * math.pi * var) + torch.log(pi)
    log_norm = torch.logsumexp(log_p, dim=1, keepdim=True)
    resp = torch.exp(log_p - log_norm)
    Nk = resp.sum(0)
    pi = Nk / data.shape[0]
    mu = (resp * data[:, None]).sum(0) / Nk
    var = (resp * (data[:, None] - mu) ** 2).sum(0) / Nk
    if step % 5 == 0:
        print(f"step {step}: ll {log_norm.sum().item():.3f}")
print("pi", pi, "mu", mu, "var", var)

mix = D.Categorical(probs=pi)
comp = D.Normal(mu, var.sqrt())
gmm = D.MixtureSameFamily(mix, comp)
print(gmm.batch_shape, gmm.event_shape)
print(gmm.log_prob(torch.tensor([-2.0, 0.0, 1.5])))
print(gmm.mean, gmm.variance)
s = gmm.sample((5,))
print(s.shape)


class MDN(nn.Module):
    def __init__(self, n_hidden=16, n_comp=3):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(1, n_hidden), nn.Tanh())
        self.logits = nn.Linear(n_hidden, n_comp)
        self.mu = nn.Linear(n_hidden, n_comp)
        self.log_sigma = nn.Linear(n_hidden, n_comp)

    def forward(self, x):
        h = self.body(x)
        mix = D.Categorical(logits=self.logits(h))
        comp = D.Normal(self.mu(h), self.log_sigma(h).exp())
        return D.MixtureSameFamily(mix, comp)


xs = torch.linspace(-1, 1, 64).unsqueeze(1)
ys = torch.sin(3 * xs).squeeze(1) + 0.1 * torch.randn(64)
mdn = sync_weights(MDN())
opt = torch.optim.Adam(mdn.parameters(), lr=0.02)
for it in range(30):
    dist = mdn(xs)
    loss = -dist.log_prob(ys).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 10 == 0:
        print(f"it {it} nll {loss.item():.4f}")
print(loss.grad_fn)
print(mdn(xs[:3]).mixture_distribution.probs.shape)

# a diagonal Gaussian posterior with rsample and an analytic KL
q_mu = torch.zeros(2, requires_grad=True)
q_logstd = torch.zeros(2, requires_grad=True)
prior = D.Independent(D.Normal(torch.zeros(2), torch.ones(2)), 1)
opt = torch.optim.SGD([q_mu, q_logstd], lr=0.1)
target = torch.tensor([1.0, -1.0])
for it in range(20):
    q = D.Independent(D.Normal(q_mu, q_logstd.exp()), 1)
    z = q.rsample((8,))
    recon = ((z - target) ** 2).sum(-1).mean()
    kl = D.kl_divergence(q, prior)
    elbo_loss = recon + kl
    opt.zero_grad()
    elbo_loss.backward()
    opt.step()
print(q, q.event_shape, q.batch_shape)
print(q_mu, q_logstd.exp())
print(kl.grad_fn, z.grad_fn)
print(D.kl_divergence(D.Normal(0.0, 1.0), D.Normal(1.0, 2.0)))
print(D.Normal(torch.tensor([0.0]), torch.tensor([1.0])).cdf(torch.tensor([1.96])), D.Normal(0.0, 1.0).icdf(torch.tensor(0.975)))
print(D.Categorical(probs=torch.tensor([0.2, 0.8])).entropy(), D.Bernoulli(logits=torch.tensor(0.0)).log_prob(torch.tensor(1.0)))
