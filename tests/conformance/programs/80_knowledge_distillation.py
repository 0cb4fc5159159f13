# Imitates a knowledge-distillation tutorial: a larger "teacher" trained first, a small
# "student" trained on a mix of hard-label cross entropy and the KL divergence between
# temperature-softened distributions (kl_div on log_softmax, reduction='batchmean', T**2).
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
X = torch.randn(240, 10)
W = torch.randn(10, 3)
y = (X @ W + 0.5 * torch.randn(240, 3)).argmax(dim=1)
train_ds = TensorDataset(X[:192], y[:192])
test_X, test_y = X[192:], y[192:]
train_loader = DataLoader(train_ds, batch_size=32, shuffle=True)
print(len(train_ds), len(train_loader), torch.bincount(y))

teacher = sync_weights(nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3)))
student = sync_weights(nn.Sequential(nn.Linear(10, 8), nn.ReLU(), nn.Linear(8, 3)))
count = lambda m: sum(p.numel() for p in m.parameters())
print("teacher params:", count(teacher), "student params:", count(student))


def evaluate(model):
    model.eval()
    with torch.no_grad():
        out = model(test_X)
        return (out.argmax(1) == test_y).sum().item() / len(test_y)


def train_ce(model, epochs):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    ce = nn.CrossEntropyLoss()
    for ep in range(epochs):
        model.train()
        running = 0.0
        for xb, yb in train_loader:
            opt.zero_grad()
            loss = ce(model(xb), yb)
            loss.backward()
            opt.step()
            running += loss.item()
    return running / len(train_loader)


print("teacher final loss %.4f" % train_ce(teacher, 8))
print("teacher acc", evaluate(teacher))


def distillation_loss(student_logits, teacher_logits, labels, T=2.0, alpha=0.7):
    soft_targets = F.softmax(teacher_logits / T, dim=-1)
    soft_prob = F.log_softmax(student_logits / T, dim=-1)
    kd = F.kl_div(soft_prob, soft_targets, reduction="batchmean") * (T * T)
    hard = F.cross_entropy(student_logits, labels)
    return alpha * kd + (1 - alpha) * hard, kd, hard


opt = torch.optim.SGD(student.parameters(), lr=0.1, momentum=0.9)
teacher.eval()
for ep in range(8):
    student.train()
    tot = kd_tot = 0.0
    for xb, yb in train_loader:
        with torch.no_grad():
            t_logits = teacher(xb)
        s_logits = student(xb)
        loss, kd, hard = distillation_loss(s_logits, t_logits, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item()
        kd_tot += kd.item()
    print(f"epoch {ep}: loss {tot / len(train_loader):.4f} kd {kd_tot / len(train_loader):.4f}")
print("student acc", evaluate(student))

# the various reductions and the log_target form
p = F.log_softmax(torch.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]), dim=1)
q = F.softmax(torch.tensor([[3.0, 2.0, 1.0], [0.0, 1.0, 2.0]]), dim=1)
for red in ["none", "sum", "mean", "batchmean"]:
    print(red, F.kl_div(p, q, reduction=red))
print(F.kl_div(p, q.log(), reduction="batchmean", log_target=True))
crit = nn.KLDivLoss(reduction="batchmean")
print(crit)
pl = p.clone().requires_grad_()
out = crit(pl, q)
out.backward()
print(out, out.grad_fn, pl.grad)
print(F.kl_div(p, q))
