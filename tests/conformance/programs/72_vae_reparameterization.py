# Imitates an example repository's variational autoencoder on toy 2-D data: an encoder giving
# mu and log-variance, the reparameterisation trick with torch.randn_like, the KL term in closed
# form, Adam training, and sampling new points from the prior with torch.randn.
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
t = torch.rand(512) * 2 * math.pi
data = torch.stack([t.cos(), t.sin()], 1) * 2 + 0.1 * torch.randn(512, 2)
print(data[:2], data.mean(0))


class VAE(nn.Module):
    def __init__(self, d_in=2, d_hidden=32, d_latent=2):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(d_in, d_hidden), nn.ReLU())
        self.mu = nn.Linear(d_hidden, d_latent)
        self.logvar = nn.Linear(d_hidden, d_latent)
        self.dec = nn.Sequential(nn.Linear(d_latent, d_hidden), nn.ReLU(), nn.Linear(d_hidden, d_in))

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def forward(self, x):
        h = self.enc(x)
        mu, logvar = self.mu(h), self.logvar(h)
        z = self.reparameterize(mu, logvar)
        return self.dec(z), mu, logvar


def loss_function(recon, x, mu, logvar):
    bce = F.mse_loss(recon, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld, bce, kld


model = VAE()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
for epoch in range(6):
    perm = torch.randperm(512)
    total = 0.0
    for i in range(0, 512, 64):
        x = data[perm[i : i + 64]]
        recon, mu, logvar = model(x)
        loss, rec, kld = loss_function(recon, x, mu, logvar)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    print(epoch, f"{total / 512:.3f}")

model.eval()
with torch.no_grad():
    z = torch.randn(5, 2)
    samples = model.dec(z)
    radius = samples.norm(dim=1)
print(z, f"{radius.mean().item():.2f}")
print(mu.shape, logvar.requires_grad, recon.grad_fn.name())
