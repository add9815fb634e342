import { batchNormTrain, batchNormTrainIsFused } from '@onecycle/ops';
import * as tf from '@tensorflow/tfjs-core';
import { Module } from '../module.js';
import { checkInt, checkNhwc } from './check.js';

/**
 * Options of {@link BatchNorm2d}.
 *
 * @example
 * ```ts
 * const opts: BatchNorm2dOptions = { eps: 1e-5, momentum: 0.1 };
 * ```
 */
export interface BatchNorm2dOptions {
  /** Added to the variance before the square root, default 1e-5. */
  eps?: number;
  /** Weight of the new batch statistic in the running averages (PyTorch convention), default 0.1. */
  momentum?: number;
  /** Learnable scale and shift (`weight`/`bias`), default `true`. */
  affine?: boolean;
  /** Initial scale (gamma), default 1; fastai's `BatchZero` (last BN of a residual branch) uses 0. */
  initWeight?: number;
}

/**
 * Batch normalisation over the channels of an NHWC batch, PyTorch's `nn.BatchNorm2d`.
 *
 * - Training mode: normalises with the batch mean and (biased) variance, and updates the running
 *   statistics: `running = (1 − momentum)·running + momentum·batch`, with the unbiased variance
 *   (`· n/(n−1)`) for `running_var`. The update is a side effect of `forward`: it assigns the
 *   buffers directly, which is safe inside `tf.variableGrads` (the update is not on the loss's
 *   path, so gradients are unaffected) and leaks nothing (the variables take over the new values).
 *   Each training-mode `forward` call is one update, as in PyTorch.
 * - Eval mode: normalises with the running statistics; nothing changes.
 *
 * Parameters `weight` (gamma) and `bias` (beta) have kind `'norm'`; buffers are `running_mean`
 * and `running_var`. `numBatchesTracked` counts training-mode calls (saved as PyTorch's
 * `num_batches_tracked`).
 *
 * @example
 * ```ts
 * import { BatchNorm2d } from '@onecycle/models';
 * const bn = new BatchNorm2d(16);
 * const y = tf.tidy(() => bn.forward(tf.randomNormal([8, 14, 14, 16]))); // updates running stats
 * bn.eval();
 * const z = tf.tidy(() => bn.forward(tf.randomNormal([8, 14, 14, 16]))); // uses them
 * ```
 */
export class BatchNorm2d extends Module {
  /** Number of channels. */
  readonly numFeatures: number;
  /** Variance epsilon. */
  readonly eps: number;
  /** Running-average momentum. */
  readonly momentum: number;
  /** Scale `[C]` (gamma), or `null` without affine. */
  readonly weight: tf.Variable | null;
  /** Shift `[C]` (beta), or `null` without affine. */
  readonly bias: tf.Variable | null;
  /** Running mean `[C]` (buffer). */
  readonly runningMean: tf.Variable;
  /** Running (unbiased) variance `[C]` (buffer). */
  readonly runningVar: tf.Variable;
  /** Training-mode forward passes so far. */
  numBatchesTracked = 0;

  constructor(numFeatures: number, options: BatchNorm2dOptions = {}) {
    super();
    this.numFeatures = checkInt(numFeatures, 1, 'BatchNorm2d: numFeatures');
    this.eps = options.eps ?? 1e-5;
    if (!(this.eps > 0) || !Number.isFinite(this.eps)) {
      throw new RangeError(`BatchNorm2d: eps must be a finite number > 0, got ${this.eps}`);
    }
    this.momentum = options.momentum ?? 0.1;
    if (!(this.momentum >= 0 && this.momentum <= 1)) {
      throw new RangeError(`BatchNorm2d: momentum must be in [0, 1], got ${this.momentum}`);
    }
    const initWeight = options.initWeight ?? 1;
    if (!Number.isFinite(initWeight)) {
      throw new RangeError(`BatchNorm2d: initWeight must be a finite number, got ${initWeight}`);
    }
    const c = numFeatures;
    if (options.affine ?? true) {
      this.weight = this.addParameter('weight', new Float32Array(c).fill(initWeight), [c], 'norm');
      this.bias = this.addParameter('bias', new Float32Array(c), [c], 'norm');
    } else {
      this.weight = null;
      this.bias = null;
    }
    this.runningMean = this.addBuffer('running_mean', new Float32Array(c), [c]);
    this.runningVar = this.addBuffer('running_var', new Float32Array(c).fill(1), [c]);
  }

  /**
   * Normalises `[N, H, W, C]`; in training mode also updates the running statistics.
   *
   * @example
   * ```ts
   * const y = tf.tidy(() => bn.forward(x));
   * ```
   */
  forward(x: tf.Tensor): tf.Tensor {
    return this.forwardActivated(x, 'linear');
  }

  /**
   * Normalisation then an activation. In training mode on a backend with fused batch-norm kernels
   * (`@onecycle/backends`' WASM) the ReLU runs inside them ({@link batchNormTrain}): no separate
   * pass forward or backward. {@link Sequential} uses it for a `BatchNorm2d` directly followed by a
   * `ReLU`.
   *
   * @example
   * ```ts
   * const y = tf.tidy(() => bn.forwardActivated(x, 'relu')); // same as relu(bn(x))
   * ```
   */
  forwardActivated(x: tf.Tensor, activation: 'linear' | 'relu'): tf.Tensor {
    checkNhwc(x, this.numFeatures, `BatchNorm2d(${this.numFeatures})`);
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (this.training) {
      const n = x.size / this.numFeatures;
      if (n < 2) {
        throw new Error(
          `BatchNorm2d(${this.numFeatures}): training needs more than 1 value per channel, got input [${x.shape.join(', ')}]`,
        );
      }
      if (batchNormTrainIsFused()) {
        // One kernel forward and one per needed gradient (the WASM backend of @onecycle/backends).
        const weight = this.weight ?? tf.onesLike(this.runningMean);
        const bias = this.bias ?? tf.zerosLike(this.runningMean);
        const out = batchNormTrain(x, weight, bias, this.eps, activation);
        this.updateRunning(out.mean, out.variance, n);
        return out.y;
      }
      ({ mean, variance } = tf.moments(x, [0, 1, 2]));
      this.updateRunning(mean, variance, n);
    } else {
      mean = this.runningMean;
      variance = this.runningVar;
    }
    let scale = tf.rsqrt(tf.add(variance, this.eps));
    if (this.weight) scale = tf.mul(scale, this.weight);
    const y = tf.mul(tf.sub(x, mean), scale);
    const out = this.bias ? tf.add(y, this.bias) : y;
    return activation === 'relu' ? tf.relu(out) : out;
  }

  /**
   * Moves the running statistics toward a batch's (PyTorch's rule: unbiased variance, `momentum`).
   * These ops do not lead to the loss, so a gradient tape ignores them; the variables keep the new
   * values when the surrounding tidy ends.
   */
  private updateRunning(mean: tf.Tensor, variance: tf.Tensor, n: number): void {
    const m = this.momentum;
    this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
    this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(variance, (m * n) / (n - 1))));
    this.numBatchesTracked++;
  }
}
