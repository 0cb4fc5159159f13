# "Saving and Loading Models": state_dict, torch.save / torch.load, checkpoints.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class TheModelClass(nn.Module):
    def __init__(self):
        super(TheModelClass, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


model = TheModelClass()
sync_weights(model)
optimizer = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)

print("Model's state_dict:")
for param_tensor in model.state_dict():
    print(param_tensor, "\t", model.state_dict()[param_tensor].size())

print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    print(var_name, "\t", optimizer.state_dict()[var_name])

x = torch.tensor(np.random.default_rng(0).standard_normal((2, 3, 32, 32)).astype(np.float32))
out = model(x)
out.sum().backward()
optimizer.step()
print(optimizer.state_dict()["state"][0]["momentum_buffer"].shape)

PATH = "model.pt"
torch.save(model.state_dict(), PATH)
model2 = TheModelClass()
print(model2.load_state_dict(torch.load(PATH, weights_only=True)))
model2.eval()
with torch.no_grad():
    print(torch.equal(model2(x), model(x)), torch.allclose(model2(x), model(x)))

torch.save(
    {
        "epoch": 5,
        "model_state_dict": model.state_dict(),
        "optimizer_state_dict": optimizer.state_dict(),
        "loss": 0.25,
    },
    "checkpoint.tar",
)
checkpoint = torch.load("checkpoint.tar")
model2.load_state_dict(checkpoint["model_state_dict"])
optimizer2 = optim.SGD(model2.parameters(), lr=0.5)
optimizer2.load_state_dict(checkpoint["optimizer_state_dict"])
epoch = checkpoint["epoch"]
loss = checkpoint["loss"]
print(epoch, loss, optimizer2.param_groups[0]["lr"], optimizer2.param_groups[0]["momentum"])
print(type(checkpoint["model_state_dict"]).__name__)

t = torch.tensor([[1.5, 2.0], [3.0, 4.25]])
torch.save(t, "tensor.pt")
print(torch.load("tensor.pt"))
torch.save({"a": torch.arange(3), "b": [torch.ones(2), 3]}, "mixed.pt")
print(torch.load("mixed.pt"))

sd = model.state_dict()
print(list(sd.keys())[:4], sd["fc3.bias"].requires_grad)
missing = {k: v for k, v in sd.items() if not k.startswith("fc3")}
try:
    model2.load_state_dict(missing)
except RuntimeError as e:
    print(e)
result = model2.load_state_dict(missing, strict=False)
print(result.missing_keys, result.unexpected_keys)
bad = dict(sd)
bad["fc3.bias"] = torch.zeros(3)
try:
    model2.load_state_dict(bad)
except RuntimeError as e:
    print(e)
