# Imitates an example repository's minimal transformer training script: a reverse-the-sequence
# task generated on the fly, token and position embeddings, nn.TransformerEncoder with a causal
# mask option off, AdamW with a warmup LambdaLR schedule, and an accuracy check in eval mode.
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
VOCAB, SEQ, D = 10, 6, 32


def batch(n, generator):
    x = torch.randint(1, VOCAB, (n, SEQ), generator=generator)
    return x, x.flip(1)


class Reverser(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, D)
        self.pos = nn.Parameter(torch.zeros(1, SEQ, D))
        layer = nn.TransformerEncoderLayer(D, nhead=4, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=2)
        self.out = nn.Linear(D, VOCAB)

    def forward(self, x):
        h = self.tok(x) * math.sqrt(D) + self.pos
        return self.out(self.enc(h))


model = Reverser()
print(sum(p.numel() for p in model.parameters() if p.requires_grad))
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, betas=(0.9, 0.98), weight_decay=0.0)
warmup = 10
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: min(1.0, (step + 1) / warmup))
g = torch.Generator().manual_seed(1)
for step in range(60):
    x, y = batch(32, g)
    logits = model(x)
    loss = F.cross_entropy(logits.view(-1, VOCAB), y.view(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    if step % 20 == 0:
        print(step, f"{loss.item():.3f}", f"{sched.get_last_lr()[0]:.4f}")

model.eval()
with torch.no_grad():
    x, y = batch(200, g)
    pred = model(x).argmax(-1)
    acc = (pred == y).float().mean().item()
print(f"accuracy {acc:.2f}", x[0].tolist(), pred[0].tolist())
print(type(model.enc.layers[0].self_attn).__name__, len(model.enc.layers))
