import * as tf from '@tensorflow/tfjs-core';
import { tfjsGradConfigs } from './generated/tfjs-gradients.js';

/**
 * Registers tfjs-core's own gradient functions (all of them: Conv2D, MatMul, Relu, Mean, …) in the global
 * gradient registry, skipping any kernel that already has one (e.g. registered by `@tensorflow/tfjs`).
 *
 * tfjs-core's Node bundle registers no gradients, and its `register_all_gradients` module cannot be loaded by
 * plain Node; this package ships the same configs bundled against tfjs-core's public API, so registration
 * works under plain Node, in test runners and in browser bundles alike. Idempotent; called on import.
 *
 * @returns the number of gradients newly registered by this call (0 when all were present).
 * @example
 * ```ts
 * import { registerAllGradients } from '@onecycle/backends';
 * registerAllGradients(); // already done on import; safe to call again
 * ```
 */
export function registerAllGradients(): number {
  let added = 0;
  for (const config of tfjsGradConfigs) {
    if (tf.getGradient(config.kernelName) == null) {
      tf.registerGradient(config);
      added += 1;
    }
  }
  return added;
}

/**
 * Names of the kernels whose gradients {@link registerAllGradients} provides.
 *
 * @example
 * ```ts
 * import { gradientKernelNames } from '@onecycle/backends';
 * gradientKernelNames().includes('Conv2D'); // true
 * ```
 */
export function gradientKernelNames(): string[] {
  return tfjsGradConfigs.map((config) => config.kernelName);
}
