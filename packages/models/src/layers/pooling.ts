import * as tf from '@tensorflow/tfjs-core';
import { Module } from '../module.js';
import { Sequential } from '../sequential.js';
import { pair } from './check.js';

/**
 * PyTorch's `nn.AdaptiveAvgPool2d(outputSize)` on NHWC input: averages each of `oh × ow` regions
 * (region i spans rows `floor(i·H/oh)` to `ceil((i+1)·H/oh)`), whatever the input size.
 *
 * @example
 * ```ts
 * import { AdaptiveAvgPool2d } from '@onecycle/models';
 * const pool = new AdaptiveAvgPool2d(1);
 * tf.tidy(() => pool.forward(tf.ones([2, 7, 7, 16]))).shape; // [2, 1, 1, 16]
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  /** `[oh, ow]`. */
  readonly outputSize: [number, number];

  constructor(outputSize: number | readonly [number, number] = 1) {
    super();
    this.outputSize = pair(outputSize, 1, 'AdaptiveAvgPool2d: outputSize');
  }

  /**
   * Pools `[N, H, W, C]` to `[N, oh, ow, C]`.
   *
   * @example
   * ```ts
   * const pooled = tf.tidy(() => pool.forward(features));
   * ```
   */
  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4)
      throw new Error(`AdaptiveAvgPool2d: input must be [N, H, W, C], got [${x.shape.join(', ')}]`);
    const [, h, w] = x.shape as number[];
    const [oh, ow] = this.outputSize;
    if (oh === 1 && ow === 1) return tf.mean(x, [1, 2], true);
    if (h! % oh === 0 && w! % ow === 0) {
      const k: [number, number] = [h! / oh, w! / ow];
      return tf.avgPool(x as tf.Tensor4D, k, k, 'valid');
    }
    const rows: tf.Tensor[] = [];
    for (let i = 0; i < oh; i++) {
      const r0 = Math.floor((i * h!) / oh);
      const r1 = Math.ceil(((i + 1) * h!) / oh);
      const cols: tf.Tensor[] = [];
      for (let j = 0; j < ow; j++) {
        const c0 = Math.floor((j * w!) / ow);
        const c1 = Math.ceil(((j + 1) * w!) / ow);
        cols.push(tf.mean(tf.slice(x, [0, r0, c0, 0], [-1, r1 - r0, c1 - c0, -1]), [1, 2], true));
      }
      rows.push(tf.concat(cols, 2));
    }
    return tf.concat(rows, 1);
  }
}

/**
 * Options of {@link Flatten}.
 *
 * @example
 * ```ts
 * const opts: FlattenOptions = { order: 'nhwc' };
 * ```
 */
export interface FlattenOptions {
  /**
   * Order of the flattened features. `'nchw'` (default) matches PyTorch's `x.view(N, -1)` on an
   * NCHW tensor, so a following `Linear` has PyTorch's weights; `'nhwc'` skips the transpose.
   * Both are the same when H = W = 1.
   */
  order?: 'nchw' | 'nhwc';
}

/**
 * Flattens every axis but the first: `[N, …] → [N, features]` (fastai's `Flatten`).
 *
 * @example
 * ```ts
 * import { Flatten } from '@onecycle/models';
 * tf.tidy(() => new Flatten().forward(tf.ones([2, 4, 4, 3]))).shape; // [2, 48]
 * ```
 */
export class Flatten extends Module {
  /** Feature order, see {@link FlattenOptions}. */
  readonly order: 'nchw' | 'nhwc';

  constructor(options: FlattenOptions = {}) {
    super();
    const order = options.order ?? 'nchw';
    if (order !== 'nchw' && order !== 'nhwc') {
      throw new RangeError(`Flatten: order must be 'nchw' or 'nhwc', got '${String(order)}'`);
    }
    this.order = order;
  }

  /**
   * Flattens `x` to `[N, features]`.
   *
   * @example
   * ```ts
   * const flat = tf.tidy(() => flatten.forward(x));
   * ```
   */
  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank < 1) throw new Error('Flatten: input must have a batch axis, got a scalar');
    const n = x.shape[0]!;
    const spatial = x.rank === 4 && (x.shape[1] !== 1 || x.shape[2] !== 1);
    const t = this.order === 'nchw' && spatial ? tf.transpose(x, [0, 3, 1, 2]) : x;
    return tf.reshape(t, [n, n === 0 ? 0 : x.size / n]);
  }
}

/**
 * fastai's `PoolFlatten`: `AdaptiveAvgPool2d(1)` then `Flatten()`, i.e. global average pooling
 * `[N, H, W, C] → [N, C]` (computed as one mean).
 *
 * @example
 * ```ts
 * import { PoolFlatten } from '@onecycle/models';
 * tf.tidy(() => new PoolFlatten().forward(tf.ones([2, 4, 4, 16]))).shape; // [2, 16]
 * ```
 */
export class PoolFlatten extends Sequential {
  constructor() {
    super(new AdaptiveAvgPool2d(1), new Flatten());
  }

  /**
   * Global average over H and W.
   *
   * @example
   * ```ts
   * const features = tf.tidy(() => new PoolFlatten().forward(maps));
   * ```
   */
  override forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4) throw new Error(`PoolFlatten: input must be [N, H, W, C], got [${x.shape.join(', ')}]`);
    return tf.mean(x, [1, 2]);
  }
}
