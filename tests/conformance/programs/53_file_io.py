# Imitates a deep-learning textbook's "file I/O" section: torch.save/torch.load of a tensor, a
# list of tensors and a dict of tensors, then a model's state_dict saved, loaded into a fresh
# clone (eval mode) and checked to give the same outputs; plus an in-memory buffer.
import io

import torch
from torch import nn
from torch.nn import functional as F

x = torch.arange(4)
torch.save(x, "x-file")
x2 = torch.load("x-file")
print(x2)

y = torch.zeros(4)
torch.save([x, y], "x-files")
x2, y2 = torch.load("x-files")
print(x2, y2)

mydict = {"x": x, "y": y}
torch.save(mydict, "mydict")
mydict2 = torch.load("mydict")
print(mydict2)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(20, 256)
        self.output = nn.Linear(256, 10)

    def forward(self, x):
        return self.output(F.relu(self.hidden(x)))


torch.manual_seed(0)
net = MLP()
X = torch.randn(size=(2, 20))
Y = net(X)
torch.save(net.state_dict(), "mlp.params")
clone = MLP()
print(clone.load_state_dict(torch.load("mlp.params")))
clone.eval()
print(clone)
Y_clone = clone(X)
print(Y_clone == Y)
print(torch.equal(Y_clone, Y), Y.shape)

buffer = io.BytesIO()
torch.save({"epoch": 3, "weights": net.hidden.weight.detach()[:2, :3]}, buffer)
buffer.seek(0)
ckpt = torch.load(buffer, weights_only=True)
print(ckpt["epoch"], ckpt["weights"].shape, torch.equal(ckpt["weights"], net.hidden.weight[:2, :3]))
print(sorted(torch.load("mlp.params").keys()))
