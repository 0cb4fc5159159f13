# Imitates an example repository's custom-op code: torch.autograd.Function subclasses with
# ctx.save_for_backward / ctx.needs_input_grad, a straight-through estimator for rounding, a
# clamp whose gradient passes only inside the range, checked with gradcheck in float64, and a
# Function used inside an nn.Module.
import torch
import torch.nn as nn
from torch.autograd import Function, gradcheck


class MyExp(Function):
    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return grad_output * result


class StraightThroughRound(Function):
    @staticmethod
    def forward(ctx, x):
        return x.round()

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


class LinearFunction(Function):
    @staticmethod
    def forward(ctx, input, weight, bias=None):
        ctx.save_for_backward(input, weight, bias)
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_input, grad_weight, grad_bias


class MyLinear(nn.Module):
    def __init__(self, input_features, output_features):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(output_features, input_features))
        self.bias = nn.Parameter(torch.empty(output_features))
        self.weight.data.uniform_(-0.1, 0.1)
        self.bias.data.uniform_(-0.1, 0.1)

    def forward(self, input):
        return LinearFunction.apply(input, self.weight, self.bias)


torch.manual_seed(0)
x = torch.randn(4, requires_grad=True)
y = MyExp.apply(x)
y.sum().backward()
print(y.grad_fn.__class__.__name__, torch.allclose(x.grad, x.exp()))

z = torch.tensor([0.4, 1.6, -2.3], requires_grad=True)
r = StraightThroughRound.apply(z * 2)
r.sum().backward()
print(r, z.grad)

inp = (torch.randn(5, 3, dtype=torch.double, requires_grad=True),
       torch.randn(4, 3, dtype=torch.double, requires_grad=True),
       torch.randn(4, dtype=torch.double, requires_grad=True))
print(gradcheck(LinearFunction.apply, inp, eps=1e-6, atol=1e-4))
print(gradcheck(MyExp.apply, (torch.randn(3, dtype=torch.double, requires_grad=True),)))

layer = MyLinear(3, 2)
out = layer(torch.randn(6, 3))
out.pow(2).mean().backward()
print(out.grad_fn, layer.weight.grad.shape, layer.bias.grad.shape)
print(layer.weight.data)
w = torch.randn(2, 3, requires_grad=False)
o = LinearFunction.apply(torch.randn(1, 3, requires_grad=True), w, None)
print(o.requires_grad, o.shape)
