# Imitates a deep-learning textbook's "probability" section: tossing coins and a fair die by
# sampling (multinomial draws from a seeded generator), relative frequencies converging as the
# number of draws grows, and the running estimates printed at a few checkpoints.
import torch

torch.manual_seed(0)
num_tosses = 100
heads = sum([torch.rand(1).item() > 0.5 for _ in range(num_tosses)])
tails = num_tosses - heads
print("heads, tails: ", [heads, tails])

fair_probs = torch.tensor([0.5, 0.5])
counts = torch.zeros(2)
draws = torch.multinomial(fair_probs, 100, replacement=True)
for i in range(2):
    counts[i] = (draws == i).sum()
print(counts / 100)

die = torch.ones(6) / 6
samples = torch.multinomial(die, 10, replacement=True)
print(samples)
samples = torch.multinomial(die, 1000, replacement=True)
est = torch.stack([(samples == i).float() for i in range(6)], dim=1)
cum_counts = est.cumsum(dim=0)
estimates = cum_counts / cum_counts.sum(dim=1, keepdims=True)
print(estimates[[0, 9, 99, 999]])
print((estimates[-1] - 1 / 6).abs().max() < 0.05)

g = torch.Generator().manual_seed(1)
loaded = torch.tensor([0.1, 0.1, 0.1, 0.1, 0.1, 0.5])
s = torch.multinomial(loaded, 600, replacement=True, generator=g)
print([(s == i).sum().item() for i in range(6)])
print(torch.multinomial(loaded, 6, replacement=False, generator=g))
print(torch.bernoulli(torch.full((12,), 0.3), generator=g))
print(torch.randperm(6, generator=g), torch.randint(1, 7, (8,), generator=g))
