#!/usr/bin/python3
"""PyTorch peer of bench/resnet-synthetic.mjs: a CIFAR-style ResNet-20 (@onecycle/models' `resnet()`:
3×3 stem, three stages of 16, 32, 64 channels with 3 basic blocks each, projection shortcuts of a
1×1 convolution and batch norm, average pool, linear) trained with Adam (betas 0.9/0.99, true weight
decay 1e-2, lr 1e-3, batch 64) on IMAGES synthetic 32×32×3 images (uniform in [0, 1], labels i mod 10):
timing only.

usage: peer_torch_resnet.py IMAGES EPOCHS [THREADS] [SEED]
prints one JSON line: seconds (wall and CPU) per epoch, load (data generation) time.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

BATCH_SIZE = 64
USAGE = __doc__.split("usage: ")[1].split("\n")[0]


def fail(message):
    print(f"peer_torch_resnet: {message}\nusage: {USAGE}", file=sys.stderr)
    sys.exit(2)


def integer(name, text, low):
    try:
        value = int(text)
    except ValueError:
        fail(f"{name} must be an integer, got '{text}'")
    if value < low:
        fail(f"{name} must be ≥ {low}, got {value}")
    return value


class BasicBlock(nn.Module):
    def __init__(self, ni, nf, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(ni, nf, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(nf)
        self.conv2 = nn.Conv2d(nf, nf, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(nf)
        self.downsample = (
            nn.Sequential(nn.Conv2d(ni, nf, 1, stride, 0, bias=False), nn.BatchNorm2d(nf))
            if stride != 1 or ni != nf else None)

    def forward(self, x):
        h = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(h + (self.downsample(x) if self.downsample is not None else x))


def resnet20(n_classes=10):
    layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    ni = 16
    for s, nf in enumerate((16, 32, 64)):
        for b in range(3):
            layers.append(BasicBlock(ni, nf, 2 if s > 0 and b == 0 else 1))
            ni = nf
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(ni, n_classes)]
    return nn.Sequential(*layers)


def main():
    argv = sys.argv[1:]
    if not 2 <= len(argv) <= 4:
        fail(f"expected 2 to 4 arguments, got {len(argv)}")
    images = integer("IMAGES", argv[0], BATCH_SIZE)
    epochs = integer("EPOCHS", argv[1], 1)
    threads = integer("THREADS", argv[2], 1) if len(argv) > 2 else 2
    seed = integer("SEED", argv[3], 0) if len(argv) > 3 else 0
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    t0 = time.perf_counter()
    x = torch.rand(images, 3, 32, 32)
    y = torch.arange(images) % 10
    load_s = time.perf_counter() - t0
    model = resnet20()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.99), eps=1e-8)
    batches = images // BATCH_SIZE
    wall, cpu = [], []
    model.train()
    for _ in range(epochs):
        t_wall, t_cpu = time.perf_counter(), time.process_time()
        for b in range(batches):
            rows = slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE)
            loss = F.cross_entropy(model(x[rows]), y[rows])
            optimizer.zero_grad()
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p.mul_(1 - 1e-2 * 1e-3)
            optimizer.step()
        loss.item()
        wall.append(time.perf_counter() - t_wall)
        cpu.append(time.process_time() - t_cpu)
    print(json.dumps({
        "peer": f"pytorch {torch.__version__}", "threads": threads, "seed": seed,
        "train_items": batches * BATCH_SIZE, "loss": round(loss.item(), 6), "load_s": round(load_s, 3),
        "epoch_s": [round(t, 3) for t in wall], "epoch_cpu_s": [round(t, 3) for t in cpu],
    }))


if __name__ == "__main__":
    main()
