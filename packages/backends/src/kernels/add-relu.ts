import { ADD_RELU_KERNELS, type AddReluGradInputs, type AddReluInputs } from '@onecycle/ops';
import type * as tf from '@tensorflow/tfjs-core';
import { SimdConv } from './simd-conv.js';
import { elementwise } from './simd-elementwise.js';
import type { WasmHeapBackend } from './wasm-kernel-calls.js';
import { JOB_ADD_RELU, JOB_RELU_GRAD, type Job } from './worker-pool.js';

/**
 * Builds the WASM kernels of `@onecycle/ops`' `addRelu` ({@link ADD_RELU_KERNELS}) on the SIMD kernels
 * of `wasm/elementwise-kernels.c`: one pass forward (`max(a + b, 0)`), one backward (`dy` where the
 * output is positive), each shared with the convolution threads where they work in tfjs's memory.
 *
 * @example
 * ```ts
 * for (const k of makeAddReluKernels('wasm')) tf.registerKernel(k);
 * ```
 */
export function makeAddReluKernels(backendName: string): tf.KernelConfig[] {
  /** Runs the elementwise `job` on views of `inputs` into a new float32 output of `like`'s shape. */
  const run = (
    backend: unknown,
    like: tf.TensorInfo,
    inputs: [tf.TensorInfo, tf.TensorInfo],
    job: Job,
  ): tf.TensorInfo => {
    const wasm = backend as WasmHeapBackend;
    const out = wasm.makeOutput([...like.shape], 'float32');
    const [a, b] = inputs.map((t) => wasm.typedArrayFromHeap(t));
    if (!elementwise(SimdConv.load()!, job, [a!, b!], wasm.typedArrayFromHeap(out))) {
      wasm.disposeData(out.dataId);
      throw new Error(
        `addRelu: tensors of shape [${like.shape}] do not fit the WASM kernels' memory (at most 4 GiB)`,
      );
    }
    return out;
  };
  return [
    {
      kernelName: ADD_RELU_KERNELS.forward,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const { a, b } = inputs as unknown as AddReluInputs;
        return run(backend, a, [a, b], JOB_ADD_RELU);
      },
    },
    {
      kernelName: ADD_RELU_KERNELS.inputGrad,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const { dy, y } = inputs as unknown as AddReluGradInputs;
        return run(backend, y, [dy, y], JOB_RELU_GRAD);
      },
    },
  ];
}
