import '@tensorflow/tfjs-backend-wasm';
import {
  ADD_RELU_KERNELS,
  BATCH_NORM_TRAIN_KERNELS,
  CONV2D_BIAS_ACT_KERNELS,
  SOFTMAX_CROSS_ENTROPY_KERNEL,
} from '@onecycle/ops';
import * as tf from '@tensorflow/tfjs-core';
import { makeAddReluKernels } from './add-relu.js';
import { makeBatchNormTrainKernels } from './batch-norm-train.js';
import { makeCastKernel } from './cast.js';
import { makeContiguousSliceKernel, makeSplitKernel } from './contiguous-slice.js';
import { makeConv2DBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { makeConv2DBackpropInputKernel } from './conv2d-backprop-input.js';
import { makeCpuDelegateKernel } from './cpu-delegate.js';
import {
  makeDepthwiseBackpropFilterKernel,
  makeDepthwiseBackpropInputKernel,
} from './depthwise-conv2d-backprop.js';
import { makeFusedMatMulKernel } from './fused-mat-mul.js';
import { makeInnerAxesMeanKernel } from './mean-inner-axes.js';
import { makeLeadingAxesReduceKernel } from './reduce-leading-axes.js';
import { makeSharedIdentityKernel } from './shared-identity.js';
import { SimdConv } from './simd-conv.js';
import {
  makeConv2DBiasActKernels,
  makeSimdConv2DBackpropFilterKernel,
  makeSimdConv2DBackpropInputKernel,
  makeSimdConv2DKernel,
} from './simd-conv-kernels.js';
import { makeSoftmaxCrossEntropyKernel } from './softmax-cross-entropy.js';
import { makeUnsortedSegmentSumKernel } from './unsorted-segment-sum.js';

const WASM = 'wasm';

/**
 * Kernels this package adds to (or replaces in) the WASM backend so that it can train convnets fast:
 * `Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropFilter`, `DepthwiseConv2dNativeBackpropInput` and
 * `UnsortedSegmentSum` (missing from WASM), `Conv2DBackpropInput` (WASM's own is a slow loop) and
 * `_FusedMatMul` (WASM's own adds the bias wrongly when an operand is transposed), and `MaxPoolGrad`,
 * `ResizeBilinearGrad`, `ResizeNearestNeighborGrad` (WASM's own give wrong results; tfjs's CPU kernels
 * run instead, on copies of the data), `Identity` (WASM's copies the data; ours shares it), `Cast`
 * (WASM's truncates to a byte when casting to `bool`), `Sum`/`Mean` over leading axes (as a matrix
 * product, faster than WASM's transpose-then-reduce), `Mean` over inner axes (a global average pool,
 * in one pass, same bits), `Slice` of a contiguous run and `SplitV` on it (WASM's copies the whole
 * input out of its heap for every slice), and
 * the fused kernels of `@onecycle/ops`
 * (convolution + bias + ReLU, batch norm and the residual sum with its ReLU where the SIMD kernels
 * load, softmax cross-entropy).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { WASM_TRAINING_KERNELS } from '@onecycle/backends';
 * for (const name of WASM_TRAINING_KERNELS) console.log(name, tf.getKernel(name, 'wasm') != null);
 * ```
 */
export const WASM_TRAINING_KERNELS: readonly string[] = [
  tf.Conv2D,
  tf.FusedConv2D,
  CONV2D_BIAS_ACT_KERNELS.forward,
  CONV2D_BIAS_ACT_KERNELS.filterGrad,
  CONV2D_BIAS_ACT_KERNELS.biasGrad,
  CONV2D_BIAS_ACT_KERNELS.inputGrad,
  BATCH_NORM_TRAIN_KERNELS.forward,
  BATCH_NORM_TRAIN_KERNELS.inputGrad,
  BATCH_NORM_TRAIN_KERNELS.paramsGrad,
  ADD_RELU_KERNELS.forward,
  ADD_RELU_KERNELS.inputGrad,
  SOFTMAX_CROSS_ENTROPY_KERNEL,
  tf.Conv2DBackpropFilter,
  tf.Conv2DBackpropInput,
  tf.DepthwiseConv2dNativeBackpropFilter,
  tf.DepthwiseConv2dNativeBackpropInput,
  tf.UnsortedSegmentSum,
  tf._FusedMatMul,
  tf.MaxPoolGrad,
  tf.ResizeBilinearGrad,
  tf.ResizeNearestNeighborGrad,
  tf.Identity,
  tf.Cast,
  tf.Sum,
  tf.Mean,
  tf.Slice,
  tf.SplitV,
];

/** Our kernels; `existing(name)` is WASM's own kernel of that name (for the ones that wrap it). */
function makeKernels(existing: (name: string) => tf.KernelConfig | undefined): tf.KernelConfig[] {
  const fusedMatMul = existing(tf._FusedMatMul);
  const identity = existing(tf.Identity);
  const cast = existing(tf.Cast);
  const sum = existing(tf.Sum);
  const mean = existing(tf.Mean);
  const slice = existing(tf.Slice);
  const conv2d = existing(tf.Conv2D);
  const fusedConv2d = existing(tf.FusedConv2D);
  return [
    ...(conv2d ? [makeSimdConv2DKernel(tf.Conv2D, conv2d)] : []),
    ...(fusedConv2d ? [makeSimdConv2DKernel(tf.FusedConv2D, fusedConv2d)] : []),
    // The trainable fused convolution of @onecycle/ops, only where the SIMD kernels run.
    ...(fusedConv2d && SimdConv.load() ? makeConv2DBiasActKernels(fusedConv2d) : []),
    // The trainable batch norm and residual ReLU of @onecycle/ops, likewise.
    ...(SimdConv.load() ? [...makeBatchNormTrainKernels(WASM), ...makeAddReluKernels(WASM)] : []),
    ...(sum ? [makeLeadingAxesReduceKernel(sum, 'sum')] : []),
    ...(mean ? [makeInnerAxesMeanKernel(makeLeadingAxesReduceKernel(mean, 'mean'))] : []),
    ...(slice ? [makeContiguousSliceKernel(slice)] : []),
    ...(slice ? [makeSplitKernel(makeContiguousSliceKernel(slice))] : []),
    ...(cast ? [makeCastKernel(cast)] : []),
    ...(fusedMatMul ? [makeFusedMatMulKernel(fusedMatMul)] : []),
    ...(identity ? [makeSharedIdentityKernel(identity)] : []),
    makeSimdConv2DBackpropFilterKernel(makeConv2DBackpropFilterKernel(WASM)),
    makeSimdConv2DBackpropInputKernel(makeConv2DBackpropInputKernel(WASM)),
    makeDepthwiseBackpropFilterKernel(WASM),
    makeDepthwiseBackpropInputKernel(WASM),
    makeUnsortedSegmentSumKernel(WASM),
    makeSoftmaxCrossEntropyKernel(WASM),
    makeCpuDelegateKernel(tf.MaxPoolGrad, WASM),
    // tfjs's CPU kernel writes the right values but labels them [N, W, H, C]: use the input's shape.
    makeCpuDelegateKernel(tf.ResizeBilinearGrad, WASM, (inputs) => inputs.images!.shape),
    makeCpuDelegateKernel(tf.ResizeNearestNeighborGrad, WASM),
  ];
}

/** WASM's own kernels that ours replaced, to restore them on request. */
const replaced = new Map<string, tf.KernelConfig>();
let registered = false;

/**
 * Registers the WASM training kernels ({@link WASM_TRAINING_KERNELS}) with tfjs's kernel registry,
 * replacing WASM's own version where one exists. Idempotent; called on import.
 *
 * @returns whether this call registered them (false when already done).
 * @example
 * ```ts
 * import { registerWasmTrainingKernels } from '@onecycle/backends';
 * registerWasmTrainingKernels(); // already done on import; safe to call again
 * ```
 */
export function registerWasmTrainingKernels(): boolean {
  if (registered) return false;
  for (const kernel of makeKernels((name) => tf.getKernel(name, WASM))) {
    const existing = tf.getKernel(kernel.kernelName, WASM);
    if (existing != null) {
      replaced.set(kernel.kernelName, existing);
      tf.unregisterKernel(kernel.kernelName, WASM);
    }
    tf.registerKernel(kernel);
  }
  registered = true;
  return true;
}

/**
 * Removes the WASM training kernels and restores WASM's own ones where it had them (its slow
 * `Conv2DBackpropInput`; it has no `Conv2DBackpropFilter`, so convnets cannot train afterwards).
 * For benchmarks and for comparing against the stock backend.
 *
 * @returns whether this call removed them (false when they were not registered).
 * @example
 * ```ts
 * import { registerWasmTrainingKernels, unregisterWasmTrainingKernels } from '@onecycle/backends';
 * unregisterWasmTrainingKernels(); // stock WASM kernels
 * registerWasmTrainingKernels(); // back to the fast ones
 * ```
 */
export function unregisterWasmTrainingKernels(): boolean {
  if (!registered) return false;
  const backend = tf.findBackend(WASM);
  for (const name of WASM_TRAINING_KERNELS) {
    if (tf.getKernel(name, WASM) != null) tf.unregisterKernel(name, WASM);
    const original = replaced.get(name);
    if (original != null) {
      tf.registerKernel(original);
      // Its setup (binding the WASM function) runs at backend start; run it now if the backend is up.
      if (backend != null) original.setupFunc?.(backend);
    }
  }
  replaced.clear();
  registered = false;
  return true;
}
