# Imitates an example repository's evaluation script: a model in eval mode run under
# torch.inference_mode (tensors made there are inference tensors), compared with no_grad,
# inference_mode as a decorator, and the errors a learner meets when mixing the two.
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
x = torch.randn(3, 4)

with torch.inference_mode():
    y = model(x)
print(y.requires_grad, y.grad_fn, y.is_inference(), torch.is_inference_mode_enabled())
print(torch.is_inference_mode_enabled(), x.is_inference())

with torch.no_grad():
    z = model(x)
print(z.requires_grad, z.is_inference(), torch.equal(y, z))


@torch.inference_mode()
def predict(batch):
    return model(batch).argmax(dim=1)


print(predict(x), predict(torch.randn(5, 4)).shape)

with torch.inference_mode(mode=False):
    w = model(x)
print(w.requires_grad, w.grad_fn is not None)

with torch.inference_mode():
    t = torch.ones(2)
try:
    t.add_(1)
except RuntimeError as e:
    print("RuntimeError:", str(e)[:60])
try:
    (t * torch.ones(2, requires_grad=True)).sum().backward()
    print("backward ok")
except RuntimeError as e:
    print("RuntimeError:", str(e)[:60])
c = t.clone()
print(c.is_inference(), c + 1)

model.eval()
print(model.training, model[0].training)
with torch.inference_mode():
    out = model(torch.ones(1, 4))
print(out.shape, round(out.sum().item(), 4))
