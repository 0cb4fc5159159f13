# "Learning PyTorch with Examples": nn.Sequential, MSELoss(reduction='sum'), manual update.
import math

import numpy as np
import torch

x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)
print(xx.shape, p.dtype, xx.dtype)

model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
print(model)
with torch.no_grad():
    model[0].weight.copy_(torch.from_numpy(np.array([[0.1, -0.2, 0.05]], dtype=np.float32)))
    model[0].bias.fill_(0.01)
loss_fn = torch.nn.MSELoss(reduction="sum")

learning_rate = 1e-6
for t in range(500):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 50 == 49:
        print(t, f"{loss.item():.2f}")
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad

linear_layer = model[0]
print(
    f"Result: y = {linear_layer.bias.item():.4f} + {linear_layer.weight[:, 0].item():.4f} x + "
    f"{linear_layer.weight[:, 1].item():.4f} x^2 + {linear_layer.weight[:, 2].item():.4f} x^3"
)
print(y_pred.grad_fn, loss.grad_fn)
for name, param in model.named_parameters():
    print(name, param.shape, param.requires_grad)
