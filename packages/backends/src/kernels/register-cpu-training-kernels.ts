import * as tf from '@tensorflow/tfjs-core';
import { makeSoftmaxCrossEntropyKernel } from './softmax-cross-entropy.js';

let registered = false;

/**
 * Registers the kernels this package adds to tfjs's `'cpu'` backend: the fused softmax cross-entropy
 * of `@onecycle/ops` (the CPU backend has the rest). Idempotent; called on import.
 *
 * @example
 * ```ts
 * registerCpuTrainingKernels(); // already done on import
 * ```
 */
export function registerCpuTrainingKernels(): void {
  if (registered) return;
  tf.registerKernel(makeSoftmaxCrossEntropyKernel('cpu'));
  registered = true;
}
