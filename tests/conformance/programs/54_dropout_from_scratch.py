# Imitates a deep-learning textbook's "dropout" chapter: a dropout_layer written with
# torch.rand and a mask, an MLP using it only in training, the concise nn.Dropout version in
# train and eval mode, and a few training steps on generated data.
import torch
from torch import nn


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    mask = (torch.rand(X.shape) > dropout).float()
    return mask * X / (1.0 - dropout)


torch.manual_seed(0)
X = torch.arange(16, dtype=torch.float32).reshape((2, 8))
print("dropout_p = 0:", dropout_layer(X, 0))
print("dropout_p = 0.5:", dropout_layer(X, 0.5))
print("dropout_p = 1:", dropout_layer(X, 1))


class Net(nn.Module):
    def __init__(self, num_outputs, num_hiddens1, num_hiddens2, dropout_1, dropout_2):
        super().__init__()
        self.lin1 = nn.Linear(12, num_hiddens1)
        self.lin2 = nn.Linear(num_hiddens1, num_hiddens2)
        self.lin3 = nn.Linear(num_hiddens2, num_outputs)
        self.relu = nn.ReLU()
        self.dropout_1, self.dropout_2 = dropout_1, dropout_2

    def forward(self, X):
        H1 = self.relu(self.lin1(X.reshape((X.shape[0], -1))))
        if self.training:
            H1 = dropout_layer(H1, self.dropout_1)
        H2 = self.relu(self.lin2(H1))
        if self.training:
            H2 = dropout_layer(H2, self.dropout_2)
        return self.lin3(H2)


net = Net(3, 32, 16, 0.2, 0.5)
data = torch.randn(64, 12)
labels = (data[:, 0] > 0).long() + (data[:, 1] > 0).long()
opt = torch.optim.SGD(net.parameters(), lr=0.1)
loss_fn = nn.CrossEntropyLoss()
for step in range(20):
    loss = loss_fn(net(data), labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 5 == 0:
        print(step, f"{loss.item():.4f}")
net.eval()
print((net(data).argmax(1) == labels).float().mean())

concise = nn.Sequential(
    nn.Flatten(), nn.Linear(12, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 3)
)
print(concise)
concise.train()
a = concise(data[:2])
b = concise(data[:2])
print(torch.equal(a, b))
concise.eval()
print(torch.equal(concise(data[:2]), concise(data[:2])))
d = nn.Dropout(p=0.5)
print(d(torch.ones(2, 6)))
print(nn.functional.dropout(torch.ones(8), p=0.25, training=True))
