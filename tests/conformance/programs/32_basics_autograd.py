# "Learn the Basics: Automatic Differentiation with torch.autograd", as the tutorial runs it.
import torch

torch.manual_seed(0)
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")
print(loss, z, w, b, sep="\n")

loss.backward()
print(w.grad)
print(b.grad)

z = torch.matmul(x, w) + b
print(z.requires_grad)

with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)

z = torch.matmul(x, w) + b
z_det = z.detach()
print(z_det.requires_grad)
print(z_det, z_det.grad_fn, z_det.is_leaf)

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")
print(out, out.grad_fn, out.grad_fn.next_functions)
print(out.grad_fn.next_functions[0][0].next_functions)

# Retrying backward without retain_graph, and the same on a scalar loss.
out.backward(torch.ones_like(out))
try:
    out.backward(torch.ones_like(out))
except RuntimeError as e:
    print(e)
try:
    out.backward()
except RuntimeError as e:
    print(e)
loss = torch.nn.functional.binary_cross_entropy_with_logits(torch.matmul(x, w) + b, y)
loss.backward()
try:
    loss.backward()
except RuntimeError as e:
    print(e)
print(w.grad, b.grad)
try:
    print(z.grad)
except Exception as e:
    print(type(e).__name__, e)
