# Imitates a "ResNet on CIFAR in a few lines" training script shrunk to tiny synthetic images:
# BasicBlocks with BatchNorm2d and a 1x1 projection shortcut, a DenseNet-style concatenation
# block, AdaptiveAvgPool2d, Kaiming init, OneCycleLR / CosineAnnealingWarmRestarts schedules,
# gradient clipping and label smoothing.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes, planes, stride=1):
        super(BasicBlock, self).__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != self.expansion * planes:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_planes, self.expansion * planes, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(self.expansion * planes),
            )

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        out = F.relu(out)
        return out


class DenseLayer(nn.Module):
    def __init__(self, in_ch, growth):
        super().__init__()
        self.bn = nn.BatchNorm2d(in_ch)
        self.conv = nn.Conv2d(in_ch, growth, 3, padding=1, bias=False)

    def forward(self, x):
        return torch.cat([x, self.conv(F.relu(self.bn(x)))], 1)


class TinyResNet(nn.Module):
    def __init__(self, num_classes=3):
        super(TinyResNet, self).__init__()
        self.conv1 = nn.Conv2d(1, 4, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.layer1 = BasicBlock(4, 4)
        self.layer2 = BasicBlock(4, 8, stride=2)
        self.dense = nn.Sequential(DenseLayer(8, 4), DenseLayer(12, 4))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.linear = nn.Linear(16, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer2(self.layer1(out))
        out = self.dense(out)
        out = self.avgpool(out)
        out = torch.flatten(out, 1)
        return self.linear(out)


def make_data(n):
    imgs = torch.zeros(n, 1, 8, 8)
    labels = torch.arange(n) % 3
    imgs[labels == 0, :, 2:6, 3:5] = 1.0  # vertical bar
    imgs[labels == 1, :, 3:5, 2:6] = 1.0  # horizontal bar
    imgs[labels == 2, :, 2:6, 2:6] = 0.5  # square
    return imgs + 0.2 * torch.randn_like(imgs), labels


X, Y = make_data(48)
print(X.shape, Y[:6])
model = sync_weights(TinyResNet())
print(model.layer2)
print("params:", sum(p.numel() for p in model.parameters()))
print([name for name, _ in model.named_buffers()][:4])

epochs, steps_per_epoch = 4, 3
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, epochs=epochs, steps_per_epoch=steps_per_epoch)
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
for epoch in range(epochs):
    model.train()
    perm = torch.randperm(48)
    for i in range(steps_per_epoch):
        idx = perm[i * 16 : (i + 1) * 16]
        inputs, targets = X[idx], Y[idx]
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, targets)
        loss.backward()
        total_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=2.0)
        optimizer.step()
        scheduler.step()
    _, predicted = outputs.max(1)
    correct = predicted.eq(targets).sum().item()
    print(f"Epoch {epoch} | Loss: {loss.item():.3f} | Acc: {100.0 * correct / targets.size(0):.1f}% | lr {scheduler.get_last_lr()[0]:.5f} | grad norm {total_norm:.3f}")

model.eval()
with torch.no_grad():
    out = model(X[:6])
print(out.shape, out.argmax(1))
print(model.bn1.running_var, model.bn1.num_batches_tracked)
print(loss.grad_fn, outputs.grad_fn)

opt2 = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
sched2 = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt2, T_0=3, T_mult=2, eta_min=0.001)
lrs = []
for it in range(10):
    opt2.step()
    sched2.step()
    lrs.append(round(sched2.get_last_lr()[0], 5))
print(lrs)
sched3 = torch.optim.lr_scheduler.OneCycleLR(opt2, max_lr=1.0, total_steps=6, anneal_strategy="linear")
print([round(g["lr"], 4) for g in opt2.param_groups], [round(g["momentum"], 4) if "momentum" in g else None for g in opt2.param_groups])
for _ in range(5):
    opt2.step()
    sched3.step()
    print(round(opt2.param_groups[0]["lr"], 4), end=" ")
print()
w = torch.empty(4, 2, 3, 3)
nn.init.kaiming_uniform_(w, a=0, mode="fan_in", nonlinearity="leaky_relu")
print(w.shape, nn.init.calculate_gain("relu"), nn.init._calculate_fan_in_and_fan_out(w))
