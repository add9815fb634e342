import type * as tf from '@tensorflow/tfjs-core';

// The kernels behind this package's ops, as tfjs-core's `kernel_names.ts` declares its own: each name,
// with the inputs and attributes its kernel receives. Backends implement them (tfjs style: a capability
// is a kernel registered under a name); the ops run them where the active backend has them.

/**
 * Kernel names of the trainable fused convolution ({@link conv2dBiasAct}). Where a backend lacks
 * `forward`, the op is `tf.fused.conv2d`; where it lacks a gradient kernel, that gradient is made of
 * standard tfjs kernels.
 *
 * - `forward`: {@link Conv2dBiasActInputs}, {@link Conv2dBiasActAttrs}; output `act(conv(x, filter) + bias)`.
 * - `filterGrad`: {@link Conv2dBiasActFilterGradInputs}, attributes plus `filterShape`; output the
 *   filter gradient of the masked output gradient (`dy · (y > 0)` for `'relu'`).
 * - `biasGrad`: {@link Conv2dBiasActBiasGradInputs}; output the bias gradient (masked the same way).
 * - `inputGrad`: {@link Conv2dBiasActInputGradInputs}, attributes plus `inputShape`; output `dx`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * const fast = tf.getKernel(CONV2D_BIAS_ACT_KERNELS.forward, tf.getBackend()) != null;
 * ```
 */
export const CONV2D_BIAS_ACT_KERNELS = {
  forward: 'OnecycleConv2DBiasAct',
  filterGrad: 'OnecycleConv2DBiasActFilterGrad',
  biasGrad: 'OnecycleConv2DBiasActBiasGrad',
  inputGrad: 'OnecycleConv2DBiasActInputGrad',
} as const;

/**
 * Inputs of {@link CONV2D_BIAS_ACT_KERNELS}`.forward`: NHWC float32 `x`, `[KH, KW, CI, CO]` `filter`,
 * optional `[CO]` `bias`.
 *
 * @example
 * ```ts
 * const inputs: Conv2dBiasActInputs = { x, filter, bias };
 * ```
 */
export interface Conv2dBiasActInputs {
  x: tf.TensorInfo;
  filter: tf.TensorInfo;
  bias?: tf.TensorInfo;
}

/**
 * Attributes of every {@link CONV2D_BIAS_ACT_KERNELS} kernel.
 *
 * @example
 * ```ts
 * const attrs: Conv2dBiasActAttrs = {
 *   strides: [1, 1], pad: 1, activation: 'relu', dataFormat: 'NHWC', dilations: [1, 1], keepPatches: true,
 * };
 * ```
 */
export interface Conv2dBiasActAttrs {
  strides: [number, number];
  /** Zero padding on each side (one number), or explicit NHWC padding. */
  pad: number | tf.backend_util.ExplicitPadding;
  activation: 'linear' | 'relu';
  dataFormat: 'NHWC';
  dilations: [number, number];
  /**
   * True under a gradient tape: the forward kernel may keep data (a patch matrix) for the filter
   * gradient of the same `x`.
   */
  keepPatches?: boolean;
  /** `[KH, KW, CI, CO]`: set for `filterGrad`. */
  filterShape?: [number, number, number, number];
  /** `[N, H, W, CI]`: set for `inputGrad`. */
  inputShape?: [number, number, number, number];
}

/**
 * Inputs of {@link CONV2D_BIAS_ACT_KERNELS}`.filterGrad`: the forward input `x`, the output gradient
 * `dy` and the forward output `y` (for the ReLU mask).
 *
 * @example
 * ```ts
 * const inputs: Conv2dBiasActFilterGradInputs = { x, dy, y };
 * ```
 */
export interface Conv2dBiasActFilterGradInputs {
  x: tf.TensorInfo;
  dy: tf.TensorInfo;
  y: tf.TensorInfo;
}

/**
 * Inputs of {@link CONV2D_BIAS_ACT_KERNELS}`.biasGrad`: the output gradient `dy` and the forward
 * output `y`.
 *
 * @example
 * ```ts
 * const inputs: Conv2dBiasActBiasGradInputs = { dy, y };
 * ```
 */
export interface Conv2dBiasActBiasGradInputs {
  dy: tf.TensorInfo;
  y: tf.TensorInfo;
}

/**
 * Inputs of {@link CONV2D_BIAS_ACT_KERNELS}`.inputGrad`: the output gradient `dy`, the `filter` and
 * the forward output `y`.
 *
 * @example
 * ```ts
 * const inputs: Conv2dBiasActInputGradInputs = { dy, filter, y };
 * ```
 */
export interface Conv2dBiasActInputGradInputs {
  dy: tf.TensorInfo;
  filter: tf.TensorInfo;
  y: tf.TensorInfo;
}

/**
 * Kernel names of the trainable batch normalisation ({@link batchNormTrain}: training mode, batch
 * statistics, channels last). Where a backend lacks `forward`, the op is made of tfjs's standard ops.
 *
 * - `forward`: {@link BatchNormTrainInputs}; outputs `y`, `mean`, `variance` (biased, over all but the
 *   last axis), with `y = (x − mean) / √(variance + eps) · weight + bias`, then `max(y, 0)` for the
 *   activation `'relu'`.
 * - `inputGrad`: {@link BatchNormTrainInputGradInputs}; output `dx` (the gradients reaching `mean` and
 *   `variance` from elsewhere included).
 * - `paramsGrad`: {@link BatchNormTrainParamsGradInputs}; output `[2, C]`: the weight's gradient
 *   `Σ dy·x̂`, then the bias's `Σ dy`.
 *
 * With the activation `'relu'` both gradients take `dy` only where the normalised value is positive.
 *
 * All take {@link BatchNormTrainAttrs}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * const fast = tf.getKernel(BATCH_NORM_TRAIN_KERNELS.forward, tf.getBackend()) != null;
 * ```
 */
export const BATCH_NORM_TRAIN_KERNELS = {
  forward: 'OnecycleBatchNormTrain',
  inputGrad: 'OnecycleBatchNormTrainInputGrad',
  paramsGrad: 'OnecycleBatchNormTrainParamsGrad',
} as const;

/**
 * Inputs of {@link BATCH_NORM_TRAIN_KERNELS}`.forward`: float32 `x` (channels last), `[C]` `weight` and
 * `bias`.
 *
 * @example
 * ```ts
 * const inputs: BatchNormTrainInputs = { x, weight, bias };
 * ```
 */
export interface BatchNormTrainInputs {
  x: tf.TensorInfo;
  weight: tf.TensorInfo;
  bias: tf.TensorInfo;
}

/**
 * Inputs of {@link BATCH_NORM_TRAIN_KERNELS}`.paramsGrad`: the output gradient `dy`, the forward
 * inputs `x`, `weight` and `bias`, and the batch statistics the forward pass computed.
 *
 * @example
 * ```ts
 * const inputs: BatchNormTrainParamsGradInputs = { dy, x, weight, bias, mean, variance };
 * ```
 */
export interface BatchNormTrainParamsGradInputs {
  dy: tf.TensorInfo;
  x: tf.TensorInfo;
  weight: tf.TensorInfo;
  bias: tf.TensorInfo;
  mean: tf.TensorInfo;
  variance: tf.TensorInfo;
}

/**
 * Inputs of {@link BATCH_NORM_TRAIN_KERNELS}`.inputGrad`: those of `paramsGrad`, and the gradients
 * `dmean` and `dvariance` reaching the statistics from elsewhere.
 *
 * @example
 * ```ts
 * const inputs: BatchNormTrainInputGradInputs = { dy, x, weight, bias, mean, variance, dmean, dvariance };
 * ```
 */
export interface BatchNormTrainInputGradInputs extends BatchNormTrainParamsGradInputs {
  dmean: tf.TensorInfo;
  dvariance: tf.TensorInfo;
}

/**
 * Attributes of every {@link BATCH_NORM_TRAIN_KERNELS} kernel.
 *
 * @example
 * ```ts
 * const attrs: BatchNormTrainAttrs = { eps: 1e-5, activation: 'relu' };
 * ```
 */
export interface BatchNormTrainAttrs {
  /** Added to the variance before its square root. */
  eps: number;
  /** Applied to the normalised output: none (`'linear'`) or `max(·, 0)`. */
  activation: 'linear' | 'relu';
}

/**
 * Kernel names of {@link addRelu}, no attributes:
 * - `forward`: {@link AddReluInputs}; output `max(a + b, 0)` (float32, the inputs' shape).
 * - `inputGrad`: {@link AddReluGradInputs}; output `dy` where the forward output `y` is positive, else
 *   0: the gradient in `a` and in `b` alike.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * const fast = tf.getKernel(ADD_RELU_KERNELS.forward, tf.getBackend()) != null;
 * ```
 */
export const ADD_RELU_KERNELS = {
  forward: 'OnecycleAddRelu',
  inputGrad: 'OnecycleAddReluGrad',
} as const;

/**
 * Inputs of {@link ADD_RELU_KERNELS}`.forward`: two float32 tensors of one shape.
 *
 * @example
 * ```ts
 * const inputs: AddReluInputs = { a: h, b: shortcut };
 * ```
 */
export interface AddReluInputs {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
}

/**
 * Inputs of {@link ADD_RELU_KERNELS}`.inputGrad`: the output gradient `dy` and the forward output `y`.
 *
 * @example
 * ```ts
 * const inputs: AddReluGradInputs = { dy, y };
 * ```
 */
export interface AddReluGradInputs {
  dy: tf.TensorInfo;
  y: tf.TensorInfo;
}

/**
 * Kernel name of the fused softmax cross-entropy ({@link softmaxCrossEntropy}). Inputs
 * {@link SoftmaxCrossEntropyInputs}, no attributes; two outputs: the mean loss over the batch (a
 * float32 scalar, `mean_i(logSumExp(logits_i) − logits_i[labels_i])`), and its gradient in `logits`
 * (`[N, C]`, `(softmax(logits) − onehot(labels)) / N`), computed in the same pass and kept for the
 * backward pass. A label outside `[0, C)` is a `RangeError` naming it and `C`. Where a backend lacks
 * the kernel, the op is made of tfjs's standard ops.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * const fast = tf.getKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, tf.getBackend()) != null;
 * ```
 */
export const SOFTMAX_CROSS_ENTROPY_KERNEL = 'OnecycleSoftmaxCrossEntropy';

/**
 * Inputs of {@link SOFTMAX_CROSS_ENTROPY_KERNEL}: float32 `logits` `[N, C]` and int32 class indices
 * `labels` `[N]`.
 *
 * @example
 * ```ts
 * const inputs: SoftmaxCrossEntropyInputs = { logits, labels };
 * ```
 */
export interface SoftmaxCrossEntropyInputs {
  logits: tf.TensorInfo;
  labels: tf.TensorInfo;
}
