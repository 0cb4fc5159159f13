# Imitates the classic seq2seq tutorial adapted to batches: a GRU encoder over padded
# variable-length inputs with pack_padded_sequence / pad_packed_sequence, a GRU decoder fed its
# own predictions or the target (teacher forcing), NLLLoss with ignore_index for padding.
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

random.seed(0)
torch.manual_seed(0)
PAD, SOS, EOS = 0, 1, 2
VOCAB = 10

# task: reverse a sequence of digits 3..9
pairs = []
for _ in range(48):
    L = random.randint(2, 5)
    src = [random.randint(3, 9) for _ in range(L)]
    pairs.append((src + [EOS], src[::-1] + [EOS]))
print(pairs[:2])


def make_batch(batch):
    batch = sorted(batch, key=lambda p: len(p[0]), reverse=True)
    srcs = [torch.tensor(s) for s, _ in batch]
    tgts = [torch.tensor(t) for _, t in batch]
    lengths = torch.tensor([len(s) for s in srcs])
    return pad_sequence(srcs, batch_first=True, padding_value=PAD), lengths, pad_sequence(tgts, batch_first=True)


class EncoderRNN(nn.Module):
    def __init__(self, input_size, hidden_size):
        super(EncoderRNN, self).__init__()
        self.hidden_size = hidden_size
        self.embedding = nn.Embedding(input_size, hidden_size, padding_idx=PAD)
        self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)

    def forward(self, input, lengths):
        embedded = self.embedding(input)
        packed = pack_padded_sequence(embedded, lengths, batch_first=True)
        output, hidden = self.gru(packed)
        output, out_lens = pad_packed_sequence(output, batch_first=True)
        return output, hidden


class DecoderRNN(nn.Module):
    def __init__(self, hidden_size, output_size):
        super(DecoderRNN, self).__init__()
        self.embedding = nn.Embedding(output_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, output_size)

    def forward_step(self, input, hidden):
        output = F.relu(self.embedding(input))
        output, hidden = self.gru(output, hidden)
        return F.log_softmax(self.out(output), dim=-1), hidden


hidden_size = 16
encoder = sync_weights(EncoderRNN(VOCAB, hidden_size))
decoder = sync_weights(DecoderRNN(hidden_size, VOCAB))
print(encoder)
print(decoder)

src, lengths, tgt = make_batch(pairs[:4])
print(src)
print(lengths, tgt.shape)
emb = encoder.embedding(src)
packed = pack_padded_sequence(emb, lengths, batch_first=True)
print(type(packed).__name__, packed.batch_sizes, packed.data.shape)
enc_out, enc_hidden = encoder(src, lengths)
print(enc_out.shape, enc_hidden.shape)
print("padding positions are zero:", bool((enc_out[-1, lengths[-1]:] == 0).all()))

criterion = nn.NLLLoss(ignore_index=PAD)
enc_opt = torch.optim.Adam(encoder.parameters(), lr=0.01)
dec_opt = torch.optim.Adam(decoder.parameters(), lr=0.01)
teacher_forcing_ratio = 0.5
for epoch in range(6):
    random.shuffle(pairs)
    total = 0.0
    for i in range(0, len(pairs), 16):
        src, lengths, tgt = make_batch(pairs[i : i + 16])
        enc_opt.zero_grad()
        dec_opt.zero_grad()
        _, hidden = encoder(src, lengths)
        dec_input = torch.full((src.size(0), 1), SOS, dtype=torch.long)
        loss = 0
        use_tf = random.random() < teacher_forcing_ratio
        for di in range(tgt.size(1)):
            out, hidden = decoder.forward_step(dec_input, hidden)
            loss += criterion(out.squeeze(1), tgt[:, di])
            if use_tf:
                dec_input = tgt[:, di].unsqueeze(1)
            else:
                topv, topi = out.topk(1)
                dec_input = topi.squeeze(-1).detach()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(encoder.parameters(), 1.0)
        torch.nn.utils.clip_grad_norm_(decoder.parameters(), 1.0)
        enc_opt.step()
        dec_opt.step()
        total += loss.item() / tgt.size(1)
    print("epoch %d loss %.4f" % (epoch, total / 3))

with torch.no_grad():
    src, lengths, tgt = make_batch(pairs[:3])
    _, hidden = encoder(src, lengths)
    dec_input = torch.full((3, 1), SOS, dtype=torch.long)
    decoded = []
    for di in range(tgt.size(1)):
        out, hidden = decoder.forward_step(dec_input, hidden)
        dec_input = out.argmax(-1)
        decoded.append(dec_input)
    print(torch.cat(decoded, 1).shape, tgt.shape)
print(loss.grad_fn)
# unsorted lengths need enforce_sorted=False
x = torch.randn(3, 4, 2)
try:
    pack_padded_sequence(x, torch.tensor([2, 4, 3]), batch_first=True)
except RuntimeError as e:
    print("RuntimeError:", str(e).split(".")[0])
p = pack_padded_sequence(x, torch.tensor([2, 4, 3]), batch_first=True, enforce_sorted=False)
print(p.sorted_indices, p.unsorted_indices, p.batch_sizes)
unpacked, lens = pad_packed_sequence(p, batch_first=True, total_length=5)
print(unpacked.shape, lens, torch.equal(unpacked[0, :2], x[0, :2]))
