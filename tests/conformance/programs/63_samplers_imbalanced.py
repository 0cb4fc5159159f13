# Imitates an example repository's data-loading utilities for an imbalanced data set: class
# weights from label counts, a WeightedRandomSampler, random_split into train/val with a seeded
# generator, a SubsetRandomSampler, a BatchSampler, and a shuffled DataLoader with a generator.
import torch
from torch.utils.data import (
    BatchSampler,
    DataLoader,
    RandomSampler,
    SequentialSampler,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    random_split,
)

torch.manual_seed(0)
labels = torch.tensor([0] * 18 + [1] * 5 + [2] * 1)
features = torch.arange(24, dtype=torch.float32).unsqueeze(1)
ds = TensorDataset(features, labels)
counts = torch.tensor([(labels == c).sum().item() for c in range(3)])
class_weights = 1.0 / counts.float()
sample_weights = class_weights[labels]
print(counts, class_weights)
sampler = WeightedRandomSampler(sample_weights, num_samples=24, replacement=True)
drawn = labels[list(sampler)]
print(drawn.tolist(), [(drawn == c).sum().item() for c in range(3)])
loader = DataLoader(ds, batch_size=6, sampler=sampler)
print([b[1].tolist() for b in loader])

train_ds, val_ds = random_split(ds, [0.75, 0.25], generator=torch.Generator().manual_seed(42))
print(len(train_ds), len(val_ds), train_ds.indices[:8], val_ds.indices)
sub = SubsetRandomSampler(train_ds.indices[:10], generator=torch.Generator().manual_seed(1))
print(list(sub))
print(list(BatchSampler(SequentialSampler(range(10)), batch_size=4, drop_last=False)))
print(list(BatchSampler(RandomSampler(range(10)), batch_size=4, drop_last=True)))
rs = RandomSampler(range(5), replacement=True, num_samples=12)
print(list(rs), len(rs))
g = torch.Generator().manual_seed(123)
dl = DataLoader(ds, batch_size=8, shuffle=True, generator=g)
for epoch in range(2):
    print(epoch, [b[0].squeeze(1).int().tolist() for b in dl])
print(torch.rand(2))
