# Imitates a REINFORCE tutorial on a hand-written corridor environment: a policy network,
# torch.distributions.Categorical to sample actions, log_prob of the taken actions, discounted
# returns normalised by mean/std, and the policy-gradient loss.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Categorical


class Corridor:
    """Agent starts at 0, goal at position 4; actions: 0=left, 1=right."""

    def __init__(self, length=5):
        self.length = length

    def reset(self):
        self.pos = 0
        return self._obs()

    def _obs(self):
        o = np.zeros(self.length, dtype=np.float32)
        o[self.pos] = 1.0
        return o

    def step(self, action):
        self.pos = max(0, min(self.length - 1, self.pos + (1 if action == 1 else -1)))
        done = self.pos == self.length - 1
        reward = 1.0 if done else -0.1
        return self._obs(), reward, done


class Policy(nn.Module):
    def __init__(self):
        super(Policy, self).__init__()
        self.affine1 = nn.Linear(5, 16)
        self.affine2 = nn.Linear(16, 2)
        self.saved_log_probs = []
        self.rewards = []

    def forward(self, x):
        x = F.relu(self.affine1(x))
        action_scores = self.affine2(x)
        return F.softmax(action_scores, dim=1)


torch.manual_seed(543)
policy = sync_weights(Policy())
optimizer = optim.Adam(policy.parameters(), lr=1e-2)
eps = np.finfo(np.float32).eps.item()
gamma = 0.9
env = Corridor()


def select_action(state):
    state = torch.from_numpy(state).float().unsqueeze(0)
    probs = policy(state)
    m = Categorical(probs)
    action = m.sample()
    policy.saved_log_probs.append(m.log_prob(action))
    return action.item()


def finish_episode():
    R = 0
    policy_loss = []
    returns = []
    for r in policy.rewards[::-1]:
        R = r + gamma * R
        returns.insert(0, R)
    returns = torch.tensor(returns)
    returns = (returns - returns.mean()) / (returns.std() + eps)
    for log_prob, R in zip(policy.saved_log_probs, returns):
        policy_loss.append(-log_prob * R)
    optimizer.zero_grad()
    policy_loss = torch.cat(policy_loss).sum()
    policy_loss.backward()
    optimizer.step()
    del policy.rewards[:]
    del policy.saved_log_probs[:]
    return policy_loss


state = env.reset()
probs = policy(torch.from_numpy(state).unsqueeze(0))
m = Categorical(probs)
print(m)
print(probs, m.entropy())
print(m.log_prob(torch.tensor([1])), m.probs.shape, m.logits)
a = m.sample((4,))
print(a.shape, a.dtype)

lengths = []
for i_episode in range(30):
    state, ep_reward = env.reset(), 0
    for t in range(1, 30):
        action = select_action(state)
        state, reward, done = env.step(action)
        policy.rewards.append(reward)
        ep_reward += reward
        if done:
            break
    lengths.append(t)
    loss = finish_episode()
    if i_episode % 5 == 0:
        print("Episode {}\tLength: {}\tReward: {:.2f}\tLoss: {:.4f}".format(i_episode, t, ep_reward, loss.item()))
print(loss.grad_fn)
print("mean length first 10 / last 10:", np.mean(lengths[:10]), np.mean(lengths[-10:]))

with torch.no_grad():
    all_states = torch.eye(5)
    p = policy(all_states)
    print(p[:, 1] > 0.5)
    d = Categorical(logits=torch.log(p))
    print(d.entropy().shape, torch.allclose(d.probs, p, atol=1e-6))
