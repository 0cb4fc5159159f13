# Imitates an example repository's WGAN-GP training step: a critic on 2-D points, random
# interpolates between real and fake samples, the gradient of the critic's output with respect
# to them taken with autograd.grad(create_graph=True), the penalty (||grad|| - 1)^2, and Adam
# steps for critic and generator.
import torch
import torch.nn as nn

torch.manual_seed(0)
critic = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))
gen = nn.Sequential(nn.Linear(4, 32), nn.Tanh(), nn.Linear(32, 2))
opt_c = torch.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.5, 0.9))
opt_g = torch.optim.Adam(gen.parameters(), lr=1e-3, betas=(0.5, 0.9))


def real_batch(n):
    angle = torch.rand(n) * 2 * torch.pi
    return torch.stack([angle.cos(), angle.sin()], dim=1) * 2 + torch.randn(n, 2) * 0.05


def gradient_penalty(critic, real, fake):
    alpha = torch.rand(real.size(0), 1)
    interpolates = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    scores = critic(interpolates)
    grads = torch.autograd.grad(
        outputs=scores,
        inputs=interpolates,
        grad_outputs=torch.ones_like(scores),
        create_graph=True,
        retain_graph=True,
    )[0]
    return ((grads.norm(2, dim=1) - 1) ** 2).mean(), grads


for it in range(30):
    for _ in range(3):
        real = real_batch(64)
        fake = gen(torch.randn(64, 4)).detach()
        gp, grads = gradient_penalty(critic, real, fake)
        loss_c = critic(fake).mean() - critic(real).mean() + 10 * gp
        opt_c.zero_grad()
        loss_c.backward()
        opt_c.step()
    fake = gen(torch.randn(64, 4))
    loss_g = -critic(fake).mean()
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    if it % 10 == 0:
        print(it, f"{loss_c.item():.3f} {gp.item():.4f} {loss_g.item():.3f}")
print(grads.shape, grads.requires_grad, grads.grad_fn is not None)
print(critic[0].weight.grad.shape, gen[2].bias.grad.shape)
