# Imitates an example repository's word2vec script: a tiny inline corpus, (center, context)
# pairs from a sliding window, negative words drawn with torch.multinomial from the unigram
# distribution raised to 3/4, two Embedding tables trained with logsigmoid losses and SGD, and
# nearest neighbours by cosine similarity.
import torch
import torch.nn as nn
import torch.nn.functional as F

corpus = (
    "the king rules the land the queen rules the land the king and the queen live in the "
    "castle the dog and the cat live in the house the dog chases the cat"
).split()
vocab = sorted(set(corpus))
w2i = {w: i for i, w in enumerate(vocab)}
ids = torch.tensor([w2i[w] for w in corpus])
counts = torch.zeros(len(vocab))
for i in ids.tolist():
    counts[i] += 1
print(len(vocab), counts.int().tolist())

window = 2
pairs = []
for pos in range(len(corpus)):
    for off in range(-window, window + 1):
        if off != 0 and 0 <= pos + off < len(corpus):
            pairs.append((ids[pos].item(), ids[pos + off].item()))
pairs = torch.tensor(pairs)
print(pairs.shape, pairs[:4].tolist())

noise = counts**0.75
noise = noise / noise.sum()
g = torch.Generator().manual_seed(0)
print(torch.multinomial(noise, 8, replacement=True, generator=g))


class SkipGram(nn.Module):
    def __init__(self, n, d):
        super().__init__()
        self.center = nn.Embedding(n, d)
        self.context = nn.Embedding(n, d)
        nn.init.uniform_(self.center.weight, -0.5 / d, 0.5 / d)
        nn.init.zeros_(self.context.weight)

    def forward(self, c, o, neg):
        vc = self.center(c)
        pos = F.logsigmoid((vc * self.context(o)).sum(-1))
        negs = F.logsigmoid(-(self.context(neg) @ vc.unsqueeze(-1)).squeeze(-1)).sum(-1)
        return -(pos + negs).mean()


torch.manual_seed(0)
model = SkipGram(len(vocab), 16)
opt = torch.optim.SGD(model.parameters(), lr=0.5)
for epoch in range(40):
    perm = torch.randperm(len(pairs), generator=g)
    total = 0.0
    for i in range(0, len(pairs), 32):
        batch = pairs[perm[i : i + 32]]
        neg = torch.multinomial(noise, batch.shape[0] * 4, replacement=True, generator=g)
        loss = model(batch[:, 0], batch[:, 1], neg.view(-1, 4))
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    if epoch % 10 == 0:
        print(epoch, f"{total:.3f}")

emb = F.normalize(model.center.weight.detach(), dim=1)
sims = emb @ emb.T
for w in ["king", "dog"]:
    top = sims[w2i[w]].topk(3).indices.tolist()
    print(w, [vocab[i] for i in top])
print(F.cosine_similarity(emb[w2i["king"]], emb[w2i["queen"]], dim=0).item() > 0)
