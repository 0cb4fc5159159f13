# "Autograd: hooks": tensor hooks, retain_grad, module forward / full backward hooks.
import numpy as np
import torch
import torch.nn as nn

a = torch.tensor(2.0, requires_grad=True)
b = a.exp()
c = b.sin()
b.retain_grad()
c.register_hook(lambda grad: print(f"c grad {grad}"))
h = b.register_hook(lambda grad: grad * 2)
c.backward()
print(a.grad, b.grad, b.retains_grad, c.retains_grad)
h.remove()

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
x.register_hook(lambda grad: grad.clamp(max=1.0))
(x * x).sum().backward()
print(x.grad)

model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
model.load_state_dict(
    {
        "0.weight": torch.tensor(np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)),
        "0.bias": torch.tensor([0.1, -0.1, 0.2]),
        "2.weight": torch.tensor(np.linspace(-0.5, 0.5, 6, dtype=np.float32).reshape(2, 3)),
        "2.bias": torch.tensor([0.0, 0.3]),
    }
)

activations = {}


def save_activation(name):
    def hook(module, input, output):
        activations[name] = output.detach()
        print(
            f"forward {name}: {type(module).__name__} in={tuple(input[0].shape)} out={tuple(output.shape)}"
        )

    return hook


def pre_hook(module, args):
    print("pre", type(module).__name__, len(args))


def backward_hook(module, grad_input, grad_output):
    print(
        "backward",
        type(module).__name__,
        [None if g is None else tuple(g.shape) for g in grad_input],
        [tuple(g.shape) for g in grad_output],
    )


handles = []
for name, layer in model.named_children():
    handles.append(layer.register_forward_hook(save_activation(name)))
handles.append(model[0].register_forward_pre_hook(pre_hook))
handles.append(model[2].register_full_backward_hook(backward_hook))
handles.append(model[0].register_full_backward_hook(backward_hook))

inp = torch.tensor(np.arange(8, dtype=np.float32).reshape(2, 4) / 8, requires_grad=True)
out = model(inp)
out.sum().backward()
print(sorted(activations), activations["1"])
print(inp.grad)

for h in handles:
    h.remove()
out = model(inp)
print(out)


def scale_output(module, input, output):
    return output * 10


hd = model.register_forward_hook(scale_output)
print(model(inp))
hd.remove()
