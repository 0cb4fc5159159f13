# Imitates a deep-learning textbook's "weight decay" chapter: high-dimensional linear regression
# on 20 examples, an L2 penalty added by hand, then the concise version with per-parameter-group
# weight_decay in optim.SGD, printing the weight norms that the chapter compares.
import torch
from torch import nn

n_train, num_inputs, batch_size = 20, 200, 5
torch.manual_seed(0)
true_w, true_b = torch.ones((num_inputs, 1)) * 0.01, 0.05
X = torch.randn(n_train + 100, num_inputs)
y = X @ true_w + true_b + torch.randn(n_train + 100, 1) * 0.01
train = torch.utils.data.TensorDataset(X[:n_train], y[:n_train])


def l2_penalty(w):
    return torch.sum(w.pow(2)) / 2


def train_scratch(lambd):
    w = torch.normal(0, 1, size=(num_inputs, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    loader = torch.utils.data.DataLoader(train, batch_size, shuffle=True)
    for epoch in range(20):
        for Xb, yb in loader:
            l = ((Xb @ w + b - yb) ** 2 / 2).mean() + lambd * l2_penalty(w)
            l.backward()
            with torch.no_grad():
                w -= 0.003 * w.grad
                b -= 0.003 * b.grad
                w.grad.zero_()
                b.grad.zero_()
    return torch.norm(w).item()


print(f"L2 norm of w (no decay): {train_scratch(0):.3f}")
print(f"L2 norm of w (lambda 3): {train_scratch(3):.3f}")


def train_concise(wd):
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    for param in net.parameters():
        param.data.normal_()
    loss = nn.MSELoss(reduction="none")
    trainer = torch.optim.SGD(
        [{"params": net[0].weight, "weight_decay": wd}, {"params": net[0].bias}], lr=0.003
    )
    loader = torch.utils.data.DataLoader(train, batch_size, shuffle=True)
    for epoch in range(20):
        for Xb, yb in loader:
            trainer.zero_grad()
            l = loss(net(Xb), yb)
            l.mean().backward()
            trainer.step()
    print(trainer.param_groups[0]["weight_decay"], trainer.param_groups[1]["weight_decay"])
    return net[0].weight.norm().item()


print(f"L2 norm of w (wd 0): {train_concise(0):.3f}")
print(f"L2 norm of w (wd 3): {train_concise(3):.3f}")
