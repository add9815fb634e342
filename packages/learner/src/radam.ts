import * as tf from '@tensorflow/tfjs-core';
import { AdamLike, type MomentScalars } from './adam-like.js';
import type { OptFunc } from './opt-func.js';
import type { ArrayUpdate, Hyperparams, OptimizerOptions, OptParam, ParamState } from './optimizer.js';

/**
 * Options of {@link RAdam}.
 *
 * @example
 * ```ts
 * const o: RAdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8 };
 * ```
 */
export interface RAdamOptions extends OptimizerOptions {
  /** `[beta1, beta2]`; beta1 is the `mom` hyperparameter, beta2 `beta` (default [0.9, 0.999], as PyTorch). */
  betas?: readonly [number, number];
  /** Added to the denominator (default 1e-8, as PyTorch). */
  eps?: number;
}

/** The step's factors of one group: the moments' decays and what multiplies the first moment. */
interface RAdamScalars extends MomentScalars {
  /** `lr·rect·√bc2 / bc1` when the variance is rectified, else `lr / bc1`. */
  stepSize: tf.Scalar;
  rectified: boolean;
}

/**
 * RAdam's rectification at step `step`: `undefined` while the approximated SMA length `ρ_t` is
 * at most 5 (the step is then plain momentum SGD), else the factor `r_t` of the adaptive step.
 *
 * @example
 * ```ts
 * radamRectification(0.999, 1);   // undefined
 * radamRectification(0.9, 6);     // ≈ 0.167
 * ```
 */
export function radamRectification(beta2: number, step: number): number | undefined {
  const rhoInf = 2 / (1 - beta2) - 1;
  const bc2 = 1 - beta2 ** step;
  const rhoT = rhoInf - (2 * step * beta2 ** step) / bc2;
  if (!(rhoT > 5)) return undefined;
  return Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
}

/**
 * Rectified Adam (Liu et al. 2019) as PyTorch 1.13's `torch.optim.RAdam` computes it: Adam's
 * moments; while the variance estimate is unreliable (`ρ_t ≤ 5`, the first steps) the step is
 * `p ← p − lr·m̂`, afterwards `p ← p − lr·r_t·m̂·√bc2 / (√v + eps)`. beta1 is the `mom`
 * hyperparameter and beta2 `beta`, so schedules can change them; weight decay is decoupled
 * (`trueWd`, default) or L2 as PyTorch's `weight_decay`. fastai ships it as `RAdam`.
 *
 * @example
 * ```ts
 * const opt = new RAdam([params], { lr: 1e-3, betas: [0.9, 0.99] });
 * opt.step(grads);
 * ```
 */
export class RAdam extends AdamLike {
  /** 'radam'. */
  readonly kind = 'radam';

  /**
   * @param groups - Parameter groups.
   * @param options - lr, betas, eps, wd, trueWd.
   * @example
   * ```ts
   * new RAdam([[{ name: 'w', variable: w, decay: true }]], { lr: 3e-3 });
   * ```
   */
  constructor(groups: readonly (readonly OptParam[])[], options: RAdamOptions = {}) {
    super('RAdam', groups, options, { betas: [0.9, 0.999], eps: 1e-8 });
  }

  protected updateArrays(u: ArrayUpdate): void {
    const { param, out, h, decay } = u;
    const n = out.length;
    const { m, v } = this.updateMoments(u);
    const bc1 = 1 - h.mom ** u.step;
    const rect = radamRectification(h.beta, u.step);
    const eps = this.eps;
    if (rect === undefined) {
      const stepSize = h.lr / bc1;
      for (let i = 0; i < n; i++) out[i] = param[i]! * decay - stepSize * m[i]!;
      return;
    }
    const stepSize = (h.lr * rect * Math.sqrt(1 - h.beta ** u.step)) / bc1;
    for (let i = 0; i < n; i++) {
      out[i] = param[i]! * decay - (stepSize * m[i]!) / (Math.sqrt(v[i]!) + eps);
    }
  }

  protected stepScalars(h: Hyperparams, step: number): RAdamScalars {
    const bc1 = 1 - h.mom ** step;
    const rect = radamRectification(h.beta, step);
    const stepSize = rect === undefined ? h.lr / bc1 : (h.lr * rect * Math.sqrt(1 - h.beta ** step)) / bc1;
    return {
      ...this.momentScalars(h),
      stepSize: tf.scalar(stepSize),
      rectified: rect !== undefined,
    };
  }

  protected update(
    param: tf.Tensor,
    grad: tf.Tensor,
    state: ParamState,
    scalars: unknown,
  ): { param: tf.Tensor; tensors: Record<string, tf.Tensor> } {
    const s = scalars as RAdamScalars;
    const { expAvg, expAvgSq } = this.nextMoments(grad, state, s);
    const d = s.rectified ? tf.div(expAvg, tf.add(tf.sqrt(expAvgSq), s.eps)) : expAvg;
    return { param: tf.sub(param, tf.mul(d, s.stepSize)), tensors: { expAvg, expAvgSq } };
  }
}

/**
 * An {@link OptFunc} that builds {@link RAdam} — fastai's `RAdam`.
 *
 * @example
 * ```ts
 * const learn = new Learner(data, model, { optFunc: radam({ betas: [0.9, 0.99] }) });
 * ```
 */
export function radam(options: Omit<RAdamOptions, 'lr' | 'wd' | 'trueWd'> = {}): OptFunc {
  return (groups, common) => new RAdam(groups, { ...options, ...common });
}
