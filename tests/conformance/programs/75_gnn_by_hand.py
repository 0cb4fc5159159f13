# Imitates a "GCN from scratch" blog post: a tiny graph given as an edge list, a dense
# normalised adjacency D^-1/2 (A+I) D^-1/2, then the same layer again with message passing via
# index_add_ / scatter_add_ over the edge index, node classification with cross entropy.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

edge_index = torch.tensor(
    [[0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 0, 1, 4],
     [1, 0, 2, 1, 3, 2, 4, 3, 5, 4, 0, 5, 4, 1]], dtype=torch.long
)
num_nodes = 6
x = torch.tensor(
    [[1.0, 0.0, 0.5], [0.9, 0.1, 0.4], [0.8, 0.3, 0.1],
     [0.1, 0.9, 0.2], [0.2, 0.8, 0.9], [0.0, 1.0, 0.3]]
)
y = torch.tensor([0, 0, 0, 1, 1, 1])
train_mask = torch.tensor([True, False, True, True, False, True])
print("edge_index", edge_index.size(), edge_index.dtype)

A = torch.zeros(num_nodes, num_nodes)
A[edge_index[0], edge_index[1]] = 1.0
A_hat = A + torch.eye(num_nodes)
deg = A_hat.sum(dim=1)
print("degrees", deg)
D_inv_sqrt = torch.diag(deg.pow(-0.5))
A_norm = D_inv_sqrt @ A_hat @ D_inv_sqrt
print(A_norm[:3].round(decimals=4))

# message passing version of the same propagation
row, col = edge_index
loops = torch.arange(num_nodes)
row = torch.cat([row, loops])
col = torch.cat([col, loops])
deg2 = torch.zeros(num_nodes).scatter_add_(0, row, torch.ones(row.size(0)))
print(torch.equal(deg2, deg))
norm = deg2[row].rsqrt() * deg2[col].rsqrt()


def propagate(h):
    msg = h[col] * norm.unsqueeze(-1)
    out = torch.zeros(num_nodes, h.size(1), dtype=h.dtype)
    out.index_add_(0, row, msg)
    return out


print(torch.allclose(propagate(x), A_norm @ x, atol=1e-6))


class GCNLayer(nn.Module):
    def __init__(self, in_f, out_f):
        super().__init__()
        self.lin = nn.Linear(in_f, out_f, bias=False)
        self.bias = nn.Parameter(torch.zeros(out_f))

    def forward(self, h):
        return propagate(self.lin(h)) + self.bias


class GCN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = GCNLayer(3, 8)
        self.conv2 = GCNLayer(8, 2)

    def forward(self, h):
        h = F.relu(self.conv1(h))
        h = F.dropout(h, p=0.0, training=self.training)
        return self.conv2(h)


model = sync_weights(GCN())
print(model)
print([(n, tuple(p.shape)) for n, p in model.named_parameters()])
optimizer = torch.optim.Adam(model.parameters(), lr=0.05, weight_decay=5e-4)
for epoch in range(50):
    model.train()
    optimizer.zero_grad()
    out = model(x)
    loss = F.cross_entropy(out[train_mask], y[train_mask])
    loss.backward()
    optimizer.step()
    if epoch % 10 == 0:
        pred = out.argmax(dim=1)
        acc = (pred == y).float().mean()
        print(f"Epoch {epoch:02d} loss={loss.item():.4f} acc={acc:.2f}")

model.eval()
logits = model(x)
print(logits.grad_fn, logits.shape)
print("pred", logits.argmax(1).tolist())
print("conv1 grad", model.conv1.lin.weight.grad.abs().sum() > 0)

# scatter with reduce and an aggregation by max, as in pooling graphs
batch = torch.tensor([0, 0, 0, 1, 1, 1])
pooled = torch.zeros(2, 2).index_add_(0, batch, logits.detach())
print(pooled / torch.bincount(batch).unsqueeze(1))
mx = torch.full((2, 2), float("-inf")).scatter_reduce(0, batch.unsqueeze(1).expand(-1, 2), logits.detach(), reduce="amax")
print(mx)
h = logits.clone()
h2 = torch.zeros(2, 2).scatter_add(0, batch.unsqueeze(1).expand(-1, 2), h)
h2.sum().backward()
print(h2.grad_fn, model.conv2.bias.grad)
