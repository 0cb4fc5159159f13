# The official "Pruning Tutorial" (torch.nn.utils.prune) on its LeNet, print for print: random
# and L1 unstructured pruning, iterative structured pruning (a PruningContainer), the
# state_dict keys, remove(), pruning every layer, global pruning, and a custom method.
# The tutorial prints ``module._forward_pre_hooks`` whole; its keys come from the process-wide
# hook counter (they depend on what ran before), so they are masked here.
import re

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import prune

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        # 1 input image channel, 6 output channels, 3x3 square conv kernel
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # 5x5 image dimension
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, int(x.nelement() / x.shape[0]))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


def show_hooks(module):
    print(re.sub(r"\(\d+, <", "(<id>, <", repr(module._forward_pre_hooks)))


model = sync_weights(LeNet().to(device=device))  # noqa: F821 - provided by the harness

# Inspect a Module
module = model.conv1
print(list(module.named_parameters()))
print(list(module.named_buffers()))

# Pruning a Module
torch.manual_seed(1)
prune.random_unstructured(module, name="weight", amount=0.3)
print(list(module.named_parameters()))
print(list(module.named_buffers()))
print(module.weight)
show_hooks(module)

prune.l1_unstructured(module, name="bias", amount=3)
print(list(module.named_parameters()))
print(list(module.named_buffers()))
print(module.bias)
show_hooks(module)

# Iterative Pruning
prune.ln_structured(module, name="weight", amount=0.5, n=2, dim=0)
# As we can verify, this will zero out all the connections corresponding to
# 50% (3 out of 6) of the channels, while preserving the action of the
# previous mask.
print(module.weight)

for hook in module._forward_pre_hooks.values():
    if hook._tensor_name == "weight":  # select out the correct hook
        break

print(list(hook))  # pruning history in the container
show_hooks(module)

# Serializing a pruned model
print(model.state_dict().keys())

# Remove pruning re-parametrization
print(list(module.named_parameters()))
print(list(module.named_buffers()))
print(module.weight)
prune.remove(module, "weight")
print(list(module.named_parameters()))
print(list(module.named_buffers()))
show_hooks(module)

# Pruning multiple parameters in a model
new_model = sync_weights(LeNet())  # noqa: F821
for name, module in new_model.named_modules():
    # prune 20% of connections in all 2D-conv layers
    if isinstance(module, torch.nn.Conv2d):
        prune.l1_unstructured(module, name="weight", amount=0.2)
    # prune 40% of connections in all linear layers
    elif isinstance(module, torch.nn.Linear):
        prune.l1_unstructured(module, name="weight", amount=0.4)

print(dict(new_model.named_buffers()).keys())  # to verify that all masks exist

# Global pruning
model = sync_weights(LeNet())  # noqa: F821

parameters_to_prune = (
    (model.conv1, "weight"),
    (model.conv2, "weight"),
    (model.fc1, "weight"),
    (model.fc2, "weight"),
    (model.fc3, "weight"),
)

prune.global_unstructured(
    parameters_to_prune,
    pruning_method=prune.L1Unstructured,
    amount=0.2,
)

for name in ("conv1", "conv2", "fc1", "fc2", "fc3"):
    layer = getattr(model, name)
    print(
        "Sparsity in {}.weight: {:.2f}%".format(
            name, 100.0 * float(torch.sum(layer.weight == 0)) / float(layer.weight.nelement())
        )
    )
print(
    "Global sparsity: {:.2f}%".format(
        100.0
        * float(
            torch.sum(model.conv1.weight == 0)
            + torch.sum(model.conv2.weight == 0)
            + torch.sum(model.fc1.weight == 0)
            + torch.sum(model.fc2.weight == 0)
            + torch.sum(model.fc3.weight == 0)
        )
        / float(
            model.conv1.weight.nelement()
            + model.conv2.weight.nelement()
            + model.fc1.weight.nelement()
            + model.fc2.weight.nelement()
            + model.fc3.weight.nelement()
        )
    )
)
print([(n, b.sum().item()) for n, b in model.named_buffers()])


# Extending torch.nn.utils.prune with custom pruning functions
class FooBarPruningMethod(prune.BasePruningMethod):
    """Prune every other entry in a tensor"""

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t, default_mask):
        mask = default_mask.clone()
        mask.view(-1)[::2] = 0
        return mask


def foobar_unstructured(module, name):
    FooBarPruningMethod.apply(module, name)
    return module


model = sync_weights(LeNet())  # noqa: F821
foobar_unstructured(model.fc3, name="bias")
print(model.fc3.bias_mask)
print(model.fc3.bias)
show_hooks(model.fc3)
print(prune.is_pruned(model), prune.is_pruned(LeNet()))

# the pruned weight is recomputed before every forward; gradients reach weight_orig masked
x = torch.linspace(-1, 1, 2 * 28 * 28).view(2, 1, 28, 28)
model = sync_weights(LeNet())  # noqa: F821
torch.manual_seed(3)
prune.random_structured(model.fc1, "weight", amount=0.25, dim=1)
print(int((model.fc1.weight_mask.sum(0) == 0).sum()), model.fc1.weight_mask.shape)
prune.l1_unstructured(model.fc3, "weight", amount=100)
with torch.no_grad():
    model.fc3.weight_orig.add_(1.0)
out = model(x)
out.sum().backward()
print(model.fc3.weight.grad_fn)
print(model.fc3.weight_orig.grad[0])
print(int((model.fc3.weight_orig.grad == 0).sum()), int((model.fc1.weight_orig.grad == 0).sum()))
