import * as tf from '@tensorflow/tfjs-core';
import { AdamLike, type MomentScalars } from './adam-like.js';
import type { OptFunc } from './opt-func.js';
import type { ArrayUpdate, Hyperparams, OptimizerOptions, OptParam, ParamState } from './optimizer.js';

/**
 * Options of {@link Lamb}.
 *
 * @example
 * ```ts
 * const o: LambOptions = { lr: 1e-3, betas: [0.9, 0.99], eps: 1e-5 };
 * ```
 */
export interface LambOptions extends OptimizerOptions {
  /** `[beta1, beta2]`; beta1 is the `mom` hyperparameter, beta2 `beta` (default [0.9, 0.99], as fastai). */
  betas?: readonly [number, number];
  /** Added to the denominator (default 1e-5, as fastai). */
  eps?: number;
}

interface LambScalars extends MomentScalars {
  invBc1: tf.Scalar;
  invBc2: tf.Scalar;
  lr: number;
}

/** The trust ratio `min(r1/r2, 10)`, or 1 when either norm is 0 (fastai's `lamb_step`). */
function trustRatio(r1: number, r2: number): number {
  return r1 === 0 || r2 === 0 ? 1 : Math.min(r1 / r2, 10);
}

/**
 * LAMB (You et al. 2019) as fastai v2's `Lamb` computes it: Adam's bias-corrected step
 * `u = m̂ / (√v̂ + eps)`, scaled per parameter tensor by the trust ratio
 * `q = min(‖p‖/‖u‖, 10)` (root-mean-square norms; 1 when either is 0): `p ← p − lr·q·u`.
 * Weight decay is decoupled (`trueWd`, default; applied before the norms are taken) or L2.
 *
 * @example
 * ```ts
 * const opt = new Lamb([params], { lr: 1e-2 });
 * opt.step(grads);
 * ```
 */
export class Lamb extends AdamLike {
  /** 'lamb'. */
  readonly kind = 'lamb';

  /**
   * @param groups - Parameter groups.
   * @param options - lr, betas, eps, wd, trueWd.
   * @example
   * ```ts
   * new Lamb([[{ name: 'w', variable: w, decay: true }]], { lr: 1e-2, wd: 1e-2 });
   * ```
   */
  constructor(groups: readonly (readonly OptParam[])[], options: LambOptions = {}) {
    super('Lamb', groups, options, { betas: [0.9, 0.99], eps: 1e-5 });
  }

  protected updateArrays(u: ArrayUpdate): void {
    const { param, out, h, decay } = u;
    const n = out.length;
    const { m, v } = this.updateMoments(u);
    const bc1 = 1 - h.mom ** u.step;
    const bc2 = 1 - h.beta ** u.step;
    const eps = this.eps;
    let sumP = 0;
    let sumU = 0;
    for (let i = 0; i < n; i++) {
      const base = param[i]! * decay;
      const step = m[i]! / bc1 / (Math.sqrt(v[i]! / bc2) + eps);
      out[i] = step; // the step for now; the new value once the trust ratio is known
      sumP += base * base;
      sumU += step * step;
    }
    const q = trustRatio(Math.sqrt(sumP / n), Math.sqrt(sumU / n));
    for (let i = 0; i < n; i++) out[i] = param[i]! * decay - h.lr * q * out[i]!;
  }

  protected stepScalars(h: Hyperparams, step: number): LambScalars {
    return {
      ...this.momentScalars(h),
      invBc1: tf.scalar(1 / (1 - h.mom ** step)),
      invBc2: tf.scalar(1 / (1 - h.beta ** step)),
      lr: h.lr,
    };
  }

  protected update(
    param: tf.Tensor,
    grad: tf.Tensor,
    state: ParamState,
    scalars: unknown,
  ): { param: tf.Tensor; tensors: Record<string, tf.Tensor> } {
    const s = scalars as LambScalars;
    const { expAvg, expAvgSq } = this.nextMoments(grad, state, s);
    const step = tf.div(tf.mul(expAvg, s.invBc1), tf.add(tf.sqrt(tf.mul(expAvgSq, s.invBc2)), s.eps));
    // The trust ratio is one number per tensor: read back (two scalars), as fastai's `r1 == 0` does.
    const r1 = tf.sqrt(tf.mean(tf.square(param))).dataSync()[0]!;
    const r2 = tf.sqrt(tf.mean(tf.square(step))).dataSync()[0]!;
    const next = tf.sub(param, tf.mul(step, tf.scalar(s.lr * trustRatio(r1, r2))));
    return { param: next, tensors: { expAvg, expAvgSq } };
  }
}

/**
 * An {@link OptFunc} that builds {@link Lamb} — fastai's `Lamb`.
 *
 * @example
 * ```ts
 * const learn = new Learner(data, model, { optFunc: lamb({ eps: 1e-6 }) });
 * ```
 */
export function lamb(options: Omit<LambOptions, 'lr' | 'wd' | 'trueWd'> = {}): OptFunc {
  return (groups, common) => new Lamb(groups, { ...options, ...common });
}
