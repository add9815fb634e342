import * as tf from '@tensorflow/tfjs-core';
import type { OptFunc } from './opt-func.js';
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
 * Options of {@link RMSProp}.
 *
 * @example
 * ```ts
 * const o: RMSPropOptions = { lr: 1e-3, alpha: 0.99, mom: 0 };
 * ```
 */
export interface RMSPropOptions extends OptimizerOptions {
  /** Decay of the squared-gradient average (the `beta` hyperparameter; default 0.99). */
  alpha?: number;
  /** Momentum (the `mom` hyperparameter; default 0). */
  mom?: number;
  /** Added to the denominator (default 1e-8, as PyTorch). */
  eps?: number;
}

interface RMSPropScalars {
  alpha: tf.Scalar;
  oneMinusAlpha: tf.Scalar;
  eps: tf.Scalar;
  lr: tf.Scalar;
  mom?: tf.Scalar;
}

/**
 * RMSProp as PyTorch computes it: `sq ← alpha·sq + (1 − alpha)·g²`, `d = g / (√sq + eps)`; with
 * momentum `buf ← mom·buf + d`, `p ← p − lr·buf`, else `p ← p − lr·d`. `alpha` is the `beta`
 * hyperparameter, momentum is `mom`.
 *
 * @example
 * ```ts
 * const opt = new RMSProp([params], { lr: 1e-3, alpha: 0.99 });
 * opt.step(grads);
 * ```
 */
export class RMSProp extends Optimizer {
  /** 'rmsprop'. */
  readonly kind = 'rmsprop';
  /** The epsilon of the denominator. */
  readonly eps: number;

  /**
   * @param groups - Parameter groups.
   * @param options - lr, alpha, mom, eps, wd, trueWd.
   * @example
   * ```ts
   * new RMSProp([[{ name: 'w', variable: w, decay: true }]], { lr: 1e-3 });
   * ```
   */
  constructor(groups: readonly (readonly OptParam[])[], options: RMSPropOptions = {}) {
    super(groups, { mom: options.mom ?? 0, beta: options.alpha ?? 0.99 }, options);
    const eps = options.eps ?? 1e-8;
    if (!(eps > 0 && Number.isFinite(eps)))
      throw new RangeError(`RMSProp: eps must be a positive number, got ${eps}`);
    this.eps = eps;
  }

  protected updateArrays(u: ArrayUpdate): void {
    const { param, grad, out, state, h, decay, l2 } = u;
    const n = out.length;
    const sq = stateArray(state, 'squareAvg', n);
    const alpha = h.beta;
    const lr = h.lr;
    const eps = this.eps;
    const mom = h.mom;
    const buf = mom === 0 ? undefined : stateArray(state, 'momentumBuffer', n);
    for (let i = 0; i < n; i++) {
      const p = param[i]!;
      const g = l2 === 0 ? grad[i]! : grad[i]! + l2 * p;
      sq[i] = alpha * sq[i]! + (1 - alpha) * g * g;
      const d = g / (Math.sqrt(sq[i]!) + eps);
      if (buf === undefined) out[i] = p * decay - lr * d;
      else {
        buf[i] = mom * buf[i]! + d;
        out[i] = p * decay - lr * buf[i]!;
      }
    }
  }

  protected stepScalars(h: Hyperparams): RMSPropScalars {
    const s: RMSPropScalars = {
      alpha: tf.scalar(h.beta),
      oneMinusAlpha: tf.scalar(1 - h.beta),
      eps: tf.scalar(this.eps),
      lr: tf.scalar(h.lr),
    };
    if (h.mom !== 0) s.mom = tf.scalar(h.mom);
    return s;
  }

  protected update(
    param: tf.Tensor,
    grad: tf.Tensor,
    state: ParamState,
    scalars: unknown,
  ): { param: tf.Tensor; tensors: Record<string, tf.Tensor> } {
    const s = scalars as RMSPropScalars;
    const sq0 = state.tensors.squareAvg;
    const gsq = tf.mul(tf.square(grad), s.oneMinusAlpha);
    const squareAvg = sq0 === undefined ? gsq : tf.add(tf.mul(sq0, s.alpha), gsq);
    const d = tf.div(grad, tf.add(tf.sqrt(squareAvg), s.eps));
    if (s.mom === undefined) return { param: tf.sub(param, tf.mul(d, s.lr)), tensors: { squareAvg } };
    const b0 = state.tensors.momentumBuffer;
    const buf = b0 === undefined ? d : tf.add(tf.mul(b0, s.mom), d);
    return { param: tf.sub(param, tf.mul(buf, s.lr)), tensors: { squareAvg, momentumBuffer: buf } };
  }
}

/**
 * An {@link OptFunc} that builds {@link RMSProp}.
 *
 * @example
 * ```ts
 * const learn = new Learner(data, model, { optFunc: rmsprop({ alpha: 0.99 }) });
 * ```
 */
export function rmsprop(options: Omit<RMSPropOptions, 'lr' | 'wd' | 'trueWd'> = {}): OptFunc {
  return (groups, common) => new RMSProp(groups, { ...options, ...common });
}
