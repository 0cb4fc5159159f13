# Imitates a SimCLR/NT-Xent implementation from a self-supervised learning repo: two augmented
# views, an encoder + projection head, F.normalize, the 2N x 2N cosine similarity matrix,
# masking the diagonal with masked_fill, and cross entropy over logits / temperature.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)


class NTXentLoss(nn.Module):
    def __init__(self, temperature=0.5):
        super().__init__()
        self.temperature = temperature
        self.criterion = nn.CrossEntropyLoss(reduction="sum")

    def forward(self, z_i, z_j):
        batch_size = z_i.size(0)
        N = 2 * batch_size
        z = torch.cat((z_i, z_j), dim=0)
        z = F.normalize(z, dim=1)
        sim = torch.matmul(z, z.T) / self.temperature
        mask = torch.eye(N, dtype=torch.bool)
        sim = sim.masked_fill(mask, -9e15)
        labels = torch.cat([torch.arange(batch_size) + batch_size, torch.arange(batch_size)])
        loss = self.criterion(sim, labels)
        return loss / N


def info_nce(feats, temperature=0.1):
    cos_sim = F.cosine_similarity(feats[:, None, :], feats[None, :, :], dim=-1)
    self_mask = torch.eye(cos_sim.shape[0], dtype=torch.bool, device=cos_sim.device)
    cos_sim.masked_fill_(self_mask, -9e15)
    pos_mask = self_mask.roll(shifts=cos_sim.shape[0] // 2, dims=0)
    cos_sim = cos_sim / temperature
    nll = -cos_sim[pos_mask] + torch.logsumexp(cos_sim, dim=-1)
    comb_sim = torch.cat([cos_sim[pos_mask][:, None], cos_sim.masked_fill(pos_mask, -9e15)], dim=-1)
    sim_argsort = comb_sim.argsort(dim=-1, descending=True).argmin(dim=-1)
    return nll.mean(), (sim_argsort == 0).float().mean(), (sim_argsort < 5).float().mean()


def augment(x):
    noise = 0.1 * torch.randn_like(x)
    scale = torch.empty(x.size(0), 1).uniform_(0.8, 1.2)
    drop = (torch.rand_like(x) > 0.1).float()
    return x * scale * drop + noise


encoder = nn.Sequential(nn.Linear(16, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 32))
projector = nn.Sequential(nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 8))
sync_weights(encoder)
sync_weights(projector)
print(projector)
criterion = NTXentLoss(temperature=0.5)
params = list(encoder.parameters()) + list(projector.parameters())
optimizer = torch.optim.SGD(params, lr=0.1, momentum=0.9, nesterov=True)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=20, eta_min=1e-3)

prototypes = torch.randn(4, 16)
data = prototypes.repeat_interleave(16, dim=0) + 0.3 * torch.randn(64, 16)

for epoch in range(20):
    perm = torch.randperm(64)
    epoch_loss = 0
    for b in range(0, 64, 32):
        x = data[perm[b : b + 32]]
        x_i, x_j = augment(x), augment(x)
        z_i = projector(encoder(x_i))
        z_j = projector(encoder(x_j))
        loss = criterion(z_i, z_j)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
    scheduler.step()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1}: loss {epoch_loss / 2:.4f}  lr {scheduler.get_last_lr()[0]:.5f}")

encoder.eval()
with torch.no_grad():
    feats = projector(encoder(torch.cat([data[:8], data[:8] + 0.01])))
nll, top1, top5 = info_nce(feats)
print(f"nll {nll:.3f} top1 {top1.item():.3f} top5 {top5.item():.3f}")
z = F.normalize(torch.tensor([[3.0, 4.0], [0.0, 0.0], [1.0, 1.0]]), dim=1)
print(z, z.norm(dim=1))
print(F.normalize(torch.tensor([[1.0, -2.0, 2.0]]), p=1, dim=-1))
print(F.cosine_similarity(torch.tensor([1.0, 0.0]), torch.tensor([1.0, 1.0]), dim=0))
a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
s = F.normalize(a, dim=1) @ F.normalize(a, dim=1).t()
s = s.masked_fill(torch.eye(2, dtype=torch.bool), 0.0)
s.sum().backward()
print(s, a.grad)
print(encoder[1].running_mean[:4].round(decimals=3), encoder[1].num_batches_tracked)
