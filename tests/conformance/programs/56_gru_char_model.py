# Imitates an example repository's character-level language model script: a tiny inline text,
# windows served by a Dataset/DataLoader with a seeded generator, an Embedding + GRU + Linear
# model, AdamW, gradient clipping, a per-epoch loss, and greedy / sampled generation.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

text = "to be or not to be that is the question whether tis nobler in the mind to suffer "
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
itos = {i: c for c, i in stoi.items()}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
print(len(chars), data[:12])


class CharDataset(Dataset):
    def __init__(self, data, block):
        self.data, self.block = data, block

    def __len__(self):
        return len(self.data) - self.block

    def __getitem__(self, i):
        chunk = self.data[i : i + self.block + 1]
        return chunk[:-1], chunk[1:]


class CharGRU(nn.Module):
    def __init__(self, vocab, emb=16, hidden=32):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.gru = nn.GRU(emb, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, idx, h=None):
        out, h = self.gru(self.emb(idx), h)
        return self.head(out), h


torch.manual_seed(1337)
ds = CharDataset(data, block=8)
g = torch.Generator().manual_seed(0)
loader = DataLoader(ds, batch_size=16, shuffle=True, generator=g, drop_last=True)
model = CharGRU(len(chars))
print(sum(p.numel() for p in model.parameters()))
opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.01)
for epoch in range(3):
    total, batches = 0.0, 0
    for x, y in loader:
        logits, _ = model(x)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        total += loss.item()
        batches += 1
    print(f"epoch {epoch} loss {total / batches:.3f} batches {batches}")


@torch.no_grad()
def generate(model, start, n, sample=False, generator=None):
    model.eval()
    idx = torch.tensor([[stoi[c] for c in start]])
    logits, h = model(idx)
    out = list(start)
    for _ in range(n):
        probs = F.softmax(logits[:, -1], dim=-1)
        if sample:
            nxt = torch.multinomial(probs, 1, generator=generator)
        else:
            nxt = probs.argmax(-1, keepdim=True)
        out.append(itos[nxt.item()])
        logits, h = model(nxt, h)
    return "".join(out)


print(repr(generate(model, "to be", 20)))
print(repr(generate(model, "the", 20, sample=True, generator=torch.Generator().manual_seed(7))))
print(opt.state_dict()["param_groups"][0]["weight_decay"], len(opt.state_dict()["state"]))
