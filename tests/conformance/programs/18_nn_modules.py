# nn modules as tutorials print and use them.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class CNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, kernel_size=3, padding=1),
            nn.BatchNorm2d(4),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Dropout(0.25),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(4 * 4 * 4, 16),
            nn.BatchNorm1d(16),
            nn.LeakyReLU(0.1),
            nn.Dropout(p=0.5),
            nn.Linear(16, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


model = CNN()
sync_weights(model)
print(model)
total = sum(p.numel() for p in model.parameters())
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f"Total parameters: {total:,} | trainable: {trainable}")
for name, module in model.named_modules():
    print(repr(name), type(module).__name__)
print([n for n, _ in model.named_buffers()])
print(model.features[1].running_mean, model.features[1].num_batches_tracked)

rng = np.random.default_rng(0)
x = torch.tensor(rng.standard_normal((6, 1, 8, 8)).astype(np.float32))
y = torch.tensor(rng.integers(0, 10, 6))
model.eval()
with torch.no_grad():
    out = model(x)
print(out.shape, model.training, model.features[1].training)
model.train()
print(model.training)
model.features[4].p = 0.0
model.classifier[4].p = 0.0
out = model(x)
loss = F.cross_entropy(out, y)
loss.backward()
print(f"{loss.item():.4f}", model.features[1].running_mean.shape, model.features[1].num_batches_tracked)
print(model.classifier[1].weight.grad.shape, model.features[0].weight.grad.abs().sum() > 0)

layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
print(layers, len(layers))
heads = nn.ModuleDict({"cls": nn.Linear(4, 2), "reg": nn.Linear(4, 1)})
print(heads, list(heads.keys()))
emb = nn.Embedding(10, 3, padding_idx=0)
print(emb, emb.weight.shape, emb.weight[0])
print(emb(torch.tensor([[0, 2], [4, 0]])).shape)
print(nn.Identity(), nn.Softmax(dim=-1), nn.GELU(), nn.Tanh(), nn.Sigmoid(), nn.ELU(alpha=0.5))
print(nn.Conv1d(3, 5, 3, stride=2), nn.AvgPool2d(2), nn.AdaptiveAvgPool2d((1, 1)), nn.LayerNorm(8))
print(nn.CrossEntropyLoss(), nn.BCEWithLogitsLoss(), nn.NLLLoss(), nn.L1Loss(), nn.SmoothL1Loss())

lin = nn.Linear(3, 2, bias=False)
nn.init.constant_(lin.weight, 0.5)
print(lin, lin.bias, lin.weight)
nn.init.zeros_(lin.weight)
print(lin.weight.sum())
print(lin.extra_repr(), lin.in_features, lin.out_features)

seq = nn.Sequential()
seq.add_module("fc", nn.Linear(2, 2))
seq.add_module("act", nn.ReLU())
print(seq, seq.fc, seq[0] is seq.fc)
print(list(seq.state_dict().keys()), seq.fc.weight.dtype)
seq.requires_grad_(False)
print([p.requires_grad for p in seq.parameters()])
seq.double()
print(seq.fc.weight.dtype)
seq.apply(lambda m: print("apply", type(m).__name__))
print(F.one_hot(torch.tensor([0, 2, 1]), num_classes=3))
print(F.softmax(torch.tensor([1.0, 2.0, 3.0]), dim=0), F.relu(torch.tensor([-1.0, 1.0])))
print(F.pad(torch.ones(1, 2), (1, 1)), F.normalize(torch.tensor([[3.0, 4.0]]), dim=1))
