# The torch.func "Model ensembling" tutorial as written, shrunk: several MLPs, their weights
# stacked with torch.func.stack_module_state, a base model moved to the 'meta' device and
# called through functional_call inside vmap (different minibatch per model, then the same
# minibatch with in_dims=(0, 0, None)), checked against a Python loop; then training the
# ensemble with grad over the stacked params.
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, stack_module_state, vmap

torch.manual_seed(0)


# Here's a simple MLP
class SimpleMLP(nn.Module):
    def __init__(self):
        super(SimpleMLP, self).__init__()
        self.fc1 = nn.Linear(16, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, 4)

    def forward(self, x):
        x = x.flatten(1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.fc2(x)
        x = F.relu(x)
        x = self.fc3(x)
        return x


device = "cpu"
num_models = 5

data = torch.randn(20, 8, 4, 4, device=device)
targets = torch.randint(4, (20, 8), device=device)

models = [SimpleMLP().to(device) for _ in range(num_models)]

minibatches = data[:num_models]
predictions_diff_minibatch_loop = [model(minibatch) for model, minibatch in zip(models, minibatches)]

minibatch = data[0]
predictions2 = [model(minibatch) for model in models]

params, buffers = stack_module_state(models)
print({k: tuple(v.shape) for k, v in params.items()}, buffers)
print(params["fc1.weight"].requires_grad, params["fc1.weight"].is_leaf, params["fc3.bias"][:, :2])

# Construct a "stateless" version of one of the models. It is "stateless" in
# the sense that the parameters are meta Tensors and do not have storage.
base_model = copy.deepcopy(models[0])
base_model = base_model.to("meta")
print(base_model.fc1.weight.device, base_model.fc1.weight.is_meta, base_model.fc1.weight.shape)
print(base_model.fc1.weight)


def fmodel(params, buffers, x):
    return functional_call(base_model, (params, buffers), (x,))


print([p.size(0) for p in params.values()])  # show the leading 'num_models' dimension

print(minibatches.shape)  # verify minibatch has leading dimension of size 'num_models'

predictions1_vmap = vmap(fmodel)(params, buffers, minibatches)

# verify the ``vmap`` predictions match the
assert torch.allclose(predictions1_vmap, torch.stack(predictions_diff_minibatch_loop), atol=1e-3, rtol=1e-5)
print("different minibatch per model: ok", predictions1_vmap.shape)

predictions2_vmap = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatch)

assert torch.allclose(predictions2_vmap, torch.stack(predictions2), atol=1e-3, rtol=1e-5)
print("same minibatch: ok", predictions2_vmap.shape)
print(predictions2_vmap[:, 0].round(decimals=3))


# train the ensemble functionally: grad of the loss w.r.t. the stacked parameters
def loss_fn(params, buffers, x, y):
    logits = fmodel(params, buffers, x)
    return F.cross_entropy(logits, y)


ensemble_grad = vmap(grad(loss_fn), in_dims=(0, 0, None, None))
lr = 0.5
for step in range(20):
    grads = ensemble_grad(params, buffers, data[0], targets[0])
    params = {k: p - lr * grads[k] for k, p in params.items()}
    if step % 5 == 0:
        losses = vmap(loss_fn, in_dims=(0, 0, None, None))(params, buffers, data[0], targets[0])
        print(step, losses.round(decimals=4))
acc = (vmap(fmodel, in_dims=(0, 0, None))(params, buffers, data[0]).argmax(-1) == targets[0]).float().mean(1)
print(acc)
ens = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, data[1]).softmax(-1).mean(0)
print(ens.shape, f"{ens.sum().item():.3f}")
