import { softmaxCrossEntropy } from '@onecycle/ops';
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
 * Cross-entropy between logits `[N, C]` and class indices `[N]` (int32, or cast to it), averaged over
 * the batch — PyTorch's `F.cross_entropy` and fastai's default loss for classification:
 * `−mean(Σ_c onehot(y)·logSoftmax(logits))`. Runs `@onecycle/ops`' fused
 * {@link @onecycle/ops!softmaxCrossEntropy} (one kernel forward, one backward, on the WASM and CPU
 * backends of `@onecycle/backends`, where a class index outside `[0, C)` is a `RangeError`).
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
    return softmaxCrossEntropy(output, target.dtype === 'int32' ? target : tf.cast(target, 'int32'));
  });
