# Imitates the "Adversarial Example Generation" (FGSM) tutorial: a LeNet-style MNIST net with
# log_softmax, data.requires_grad = True, the loss's gradient w.r.t. the input, fgsm_attack
# with data_grad.sign() and torch.clamp, a denorm helper, the init_pred/final_pred bookkeeping
# and the "Epsilon: {}\tTest Accuracy = {} / {} = {}" line per epsilon.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

epsilons = [0, 0.05, 0.1, 0.2, 0.3]
use_cuda = False
torch.manual_seed(42)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.conv2 = nn.Conv2d(4, 8, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(200, 32)
        self.fc2 = nn.Linear(32, 4)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


# four classes of 14x14 images: a bar in one of four orientations, in [0, 1]
def make_data(n, g):
    labels = torch.randint(0, 4, (n,), generator=g)
    imgs = torch.rand(n, 1, 14, 14, generator=g) * 0.3
    for i, c in enumerate(labels.tolist()):
        if c == 0:
            imgs[i, 0, 6:8, 2:12] = 1.0
        elif c == 1:
            imgs[i, 0, 2:12, 6:8] = 1.0
        elif c == 2:
            imgs[i, 0].fill_diagonal_(1.0)
        else:
            imgs[i, 0] = torch.maximum(imgs[i, 0], torch.eye(14).flip(1))
    return imgs, labels


g = torch.Generator().manual_seed(7)
train_x, train_y = make_data(256, g)
test_x, test_y = make_data(60, g)
mean, std = 0.1307, 0.3081

device = torch.device("cuda" if use_cuda and torch.cuda.is_available() else "cpu")
print("CUDA Available: ", torch.cuda.is_available())
model = Net().to(device)
opt = optim.Adam(model.parameters(), lr=3e-3)
loader = DataLoader(TensorDataset(train_x, train_y), batch_size=32, shuffle=True)
for epoch in range(3):
    for x, y in loader:
        opt.zero_grad()
        loss = F.nll_loss(model((x - mean) / std), y)
        loss.backward()
        opt.step()
    print(f"epoch {epoch} loss {loss.item():.4f}")
model.eval()


# FGSM attack code
def fgsm_attack(image, epsilon, data_grad):
    # Collect the element-wise sign of the data gradient
    sign_data_grad = data_grad.sign()
    # Create the perturbed image by adjusting each pixel of the input image
    perturbed_image = image + epsilon * sign_data_grad
    # Adding clipping to maintain [0,1] range
    perturbed_image = torch.clamp(perturbed_image, 0, 1)
    # Return the perturbed image
    return perturbed_image


# restores the tensors to their original scale
def denorm(batch, mean=[0.1307], std=[0.3081]):
    if isinstance(mean, list):
        mean = torch.tensor(mean).to(device)
    if isinstance(std, list):
        std = torch.tensor(std).to(device)

    return batch * std.view(1, -1, 1, 1) + mean.view(1, -1, 1, 1)


def test(model, device, test_loader, epsilon):
    # Accuracy counter
    correct = 0
    adv_examples = []

    # Loop over all examples in test set
    for data, target in test_loader:
        # Send the data and label to the device
        data, target = data.to(device), target.to(device)

        # Set requires_grad attribute of tensor. Important for Attack
        data.requires_grad = True

        # Forward pass the data through the model
        output = model(data)
        init_pred = output.max(1, keepdim=True)[1]  # get the index of the max log-probability

        # If the initial prediction is wrong, don't bother attacking, just move on
        if init_pred.item() != target.item():
            continue

        # Calculate the loss
        loss = F.nll_loss(output, target)

        # Zero all existing gradients
        model.zero_grad()

        # Calculate gradients of model in backward pass
        loss.backward()

        # Collect ``datagrad``
        data_grad = data.grad.data

        # Restore the data to its original scale
        data_denorm = denorm(data)

        # Call FGSM Attack
        perturbed_data = fgsm_attack(data_denorm, epsilon, data_grad)

        # Reapply normalization
        perturbed_data_normalized = (perturbed_data - mean) / std

        # Re-classify the perturbed image
        output = model(perturbed_data_normalized)

        # Check for success
        final_pred = output.max(1, keepdim=True)[1]  # get the index of the max log-probability
        if final_pred.item() == target.item():
            correct += 1
            # Special case for saving 0 epsilon examples
            if epsilon == 0 and len(adv_examples) < 5:
                adv_ex = perturbed_data.squeeze().detach().cpu().numpy()
                adv_examples.append((init_pred.item(), final_pred.item(), adv_ex))
        else:
            # Save some adv examples for visualization later
            if len(adv_examples) < 5:
                adv_ex = perturbed_data.squeeze().detach().cpu().numpy()
                adv_examples.append((init_pred.item(), final_pred.item(), adv_ex))

    # Calculate final accuracy for this epsilon
    final_acc = correct / float(len(test_loader))
    print(f"Epsilon: {epsilon}\tTest Accuracy = {correct} / {len(test_loader)} = {final_acc}")

    # Return the accuracy and an adversarial example
    return final_acc, adv_examples


test_loader = DataLoader(TensorDataset((test_x - mean) / std, test_y), batch_size=1, shuffle=False)
accuracies = []
examples = []

# Run test for each epsilon
for eps in epsilons:
    acc, ex = test(model, device, test_loader, eps)
    accuracies.append(acc)
    examples.append(ex)

print([len(e) for e in examples], examples[-1][0][:2], examples[-1][0][2].shape, examples[-1][0][2].dtype)
print(np.round(examples[0][0][2][6, :5], 3))
