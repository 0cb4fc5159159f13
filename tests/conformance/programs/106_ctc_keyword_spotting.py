# A toy speech recogniser as people write them with CTC: feature frames -> bidirectional GRU
# -> per-frame log-probabilities over {blank, letters}; nn.CTCLoss on padded targets with
# per-utterance lengths, zero_infinity for utterances too short to align, greedy decoding
# (collapse repeats, drop blanks). Trained with Adafactor; the last part checks an
# AdaptiveLogSoftmaxWithLoss head and a FractionalMaxPool2d front end.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
BLANK, LETTERS = 0, 5
T, N, FEAT = 12, 4, 6

# each "utterance" shows the frame pattern of its letters, each letter over 2-3 frames
targets = torch.tensor([[1, 2, 3, 0], [4, 4, 2, 0], [3, 1, 0, 0], [5, 2, 1, 3]])
target_lengths = torch.tensor([3, 3, 2, 4])
input_lengths = torch.tensor([12, 10, 7, 12])
prototypes = torch.randn(LETTERS + 1, FEAT)
frames = torch.zeros(T, N, FEAT)
for b in range(N):
    t = 0
    for s in range(int(target_lengths[b])):
        for _ in range(2 + (s % 2)):
            frames[t, b] = prototypes[targets[b, s]] + 0.1 * torch.randn(FEAT)
            t += 1
print(frames.shape, input_lengths.tolist(), target_lengths.tolist())


class Recogniser(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(FEAT, 8, bidirectional=True)
        self.head = nn.Linear(16, LETTERS + 1)

    def forward(self, x):
        h, _ = self.rnn(x)
        return F.log_softmax(self.head(h), dim=-1)


model = Recogniser()
print(isinstance(model.rnn, nn.RNNBase), len(model.rnn.all_weights), model.rnn._flat_weights_names[:2])
ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
print(ctc)
opt = torch.optim.Adafactor(model.parameters(), lr=0.05)

for step in range(30):
    opt.zero_grad()
    log_probs = model(frames)
    loss = ctc(log_probs, targets, input_lengths, target_lengths)
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"step {step:2d}  ctc {loss.item():.4f}  grad_fn {type(loss.grad_fn).__name__}")


def greedy(log_probs, lengths):
    best = log_probs.argmax(-1).T
    out = []
    for b, n in enumerate(lengths.tolist()):
        seq, prev = [], BLANK
        for c in best[b, :n].tolist():
            if c != prev and c != BLANK:
                seq.append(c)
            prev = c
        out.append(seq)
    return out


with torch.no_grad():
    print("decoded", greedy(model(frames), input_lengths))

# per-utterance losses, an impossible alignment, and the concatenated-targets form
per_utt = F.ctc_loss(log_probs, targets, input_lengths, target_lengths, reduction="none")
print("per utterance", [round(v, 3) for v in per_utt.tolist()])
short = torch.tensor([12, 10, 1, 12])
print("too short", F.ctc_loss(log_probs, targets, short, target_lengths, reduction="none").isinf().tolist())
flat = torch.cat([targets[b, : target_lengths[b]] for b in range(N)])
same = F.ctc_loss(log_probs, flat, input_lengths, target_lengths, reduction="sum")
print("concatenated == padded:", torch.allclose(same, per_utt.sum()))
try:
    F.ctc_loss(log_probs, targets, torch.tensor([13, 10, 7, 12]), target_lengths)
except RuntimeError as e:
    print("RuntimeError:", e)

# an adaptive softmax head over a larger vocabulary
asm = nn.AdaptiveLogSoftmaxWithLoss(16, 40, cutoffs=[6, 20], div_value=2.0)
feats = torch.randn(9, 16)
words = torch.tensor([0, 5, 6, 19, 20, 39, 3, 25, 12])
res = asm(feats, words)
print(type(res).__name__, res.output.shape, f"{res.loss.item():.4f}", res.loss.grad_fn)
print(asm.log_prob(feats).exp().sum(1).allclose(torch.ones(9)), asm.predict(feats).shape)

# fractional max pooling on a spectrogram-like map (fixed samples: reproducible windows)
pool = nn.FractionalMaxPool2d(2, output_ratio=0.6, return_indices=True)
spec = torch.arange(2 * 1 * 10 * 9, dtype=torch.float32).reshape(2, 1, 10, 9).sin().requires_grad_()
pooled, idx = pool(spec)
print(pooled.shape, idx[0, 0, 0].tolist(), pooled.grad_fn)
