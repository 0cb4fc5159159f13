# Imitates an example repository's checkpointing code: a training loop that saves
# {epoch, model_state_dict, optimizer_state_dict, scheduler, loss} every epoch, a fresh model
# and optimizer restored from the file, and training resumed: the resumed run's losses must
# equal the uninterrupted run's.
import copy

import torch
import torch.nn as nn

torch.manual_seed(0)
X = torch.randn(128, 6)
y = (X[:, :3].sum(1, keepdim=True) > 0).float()


def make():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 1))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    return model, opt, sched


def epoch(model, opt, sched):
    losses = []
    for i in range(0, 128, 32):
        loss = nn.functional.binary_cross_entropy_with_logits(model(X[i : i + 32]), y[i : i + 32])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(round(loss.item(), 5))
    sched.step()
    return losses


model, opt, sched = make()
for e in range(2):
    print(e, epoch(model, opt, sched))
torch.save(
    {
        "epoch": 2,
        "model_state_dict": model.state_dict(),
        "optimizer_state_dict": opt.state_dict(),
        "scheduler_state_dict": sched.state_dict(),
        "loss": 0.5,
    },
    "checkpoint.pt",
)
reference = copy.deepcopy(model.state_dict())
straight = [epoch(model, opt, sched) for _ in range(2)]

model2, opt2, sched2 = make()
ckpt = torch.load("checkpoint.pt")
model2.load_state_dict(ckpt["model_state_dict"])
opt2.load_state_dict(ckpt["optimizer_state_dict"])
sched2.load_state_dict(ckpt["scheduler_state_dict"])
print(ckpt["epoch"], ckpt["loss"], sched2.get_last_lr(), opt2.param_groups[0]["lr"])
print(all(torch.equal(a, b) for a, b in zip(model2.state_dict().values(), reference.values())))
resumed = [epoch(model2, opt2, sched2) for _ in range(2)]
print(resumed == straight, resumed[-1])
state = opt2.state_dict()
print(sorted(state["state"][0].keys()), state["state"][0]["step"])
print(list(state["param_groups"][0].keys())[:6])
