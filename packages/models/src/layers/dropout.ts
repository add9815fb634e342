import * as tf from '@tensorflow/tfjs-core';
import { Module } from '../module.js';
import { type Rng, resolveRng } from '../rng.js';

/**
 * Options of {@link Dropout}.
 *
 * @example
 * ```ts
 * const opts: DropoutOptions = { seed: 0 };
 * ```
 */
export interface DropoutOptions {
  /** Seed of the masks (ignored if `rng` is given). Without either, a random seed. */
  seed?: number;
  /** Random stream for the masks. */
  rng?: Rng;
}

/**
 * PyTorch's `nn.Dropout(p)`: in training mode zeroes each element with probability `p` and scales
 * the rest by `1/(1−p)`; in eval mode the identity. Masks are drawn from a seeded stream: the same
 * seed gives the same sequence of masks.
 *
 * @example
 * ```ts
 * import { Dropout } from '@onecycle/models';
 * const drop = new Dropout(0.5, { seed: 0 });
 * const y = tf.tidy(() => drop.forward(tf.ones([2, 8]))); // zeros and 2s
 * ```
 */
export class Dropout extends Module {
  /** Probability of zeroing an element. */
  readonly p: number;
  private readonly rng: Rng;

  constructor(p = 0.5, options: DropoutOptions = {}) {
    super();
    if (!(p >= 0 && p < 1)) throw new RangeError(`Dropout: p must be in [0, 1), got ${p}`);
    this.p = p;
    this.rng = resolveRng(options);
  }

  /**
   * Applies dropout (training mode) or returns `x` (eval mode or `p = 0`).
   *
   * @example
   * ```ts
   * const y = tf.tidy(() => drop.forward(x));
   * ```
   */
  forward(x: tf.Tensor): tf.Tensor {
    if (!this.training || this.p === 0) return x;
    const keep = 1 - this.p;
    const u = tf.randomUniform(x.shape, 0, 1, 'float32', this.rng.uint32());
    const mask = tf.div(tf.cast(tf.greaterEqual(u, this.p), 'float32'), keep);
    return tf.mul(x, mask);
  }
}
