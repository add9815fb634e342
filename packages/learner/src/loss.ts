import * as tf from '@tensorflow/tfjs-core';

/**
 * A loss function: model output and targets in, the mean loss over the batch (a scalar) out.
 * Called inside `tf.variableGrads` during training, so it must be differentiable in `output`.
 *
 * @example
 * ```ts
 * const mse: LossFunc = (out, y) => tf.losses.meanSquaredError(y, out) as tf.Scalar;
 * ```
 */
export type LossFunc = (output: tf.Tensor, target: tf.Tensor) => tf.Scalar;

/**
 * Cross-entropy between logits `[N, C]` and int32 class indices `[N]`, averaged over the batch —
 * PyTorch's `F.cross_entropy` and fastai's default loss for classification:
 * `−mean(Σ_c onehot(y)·logSoftmax(logits))`.
 *
 * @example
 * ```ts
 * const loss = crossEntropy(tf.tensor2d([[2, 0], [0, 2]]), tf.tensor1d([0, 1], 'int32'));
 * loss.dataSync(); // [0.1269]
 * ```
 */
export const crossEntropy: LossFunc = (output, target) =>
  tf.tidy(() => {
    if (output.rank !== 2)
      throw new RangeError(`crossEntropy: output must be [N, C] logits, got shape [${output.shape}]`);
    const n = output.shape[0]!;
    if (target.rank !== 1 || target.shape[0] !== n) {
      throw new RangeError(`crossEntropy: target must be [${n}] class indices, got shape [${target.shape}]`);
    }
    const oneHot = tf.oneHot(target.dtype === 'int32' ? target : tf.cast(target, 'int32'), output.shape[1]!);
    const logp = tf.logSoftmax(output);
    return tf.neg(tf.div(tf.sum(tf.mul(logp, tf.cast(oneHot, 'float32'))), tf.scalar(n))) as tf.Scalar;
  });
