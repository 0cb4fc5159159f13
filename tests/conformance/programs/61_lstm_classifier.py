# Imitates an example repository's sequence-classification script: variable-length integer
# sequences padded to one length, an Embedding(padding_idx=0) + LSTM whose last hidden state
# feeds a classifier, Adam, and per-epoch accuracy (the task: is the first token even?).
import torch
import torch.nn as nn

torch.manual_seed(3)
lengths = torch.randint(3, 9, (96,))
seqs = torch.zeros(96, 8, dtype=torch.long)
for i, n in enumerate(lengths.tolist()):
    seqs[i, :n] = torch.randint(1, 20, (n,))
labels = (seqs[:, 0] % 2 == 0).long()
print(seqs[:2], labels[:8], lengths[:8])


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(20, 12, padding_idx=0)
        self.lstm = nn.LSTM(12, 24, num_layers=1, batch_first=True)
        self.fc = nn.Linear(24, 2)

    def forward(self, x):
        out, (h, c) = self.lstm(self.emb(x))
        return self.fc(h[-1])


model = Classifier()
print(model.emb.weight[0].abs().sum().item(), model.lstm)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
crit = nn.CrossEntropyLoss()
for ep in range(8):
    perm = torch.randperm(96)
    correct = 0
    for i in range(0, 96, 16):
        idx = perm[i : i + 16]
        logits = model(seqs[idx])
        loss = crit(logits, labels[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        correct += (logits.argmax(1) == labels[idx]).sum().item()
    if ep % 2 == 1:
        print(ep, f"{loss.item():.4f}", correct)
print(model.emb.weight.grad[0].abs().sum().item())
h0 = torch.zeros(1, 2, 24)
out, (h, c) = model.lstm(model.emb(seqs[:2]), (h0, h0))
print(out.shape, h.shape, c.shape, torch.allclose(out[:, -1], h[0]))
