# More errors notebooks run into, printed with `except ... as e: print(e)`.
import torch
import torch.nn as nn
import torch.nn.functional as F

checks = [
    lambda: torch.ones(2, 3) @ torch.ones(3, 2, dtype=torch.float64),
    lambda: torch.ones(3, 4).t().view(12),
    lambda: nn.Embedding(5, 2)(torch.tensor([7])),
    lambda: F.cross_entropy(torch.ones(2, 3), torch.tensor([0.5, 1.0])),
    lambda: F.nll_loss(torch.ones(2, 3), torch.tensor([0, 3])),
    lambda: torch.zeros(2, 2).long().mean(),
    lambda: torch.tensor([1.0], requires_grad=True).numpy(),
    lambda: torch.ones(2, requires_grad=True).sum().backward(torch.ones(2)),
    lambda: torch.ones(4).view(3, -1),
    lambda: torch.ones(2, 2).reshape(-1, -1),
    lambda: torch.cat([torch.ones(2, 2), torch.ones(2, 2, dtype=torch.long)], dim=2),
    lambda: torch.ones(2, 3).permute(0),
    lambda: torch.ones(3).unsqueeze(3),
    lambda: torch.ones(2, 3).squeeze(4),
    lambda: torch.ones(2, 3)[:, 5],
    lambda: torch.ones(2, 3).expand(2, 2),
    lambda: nn.Linear(3, 2)(torch.ones(3, 2)),
    lambda: nn.BatchNorm1d(3)(torch.ones(1, 3)),
    lambda: nn.Conv2d(1, 2, 3)(torch.ones(1, 1, 2, 2)),
    lambda: F.max_pool2d(torch.ones(1, 1, 1, 1), 2),
    lambda: torch.optim.SGD([], lr=0.1),
    lambda: torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=-1),
    lambda: torch.optim.Adam(nn.Linear(1, 1).parameters(), betas=(1.5, 0.9)),
    lambda: nn.Linear(2, 2).load_state_dict({"weight": torch.ones(2, 2)}),
    lambda: torch.ones(2, 2).masked_fill(torch.tensor([1, 0]), 0.0),
    lambda: torch.gather(torch.ones(2, 2), 1, torch.tensor([[0.0]])),
    lambda: torch.arange(0, 10, 0),
    lambda: torch.ones(2).to("cuda"),
    lambda: torch.randint(5, 2, (3,)),
    lambda: torch.tensor([[1, 2], [3]]),
    lambda: torch.zeros(2, 3).index_select(0, torch.tensor([2])),
    lambda: torch.nn.functional.softmax(torch.ones(2, 2)),
    lambda: torch.ones(2, 2).split(0),
]
for i, check in enumerate(checks):
    try:
        check()
        print(i, "no error")
    except (RuntimeError, ValueError, IndexError, TypeError, KeyError, AssertionError) as e:
        print(i, type(e).__name__, e)
