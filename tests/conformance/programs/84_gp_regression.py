# Imitates a "Gaussian processes from scratch in PyTorch" notebook: an RBF kernel with
# log-parameterised hyper-parameters, the Cholesky factor of K + noise*I, predictions with
# cholesky_solve and solve_triangular, and the negative log marginal likelihood optimised by Adam.
import math

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
np.random.seed(3)
X_train = torch.from_numpy(np.sort(np.random.uniform(-3, 3, 20))).unsqueeze(1)
y_train = torch.sin(X_train).squeeze() + 0.1 * torch.from_numpy(np.random.randn(20))
X_test = torch.linspace(-3, 3, 7).unsqueeze(1)
print(X_train.dtype, X_train.shape, y_train[:3])


def rbf_kernel(x1, x2, lengthscale, variance):
    sqdist = torch.cdist(x1, x2) ** 2
    return variance * torch.exp(-0.5 * sqdist / lengthscale**2)


class GP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.log_lengthscale = torch.nn.Parameter(torch.tensor(0.0))
        self.log_variance = torch.nn.Parameter(torch.tensor(0.0))
        self.log_noise = torch.nn.Parameter(torch.tensor(-1.0))

    def nll(self, X, y):
        ls, var, noise = self.log_lengthscale.exp(), self.log_variance.exp(), self.log_noise.exp()
        K = rbf_kernel(X, X, ls, var) + noise * torch.eye(len(X))
        L = torch.linalg.cholesky(K)
        alpha = torch.cholesky_solve(y.unsqueeze(-1), L)
        n = y.shape[0]
        return 0.5 * (y.unsqueeze(0) @ alpha).squeeze() + torch.log(torch.diagonal(L)).sum() + 0.5 * n * math.log(2 * math.pi)

    def predict(self, X, y, Xs):
        ls, var, noise = self.log_lengthscale.exp(), self.log_variance.exp(), self.log_noise.exp()
        K = rbf_kernel(X, X, ls, var) + noise * torch.eye(len(X))
        Ks = rbf_kernel(X, Xs, ls, var)
        Kss = rbf_kernel(Xs, Xs, ls, var)
        L = torch.linalg.cholesky(K)
        v = torch.linalg.solve_triangular(L, Ks, upper=False)
        alpha = torch.cholesky_solve(y.unsqueeze(-1), L)
        mu = Ks.T @ alpha
        cov = Kss - v.T @ v
        return mu.squeeze(-1), cov


gp = GP()
print(gp)
print(list(gp.named_parameters())[0])
nll0 = gp.nll(X_train, y_train)
print("initial nll", nll0)
nll0.backward()
print({k: round(v.grad.item(), 6) for k, v in gp.named_parameters()})

opt = torch.optim.Adam(gp.parameters(), lr=0.05)
for i in range(60):
    opt.zero_grad()
    loss = gp.nll(X_train, y_train)
    loss.backward()
    opt.step()
    if i % 15 == 0:
        print(f"iter {i:2d} nll {loss.item():.4f} ls {gp.log_lengthscale.exp().item():.4f} noise {gp.log_noise.exp().item():.5f}")

with torch.no_grad():
    mu, cov = gp.predict(X_train, y_train, X_test)
    std = cov.diag().clamp(min=1e-10).sqrt()
print(torch.stack([X_test.squeeze(), mu, std, torch.sin(X_test.squeeze())], 1))

# the same solves three ways
A = torch.tensor([[4.0, 2.0, 0.6], [2.0, 5.0, 1.0], [0.6, 1.0, 3.0]], requires_grad=True)
b = torch.tensor([[1.0], [2.0], [3.0]])
L = torch.linalg.cholesky(A)
print(L, L.grad_fn)
x1 = torch.cholesky_solve(b, L)
z = torch.linalg.solve_triangular(L, b, upper=False)
x2 = torch.linalg.solve_triangular(L.mT, z, upper=True)
x3 = torch.linalg.solve(A, b)
print(torch.allclose(x1, x2), torch.allclose(x1, x3), x3.grad_fn)
(x1.sum() + torch.logdet(A)).backward()
print(A.grad)
U = torch.linalg.cholesky(A.detach(), upper=True)
print(torch.allclose(U.T @ U, A.detach()))
print((torch.cholesky_inverse(L.detach()) @ A.detach()).round(decimals=6))
try:
    torch.linalg.cholesky(torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
except torch.linalg.LinAlgError as e:
    print(type(e).__name__, e)
L_, info = torch.linalg.cholesky_ex(torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
print(info)
torch.set_default_dtype(torch.float32)
print(torch.tensor([1.0]).dtype)
