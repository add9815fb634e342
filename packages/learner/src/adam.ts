import * as tf from '@tensorflow/tfjs-core';
import { AdamLike, type MomentScalars } from './adam-like.js';
import type { OptFunc } from './opt-func.js';
import {
  type ArrayUpdate,
  type Hyperparams,
  type OptimizerOptions,
  type OptParam,
  type ParamState,
  stateArray,
} from './optimizer.js';

/**
 * Options of {@link Adam}.
 *
 * @example
 * ```ts
 * const o: AdamOptions = { lr: 1e-3, betas: [0.9, 0.99], eps: 1e-8, wd: 1e-2 };
 * ```
 */
export interface AdamOptions extends OptimizerOptions {
  /** `[beta1, beta2]`; beta1 is the `mom` hyperparameter, beta2 `beta` (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to the denominator (default 1e-8, as PyTorch). */
  eps?: number;
}

interface AdamScalars extends MomentScalars {
  invSqrtBc2: tf.Scalar;
  stepSize: tf.Scalar;
}

/**
 * Adam as PyTorch computes it (bias-corrected moments, `eps` outside the square root), with
 * beta1 exposed as `mom` and beta2 as `beta` so a schedule can change them every step. With
 * `trueWd` (the default) weight decay is decoupled — `p ← p·(1 − lr·wd)` before the update — which
 * makes it AdamW, fastai v1's default; with `trueWd: false`, `wd·p` is added to the gradient.
 *
 * @example
 * ```ts
 * const opt = new Adam([params], { lr: 1e-3, betas: [0.9, 0.99], wd: 1e-2 });
 * opt.step(grads);
 * ```
 */
export class Adam extends AdamLike {
  /** 'adam'. */
  readonly kind = 'adam';

  /**
   * @param groups - Parameter groups.
   * @param options - lr, betas, eps, wd, trueWd.
   * @example
   * ```ts
   * new Adam([[{ name: 'w', variable: w, decay: true }]], { lr: 3e-3 });
   * ```
   */
  constructor(groups: readonly (readonly OptParam[])[], options: AdamOptions = {}) {
    super('Adam', groups, options, { betas: [0.9, 0.999], eps: 1e-8 });
  }

  protected updateArrays(u: ArrayUpdate): void {
    const { param, grad, out, state, h, decay, l2 } = u;
    const n = out.length;
    const m = stateArray(state, 'expAvg', n);
    const v = stateArray(state, 'expAvgSq', n);
    const b1 = h.mom;
    const b2 = h.beta;
    const invSqrtBc2 = 1 / Math.sqrt(1 - b2 ** u.step);
    const stepSize = h.lr / (1 - b1 ** u.step);
    const eps = this.eps;
    for (let i = 0; i < n; i++) {
      const p = param[i]!;
      const g = l2 === 0 ? grad[i]! : grad[i]! + l2 * p;
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      out[i] = p * decay - stepSize * (m[i]! / (Math.sqrt(v[i]!) * invSqrtBc2 + eps));
    }
  }

  protected stepScalars(h: Hyperparams, step: number): AdamScalars {
    const bc1 = 1 - h.mom ** step;
    const bc2 = 1 - h.beta ** step;
    return {
      ...this.momentScalars(h),
      invSqrtBc2: tf.scalar(1 / Math.sqrt(bc2)),
      stepSize: tf.scalar(h.lr / bc1),
    };
  }

  protected update(
    param: tf.Tensor,
    grad: tf.Tensor,
    state: ParamState,
    scalars: unknown,
  ): { param: tf.Tensor; tensors: Record<string, tf.Tensor> } {
    const s = scalars as AdamScalars;
    const { expAvg, expAvgSq } = this.nextMoments(grad, state, s);
    const denom = tf.add(tf.mul(tf.sqrt(expAvgSq), s.invSqrtBc2), s.eps);
    const next = tf.sub(param, tf.mul(tf.div(expAvg, denom), s.stepSize));
    return { param: next, tensors: { expAvg, expAvgSq } };
  }
}

/**
 * An {@link OptFunc} that builds {@link Adam}; the learner's default is
 * `adam({ betas: [0.9, 0.99] })`, as fastai v1.
 *
 * @example
 * ```ts
 * const learn = new Learner(data, model, { optFunc: adam({ betas: [0.9, 0.99], eps: 1e-8 }) });
 * ```
 */
export function adam(options: Omit<AdamOptions, 'lr' | 'wd' | 'trueWd'> = {}): OptFunc {
  return (groups, common) => new Adam(groups, { ...options, ...common });
}
