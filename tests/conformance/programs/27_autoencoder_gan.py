# A convolutional autoencoder and a DCGAN-style generator/discriminator step.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class AutoEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 4, 3, stride=2, padding=1),
            nn.GroupNorm(2, 4),
            nn.PReLU(),
            nn.Conv2d(4, 8, 3, stride=2, padding=1),
            nn.ReLU(),
        )
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1),
            nn.ReLU(),
            nn.Upsample(scale_factor=2, mode="nearest"),
            nn.Conv2d(4, 1, 3, padding=1),
            nn.Sigmoid(),
        )

    def forward(self, x):
        return self.decoder(self.encoder(x))


ae = AutoEncoder()
print(ae)
images = torch.rand(4, 1, 8, 8)
opt = torch.optim.Adam(ae.parameters(), lr=1e-2)
for epoch in range(4):
    recon = ae(images)
    loss = F.mse_loss(recon, images)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"epoch {epoch} recon loss {loss.item():.5f}")
print(ae.encoder(images).shape, recon.shape)

nz = 4
netG = nn.Sequential(
    nn.ConvTranspose2d(nz, 8, 4, 1, 0, bias=False),
    nn.BatchNorm2d(8),
    nn.ReLU(True),
    nn.ConvTranspose2d(8, 1, 4, 2, 1, bias=False),
    nn.Tanh(),
)
netD = nn.Sequential(
    nn.Conv2d(1, 8, 4, 2, 1, bias=False),
    nn.LeakyReLU(0.2, inplace=True),
    nn.Flatten(),
    nn.Linear(8 * 4 * 4, 1),
)


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


netG.apply(weights_init)
netD.apply(weights_init)
criterion = nn.BCEWithLogitsLoss()
optD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
optG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
real = torch.rand(4, 1, 8, 8) * 2 - 1
for it in range(3):
    noise = torch.randn(4, nz, 1, 1)
    fake = netG(noise)
    optD.zero_grad()
    errD = criterion(netD(real).view(-1), torch.ones(4)) + criterion(
        netD(fake.detach()).view(-1), torch.zeros(4)
    )
    errD.backward()
    optD.step()
    optG.zero_grad()
    errG = criterion(netD(fake).view(-1), torch.ones(4))
    errG.backward()
    optG.step()
    print(f"[{it}] Loss_D: {errD.item():.4f} Loss_G: {errG.item():.4f} D(G(z)): {torch.sigmoid(netD(fake)).mean().item():.4f}")
print(fake.shape, netG[1].running_var[:2])
print(F.interpolate(torch.arange(4.0).view(1, 1, 2, 2), scale_factor=2, mode="bilinear", align_corners=False))
