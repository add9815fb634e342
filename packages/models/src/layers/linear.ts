import * as tf from '@tensorflow/tfjs-core';
import { type InitScheme, kaimingNormal, torchDefaultBias, torchDefaultWeight } from '../init.js';
import { Module } from '../module.js';
import { type Rng, resolveRng } from '../rng.js';
import { checkInt } from './check.js';

/**
 * Options of {@link Linear}.
 *
 * @example
 * ```ts
 * const opts: LinearOptions = { bias: true, seed: 0 };
 * ```
 */
export interface LinearOptions {
  /** Whether to add a bias, default `true`. */
  bias?: boolean;
  /** Initialisation, default `'torch'` (PyTorch's `nn.Linear` default). */
  init?: InitScheme;
  /** Seed of the initialisation (ignored if `rng` is given). Without either, a random seed. */
  seed?: number;
  /** Random stream for the initialisation. */
  rng?: Rng;
}

/**
 * Fully connected layer `y = x · Wᵀ + b`, PyTorch's `nn.Linear`: the weight is `[out, in]` in tfjs
 * and in weights files alike. Input `[N, in]`, output `[N, out]`.
 *
 * @example
 * ```ts
 * import { Linear } from '@onecycle/models';
 * const fc = new Linear(64, 10, { seed: 0 });
 * const y = tf.tidy(() => fc.forward(tf.ones([4, 64]))); // [4, 10]
 * ```
 */
export class Linear extends Module {
  /** Input features. */
  readonly inFeatures: number;
  /** Output features. */
  readonly outFeatures: number;
  /** Weight `[out, in]`. */
  readonly weight: tf.Variable;
  /** Bias `[out]`, or `null`. */
  readonly bias: tf.Variable | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    this.inFeatures = checkInt(inFeatures, 1, 'Linear: inFeatures');
    this.outFeatures = checkInt(outFeatures, 1, 'Linear: outFeatures');
    const init = options.init ?? 'torch';
    if (init !== 'torch' && init !== 'kaimingNormal') {
      throw new RangeError(`Linear: init must be 'torch' or 'kaimingNormal', got '${String(init)}'`);
    }
    const rng = resolveRng(options);
    const size = inFeatures * outFeatures;
    const w =
      init === 'kaimingNormal'
        ? kaimingNormal(size, inFeatures, rng)
        : torchDefaultWeight(size, inFeatures, rng);
    this.weight = this.addParameter('weight', w, [outFeatures, inFeatures], 'weight');
    if (options.bias ?? true) {
      const b =
        init === 'kaimingNormal'
          ? new Float32Array(outFeatures)
          : torchDefaultBias(outFeatures, inFeatures, rng);
      this.bias = this.addParameter('bias', b, [outFeatures], 'bias');
    } else {
      this.bias = null;
    }
  }

  /**
   * Applies the layer to `[N, inFeatures]`.
   *
   * @example
   * ```ts
   * const logits = tf.tidy(() => fc.forward(features));
   * ```
   */
  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 2 || x.shape[1] !== this.inFeatures) {
      throw new Error(
        `Linear(${this.inFeatures}→${this.outFeatures}): input must be [N, ${this.inFeatures}], got [${x.shape.join(', ')}]`,
      );
    }
    // Not tf.fused.matMul: the WASM backend (4.22) adds the bias wrongly when transposeB is set.
    const y = tf.matMul(x as tf.Tensor2D, this.weight as tf.Tensor2D, false, true);
    return this.bias ? tf.add(y, this.bias) : y;
  }
}
