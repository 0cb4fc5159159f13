# "Learn the Basics: Optimizing Model Parameters", as the tutorial runs it, on a FakeData-like
# dataset (torchvision's FakeData: one seeded image per index, RNG state saved and restored).
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset


class FakeData(Dataset):
    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, random_offset=0):
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        rng_state = torch.get_rng_state()
        torch.manual_seed(index + self.random_offset)
        img = torch.randn(*self.image_size)
        target = torch.randint(0, self.num_classes, size=(1,), dtype=torch.long)[0]
        torch.set_rng_state(rng_state)
        return img.clamp(-2, 2).add(2).div(4), target.item()

    def __len__(self):
        return self.size


training_data = FakeData(size=320, image_size=(1, 28, 28))
test_data = FakeData(size=96, image_size=(1, 28, 28), random_offset=10000)
img, label = training_data[0]
print(img.shape, img.dtype, label, type(label), len(training_data))

train_dataloader = DataLoader(training_data, batch_size=64)
test_dataloader = DataLoader(test_data, batch_size=64)
X, y = next(iter(train_dataloader))
print(X.shape, y, y.dtype, len(train_dataloader), len(test_dataloader))


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


torch.manual_seed(0)
model = NeuralNetwork()

learning_rate = 1e-3
batch_size = 64

# Initialize the loss function
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
print(loss_fn, optimizer)


# The tutorial's train_loop / test_loop are in 13_training_loop.py; here one epoch of each,
# on the tutorial's full-size network with PyTorch's seeded initialisation.
size = len(train_dataloader.dataset)
model.train()
for batch, (X, y) in enumerate(train_dataloader):
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    if batch % 2 == 0:
        loss, current = loss.item(), batch * batch_size + len(X)
        print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")
model.eval()
test_loss, correct = 0, 0
with torch.no_grad():
    for X, y in test_dataloader:
        pred = model(X)
        test_loss += loss_fn(pred, y).item()
        correct += (pred.argmax(1) == y).type(torch.float).sum().item()
test_loss /= len(test_dataloader)
correct /= len(test_dataloader.dataset)
print(f"Test Error: \n Accuracy: {(100 * correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")

# "Save and Load the Model" follows in the series.
torch.save(model.state_dict(), "model_weights.pth")
model2 = NeuralNetwork()
print(model2.load_state_dict(torch.load("model_weights.pth", weights_only=True)))
model2.eval()
print(model2.training, model2.linear_relu_stack[0].training)
with torch.no_grad():
    print(model2(X[:2]).argmax(1), model(X[:2]).argmax(1), (model2(X) == model(X)).all())
