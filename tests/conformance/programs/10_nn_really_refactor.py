# "What is torch.nn really?": refactor with F.cross_entropy, nn.Module, nn.Linear, optim,
# TensorDataset, DataLoader, and validation.
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

rng = np.random.default_rng(1)
x_train, y_train = (
    torch.tensor(rng.random((256, 784), dtype=np.float32)),
    torch.tensor(rng.integers(0, 10, 256)),
)
x_valid, y_valid = (
    torch.tensor(rng.random((128, 784), dtype=np.float32)),
    torch.tensor(rng.integers(0, 10, 128)),
)
loss_func = F.cross_entropy


def accuracy(out, yb):
    preds = torch.argmax(out, dim=1)
    return (preds == yb).float().mean()


class Mnist_Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(784, 10)

    def forward(self, xb):
        return self.lin(xb)


model = Mnist_Logistic()
sync_weights(model)
bs = 64
xb, yb = x_train[:bs], y_train[:bs]
print(f"{loss_func(model(xb), yb).item():.5f}")

train_ds = TensorDataset(x_train, y_train)
print(len(train_ds), train_ds[0][0].shape, train_ds[0][1])
train_dl = DataLoader(train_ds, batch_size=bs)
valid_ds = TensorDataset(x_valid, y_valid)
valid_dl = DataLoader(valid_ds, batch_size=bs * 2)
print(len(train_dl), len(valid_dl))

opt = optim.SGD(model.parameters(), lr=0.5)


def loss_batch(model, loss_func, xb, yb, opt=None):
    loss = loss_func(model(xb), yb)
    if opt is not None:
        loss.backward()
        opt.step()
        opt.zero_grad()
    return loss.item(), len(xb)


def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_batch(model, loss_func, xb, yb, opt)

        model.eval()
        with torch.no_grad():
            losses, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl])
        val_loss = np.sum(np.multiply(losses, nums)) / np.sum(nums)
        print(epoch, f"{val_loss:.3f}")


fit(3, model, loss_func, opt, train_dl, valid_dl)
print(f"{loss_func(model(xb), yb).item():.5f}", accuracy(model(xb), yb))

model = nn.Sequential(
    nn.Linear(784, 32),
    nn.ReLU(),
    nn.Linear(32, 10),
)
sync_weights(model)
opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
fit(2, model, loss_func, opt, train_dl, valid_dl)
for xb, yb in train_dl:
    print(xb.shape, yb.shape, xb.dtype, yb.dtype)
    break
print(model)
