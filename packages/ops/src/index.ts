/**
 * Trainable fused ops on TensorFlow.js core — convolution + bias + ReLU (`conv2dBiasAct`), batch
 * normalisation in training mode (`batchNormTrain`), a residual sum with its ReLU (`addRelu`) and
 * softmax cross-entropy (`softmaxCrossEntropy`) — and the kernel names and kernel input/attribute types behind them, which backends implement
 * (`@onecycle/backends` does for WASM, and for the CPU backend the softmax cross-entropy). Elsewhere
 * the ops are made of tfjs's standard ops.
 *
 * @packageDocumentation
 */
export { addRelu, addReluIsFused } from './add-relu.js';
export { batchNormTrain, batchNormTrainIsFused } from './batch-norm-train.js';
export { type Conv2dBiasActOptions, conv2dBiasAct } from './conv2d-bias-act.js';
export {
  ADD_RELU_KERNELS,
  type AddReluGradInputs,
  type AddReluInputs,
  BATCH_NORM_TRAIN_KERNELS,
  type BatchNormTrainAttrs,
  type BatchNormTrainInputGradInputs,
  type BatchNormTrainInputs,
  type BatchNormTrainParamsGradInputs,
  CONV2D_BIAS_ACT_KERNELS,
  type Conv2dBiasActAttrs,
  type Conv2dBiasActBiasGradInputs,
  type Conv2dBiasActFilterGradInputs,
  type Conv2dBiasActInputGradInputs,
  type Conv2dBiasActInputs,
  SOFTMAX_CROSS_ENTROPY_KERNEL,
  type SoftmaxCrossEntropyInputs,
} from './kernel-names.js';
export { softmaxCrossEntropy, softmaxCrossEntropyIsFused } from './softmax-cross-entropy.js';
