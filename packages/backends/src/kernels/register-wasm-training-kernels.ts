import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { makeConv2DBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { makeConv2DBackpropInputKernel } from './conv2d-backprop-input.js';

const WASM = 'wasm';

/** Kernels this package adds to (or replaces in) the WASM backend so that it can train convnets. */
export const WASM_TRAINING_KERNELS: readonly string[] = [tf.Conv2DBackpropFilter, tf.Conv2DBackpropInput];

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
  const kernels = [makeConv2DBackpropFilterKernel(WASM), makeConv2DBackpropInputKernel(WASM)];
  for (const kernel of kernels) {
    if (tf.getKernel(kernel.kernelName, WASM) != null) tf.unregisterKernel(kernel.kernelName, WASM);
    tf.registerKernel(kernel);
  }
  registered = true;
  return true;
}
