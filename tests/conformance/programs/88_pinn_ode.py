# Imitates a physics-informed neural network notebook: solve u'' + u = 0 with u(0)=0, u'(0)=1
# on [0, pi] by penalising the ODE residual at collocation points. Derivatives of the network
# w.r.t. its *input* come from torch.autograd.grad(..., create_graph=True) so the residual
# itself can be backpropagated into the weights.
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(42)
np.random.seed(42)


class PINN(nn.Module):
    def __init__(self, hidden=20):
        super(PINN, self).__init__()
        self.net = nn.Sequential(
            nn.Linear(1, hidden),
            nn.Tanh(),
            nn.Linear(hidden, hidden),
            nn.Tanh(),
            nn.Linear(hidden, 1),
        )

    def forward(self, t):
        return self.net(t)


model = sync_weights(PINN())
print(model)

t_col = torch.linspace(0, np.pi, 16).view(-1, 1).requires_grad_(True)
t0 = torch.zeros(1, 1, requires_grad=True)


def derivatives(u, t):
    du = torch.autograd.grad(u, t, grad_outputs=torch.ones_like(u), create_graph=True)[0]
    d2u = torch.autograd.grad(du, t, grad_outputs=torch.ones_like(du), create_graph=True)[0]
    return du, d2u


u = model(t_col)
du, d2u = derivatives(u, t_col)
print("u grad_fn:", u.grad_fn)
print("du grad_fn:", type(du.grad_fn).__name__, du.requires_grad)
print("d2u shape", d2u.shape, d2u.is_leaf)

optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = nn.MSELoss()
history = []
for it in range(12):
    optimizer.zero_grad()
    u = model(t_col)
    du, d2u = derivatives(u, t_col)
    residual = d2u + u
    u0 = model(t0)
    du0 = torch.autograd.grad(u0.sum(), t0, create_graph=True)[0]
    loss_pde = loss_fn(residual, torch.zeros_like(residual))
    loss_bc = (u0 - 0.0).pow(2).mean() + (du0 - 1.0).pow(2).mean()
    loss = loss_pde + 10 * loss_bc
    loss.backward()
    optimizer.step()
    history.append(loss.item())
    if it % 4 == 0:
        print(f"iter {it:3d}  loss {loss.item():.5f}  pde {loss_pde.item():.5f}  bc {loss_bc.item():.5f}")

print("final loss %.4f" % history[-1], "decreased:", history[-1] < history[0])
w = model.net[0].weight
print("first layer grad norm", w.grad.norm().item() > 0, w.grad.shape)

with torch.no_grad():
    t_test = torch.tensor([[0.0], [np.pi / 4], [np.pi / 2]])
    pred = model(t_test)
    exact = torch.sin(t_test)
    print(torch.cat([t_test, pred, exact], dim=1))
    print("max abs err", (pred - exact).abs().max())

# t_col.grad was never populated: autograd.grad doesn't accumulate into leaves
print(t_col.grad)
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = (x ** 3).sum()
(g,) = torch.autograd.grad(y, x, create_graph=True)
print(g, g.grad_fn)
(h,) = torch.autograd.grad(g.sum(), x)
print(h)
try:
    torch.autograd.grad(y, x)
except RuntimeError as e:
    print("RuntimeError:", str(e)[:60])
