# Imitates a 2017-era PyTorch script (0.2/0.3 days) that still runs on 2.x: Variable wrappers,
# torch.FloatTensor / LongTensor constructors, .data everywhere, .type(torch.LongTensor),
# size() instead of shape, F.softmax without... well, with dim, and loss.data.item().
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.autograd import Variable

torch.manual_seed(1)
np.random.seed(1)

x_np = np.random.randn(30, 4).astype(np.float32)
y_np = (x_np[:, 0] + x_np[:, 1] > 0).astype(np.int64)
x = Variable(torch.from_numpy(x_np))
y = Variable(torch.from_numpy(y_np))
print(type(x), x.requires_grad, x.size(), y.size(0))

a = torch.FloatTensor([[1, 2], [3, 4]])
b = torch.FloatTensor(2, 3).zero_()
c = torch.LongTensor([1, 0, 1])
d = torch.ByteTensor([1, 0, 1])
print(a, b, c, d)
print(a.type(), c.type(), a.type(torch.LongTensor), c.type(torch.FloatTensor).type())
print(torch.DoubleTensor([1.5]).type(), torch.IntTensor(2).zero_().size())
print(isinstance(a, torch.FloatTensor), isinstance(c, torch.FloatTensor))


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(4, 10)
        self.fc2 = nn.Linear(10, 2)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


net = sync_weights(Net())
print(net)
params = list(net.parameters())
print(len(params), params[0].size())
optimizer = optim.SGD(net.parameters(), lr=0.1, momentum=0.5)
for epoch in range(1, 31):
    optimizer.zero_grad()
    output = net(x)
    loss = F.nll_loss(output, y)
    loss.backward()
    optimizer.step()
    if epoch % 10 == 0:
        pred = output.data.max(1, keepdim=True)[1]
        correct = pred.eq(y.data.view_as(pred)).cpu().sum()
        print("Train Epoch: {} \tLoss: {:.6f}\tAcc: {}/{}".format(epoch, loss.data.item(), correct, len(y)))
print(type(correct), correct.dtype, loss.data)

# manual SGD the old way
w = Variable(torch.randn(4, 1), requires_grad=True)
bias = Variable(torch.zeros(1), requires_grad=True)
target = Variable(torch.from_numpy(x_np[:, :1] * 2.0 - 1.0))
for t in range(20):
    y_pred = x.mm(w).add(bias.expand(30, 1))
    loss = (y_pred - target).pow(2).sum()
    if t % 5 == 0:
        print(t, loss.data.item(), loss.item())
    loss.backward()
    w.data -= 1e-3 * w.grad.data
    bias.data -= 1e-3 * bias.grad.data
    w.grad.data.zero_()
    bias.grad.data.zero_()
print(w.data.view(-1), w.grad)
print(torch.sum(w.data).item(), w.data[0][0], w.data[0, 0].item())

v = Variable(torch.ones(2, 2), requires_grad=True)
out = (v * 3).mean()
out.backward()
print(v.grad, v.grad.data, v.data, out.grad_fn)
idx = torch.LongTensor([0, 2])
print(torch.index_select(a.t(), 1, torch.LongTensor([1])), x[idx].size())
z = torch.Tensor(3, 2).fill_(0.5)
print(z, z.type(), torch.Tensor([[1, 2]]).size())
z.resize_(2, 3)
print(z.size(), z.numel(), z.dim(), z.nelement())
m = torch.FloatTensor(3).fill_(2)
print(m.sum(), m.mean(0), m.max(0), torch.max(m))
print(torch.cat((a, a), 0).size(), a.unsqueeze(0).expand(3, 2, 2).size())
print(F.softmax(Variable(torch.FloatTensor([1, 2, 3])), dim=0).data.numpy().round(4))
sq = a.clone()
sq.masked_fill_(sq > 2, 0)
print(sq, sq.byte(), (sq > 0).type(torch.FloatTensor))
