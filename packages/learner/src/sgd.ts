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
 * Options of {@link SGD}.
 *
 * @example
 * ```ts
 * const o: SGDOptions = { lr: 0.1, mom: 0.9 };
 * ```
 */
export interface SGDOptions extends OptimizerOptions {
  /** Momentum (the `mom` hyperparameter; default 0 = plain SGD). */
  mom?: number;
  /**
   * Nesterov momentum, as PyTorch's `nesterov=True`: the step is `g + mom·buf` instead of `buf`
   * (default false).
   */
  nesterov?: boolean;
}

interface SGDScalars {
  lr: tf.Scalar;
  mom?: tf.Scalar;
}

/**
 * Stochastic gradient descent with momentum as PyTorch computes it: `buf ← mom·buf + g`
 * (the first buffer is the gradient itself), `p ← p − lr·buf`; with `nesterov`,
 * `p ← p − lr·(g + mom·buf)`. No buffer is kept while `mom` is 0.
 *
 * @example
 * ```ts
 * const opt = new SGD([params], { lr: 0.1, mom: 0.9, nesterov: true });
 * opt.step(grads);
 * ```
 */
export class SGD extends Optimizer {
  /** 'sgd'. */
  readonly kind = 'sgd';
  /** Whether the step uses Nesterov momentum. */
  readonly nesterov: boolean;

  /**
   * @param groups - Parameter groups.
   * @param options - lr, mom, wd, trueWd.
   * @example
   * ```ts
   * new SGD([[{ name: 'w', variable: w, decay: true }]], { lr: 0.1, mom: 0.9 });
   * ```
   */
  constructor(groups: readonly (readonly OptParam[])[], options: SGDOptions = {}) {
    super(groups, { mom: options.mom ?? 0, beta: 0 }, options);
    if (options.nesterov !== undefined && typeof options.nesterov !== 'boolean') {
      throw new TypeError(`SGD: nesterov must be a boolean, got ${String(options.nesterov)}`);
    }
    this.nesterov = options.nesterov ?? false;
  }

  protected updateArrays(u: ArrayUpdate): void {
    const { param, grad, out, state, h, decay, l2 } = u;
    const n = out.length;
    const lr = h.lr;
    if (h.mom === 0) {
      for (let i = 0; i < n; i++) {
        const p = param[i]!;
        out[i] = p * decay - lr * (l2 === 0 ? grad[i]! : grad[i]! + l2 * p);
      }
      return;
    }
    // A zero-filled buffer gives the gradient itself on the first step, as PyTorch's clone does.
    const buf = stateArray(state, 'momentumBuffer', n);
    const mom = h.mom;
    const nesterov = this.nesterov;
    for (let i = 0; i < n; i++) {
      const p = param[i]!;
      const g = l2 === 0 ? grad[i]! : grad[i]! + l2 * p;
      buf[i] = mom * buf[i]! + g;
      out[i] = p * decay - lr * (nesterov ? g + mom * buf[i]! : buf[i]!);
    }
  }

  protected stepScalars(h: Hyperparams): SGDScalars {
    return h.mom === 0 ? { lr: tf.scalar(h.lr) } : { lr: tf.scalar(h.lr), mom: tf.scalar(h.mom) };
  }

  protected update(
    param: tf.Tensor,
    grad: tf.Tensor,
    state: ParamState,
    scalars: unknown,
  ): { param: tf.Tensor; tensors: Record<string, tf.Tensor> } {
    const s = scalars as SGDScalars;
    if (s.mom === undefined) return { param: tf.sub(param, tf.mul(grad, s.lr)), tensors: {} };
    const b0 = state.tensors.momentumBuffer;
    const buf = b0 === undefined ? tf.clone(grad) : tf.add(tf.mul(b0, s.mom), grad);
    const d = this.nesterov ? tf.add(grad, tf.mul(buf, s.mom)) : buf;
    return { param: tf.sub(param, tf.mul(d, s.lr)), tensors: { momentumBuffer: buf } };
  }
}

/**
 * An {@link OptFunc} that builds {@link SGD} — fastai's `partial(optim.SGD, momentum=0.9)`.
 *
 * @example
 * ```ts
 * const learn = new Learner(data, model, { optFunc: sgd({ mom: 0.9, nesterov: true }) });
 * ```
 */
export function sgd(options: Omit<SGDOptions, 'lr' | 'wd' | 'trueWd'> = {}): OptFunc {
  return (groups, common) => new SGD(groups, { ...options, ...common });
}
