"""Prints the reference values of packages/learner/test/optimizers-torch.test.ts.

Runs PyTorch 1.13's optimizers on a fixed sequence of gradients, with the hyperparameters changed
before every step (as a schedule does), and prints the parameter after each step:

- SGD with Nesterov momentum (torch.optim.SGD(nesterov=True));
- RAdam (torch.optim.RAdam);
- Lamb: PyTorch has none, so this is fastai v2's `lamb_step` written with torch ops.

"Decoupled" weight decay is fastai's (and AdamW's) `p <- p * (1 - lr * wd)` before the step, with
the optimizer's own weight_decay at 0; "L2" passes wd as the optimizer's weight_decay (added to
the gradient). Usage: python3 optimizer-steps.py
"""
import json

import torch

torch.set_default_dtype(torch.float64)

P0 = [0.5, -1.25, 2.0, 0.1]
GRADS = [
    [0.3, -0.2, 0.05, 1.5],
    [-0.1, 0.4, 0.2, -0.7],
    [0.25, 0.25, -0.5, 0.01],
    [1.0, -1.0, 0.5, 0.2],
    [-0.6, 0.3, 0.1, -0.4],
    [0.05, -0.8, 0.9, 0.3],
    [0.2, 0.2, -0.3, -0.1],
    [-0.4, 0.6, 0.25, 0.7],
]
# lr, mom (beta1), beta (beta2), wd per step; beta2 = 0.9 lets RAdam's rectification start at step 6.
HYPERS = [
    dict(lr=0.01, mom=0.95, beta=0.9, wd=0.1),
    dict(lr=0.05, mom=0.9, beta=0.9, wd=0.1),
    dict(lr=0.02, mom=0.85, beta=0.88, wd=0.05),
    dict(lr=0.001, mom=0.9, beta=0.9, wd=0.1),
    dict(lr=0.03, mom=0.92, beta=0.9, wd=0.0),
    dict(lr=0.02, mom=0.9, beta=0.91, wd=0.1),
    dict(lr=0.01, mom=0.88, beta=0.9, wd=0.2),
    dict(lr=0.005, mom=0.9, beta=0.9, wd=0.1),
]


def run(make, set_hypers, decoupled):
    p = torch.tensor(P0, requires_grad=True)
    opt = make([p])
    out = []
    for g, h in zip(GRADS, HYPERS):
        for group in opt.param_groups:
            set_hypers(group, h, decoupled)
        if decoupled:
            with torch.no_grad():
                p.mul_(1 - h["lr"] * h["wd"])
        p.grad = torch.tensor(g)
        opt.step()
        out.append([round(x, 12) for x in p.detach().tolist()])
    return out


def sgd_hypers(group, h, decoupled):
    group["lr"], group["momentum"] = h["lr"], h["mom"]
    group["weight_decay"] = 0.0 if decoupled else h["wd"]


def adam_like_hypers(group, h, decoupled):
    group["lr"], group["betas"] = h["lr"], (h["mom"], h["beta"])
    group["weight_decay"] = 0.0 if decoupled else h["wd"]


class FastaiLamb(torch.optim.Optimizer):
    """fastai v2's Lamb (average_grad and average_sqr_grad with dampening, then lamb_step)."""

    def __init__(self, params, lr, betas=(0.9, 0.99), eps=1e-5, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            mom, sqr_mom = group["betas"]
            for p in group["params"]:
                grad = p.grad
                if group["weight_decay"] != 0:  # fastai's l2_reg
                    grad = grad.add(p, alpha=group["weight_decay"])
                st = self.state[p]
                if not st:
                    st["step"] = 0
                    st["grad_avg"] = torch.zeros_like(p)
                    st["sqr_avg"] = torch.zeros_like(p)
                st["step"] += 1
                step = st["step"]
                st["grad_avg"].mul_(mom).add_(grad, alpha=1 - mom)
                st["sqr_avg"].mul_(sqr_mom).addcmul_(grad, grad, value=1 - sqr_mom)
                debias1 = 1 - mom**step
                debias2 = 1 - sqr_mom**step
                r1 = p.pow(2).mean().sqrt()
                upd = (st["grad_avg"] / debias1) / ((st["sqr_avg"] / debias2).sqrt() + group["eps"])
                r2 = upd.pow(2).mean().sqrt()
                q = 1.0 if r1 == 0 or r2 == 0 else min(float(r1 / r2), 10.0)
                p.add_(upd, alpha=-group["lr"] * q)


cases = {
    "sgdNesterovDecoupled": run(
        lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True), sgd_hypers, True
    ),
    "sgdNesterovL2": run(
        lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True), sgd_hypers, False
    ),
    "radamDecoupled": run(lambda ps: torch.optim.RAdam(ps, lr=0.1, eps=1e-8), adam_like_hypers, True),
    "radamL2": run(lambda ps: torch.optim.RAdam(ps, lr=0.1, eps=1e-8), adam_like_hypers, False),
    "lambDecoupled": run(lambda ps: FastaiLamb(ps, lr=0.1, eps=1e-5), adam_like_hypers, True),
    "lambL2": run(lambda ps: FastaiLamb(ps, lr=0.1, eps=1e-5), adam_like_hypers, False),
}
print(f"// PyTorch {torch.__version__}: the parameter after each step")
for name, rows in cases.items():
    print(f"{name}: [")
    for row in rows:
        print(f"  {json.dumps(row)},")
    print("],")
