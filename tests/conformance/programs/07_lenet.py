# "Neural Networks" tutorial (60 minute blitz): LeNet.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        # 1 input image channel, 6 output channels, 5x5 square convolution
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, input):
        c1 = F.relu(self.conv1(input))
        s2 = F.max_pool2d(c1, (2, 2))
        c3 = F.relu(self.conv2(s2))
        s4 = F.max_pool2d(c3, 2)
        s4 = torch.flatten(s4, 1)
        f5 = F.relu(self.fc1(s4))
        f6 = F.relu(self.fc2(f5))
        output = self.fc3(f6)
        return output


net = Net()
sync_weights(net)
print(net)

params = list(net.parameters())
print(len(params))
print(params[0].size())  # conv1's .weight

rng = np.random.default_rng(0)
input = torch.tensor(rng.standard_normal((1, 1, 32, 32)).astype(np.float32))
out = net(input)
print(out.shape, out.grad_fn)
print(np.allclose(out.detach().numpy().round(3), out.detach().numpy().round(3)))

net.zero_grad()
out.backward(torch.from_numpy(rng.standard_normal((1, 10)).astype(np.float32)))
print(net.conv1.bias.grad.shape, net.fc3.bias.grad.abs().sum() > 0)

output = net(input)
target = torch.tensor(rng.standard_normal(10).astype(np.float32))
target = target.view(1, -1)
criterion = nn.MSELoss()

loss = criterion(output, target)
print(f"{loss.item():.4f}")
print(loss.grad_fn)  # MSELoss
print(loss.grad_fn.next_functions[0][0])  # Linear
print(loss.grad_fn.next_functions[0][0].next_functions[0][0])  # ReLU

net.zero_grad()
print("conv1.bias.grad before backward")
print(net.conv1.bias.grad)
loss.backward()
print("conv1.bias.grad after backward")
print(net.conv1.bias.grad.shape, net.conv1.bias.grad.dtype)

learning_rate = 0.01
for f in net.parameters():
    f.data.sub_(f.grad.data * learning_rate)

import torch.optim as optim

optimizer = optim.SGD(net.parameters(), lr=0.01)
losses = []
for i in range(5):
    optimizer.zero_grad()
    output = net(input)
    loss = criterion(output, target)
    loss.backward()
    optimizer.step()
    losses.append(round(loss.item(), 4))
print(losses)
print(optimizer.state_dict()["param_groups"])
