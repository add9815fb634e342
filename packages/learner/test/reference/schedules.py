"""Prints the reference learning rates of packages/learner/test/fit-schedules.test.ts (PyTorch 1.13).

The learning rate of every training step (one scheduler step per batch; the test's data has 8
batches per epoch), from:
- flat-cos: SequentialLR(ConstantLR(factor=1), CosineAnnealingLR(T_max, eta_min=lr/div_final)) with
  the milestone at pct_start of the steps — fastai v2's fit_flat_cos;
- SGDR: CosineAnnealingWarmRestarts(T_0=cycle_len*steps_per_epoch, T_mult=cycle_mult, eta_min=0) —
  fastai v2's fit_sgdr.

Usage: python3 schedules.py
"""
import json

import torch


def lrs(make_sched, n, lr):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=lr)
    sched = make_sched(opt)
    out = []
    for _ in range(n):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


def flat_cos(n, lr, pct_start, div_final):
    flat = round(n * pct_start)
    return lrs(
        lambda opt: torch.optim.lr_scheduler.SequentialLR(
            opt,
            [
                torch.optim.lr_scheduler.ConstantLR(opt, factor=1.0, total_iters=flat),
                torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=n - flat, eta_min=lr / div_final),
            ],
            milestones=[flat],
        ),
        n,
        lr,
    )


def sgdr(n_cycles, cycle_len, steps_per_epoch, cycle_mult, lr):
    n = sum(cycle_len * cycle_mult**i for i in range(n_cycles)) * steps_per_epoch
    return lrs(
        lambda opt: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
            opt, T_0=cycle_len * steps_per_epoch, T_mult=cycle_mult, eta_min=0
        ),
        n,
        lr,
    )


print("// PyTorch", torch.__version__)
# fitFlatCos(2, 0.01, { pctStart: 0.5 }): 16 steps, 8 flat.
print("flatCos2x8pct05:", json.dumps(flat_cos(16, 0.01, 0.5, 1e5)) + ",")
# fitSgdr(2, 1, 0.01) (cycleMult 2): cycles of 8 and 16 steps.
print("sgdr2x1x8mult2:", json.dumps(sgdr(2, 1, 8, 2, 0.01)) + ",")
