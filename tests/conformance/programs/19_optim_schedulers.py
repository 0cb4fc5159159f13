# Adam + lr schedulers + grad clipping, printing like training notebooks.
import numpy as np
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import StepLR, ExponentialLR, ReduceLROnPlateau

rng = np.random.default_rng(3)
X = torch.from_numpy(rng.standard_normal((64, 5)).astype(np.float32))
true_w = torch.from_numpy(np.array([[1.0], [-2.0], [0.5], [0.0], [3.0]], dtype=np.float32))
y = X @ true_w + 0.1

model = nn.Linear(5, 1)
sync_weights(model)
optimizer = torch.optim.Adam(model.parameters(), lr=0.1, betas=(0.9, 0.999), weight_decay=1e-4)
scheduler = StepLR(optimizer, step_size=10, gamma=0.5)
criterion = nn.MSELoss()
print(optimizer)
for epoch in range(30):
    optimizer.zero_grad()
    loss = criterion(model(X), y)
    loss.backward()
    total_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
    optimizer.step()
    scheduler.step()
    if epoch % 5 == 0:
        print(f"Epoch [{epoch+1}/30], Loss: {loss.item():.4f}, lr: {scheduler.get_last_lr()[0]:.4f}, norm {total_norm:.3f}")
print(model.weight.data.round(decimals=2), model.bias.data.round(decimals=2))
print(sorted(optimizer.state_dict()["state"][0].keys()), optimizer.state_dict()["state"][0]["step"])

opt = torch.optim.SGD(model.parameters(), lr=1.0)
sched = ExponentialLR(opt, gamma=0.9)
lrs = []
for _ in range(3):
    opt.step()
    sched.step()
    lrs.append(round(opt.param_groups[0]["lr"], 4))
print(lrs)

opt = torch.optim.SGD(model.parameters(), lr=1.0)
plateau = ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1)
for val in [1.0, 1.0, 1.0, 1.0, 0.5]:
    plateau.step(val)
    print(opt.param_groups[0]["lr"], end=" ")
print()

opt = torch.optim.AdamW([{"params": [model.weight], "lr": 0.01}, {"params": [model.bias]}], lr=0.1)
print(len(opt.param_groups), [g["lr"] for g in opt.param_groups], opt.defaults["weight_decay"])
for group in opt.param_groups:
    group["lr"] *= 0.1
print([round(g["lr"], 5) for g in opt.param_groups])
torch.nn.utils.clip_grad_value_(model.parameters(), 0.1)
print(model.weight.grad.abs().max() <= 0.1)
opt.zero_grad(set_to_none=True)
print(model.weight.grad)
params = torch.nn.utils.parameters_to_vector(model.parameters())
print(params.shape)
