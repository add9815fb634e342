#!/usr/bin/python3
"""PyTorch peer for the whole MNIST (10 classes, 60,000 training images): simple_cnn((3,16,16,10)).

The same recipe as ../shared/bench/peer_torch.py (fastai v1 defaults): Adam(betas=(0.9,0.99)),
decoupled wd=1e-2, bs=64, training batches shuffled with the last partial batch dropped,
kaiming-normal conv init, biases zero, inputs in [0, 1] as 3 channels, no normalisation; schedules
constant, onecycle (fastai v1: cos up 30%, cos down to lr/25/1e4, beta1 .95->.85->.95) or
torch-onecycle. The data are MNIST's idx files (gzip-compressed or not); the t10k set validates.

usage: peer_torch_mnist.py IDX_DIR {constant,onecycle,torch-onecycle} LR EPOCHS [THREADS] [SEED]
prints one JSON line: accuracy, valid_loss, load time, seconds (wall and CPU) per epoch.
"""
import gzip, json, math, os, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

if len(sys.argv) < 5:
    sys.exit(__doc__)
root, sched, lr_max, epochs = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 2
seed = int(sys.argv[6]) if len(sys.argv) > 6 else 0
if sched not in ("constant", "onecycle", "torch-onecycle"):
    sys.exit(f"schedule must be constant, onecycle or torch-onecycle, got {sched}")
torch.set_num_threads(threads)
torch.manual_seed(seed)
rng = np.random.default_rng(seed)


def read_idx(split, kind):
    dims = 3 if kind == "images" else 1
    for name in (f"{split}-{kind}-idx{dims}-ubyte", f"{split}-{kind}.idx{dims}-ubyte"):
        for ext, opener in ((".gz", gzip.open), ("", open)):
            path = os.path.join(root, name + ext)
            if os.path.exists(path):
                with opener(path, "rb") as f:
                    buf = f.read()
                shape = [int.from_bytes(buf[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
                return np.frombuffer(buf, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    sys.exit(f"no {split}-{kind}-idx{dims}-ubyte[.gz] in {root}")


def load(split):
    x = read_idx(split, "images").astype(np.float32) / 255.0  # [n, 28, 28]
    y = read_idx(split, "labels").astype(np.int64)
    x = torch.from_numpy(x).unsqueeze(1).expand(-1, 3, -1, -1).contiguous()  # 3 channels, as fastai opens them
    return x, torch.from_numpy(y)


t0 = time.time()
xtr, ytr = load("train")
xva, yva = load("t10k")
t_load = time.time() - t0
n_classes = int(max(ytr.max(), yva.max())) + 1


def conv(ni, nf):
    c = nn.Conv2d(ni, nf, 3, stride=2, padding=1)
    nn.init.kaiming_normal_(c.weight)
    c.bias.data.zero_()
    return nn.Sequential(c, nn.ReLU())


model = nn.Sequential(conv(3, 16), conv(16, 16), conv(16, n_classes), nn.AdaptiveAvgPool2d(1), nn.Flatten())
bs, wd = 64, 1e-2
n_batches = len(xtr) // bs
total = n_batches * epochs
opt = torch.optim.Adam(model.parameters(), lr=lr_max, betas=(0.9, 0.99))
tsched = None
if sched == "torch-onecycle":
    tsched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr_max, total_steps=total, pct_start=0.3,
                                                 base_momentum=0.85, max_momentum=0.95, div_factor=25.0,
                                                 final_div_factor=1e4)


def cos(start, end, pct):
    return end + (start - end) / 2 * (math.cos(math.pi * pct) + 1)


def fastai_onecycle(it):
    a1 = int(total * 0.3)
    low = lr_max / 25.0
    if it < a1:
        p = it / a1
        return cos(low, lr_max, p), cos(0.95, 0.85, p)
    p = (it - a1) / (total - a1)
    return cos(lr_max, low / 1e4, p), cos(0.85, 0.95, p)


def set_hp(lr, mom):
    for g in opt.param_groups:
        g["lr"] = lr
        g["betas"] = (mom, 0.99)


it = 0
epoch_times, epoch_cpu = [], []
for ep in range(epochs):
    t0, c0 = time.time(), time.process_time()
    model.train()
    perm = torch.from_numpy(rng.permutation(len(xtr)))
    for b in range(n_batches):
        idx = perm[b * bs:(b + 1) * bs]
        if sched == "onecycle":
            set_hp(*fastai_onecycle(it))
        lr_now = opt.param_groups[0]["lr"]
        loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
        opt.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p.mul_(1 - wd * lr_now)
        opt.step()
        if tsched is not None:
            tsched.step()
        it += 1
    model.eval()
    with torch.no_grad():
        out = torch.cat([model(xva[i:i + 128]) for i in range(0, len(xva), 128)])
        vloss = F.cross_entropy(out, yva).item()
        acc = (out.argmax(1) == yva).float().mean().item()
    epoch_times.append(time.time() - t0)
    epoch_cpu.append(time.process_time() - c0)

print(json.dumps({"peer": "pytorch " + torch.__version__, "schedule": sched, "lr": lr_max, "epochs": epochs,
                  "threads": threads, "seed": seed, "classes": n_classes, "train_items": n_batches * bs,
                  "valid_items": len(xva), "accuracy": round(acc, 6), "valid_loss": round(vloss, 6),
                  "load_s": round(t_load, 2), "epoch_s": [round(t, 2) for t in epoch_times],
                  "epoch_cpu_s": [round(t, 2) for t in epoch_cpu]}))
