# Imitates an example repository's small image-classifier script: synthetic 1x12x12 "digits"
# (bars in four orientations), Conv2d/MaxPool2d/Dropout/Linear, SGD with momentum and a StepLR
# schedule, train and test loops with model.train()/model.eval() and torch.no_grad().
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


def make_images(n, generator):
    labels = torch.randint(0, 4, (n,), generator=generator)
    imgs = torch.rand(n, 1, 12, 12, generator=generator) * 0.3
    for i, lab in enumerate(labels.tolist()):
        if lab == 0:
            imgs[i, 0, 5:7, :] += 1
        elif lab == 1:
            imgs[i, 0, :, 5:7] += 1
        elif lab == 2:
            imgs[i, 0].fill_diagonal_(1.0)
        else:
            imgs[i, 0] = imgs[i, 0].flip(1)
            imgs[i, 0, 2:10, 2:10] += 0.5
    return imgs, labels


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, 1)
        self.conv2 = nn.Conv2d(8, 16, 3, 1)
        self.dropout = nn.Dropout(0.25)
        self.fc = nn.Linear(16 * 4 * 4, 4)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.dropout(torch.flatten(x, 1))
        return F.log_softmax(self.fc(x), dim=1)


g = torch.Generator().manual_seed(0)
train_x, train_y = make_images(256, g)
test_x, test_y = make_images(64, g)
torch.manual_seed(1)
train_loader = DataLoader(TensorDataset(train_x, train_y), batch_size=32, shuffle=True)
test_loader = DataLoader(TensorDataset(test_x, test_y), batch_size=64)
model = Net()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
for epoch in range(1, 4):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
        if batch_idx % 4 == 0:
            print(f"Train Epoch: {epoch} [{batch_idx * len(data)}/{len(train_loader.dataset)}]"
                  f"\tLoss: {loss.item():.4f}")
    model.eval()
    test_loss, correct = 0.0, 0
    with torch.no_grad():
        for data, target in test_loader:
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    print(f"Test: loss {test_loss / 64:.4f}, accuracy {correct}/64, lr {scheduler.get_last_lr()[0]:.4f}")
    scheduler.step()
