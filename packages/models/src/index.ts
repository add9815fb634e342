/**
 * PyTorch/fastai-like modules on TensorFlow.js core: named parameters, train/eval mode, layer
 * groups, `Sequential`, the layers of fastai's `simple_cnn` and a CIFAR-style ResNet, and
 * safetensors weights with PyTorch names and layouts. Layout: NHWC.
 * Node file helpers (`saveWeights`, `loadWeights`) live in `@onecycle/models/node`.
 *
 * @packageDocumentation
 */
export { type ConvLayerOptions, convLayer } from './conv-layer.js';
export {
  type InitScheme,
  kaimingNormal,
  torchDefaultBias,
  torchDefaultWeight,
  uniformInit,
} from './init.js';
export { BatchNorm2d, type BatchNorm2dOptions } from './layers/batch-norm2d.js';
export { Conv2d, type Conv2dOptions } from './layers/conv2d.js';
export { Dropout, type DropoutOptions } from './layers/dropout.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { AdaptiveAvgPool2d, Flatten, type FlattenOptions, PoolFlatten } from './layers/pooling.js';
export { ReLU } from './layers/relu.js';
export { type FreezeOptions, type LoadStateDictOptions, Module } from './module.js';
export type { NamedBuffer, Parameter, ParamKind, TensorLayout } from './parameter.js';
export { BasicBlock, type BasicBlockOptions, type ResNetOptions, resnet } from './resnet.js';
export { Rng, resolveRng } from './rng.js';
export {
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsDtype,
  type SafetensorsFile,
  type SafetensorsTensor,
} from './safetensors.js';
export { Sequential } from './sequential.js';
export { type SimpleCnnOptions, simpleCnn } from './simple-cnn.js';
export { type ShapeMismatch, StateDictMismatchError } from './state-dict-error.js';
export {
  deserializeWeights,
  type SerializeWeightsOptions,
  serializeWeights,
  torchStateDict,
} from './weights.js';
