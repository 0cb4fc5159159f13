# Imitates a deep-learning textbook's "concise linear regression" chapter: a TensorDataset and
# a shuffling DataLoader, nn.Sequential(nn.Linear), weight.data.normal_ / bias.data.fill_,
# nn.MSELoss, optim.SGD, and reading the learned parameters back.
import torch
from torch import nn
from torch.utils import data

torch.manual_seed(0)
true_w = torch.tensor([2, -3.4])
true_b = 4.2
X = torch.normal(0, 1, (1000, 2))
y = (X @ true_w + true_b + torch.normal(0, 0.01, (1000,))).reshape(-1, 1)


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


batch_size = 10
data_iter = load_array((X, y), batch_size)
first = next(iter(data_iter))
print(len(first), first[0].shape, first[1][:3].reshape(-1))
print(len(data_iter), len(data_iter.dataset))

net = nn.Sequential(nn.Linear(2, 1))
net[0].weight.data.normal_(0, 0.01)
net[0].bias.data.fill_(0)
print(net[0].weight.data, net[0].bias.data)
loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.03)

for epoch in range(3):
    for Xb, yb in data_iter:
        l = loss(net(Xb), yb)
        trainer.zero_grad()
        l.backward()
        trainer.step()
    l = loss(net(X), y)
    print(f"epoch {epoch + 1}, loss {l:f}"[:17])

w = net[0].weight.data
print("error in estimating w:", (true_w - w.reshape(true_w.shape)).abs().max().item() < 0.01)
b = net[0].bias.data
print("error in estimating b:", abs(true_b - b.item()) < 0.01)
print(net[0].weight.grad.shape, type(trainer).__name__, trainer.defaults["lr"])
huber = nn.HuberLoss()
print(f"{huber(net(X[:5]), y[:5]).item():.5f}" [:6])
