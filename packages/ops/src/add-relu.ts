import * as tf from '@tensorflow/tfjs-core';
import { gradientOnce } from './gradient-once.js';
import { ADD_RELU_KERNELS } from './kernel-names.js';

const registerGradient = gradientOnce({
  kernelName: ADD_RELU_KERNELS.forward,
  outputsToSave: [true],
  gradFunc: (dy, saved) => {
    const [y] = saved as tf.Tensor[];
    // One kernel for both inputs: the first asked runs it, the other gets a (shared) clone.
    let masked: tf.Tensor | undefined;
    const grad = () => {
      if (masked !== undefined) return tf.clone(masked);
      masked = tf
        .engine()
        .runKernel(ADD_RELU_KERNELS.inputGrad, { dy: dy as tf.Tensor, y: y! }, {}) as tf.Tensor;
      return masked;
    };
    return { a: grad, b: grad };
  },
});

/**
 * Whether the active backend runs {@link addRelu} as fused kernels.
 *
 * @example
 * ```ts
 * if (addReluIsFused()) console.log('one kernel forward, one backward');
 * ```
 */
export function addReluIsFused(): boolean {
  return tf.getKernel(ADD_RELU_KERNELS.forward, tf.getBackend()) != null;
}

/**
 * `relu(a + b)` (a residual block's sum and activation) as one trainable op on backends that register
 * {@link ADD_RELU_KERNELS} — one pass forward, one backward for both inputs — else tfjs's `add` and
 * `relu`. Tensors of different shapes or dtypes (broadcasting) take tfjs's ops too.
 *
 * @example
 * ```ts
 * const out = addRelu(h, shortcut); // same as tf.relu(tf.add(h, shortcut))
 * ```
 */
export function addRelu(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const fusable =
    addReluIsFused() &&
    a.dtype === 'float32' &&
    b.dtype === 'float32' &&
    tf.util.arraysEqual(a.shape, b.shape);
  if (!fusable) return tf.tidy(() => tf.relu(tf.add(a, b)));
  registerGradient();
  return tf.engine().runKernel(ADD_RELU_KERNELS.forward, { a, b }, {}) as tf.Tensor;
}
