import * as tf from '@tensorflow/tfjs-core';
import { gradientOnce } from './gradient-once.js';
import { SOFTMAX_CROSS_ENTROPY_KERNEL } from './kernel-names.js';

const registerGradient = gradientOnce({
  kernelName: SOFTMAX_CROSS_ENTROPY_KERNEL,
  // The kernel's second output is the loss's gradient in the logits for dy = 1.
  outputsToSave: [false, true],
  gradFunc: (dys, saved) => {
    const [dy] = dys as tf.Tensor[];
    const [dlogits] = saved as tf.Tensor[];
    return { logits: () => tf.mul(dy!, dlogits!) };
  },
});

/**
 * Whether the active backend runs {@link softmaxCrossEntropy} as its fused kernel
 * ({@link SOFTMAX_CROSS_ENTROPY_KERNEL}).
 *
 * @example
 * ```ts
 * if (softmaxCrossEntropyIsFused()) console.log('one kernel forward, one backward');
 * ```
 */
export function softmaxCrossEntropyIsFused(): boolean {
  return tf.getKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, tf.getBackend()) != null;
}

/**
 * Cross-entropy between logits `[N, C]` (float32) and class indices `[N]` (int32), averaged over the
 * batch — PyTorch's `F.cross_entropy`: `mean_i(logSumExp(logits_i) − logits_i[labels_i])`, a scalar,
 * differentiable in `logits` (gradient `(softmax(logits) − onehot(labels)) · dy / N`).
 *
 * On a backend that registers {@link SOFTMAX_CROSS_ENTROPY_KERNEL} (WASM and CPU with
 * `@onecycle/backends`) the forward pass is one kernel, which also computes the gradient, and the
 * backward pass one multiplication by `dy`; a label outside `[0, C)` is a `RangeError` there. Elsewhere
 * it is tfjs's standard ops (`−Σ onehot(labels)·logSoftmax(logits) / N`, where an out-of-range label
 * contributes 0).
 *
 * @throws RangeError when `logits` is not `[N, C]` or `labels` not `[N]`; TypeError when their dtypes
 *   are not float32 and int32.
 * @example
 * ```ts
 * const loss = softmaxCrossEntropy(tf.tensor2d([[2, 0], [0, 2]]), tf.tensor1d([0, 1], 'int32'));
 * loss.dataSync(); // [0.1269]
 * ```
 */
export function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  if (logits.rank !== 2) {
    throw new RangeError(`softmaxCrossEntropy: logits must be [N, C], got shape [${logits.shape}]`);
  }
  const [n, c] = logits.shape as [number, number];
  if (labels.rank !== 1 || labels.shape[0] !== n) {
    throw new RangeError(
      `softmaxCrossEntropy: labels must be [${n}] class indices, got shape [${labels.shape}]`,
    );
  }
  if (logits.dtype !== 'float32' || labels.dtype !== 'int32') {
    throw new TypeError(
      `softmaxCrossEntropy: logits must be float32 and labels int32, got ${logits.dtype} and ${labels.dtype}`,
    );
  }
  if (!softmaxCrossEntropyIsFused()) {
    return tf.tidy(() => {
      const oneHot = tf.cast(tf.oneHot(labels, c), 'float32');
      return tf.neg(tf.div(tf.sum(tf.mul(tf.logSoftmax(logits), oneHot)), tf.scalar(n))) as tf.Scalar;
    });
  }
  registerGradient();
  const [loss, dlogits] = tf
    .engine()
    .runKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, { logits, labels }, {}) as tf.Tensor[];
  // Under a gradient tape the engine keeps its own reference to the gradient; ours is not needed.
  dlogits!.dispose();
  return loss as tf.Scalar;
}
