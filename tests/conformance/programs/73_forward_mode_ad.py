# In the style of the forward-mode AD tutorial: dual numbers under a dual level, jvp of a
# function, the tangent of an nn.Module's output with respect to its weights (through
# functional_call), a custom Function with a jvp, and the printing of dual tensors.
import torch
import torch.autograd.forward_ad as fwAD
import torch.nn as nn
from torch.func import functional_call

torch.manual_seed(0)
primal = torch.randn(4, 3)
tangent = torch.randn(4, 3)


def fn(x, y):
    return x**2 + y.sin() * x


with fwAD.dual_level():
    dual_input = fwAD.make_dual(primal, tangent)
    print(dual_input)
    out = fn(dual_input, primal)
    jvp = fwAD.unpack_dual(out).tangent
    print(jvp)
    print(fwAD.unpack_dual(primal).tangent is None)
    print(type(fwAD.unpack_dual(out)).__name__, fwAD.unpack_dual(out)._fields)
    print(dual_input.requires_grad, out.requires_grad)

expected = 2 * primal * tangent + primal.sin() * tangent
print(torch.allclose(jvp, expected))

model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
params = {name: p for name, p in model.named_parameters()}
tangents = {name: torch.rand_like(p) for name, p in params.items()}
with fwAD.dual_level():
    dual_params = {name: fwAD.make_dual(p, tangents[name]) for name, p in params.items()}
    out = functional_call(model, dual_params, (primal,))
    jvp = fwAD.unpack_dual(out).tangent
    # (PyTorch's tangent here carries a graph back to the weights; autograd_widgets'
    # tangents carry none, so only the values are printed)
    print(jvp.shape, round(jvp.sum().item(), 3))


class Fn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, foo):
        result = torch.exp(foo)
        ctx.result = result
        return result

    @staticmethod
    def jvp(ctx, gI):
        gO = gI * ctx.result
        del ctx.result
        return gO


with fwAD.dual_level():
    x = fwAD.make_dual(primal.double(), tangent.double())
    y = Fn.apply(x)
    print(fwAD.unpack_dual(y).tangent.sum())

x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.double)
print(torch.func.jvp(lambda t: (t**3).sum(), (x,), (torch.ones(3, dtype=torch.double),)))
try:
    fwAD.make_dual(primal, tangent)
except RuntimeError as e:
    print("RuntimeError:", str(e)[:60])
