import * as tf from '@tensorflow/tfjs-core';
import { Module } from '../module.js';

/**
 * Rectified linear unit, `max(x, 0)` (PyTorch's `nn.ReLU`). No parameters. A {@link Sequential}
 * fuses a `Conv2d` followed by a `ReLU` into one op where tfjs can.
 *
 * @example
 * ```ts
 * import { ReLU } from '@onecycle/models';
 * tf.tidy(() => new ReLU().forward(tf.tensor([-1, 2]))); // [0, 2]
 * ```
 */
export class ReLU extends Module {
  /**
   * Applies `max(x, 0)` elementwise.
   *
   * @example
   * ```ts
   * const y = tf.tidy(() => relu.forward(x));
   * ```
   */
  forward(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }
}
