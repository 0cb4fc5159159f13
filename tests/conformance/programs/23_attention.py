# Attention notebooks: scaled dot-product attention by hand, nn.MultiheadAttention, a tiny
# Transformer encoder classifier (seeded init, eval-mode outputs, a few training steps).
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
q = torch.randn(2, 4, 8)
k = torch.randn(2, 4, 8)
v = torch.randn(2, 4, 8)
scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
mask = torch.tril(torch.ones(4, 4))
scores = scores.masked_fill(mask == 0, float("-inf"))
weights = F.softmax(scores, dim=-1)
print(weights[0])
out = weights @ v
print(out.shape, torch.allclose(out, F.scaled_dot_product_attention(q, k, v, is_causal=True), atol=1e-6))

mha = nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=True)
print(mha)
attn_out, attn_weights = mha(q, k, v)
print(attn_out.shape, attn_weights.shape)
print(torch.allclose(attn_weights[0].sum(dim=-1), torch.ones(4)))  # exact 1. needs ATen softmax rounding
print(attn_out[0, 0])


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=50):
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(0)]


class TinyTransformer(nn.Module):
    def __init__(self, vocab=16, d_model=8, nhead=2, num_classes=3):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        self.pos = PositionalEncoding(d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=16, dropout=0.0)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, tokens):
        x = self.pos(self.embed(tokens) * math.sqrt(8))
        x = self.encoder(x, mask=nn.Transformer.generate_square_subsequent_mask(tokens.size(0)))
        return self.head(x.mean(dim=0))


model = TinyTransformer()
print(sum(p.numel() for p in model.parameters()))
print(model.pos.pe[1, 0])
tokens = torch.randint(0, 16, (5, 4))
labels = torch.tensor([0, 2, 1, 2])
opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
for step in range(4):
    opt.zero_grad()
    loss = F.cross_entropy(model(tokens), labels)
    loss.backward()
    opt.step()
    print(f"step {step}: {loss.item():.4f}")
model.eval()
with torch.no_grad():
    print(model(tokens).softmax(-1).argmax(-1))
