import * as tf from '@tensorflow/tfjs-core';
import { type KernelBackend, withScratch } from './wasm-kernel-calls.js';

/**
 * Wraps a backend's `Cast` that converts to `bool` by truncating to a byte (WASM 4.22: 0.5 → false,
 * 256 → false, −1 → 255) and copies when nothing changes. Casts to `bool` become `x ≠ 0` (the backend's
 * `NotEqual`), as on the CPU backend; a cast to the same dtype shares the data (one more reference);
 * everything else goes to the original kernel.
 *
 * @example
 * ```ts
 * const stock = tf.getKernel(tf.Cast, 'wasm')!;
 * tf.unregisterKernel(tf.Cast, 'wasm');
 * tf.registerKernel(makeCastKernel(stock));
 * ```
 */
export function makeCastKernel(original: tf.KernelConfig): tf.KernelConfig {
  const { backendName } = original;
  return {
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const { dtype } = args.attrs as unknown as { dtype: tf.DataType };
      const backend = args.backend as unknown as KernelBackend & { incRef(dataId: object): void };
      if (dtype === x.dtype && dtype !== 'string' && dtype !== 'complex64') {
        backend.incRef(x.dataId);
        return { dataId: x.dataId, shape: x.shape, dtype };
      }
      if (dtype === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) {
        return withScratch(backendName, backend, (call, write) => {
          const zero = write(new Float32Array([0]), []);
          const zeroOfType = x.dtype === 'int32' ? call(tf.Cast, { x: zero }, { dtype: 'int32' }) : zero;
          return call(tf.NotEqual, { a: x, b: zeroOfType });
        });
      }
      return original.kernelFunc(args);
    },
  };
}
