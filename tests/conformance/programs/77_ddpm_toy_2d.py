# Imitates a minimal DDPM on 2-D points (the "diffusion in 100 lines" genre): a linear beta
# schedule, alphas_cumprod with torch.cumprod, per-sample coefficients gathered by timestep,
# a sinusoidal time embedding, an MLP that predicts the noise, and ancestral sampling.
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
n = 256
theta = torch.rand(n) * 2 * math.pi
data = torch.stack([torch.cos(theta), torch.sin(theta)], dim=1) + 0.05 * torch.randn(n, 2)

T = 50
betas = torch.linspace(1e-4, 0.05, T)
alphas = 1.0 - betas
alphas_cumprod = torch.cumprod(alphas, dim=0)
alphas_cumprod_prev = F.pad(alphas_cumprod[:-1], (1, 0), value=1.0)
sqrt_alphas_cumprod = torch.sqrt(alphas_cumprod)
sqrt_one_minus_alphas_cumprod = torch.sqrt(1.0 - alphas_cumprod)
posterior_variance = betas * (1.0 - alphas_cumprod_prev) / (1.0 - alphas_cumprod)
print(alphas_cumprod[:3], alphas_cumprod[-1])
print(posterior_variance[:3])


def extract(a, t, x_shape):
    b = t.shape[0]
    out = a.gather(-1, t)
    return out.reshape(b, *((1,) * (len(x_shape) - 1)))


def q_sample(x_start, t, noise=None):
    if noise is None:
        noise = torch.randn_like(x_start)
    return extract(sqrt_alphas_cumprod, t, x_start.shape) * x_start + extract(
        sqrt_one_minus_alphas_cumprod, t, x_start.shape
    ) * noise


class SinusoidalPosEmb(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        half_dim = self.dim // 2
        emb = math.log(10000) / (half_dim - 1)
        emb = torch.exp(torch.arange(half_dim) * -emb)
        emb = x[:, None].float() * emb[None, :]
        emb = torch.cat((emb.sin(), emb.cos()), dim=-1)
        return emb


class Denoiser(nn.Module):
    def __init__(self, dim=32):
        super().__init__()
        self.time_mlp = nn.Sequential(SinusoidalPosEmb(16), nn.Linear(16, dim), nn.GELU())
        self.inp = nn.Linear(2, dim)
        self.mid = nn.Sequential(nn.SiLU(), nn.Linear(dim, dim), nn.SiLU())
        self.out = nn.Linear(dim, 2)

    def forward(self, x, t):
        h = self.inp(x) + self.time_mlp(t)
        return self.out(self.mid(h))


emb = SinusoidalPosEmb(8)(torch.tensor([0, 1, 10]))
print(emb.shape)
print(emb)

model = sync_weights(Denoiser())
print(model)
opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
for step in range(40):
    idx = torch.randint(0, n, (64,))
    x0 = data[idx]
    t = torch.randint(0, T, (64,), dtype=torch.long)
    noise = torch.randn_like(x0)
    x_noisy = q_sample(x0, t, noise)
    pred = model(x_noisy, t)
    loss = F.mse_loss(noise, pred)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"step {step} loss {loss.item():.4f}")

print(extract(betas, torch.tensor([0, 49]), (2, 2)))


@torch.no_grad()
def p_sample_loop(shape):
    x = torch.randn(shape)
    for i in reversed(range(T)):
        t = torch.full((shape[0],), i, dtype=torch.long)
        eps = model(x, t)
        coef = extract(betas, t, x.shape) / extract(sqrt_one_minus_alphas_cumprod, t, x.shape)
        mean = (x - coef * eps) / extract(alphas, t, x.shape).sqrt()
        if i > 0:
            x = mean + extract(posterior_variance, t, x.shape).sqrt() * torch.randn_like(x)
        else:
            x = mean
    return x


samples = p_sample_loop((8, 2))
print(samples.shape, samples.requires_grad)
print("radius", samples.norm(dim=-1).mean().item() > 0)
