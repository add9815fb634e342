import * as tf from '@tensorflow/tfjs-core';
import {
  type ArrayUpdate,
  type Hyperparams,
  Optimizer,
  type OptimizerOptions,
  type OptParam,
  type ParamState,
  stateArray,
} from './optimizer.js';

/**
 * The per-step scalars of Adam's two moments (created inside the step's `tf.tidy`).
 *
 * @example
 * ```ts
 * const s: MomentScalars = this.momentScalars(h);
 * ```
 */
export interface MomentScalars {
  /** beta1 (`mom`). */
  b1: tf.Scalar;
  /** `1 − beta1`. */
  oneMinusB1: tf.Scalar;
  /** beta2 (`beta`). */
  b2: tf.Scalar;
  /** `1 − beta2`. */
  oneMinusB2: tf.Scalar;
  /** The epsilon of the denominator. */
  eps: tf.Scalar;
}

/**
 * Base class of the optimizers built on Adam's moments — {@link Adam}, {@link RAdam}, {@link Lamb}:
 * `m ← beta1·m + (1 − beta1)·g` and `v ← beta2·v + (1 − beta2)·g²` (with beta1 the `mom`
 * hyperparameter and beta2 `beta`, so schedules can change them), kept under the state keys
 * `expAvg` and `expAvgSq`, and a positive `eps`.
 *
 * @example
 * ```ts
 * class MyAdam extends AdamLike {
 *   readonly kind = 'my-adam';
 *   // updateArrays, stepScalars and update use this.updateMoments / this.nextMoments
 * }
 * ```
 */
export abstract class AdamLike extends Optimizer {
  /** The epsilon of the denominator. */
  readonly eps: number;

  /**
   * @param name - The optimizer's name, for error messages.
   * @example
   * ```ts
   * super('RAdam', groups, options, { betas: [0.9, 0.999], eps: 1e-8 });
   * ```
   * @param groups - Parameter groups.
   * @param options - lr, betas, eps, wd, trueWd, engine.
   * @param defaults - The betas and eps used when `options` gives none.
   */
  protected constructor(
    name: string,
    groups: readonly (readonly OptParam[])[],
    options: OptimizerOptions & { betas?: readonly [number, number]; eps?: number },
    defaults: { betas: readonly [number, number]; eps: number },
  ) {
    const [b1, b2] = options.betas ?? defaults.betas;
    super(groups, { mom: b1, beta: b2 }, options);
    const eps = options.eps ?? defaults.eps;
    if (!(eps > 0 && Number.isFinite(eps)))
      throw new RangeError(`${name}: eps must be a positive number, got ${eps}`);
    this.eps = eps;
  }

  /**
   * Array engine: updates the moments of `u`'s parameter in place (the gradient plus L2 decay when
   * it applies) and returns them.
   * @example
   * ```ts
   * const { m, v } = this.updateMoments(u);
   * ```
   */
  protected updateMoments(u: ArrayUpdate): { m: Float32Array; v: Float32Array } {
    const { param, grad, state, h, l2 } = u;
    const n = u.out.length;
    const m = stateArray(state, 'expAvg', n);
    const v = stateArray(state, 'expAvgSq', n);
    const b1 = h.mom;
    const b2 = h.beta;
    for (let i = 0; i < n; i++) {
      const g = l2 === 0 ? grad[i]! : grad[i]! + l2 * param[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
    }
    return { m, v };
  }

  /**
   * Tensor engine: the moments' scalars of one group for one step.
   * @example
   * ```ts
   * return { ...this.momentScalars(h), stepSize: tf.scalar(h.lr) };
   * ```
   */
  protected momentScalars(h: Hyperparams): MomentScalars {
    return {
      b1: tf.scalar(h.mom),
      oneMinusB1: tf.scalar(1 - h.mom),
      b2: tf.scalar(h.beta),
      oneMinusB2: tf.scalar(1 - h.beta),
      eps: tf.scalar(this.eps),
    };
  }

  /**
   * Tensor engine: the moments after this step's gradient.
   * @example
   * ```ts
   * const { expAvg, expAvgSq } = this.nextMoments(grad, state, scalars);
   * ```
   */
  protected nextMoments(
    grad: tf.Tensor,
    state: ParamState,
    s: MomentScalars,
  ): { expAvg: tf.Tensor; expAvgSq: tf.Tensor } {
    const m0 = state.tensors.expAvg;
    const v0 = state.tensors.expAvgSq;
    const gm = tf.mul(grad, s.oneMinusB1);
    const expAvg = m0 === undefined ? gm : tf.add(tf.mul(m0, s.b1), gm);
    const gv = tf.mul(tf.square(grad), s.oneMinusB2);
    const expAvgSq = v0 === undefined ? gv : tf.add(tf.mul(v0, s.b2), gv);
    return { expAvg, expAvgSq };
  }
}
