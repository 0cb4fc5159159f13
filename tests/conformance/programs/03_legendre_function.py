# "Learning PyTorch with Examples": a custom autograd Function (LegendrePolynomial3).
import math

import torch


class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input**3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input**2 - 1)


dtype = torch.float
device = torch.device("cpu")
x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)

a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)

learning_rate = 5e-6
for t in range(500):
    P3 = LegendrePolynomial3.apply
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    if t % 50 == 49:
        print(t, f"{loss.item():.3f}")
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

# a and c end within 1e-8 of zero, where the sign depends on float32 summation order.
print(
    f"Result: y = {round(a.item(), 4) + 0.0:.4f} + {b.item():.4f} * P3({round(c.item(), 4) + 0.0:.4f} + {d.item():.4f} x)"
)
out = LegendrePolynomial3.apply(torch.tensor([0.5, 1.0], requires_grad=True))
print(out)
print(type(out.grad_fn).__name__, out.grad_fn.next_functions)
print(y_pred.grad_fn, y_pred.grad_fn.next_functions[1][0].next_functions)
print(out.grad_fn, type(out.grad_fn))
