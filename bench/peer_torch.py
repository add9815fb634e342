#!/usr/bin/python3
"""PyTorch peer of `onecycle fit`: fastai v1's recipe for simple_cnn on an image-folder data set.

fastai v1 (1.0.x), with the defaults a user of `cnn_learner`-free `Learner(data, simple_cnn(...))` gets:
  - model: simple_cnn((3, 16, 16, n_classes)) = three conv_layer(ks=3, stride=2, padding=1) blocks,
    each Conv2d (with bias) then ReLU (also after the last one; no batch norm, bn=False), then
    AdaptiveAvgPool2d(1) and Flatten (PoolFlatten). Weights kaiming-normal, biases zero
    (conv_layer's init_default);
  - data: ImageDataBunch.from_folder(path) with no transforms: every image as 3 channels in [0, 1],
    no normalisation; bs 64; the training batches shuffled each epoch, the last partial one dropped;
    classes in sorted folder order; `valid/` validates;
  - optimizer: Adam(betas=(0.9, 0.99), eps=1e-8), "true" weight decay 1e-2 applied to every
    parameter as p *= 1 - lr * wd just before the Adam step; loss: cross-entropy;
  - schedules: `constant` (learn.fit), `onecycle` (learn.fit_one_cycle: 30% of the iterations from
    lr/25 up to lr, the rest down to lr/25/1e4, both cosine; beta1 0.95 -> 0.85 -> 0.95, cosine), or
    `torch-onecycle` (torch.optim.lr_scheduler.OneCycleLR with the same figures).

usage: peer_torch.py DATA_DIR {constant,onecycle,torch-onecycle} LR EPOCHS [THREADS] [SEED]
  DATA_DIR holds train/<class>/* and valid/<class>/* images (fastai's layout, e.g. MNIST_SAMPLE).
prints one JSON line: peer version, accuracy, valid_loss, load_s, epoch_s and epoch_cpu_s per epoch.
bench/peer_torch_mnist.py trains the same recipe on MNIST's idx files.
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SCHEDULES = ("constant", "onecycle", "torch-onecycle")
BATCH_SIZE = 64
WEIGHT_DECAY = 1e-2
BETAS = (0.9, 0.99)
PCT_START, DIV_FACTOR, FINAL_DIV, MOMS = 0.3, 25.0, 1e4, (0.95, 0.85)


def fail(message):
    """Stops with a message naming what is wrong (exit code 2)."""
    sys.stderr.write(f"{os.path.basename(sys.argv[0])}: {message}\n")
    sys.exit(2)


def parse_args(argv, usage):
    """DATA LR-SCHEDULE LR EPOCHS [THREADS] [SEED] -> dict, or a clear error."""
    if not 4 <= len(argv) <= 6:
        fail(f"expected 4 to 6 arguments, got {len(argv)}\n{usage}")
    data, schedule, lr, epochs = argv[:4]
    if not os.path.isdir(data):
        fail(f"data folder {data!r} does not exist")
    if schedule not in SCHEDULES:
        fail(f"schedule must be one of {', '.join(SCHEDULES)}, got {schedule!r}")
    try:
        lr = float(lr)
    except ValueError:
        lr = float("nan")
    if not (lr > 0 and math.isfinite(lr)):
        fail(f"LR must be a finite number > 0, got {argv[2]!r}")

    def integer(name, text, low):
        if not text.isdigit() or int(text) < low:
            fail(f"{name} must be an integer >= {low}, got {text!r}")
        return int(text)

    return {
        "data": data,
        "schedule": schedule,
        "lr": lr,
        "epochs": integer("EPOCHS", epochs, 1),
        "threads": integer("THREADS", argv[4], 1) if len(argv) > 4 else 2,
        "seed": integer("SEED", argv[5], 0) if len(argv) > 5 else 0,
    }


def simple_cnn(channels):
    """fastai v1's simple_cnn(channels): stride-2 3x3 conv + ReLU blocks, then average pool + flatten."""
    layers = []
    for n_in, n_out in zip(channels[:-1], channels[1:]):
        conv = nn.Conv2d(n_in, n_out, kernel_size=3, stride=2, padding=1, bias=True)
        nn.init.kaiming_normal_(conv.weight)
        nn.init.zeros_(conv.bias)
        layers += [conv, nn.ReLU(inplace=True)]
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())


def annealing_cos(start, end, pct):
    """fastai's cosine annealing from start (pct 0) to end (pct 1)."""
    return end + (start - end) / 2 * (1 + math.cos(math.pi * pct))


def fastai_one_cycle(lr_max, total):
    """Iteration -> (lr, beta1) of fastai v1's OneCycleScheduler over `total` iterations."""
    warm = int(total * PCT_START)
    lr_low = lr_max / DIV_FACTOR

    def at(i):
        if i < warm:
            pct = i / warm
            return annealing_cos(lr_low, lr_max, pct), annealing_cos(MOMS[0], MOMS[1], pct)
        pct = (i - warm) / (total - warm)
        return annealing_cos(lr_max, lr_low / FINAL_DIV, pct), annealing_cos(MOMS[1], MOMS[0], pct)

    return at


def train(x_train, y_train, x_valid, y_valid, args):
    """Trains simple_cnn((3, 16, 16, n_classes)) with fastai v1's defaults; returns the JSON fields."""
    torch.set_num_threads(args["threads"])
    torch.manual_seed(args["seed"])
    n_classes = int(max(y_train.max(), y_valid.max())) + 1
    model = simple_cnn((3, 16, 16, n_classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=args["lr"], betas=BETAS, eps=1e-8)
    batches = len(x_train) // BATCH_SIZE
    if batches == 0:
        fail(f"the training set has {len(x_train)} images, fewer than one batch of {BATCH_SIZE}")
    total = batches * args["epochs"]
    schedule = fastai_one_cycle(args["lr"], total) if args["schedule"] == "onecycle" else None
    torch_schedule = None
    if args["schedule"] == "torch-onecycle":
        torch_schedule = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=args["lr"], total_steps=total, pct_start=PCT_START, anneal_strategy="cos",
            base_momentum=MOMS[1], max_momentum=MOMS[0], div_factor=DIV_FACTOR, final_div_factor=FINAL_DIV)
    shuffle = torch.Generator().manual_seed(args["seed"])
    wall, cpu = [], []
    step = 0
    for _ in range(args["epochs"]):
        t_wall, t_cpu = time.perf_counter(), time.process_time()
        model.train()
        order = torch.randperm(len(x_train), generator=shuffle)
        for b in range(batches):
            if schedule is not None:
                lr, beta1 = schedule(step)
                for group in optimizer.param_groups:
                    group["lr"], group["betas"] = lr, (beta1, BETAS[1])
            rows = order[b * BATCH_SIZE:(b + 1) * BATCH_SIZE]
            loss = F.cross_entropy(model(x_train[rows]), y_train[rows])
            optimizer.zero_grad()
            loss.backward()
            with torch.no_grad():
                for group in optimizer.param_groups:
                    for p in group["params"]:
                        p.mul_(1 - WEIGHT_DECAY * group["lr"])
            optimizer.step()
            if torch_schedule is not None:
                torch_schedule.step()
            step += 1
        model.eval()
        with torch.no_grad():
            logits = torch.cat([model(x_valid[i:i + 2 * BATCH_SIZE]) for i in range(0, len(x_valid), 2 * BATCH_SIZE)])
            valid_loss = F.cross_entropy(logits, y_valid).item()
            accuracy = (logits.argmax(1) == y_valid).double().mean().item()
        wall.append(time.perf_counter() - t_wall)
        cpu.append(time.process_time() - t_cpu)
    return {
        "peer": f"pytorch {torch.__version__}", "schedule": args["schedule"], "lr": args["lr"],
        "epochs": args["epochs"], "threads": args["threads"], "seed": args["seed"], "classes": n_classes,
        "train_items": batches * BATCH_SIZE, "valid_items": len(x_valid), "accuracy": round(accuracy, 6),
        "valid_loss": round(valid_loss, 6), "epoch_s": [round(t, 3) for t in wall],
        "epoch_cpu_s": [round(t, 3) for t in cpu],
    }


def as_inputs(gray_or_rgb, labels):
    """uint8 images [n, h, w] or [n, h, w, 3] -> float [n, 3, h, w] in [0, 1], int64 labels."""
    x = torch.from_numpy(np.array(gray_or_rgb, dtype=np.uint8)).float().div_(255)
    x = x.unsqueeze(1).expand(-1, 3, -1, -1) if x.dim() == 3 else x.permute(0, 3, 1, 2)
    return x.contiguous(), torch.as_tensor(labels, dtype=torch.int64)


def load_image_folder(root, split, classes=None):
    """<root>/<split>/<class>/* -> (inputs, labels, classes); images as fastai opens them (RGB)."""
    from PIL import Image

    folder = os.path.join(root, split)
    if not os.path.isdir(folder):
        fail(f"{folder} does not exist (expected {split}/<class>/<image> folders)")
    classes = classes or sorted(d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d)))
    if len(classes) < 2:
        fail(f"{folder} has {len(classes)} class folder(s); a classifier needs at least 2")
    images, labels = [], []
    for label, name in enumerate(classes):
        if not os.path.isdir(os.path.join(folder, name)):
            fail(f"{folder} has no folder for class {name!r}")
        for file in sorted(os.listdir(os.path.join(folder, name))):
            path = os.path.join(folder, name, file)
            try:
                with Image.open(path) as im:
                    images.append(np.asarray(im.convert("RGB")))
            except OSError as err:
                fail(f"cannot read image {path}: {err}")
            labels.append(label)
    if not images:
        fail(f"{folder} holds no images")
    if len({im.shape for im in images}) > 1:
        fail(f"the images in {folder} differ in size; resize them first")
    x, y = as_inputs(np.stack(images), labels)
    return x, y, classes


def main():
    args = parse_args(sys.argv[1:], __doc__.split("usage: ")[1].split("\n")[0])
    t0 = time.perf_counter()
    x_train, y_train, classes = load_image_folder(args["data"], "train")
    x_valid, y_valid, _ = load_image_folder(args["data"], "valid", classes)
    load_s = time.perf_counter() - t0
    result = train(x_train, y_train, x_valid, y_valid, args)
    print(json.dumps({**result, "load_s": round(load_s, 3)}))


if __name__ == "__main__":
    main()
