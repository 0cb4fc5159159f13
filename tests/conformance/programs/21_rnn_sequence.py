# Sequence models: an LSTM classifier, a GRU, a hand-written RNN cell (NLP-from-scratch style).
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_dim, num_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, batch_first=True)
        self.fc = nn.Linear(hidden_dim, num_classes)

    def forward(self, x):
        embedded = self.embedding(x)
        output, (hidden, cell) = self.lstm(embedded)
        return self.fc(hidden[-1])


model = LSTMClassifier(vocab_size=20, embed_dim=8, hidden_dim=16, num_classes=3)
print(model)
for name, p in model.named_parameters():
    print(name, tuple(p.shape))
tokens = torch.randint(0, 20, (6, 7))
labels = torch.randint(0, 3, (6,))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for step in range(5):
    optimizer.zero_grad()
    logits = model(tokens)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    optimizer.step()
    print(f"step {step} loss {loss.item():.4f}")
print(logits.argmax(dim=1), labels)

gru = nn.GRU(input_size=4, hidden_size=5, num_layers=2, bidirectional=True)
print(gru)
seq = torch.randn(3, 2, 4)
out, h_n = gru(seq)
print(out.shape, h_n.shape)
print(out[-1])

rnn = nn.RNN(4, 3, batch_first=True)
h0 = torch.zeros(1, 2, 3)
out, hn = rnn(torch.randn(2, 5, 4), h0)
print(out[:, -1], hn)


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(input_size, hidden_size)
        self.h2h = nn.Linear(hidden_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, input, hidden):
        hidden = F.tanh(self.i2h(input) + self.h2h(hidden))
        output = self.h2o(hidden)
        output = self.softmax(output)
        return output, hidden

    def initHidden(self):
        return torch.zeros(1, self.hidden_size)


n_letters, n_hidden, n_categories = 10, 12, 4
rnn = RNN(n_letters, n_hidden, n_categories)
criterion = nn.NLLLoss()
line_tensor = torch.zeros(5, 1, n_letters)
for li, letter in enumerate([1, 4, 2, 9, 0]):
    line_tensor[li][0][letter] = 1
category_tensor = torch.tensor([2])
for it in range(3):
    hidden = rnn.initHidden()
    rnn.zero_grad()
    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)
    loss = criterion(output, category_tensor)
    loss.backward()
    for p in rnn.parameters():
        p.data.add_(p.grad.data, alpha=-0.005)
    print(it, f"{loss.item():.4f}", output.topk(1))

cell = nn.LSTMCell(3, 2)
hx, cx = torch.zeros(1, 2), torch.zeros(1, 2)
for t in range(3):
    hx, cx = cell(torch.ones(1, 3) * t, (hx, cx))
print(hx, cx)
