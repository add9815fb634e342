import type * as tf from '@tensorflow/tfjs-core';

/** A backend that counts references to its data (as tfjs's CPU and WASM backends do). */
interface RefCountingBackend {
  incRef(dataId: object): void;
}

/**
 * Wraps a backend's `Identity` that copies its input (WASM's allocates and copies on every call; gradient
 * bookkeeping calls it dozens of times per training step) so that, like the CPU backend's, it returns the
 * same data with one more reference: tfjs tensors are immutable, and the data is freed when its last
 * tensor is disposed. String tensors still go to the original kernel.
 *
 * @example
 * ```ts
 * const stock = tf.getKernel(tf.Identity, 'wasm')!;
 * tf.unregisterKernel(tf.Identity, 'wasm');
 * tf.registerKernel(makeSharedIdentityKernel(stock));
 * ```
 */
export function makeSharedIdentityKernel(original: tf.KernelConfig): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return original.kernelFunc(args);
      (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
}
