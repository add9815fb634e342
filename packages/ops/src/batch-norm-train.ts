import * as tf from '@tensorflow/tfjs-core';
import { gradientOnce } from './gradient-once.js';
import { BATCH_NORM_TRAIN_KERNELS, type BatchNormTrainAttrs } from './kernel-names.js';

const registerGradient = gradientOnce({
  kernelName: BATCH_NORM_TRAIN_KERNELS.forward,
  inputsToSave: ['x', 'weight', 'bias'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [dy, dmean, dvariance] = dys as tf.Tensor[];
    const [x, weight, bias, mean, variance] = saved as tf.Tensor[];
    const run = (name: string, inputs: tf.NamedTensorMap) =>
      tf.engine().runKernel(name, inputs, attrs) as tf.Tensor;
    const forward = { dy: dy!, x: x!, weight: weight!, bias: bias!, mean: mean!, variance: variance! };
    // The weight's and bias's gradients: one [2, C] kernel output, each takes its row.
    const params = (row: number) =>
      tf.squeeze(tf.slice(run(BATCH_NORM_TRAIN_KERNELS.paramsGrad, forward), [row, 0], [1, -1]), [0]);
    return {
      x: () => run(BATCH_NORM_TRAIN_KERNELS.inputGrad, { ...forward, dmean: dmean!, dvariance: dvariance! }),
      weight: () => params(0),
      bias: () => params(1),
    };
  },
});

/**
 * Whether the active backend runs {@link batchNormTrain} as fused kernels.
 *
 * @example
 * ```ts
 * if (batchNormTrainIsFused()) console.log('one kernel per pass');
 * ```
 */
export function batchNormTrainIsFused(): boolean {
  return tf.getKernel(BATCH_NORM_TRAIN_KERNELS.forward, tf.getBackend()) != null;
}

/**
 * Batch normalisation with the batch's own statistics (training mode), channels last, followed by
 * `activation` (`'relu'`: `max(·, 0)`; default none), as one trainable op on backends that register
 * {@link BATCH_NORM_TRAIN_KERNELS} (one kernel forward, one per needed gradient), else from tfjs's
 * standard ops. Returns the output and the batch's mean and biased variance per channel (for running
 * statistics).
 *
 * @example
 * ```ts
 * const { y, mean, variance } = batchNormTrain(x, weight, bias, 1e-5, 'relu'); // relu(bn(x))
 * ```
 */
export function batchNormTrain(
  x: tf.Tensor,
  weight: tf.Tensor,
  bias: tf.Tensor,
  eps: number,
  activation: BatchNormTrainAttrs['activation'] = 'linear',
): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  if (activation !== 'linear' && activation !== 'relu') {
    throw new RangeError(`batchNormTrain: activation must be 'linear' or 'relu', got ${String(activation)}`);
  }
  if (!batchNormTrainIsFused()) {
    return tf.tidy(() => {
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      const { mean, variance } = tf.moments(x, axes);
      const y = tf.add(tf.mul(tf.sub(x, mean), tf.mul(tf.rsqrt(tf.add(variance, eps)), weight)), bias);
      return { y: activation === 'relu' ? tf.relu(y) : y, mean, variance };
    });
  }
  registerGradient();
  const attrs: BatchNormTrainAttrs = { eps, activation };
  const [y, mean, variance] = tf
    .engine()
    .runKernel(
      BATCH_NORM_TRAIN_KERNELS.forward,
      { x, weight, bias },
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
  return { y: y!, mean: mean!, variance: variance! };
}
