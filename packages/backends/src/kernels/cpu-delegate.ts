import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend } from './wasm-kernel-calls.js';

type NumericArray = Float32Array | Int32Array | Uint8Array;

let cpu: MathBackendCPU | undefined;

/** A private CPU backend instance (not registered with the engine) to run tfjs's reference kernels on. */
function cpuBackend(): MathBackendCPU {
  if (cpu == null) {
    cpu = new MathBackendCPU();
    // It is an implementation detail here: skip its one-time "you are running in Node.js" notice.
    (cpu as unknown as { firstUse: boolean }).firstUse = false;
  }
  return cpu;
}

/**
 * Builds a kernel for `backendName` that runs tfjs's own CPU implementation of `kernelName` on a copy of the
 * inputs and writes the result back: for kernels where the backend's version is wrong and the work is small
 * next to the convolutions (WASM's `MaxPoolGrad` drops the gradient of windows whose maximum is negative;
 * its resize gradients return wrong values or shapes).
 *
 * @example
 * ```ts
 * tf.unregisterKernel(tf.MaxPoolGrad, 'wasm');
 * tf.registerKernel(makeCpuDelegateKernel(tf.MaxPoolGrad, 'wasm'));
 * ```
 */
export function makeCpuDelegateKernel(
  kernelName: string,
  backendName: string,
  /** The true shape of the (single) output, where the CPU kernel reports a wrong one. */
  outputShape?: (inputs: Record<string, tf.TensorInfo>) => number[],
): tf.KernelConfig {
  return {
    kernelName,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const reference = tf.getKernel(kernelName, 'cpu');
      if (reference == null) throw new Error(`${kernelName}: the CPU backend has no kernel to delegate to`);
      const target = backend as unknown as KernelBackend;
      const host = cpuBackend();
      const copies: tf.TensorInfo[] = [];
      try {
        const cpuInputs: Record<string, tf.TensorInfo> = {};
        for (const [name, info] of Object.entries(inputs as Record<string, tf.TensorInfo | undefined>)) {
          if (info == null) continue;
          const values = target.readSync(info.dataId) as NumericArray;
          const copy = {
            dataId: host.write(values, info.shape, info.dtype),
            shape: info.shape,
            dtype: info.dtype,
          };
          copies.push(copy);
          cpuInputs[name] = copy;
        }
        const out = reference.kernelFunc({ inputs: cpuInputs, backend: host, attrs });
        const outs = Array.isArray(out) ? out : [out];
        copies.push(...outs);
        const results = outs.map((o) => {
          const values = host.readSync(o.dataId) as Float32Array | Int32Array;
          const shape = outputShape ? outputShape(inputs as Record<string, tf.TensorInfo>) : o.shape;
          if (tf.util.sizeFromShape(shape) !== values.length) {
            throw new Error(`${kernelName}: output shape [${shape}] does not fit ${values.length} values`);
          }
          return {
            dataId: target.write(values, shape, o.dtype as 'float32' | 'int32'),
            shape,
            dtype: o.dtype,
          };
        });
        return Array.isArray(out) ? results : results[0]!;
      } finally {
        for (const c of copies) host.disposeData(c.dataId, true);
      }
    },
  };
}
