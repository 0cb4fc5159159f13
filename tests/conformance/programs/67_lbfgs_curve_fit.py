# Imitates an example repository's curve-fitting script with L-BFGS: fitting a damped sine's
# parameters and a small polynomial regression, with the closure PyTorch's LBFGS requires,
# once with the default step and once with line_search_fn="strong_wolfe".
import torch

t = torch.linspace(0, 4, 50, dtype=torch.float64)
target = 1.5 * torch.exp(-0.4 * t) * torch.sin(2.0 * t + 0.3)

params = torch.tensor([1.0, -0.1, 1.8, 0.0], dtype=torch.float64, requires_grad=True)


def model(p):
    return p[0] * torch.exp(p[1] * t) * torch.sin(p[2] * t + p[3])


opt = torch.optim.LBFGS([params], lr=1, max_iter=50, line_search_fn="strong_wolfe")


def closure():
    opt.zero_grad()
    loss = ((model(params) - target) ** 2).mean()
    loss.backward()
    return loss


for step in range(3):
    loss = opt.step(closure)
    print(step, f"{loss.item():.6e}")
print([round(v, 4) for v in params.tolist()])
print(sorted(opt.state_dict()["param_groups"][0].keys())[:5])

x = torch.linspace(-1, 1, 40, dtype=torch.float64).unsqueeze(1)
y = 0.5 - 2 * x + 3 * x**2
w = torch.zeros(3, 1, dtype=torch.float64, requires_grad=True)
feats = torch.cat([torch.ones_like(x), x, x**2], dim=1)
opt2 = torch.optim.LBFGS([w], lr=0.5, max_iter=20, history_size=5)


def closure2():
    opt2.zero_grad()
    loss = torch.nn.functional.mse_loss(feats @ w, y)
    loss.backward()
    return loss


for step in range(4):
    loss = opt2.step(closure2)
    print(step, f"{loss.item():.4e}")
print([round(v, 3) for v in w.reshape(-1).tolist()])
