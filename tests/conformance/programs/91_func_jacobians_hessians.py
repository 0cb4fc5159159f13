# The "Jacobians, Hessians, hvp, vhp, and more: composing function transforms" tutorial
# (torch.func), shrunk: a row-by-row Jacobian with autograd.grad, the same with vjp + vmap,
# jacrev with argnums, jacfwd vs jacrev, hessian and jacfwd(jacrev), batch Jacobians via vmap
# and via the summed-output trick, batch Hessians, and hvp by forward-over-reverse.
from functools import partial

import torch
import torch.nn.functional as F
from torch.func import hessian, jacfwd, jacrev, jvp, vjp, vmap, grad

_ = torch.manual_seed(0)


def predict(weight, bias, x):
    return F.linear(x, weight, bias).tanh()


D = 16
weight = torch.randn(D, D)
bias = torch.randn(D)
x = torch.randn(D)  # feature vector


def compute_jac(xp):
    jacobian_rows = [torch.autograd.grad(predict(weight, bias, xp), xp, vec)[0] for vec in unit_vectors]
    return torch.stack(jacobian_rows)


xp = x.clone().requires_grad_()
unit_vectors = torch.eye(D)

jacobian = compute_jac(xp)

print(jacobian.shape)
print(jacobian[0].round(decimals=4))  # show first row

_, vjp_fn = vjp(partial(predict, weight, bias), x)

(ft_jacobian,) = vmap(vjp_fn)(unit_vectors)

# let's confirm both methods compute the same result
assert torch.allclose(ft_jacobian, jacobian)
print("vjp + vmap ok")

ft_jacobian = jacrev(predict, argnums=2)(weight, bias, x)

# Confirm by running the following:
assert torch.allclose(ft_jacobian, jacobian)
print("jacrev ok", ft_jacobian.shape)

# note the change in input via ``argnums`` parameters of 0,1 to map to weight and bias
ft_jac_weight, ft_jac_bias = jacrev(predict, argnums=(0, 1))(weight, bias, x)

# verify computation method:
print(ft_jac_weight.shape, ft_jac_bias.shape)
w = weight.clone().requires_grad_()
b = bias.clone().requires_grad_()
rows = [torch.autograd.grad(predict(w, b, x), (w, b), vec) for vec in unit_vectors]
assert torch.allclose(ft_jac_weight, torch.stack([r[0] for r in rows]))
assert torch.allclose(ft_jac_bias, torch.stack([r[1] for r in rows]))
print("weight and bias jacobians ok")

# jacfwd vs jacrev: same result
Din, Dout = 8, 24
weight = torch.randn(Dout, Din)
bias = torch.randn(Dout)
x = torch.randn(Din)
using_fwd = jacfwd(predict, argnums=2)(weight, bias, x)
using_bwd = jacrev(predict, argnums=2)(weight, bias, x)
print(f"jacfwd-jacrev compute diff: {(using_fwd - using_bwd).abs().max().item() < 1e-6}", using_fwd.shape)

# Hessian computation with functorch.hessian
Din = 8
Dout = Din
weight = torch.randn(Dout, Din)
bias = torch.randn(Dout)
x = torch.randn(Din)

hess_api = hessian(predict, argnums=2)(weight, bias, x)
hess_fwdfwd = jacfwd(jacfwd(predict, argnums=2), argnums=2)(weight, bias, x)
hess_revrev = jacrev(jacrev(predict, argnums=2), argnums=2)(weight, bias, x)
print(hess_api.shape, torch.allclose(hess_api, hess_fwdfwd, atol=1e-6), torch.allclose(hess_api, hess_revrev, atol=1e-6))
print((hess_api[0, :3, :3] * 100).round(decimals=3))

# Batch Jacobian and Batch Hessian
batch_size = 4
Din = 6
Dout = 5

weight = torch.randn(Dout, Din)
bias = torch.randn(Dout)
x = torch.randn(batch_size, Din)

compute_batch_jacobian = vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))
batch_jacobian0 = compute_batch_jacobian(weight, bias, x)
print(batch_jacobian0.shape)


def predict_with_output_summed(weight, bias, x):
    return predict(weight, bias, x).sum(0)


batch_jacobian1 = jacrev(predict_with_output_summed, argnums=2)(weight, bias, x).movedim(1, 0)
assert torch.allclose(batch_jacobian0, batch_jacobian1)
print("summed-output trick ok", batch_jacobian1.shape)

compute_batch_hessian = vmap(hessian(predict, argnums=2), in_dims=(None, None, 0))

batch_hess = compute_batch_hessian(weight, bias, x)
print(batch_hess.shape)
per_sample = torch.stack([hessian(predict, argnums=2)(weight, bias, xi) for xi in x])
print(torch.allclose(batch_hess, per_sample, atol=1e-6))


# Computing Hessian-vector products
def hvp(f, primals, tangents):
    return jvp(grad(f), primals, tangents)[1]


def hvp_revrev(f, primals, tangents):
    _, vjp_fn = vjp(grad(f), *primals)
    return vjp_fn(*tangents)


def f(x):
    return x.sin().sum()


x = torch.randn(2048)
tangent = torch.randn(2048)

result = hvp(f, (x,), (tangent,))
print(result.shape, torch.allclose(result, -x.sin() * tangent, atol=1e-6))
result_hvp_revrev = hvp_revrev(f, (x,), (tangent,))
assert torch.allclose(result, result_hvp_revrev[0])
print("hvp forward-over-reverse == reverse-over-reverse")

# jacrev with has_aux
def f_aux(x):
    y = x.sin()
    return y, {"norm": y.norm()}


jac, aux = jacrev(f_aux, has_aux=True)(torch.arange(3.0))
print(jac.round(decimals=4))
print(aux["norm"].round(decimals=4))
