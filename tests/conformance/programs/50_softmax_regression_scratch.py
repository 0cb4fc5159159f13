# Imitates a deep-learning textbook's "softmax regression from scratch" chapter on a generated
# three-class data set: softmax by hand with keepdim, cross-entropy by fancy indexing, an
# accuracy helper with argmax(axis=1), an Accumulator class and a few epochs of SGD.
import torch

torch.manual_seed(1)
centers = torch.tensor([[2.0, 2.0], [-2.0, 1.0], [0.0, -2.5]])
y_all = torch.randint(0, 3, (600,))
X_all = centers[y_all] + torch.randn(600, 2)
print(X_all[:3], y_all[:10])


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdims=True)
    return X_exp / partition


X = torch.rand((2, 5))
X_prob = softmax(X)
print(X_prob, X_prob.sum(1))

num_inputs, num_outputs = 2, 3
W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


y = torch.tensor([0, 2])
y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print(y_hat[[0, 1], y])


def cross_entropy(y_hat, y):
    return -torch.log(y_hat[range(len(y_hat)), y])


print(cross_entropy(y_hat, y))


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


print(accuracy(y_hat, y) / len(y))


class Accumulator:
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def __getitem__(self, idx):
        return self.data[idx]


lr = 0.1
for epoch in range(4):
    metric = Accumulator(3)
    perm = torch.randperm(600)
    for i in range(0, 600, 50):
        idx = perm[i : i + 50]
        Xb, yb = X_all[idx], y_all[idx]
        y_hat = net(Xb)
        l = cross_entropy(y_hat, yb)
        l.sum().backward()
        with torch.no_grad():
            for p in (W, b):
                p -= lr * p.grad / len(yb)
                p.grad.zero_()
        metric.add(float(l.sum()), accuracy(y_hat, yb), yb.numel())
    print(epoch + 1, round(metric[0] / metric[2], 3), round(metric[1] / metric[2], 3))
with torch.no_grad():
    print(net(X_all[:6]).argmax(axis=1), y_all[:6])
