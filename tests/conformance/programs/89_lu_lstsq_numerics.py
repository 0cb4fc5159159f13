# A numerical-methods notebook: a least-squares polynomial fit with torch.linalg.lstsq (and the
# normal equations solved through one LU factorisation), many right-hand sides solved with one
# lu_factor, the LU pieces a course prints, what a singular matrix does, and gradients through
# the solve.
import numpy as np
import torch

rng = np.random.default_rng(2024)

# --- least-squares polynomial fit ------------------------------------------------------------
x = torch.linspace(-1, 1, 25, dtype=torch.float64)
noise = torch.from_numpy(rng.normal(0, 0.05, 25))
y = 0.5 - 1.2 * x + 2.0 * x**3 + noise

degree = 3
V = torch.stack([x**k for k in range(degree + 1)], dim=1)  # Vandermonde, 25 x 4
fit = torch.linalg.lstsq(V, y.unsqueeze(1), driver="gelsd")
print("coefficients:", [round(c, 3) for c in fit.solution.squeeze(1).tolist()])
print("rank:", fit.rank.item(), "| residual sum of squares:", round(fit.residuals.item(), 5))
print("singular values:", [round(s, 3) for s in fit.singular_values.tolist()])
print("condition number:", round((fit.singular_values[0] / fit.singular_values[-1]).item(), 2))

default = torch.linalg.lstsq(V, y)  # gelsy, a vector right-hand side
print(type(default).__name__, default.solution.shape, default.residuals.shape, default.rank)
print("same fit:", torch.allclose(default.solution, fit.solution.squeeze(1)))

# The normal equations V^T V c = V^T y, solved with an LU factorisation.
LU, pivots = torch.linalg.lu_factor(V.T @ V)
c = torch.linalg.lu_solve(LU, pivots, (V.T @ y).unsqueeze(1))
print("normal equations agree:", torch.allclose(c, fit.solution, atol=1e-10))
print("pivots:", pivots, pivots.dtype)

# --- one factorisation, many systems ----------------------------------------------------------
n = 5
A = torch.from_numpy(rng.normal(size=(n, n))) + n * torch.eye(n, dtype=torch.float64)
LU, pivots = torch.linalg.lu_factor(A)
for step in range(3):
    b = torch.from_numpy(rng.normal(size=(n, 1)))
    x_b = torch.linalg.lu_solve(LU, pivots, b)
    print(f"system {step}: |Ax - b| < 1e-12:", (A @ x_b - b).abs().max().item() < 1e-12)
B = torch.from_numpy(rng.normal(size=(n, 4)))
X = torch.linalg.lu_solve(LU, pivots, B)
print("batch of 4 right-hand sides:", torch.allclose(A @ X, B))
Xt = torch.linalg.lu_solve(LU, pivots, B, adjoint=True)
print("transposed systems:", torch.allclose(A.T @ Xt, B))
Xr = torch.linalg.lu_solve(LU, pivots, B.T, left=False)
print("right-hand form X A = B:", torch.allclose(Xr @ A, B.T))

# --- the pieces ---------------------------------------------------------------------------------
M = torch.tensor([[2.0, 1.0, 1.0], [4.0, -6.0, 0.0], [-2.0, 7.0, 2.0]], dtype=torch.float64)
P, L, U = torch.linalg.lu(M)
print(P)
print(L)
print(U)
print("P L U == M:", torch.allclose(P @ L @ U, M))
LU, pivots = torch.linalg.lu_factor(M)
print(LU)
print(pivots)
unpacked = torch.lu_unpack(LU, pivots)
print(type(unpacked).__name__, all(torch.equal(a, b) for a, b in zip(unpacked, (P, L, U))))
print("det from U:", round((torch.diagonal(U).prod() * torch.linalg.det(P)).item(), 6))
print("det:", round(torch.linalg.det(M).item(), 6))

W = torch.tensor([[1.0, 2.0, 3.0, 4.0], [2.0, 1.0, 0.0, 1.0], [0.0, 1.0, 1.0, 1.0]])
P, L, U = torch.linalg.lu(W)  # a wide matrix: L is 3 x 3, U is 3 x 4
print(L.shape, U.shape)
print(U)

# --- a singular matrix --------------------------------------------------------------------------
S = torch.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 1.0, 1.0]], dtype=torch.float64)
try:
    torch.linalg.lu_factor(S)
except RuntimeError as e:
    print("RuntimeError:", e)
LU, pivots, info = torch.linalg.lu_factor_ex(S)
print("info:", info.item())
print(LU)

# --- gradients through the solve ---------------------------------------------------------------
A = torch.tensor(
    [[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]], dtype=torch.float64, requires_grad=True
)
b = torch.tensor([[1.0], [2.0], [3.0]], dtype=torch.float64, requires_grad=True)
LU, pivots = torch.linalg.lu_factor(A)
x = torch.linalg.lu_solve(LU, pivots, b)
print(x.grad_fn, LU.grad_fn)
print([type(f).__name__ if f is not None else None for f, _ in x.grad_fn.next_functions])
x.sum().backward()
print(A.grad)
print(b.grad)
A_inv_T = torch.linalg.inv(A).T.detach()
print("dL/db = A^-T 1:", torch.allclose(b.grad, A_inv_T @ torch.ones(3, 1, dtype=torch.float64)))

V.requires_grad_(True)
sol = torch.linalg.lstsq(V, y.unsqueeze(1)).solution
sol[3].backward()
print(sol.grad_fn)
print("gradient of the cubic coefficient, first rows:", [round(v, 4) for v in V.grad[:3, 3].tolist()])
