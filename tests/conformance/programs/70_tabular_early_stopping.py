# Imitates an example notebook for tabular regression: a generated table standardised with
# statistics from the training split only, random_split into train/validation with a seeded
# generator, an MLP with BatchNorm1d and Dropout, Adam with ReduceLROnPlateau, early stopping
# that keeps the best state_dict (deep-copied), and the final validation error. (No bias before
# BatchNorm1d, as such notebooks advise: its gradient is zero up to rounding, and Adam would
# turn that rounding noise into full-size steps.)
import copy

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split

g = torch.Generator().manual_seed(0)
n = 400
area = torch.rand(n, generator=g) * 150 + 30
rooms = torch.randint(1, 6, (n,), generator=g).float()
age = torch.rand(n, generator=g) * 50
price = 3.0 * area + 20 * rooms - 1.5 * age + torch.randn(n, generator=g) * 20
X = torch.stack([area, rooms, age], dim=1)
y = price.unsqueeze(1)
full = TensorDataset(X, y)
train_set, val_set = random_split(full, [320, 80], generator=torch.Generator().manual_seed(1))
train_idx = torch.tensor(train_set.indices)
mean, std = X[train_idx].mean(0), X[train_idx].std(0)
y_mean, y_std = y[train_idx].mean(), y[train_idx].std()
print(mean, std, f"{y_mean.item():.2f} {y_std.item():.2f}")


def prep(batch):
    xb, yb = batch
    return (xb - mean) / std, (yb - y_mean) / y_std


torch.manual_seed(2)
model = nn.Sequential(
    nn.Linear(3, 32, bias=False), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 1)
)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2)
loss_fn = nn.MSELoss()
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
val_loader = DataLoader(val_set, batch_size=80)
best, best_state, bad_epochs, patience = float("inf"), None, 0, 4
for epoch in range(30):
    model.train()
    for batch in train_loader:
        xb, yb = prep(batch)
        loss = loss_fn(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        xb, yb = prep(next(iter(val_loader)))
        val = loss_fn(model(xb), yb).item()
    sched.step(val)
    if val < best - 1e-4:
        best, best_state, bad_epochs = val, copy.deepcopy(model.state_dict()), 0
    else:
        bad_epochs += 1
    if epoch % 5 == 0:
        print(epoch, f"{val:.4f}", opt.param_groups[0]["lr"])
    if bad_epochs >= patience:
        print("early stop at", epoch)
        break
model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    xb, yb = prep(next(iter(val_loader)))
    pred = model(xb) * y_std + y_mean
    rmse = ((pred - (yb * y_std + y_mean)) ** 2).mean().sqrt()
print(f"best {best:.4f} rmse {rmse.item():.1f}", sorted(best_state.keys())[:3])
