"""Prints the reference values of packages/callbacks/test/gradient-and-plateau.test.ts (PyTorch 1.13).

1. ReduceLROnPlateau: the learning rate after each epoch's step(metric) for fixed metric sequences.
2. clip_grad_norm_ and clip_grad_value_: two parameters' gradients after clipping.

Usage: python3 plateau-and-clip.py
"""
import json

import torch

torch.set_default_dtype(torch.float64)

LOSSES = [1.0, 0.9, 0.95, 0.91, 0.9, 0.92, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0, 1.1]
ACCS = [0.5, 0.6, 0.6, 0.6001, 0.59, 0.58, 0.7, 0.69, 0.68, 0.67, 0.66]


def plateau(values, **kw):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
    lrs = []
    for v in values:
        sched.step(v)
        lrs.append(round(opt.param_groups[0]["lr"], 15))
    return lrs


cases = {
    "minPatience1": plateau(LOSSES, mode="min", factor=0.5, patience=1),
    "minPatience2Cooldown1MinLr": plateau(
        LOSSES, mode="min", factor=0.1, patience=2, cooldown=1, min_lr=0.002
    ),
    "maxAbsThreshold": plateau(
        ACCS, mode="max", factor=0.5, patience=1, threshold=0.01, threshold_mode="abs"
    ),
}
print("// ReduceLROnPlateau, lr after each epoch (starting lr 0.1)")
for name, lrs in cases.items():
    print(f"{name}: {json.dumps(lrs)},")

GRADS = [[3.0, -4.0, 0.5], [1.5, 2.0]]


def clipped(fn, arg):
    ps = [torch.nn.Parameter(torch.zeros(len(g))) for g in GRADS]
    for p, g in zip(ps, GRADS):
        p.grad = torch.tensor(g)
    total = fn(ps, arg)
    return [[round(x, 12) for x in p.grad.tolist()] for p in ps], total


print("// clip_grad_norm_(max_norm) and clip_grad_value_(clip_value) on", json.dumps(GRADS))
for max_norm in [1.0, 10.0]:
    g, total = clipped(torch.nn.utils.clip_grad_norm_, max_norm)
    print(f"norm {max_norm}: total {float(total)!r}, grads {json.dumps(g)}")
g, _ = clipped(torch.nn.utils.clip_grad_value_, 1.75)
print(f"value 1.75: grads {json.dumps(g)}")
