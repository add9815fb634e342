import * as tf from '@tensorflow/tfjs-core';

/**
 * A tfjs backend as kernel functions see it: enough to free intermediate results.
 *
 * @example
 * ```ts
 * const kb = backend as unknown as KernelBackend;
 * const values = kb.readSync(x.dataId) as Float32Array;
 * ```
 */
export interface KernelBackend {
  disposeData(dataId: object, force?: boolean): boolean;
  readSync(dataId: object): ArrayLike<number> | unknown;
  write(values: Float32Array | Int32Array, shape: number[], dtype: 'float32' | 'int32'): object;
}

/**
 * tfjs's WASM backend as kernels that work on its memory directly see it: typed-array views of a
 * tensor's data on the WASM heap, and allocation of outputs there (besides freeing).
 *
 * @example
 * ```ts
 * const wasm = backend as unknown as WasmHeapBackend;
 * const out = wasm.makeOutput([2, 3], 'float32');
 * wasm.typedArrayFromHeap(out).fill(0);
 * ```
 */
export interface WasmHeapBackend extends KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/**
 * Runs another kernel of the same backend directly (as tfjs's own backends compose kernels), bypassing the
 * engine: no tape, no tensor bookkeeping. The caller owns the returned TensorInfo and must free it with
 * {@link releaseInfo} unless it is the kernel's output.
 *
 * @example
 * ```ts
 * const t = callKernel(tf.Transpose, 'wasm', backend, { x }, { perm: [1, 0] });
 * releaseInfo(backend, t);
 * ```
 */
export function callKernel(
  kernelName: string,
  backendName: string,
  backend: KernelBackend,
  inputs: Record<string, tf.TensorInfo>,
  attrs: Record<string, unknown> = {},
): tf.TensorInfo {
  const config = tf.getKernel(kernelName, backendName);
  if (config == null) {
    throw new Error(`kernel '${kernelName}' is not registered for backend '${backendName}'`);
  }
  const out = config.kernelFunc({
    inputs: inputs as tf.NamedTensorInfoMap,
    attrs: attrs as tf.NamedAttrMap,
    backend: backend as unknown as tf.KernelBackend,
  });
  if (Array.isArray(out)) throw new Error(`kernel '${kernelName}' returned several outputs`);
  return out as tf.TensorInfo;
}

/**
 * Frees a TensorInfo produced by {@link callKernel} (decrements its data's reference count).
 *
 * @example
 * ```ts
 * releaseInfo(backend, callKernel(tf.Relu, 'wasm', backend, { x }));
 * ```
 */
export function releaseInfo(backend: KernelBackend, info: tf.TensorInfo): void {
  backend.disposeData(info.dataId);
}

/**
 * Runs a kernel of the current backend; what it returns is freed by {@link withScratch} unless returned.
 *
 * @example
 * ```ts
 * const y: tf.TensorInfo = call(tf.Relu, { x });
 * ```
 */
export type KernelCall = (
  kernelName: string,
  inputs: Record<string, tf.TensorInfo>,
  attrs?: Record<string, unknown>,
) => tf.TensorInfo;

/**
 * Writes float32 values to the backend as a new TensorInfo; freed by {@link withScratch} unless returned.
 *
 * @example
 * ```ts
 * const f = write(new Float32Array([1, 2, 3, 4]), [2, 2]);
 * ```
 */
export type KernelWrite = (values: Float32Array, shape: number[]) => tf.TensorInfo;

/**
 * Hands a TensorInfo made elsewhere to {@link withScratch}, to be freed with the others unless returned.
 *
 * @example
 * ```ts
 * const product = own(stock.kernelFunc({ inputs, backend, attrs }) as tf.TensorInfo);
 * ```
 */
export type KernelOwn = (info: tf.TensorInfo) => tf.TensorInfo;

/**
 * Runs `body` with `call`, `write` and `own` functions: every TensorInfo they make (or are given) is freed
 * when `body` returns (or throws), except the one `body` returns.
 *
 * @example
 * ```ts
 * const out = withScratch('wasm', backend, (call) => call(tf.Relu, { x: call(tf.Neg, { x }) }));
 * ```
 */
export function withScratch(
  backendName: string,
  backend: KernelBackend,
  body: (call: KernelCall, write: KernelWrite, own: KernelOwn) => tf.TensorInfo,
): tf.TensorInfo {
  const made: tf.TensorInfo[] = [];
  let result: tf.TensorInfo | undefined;
  try {
    const call: KernelCall = (kernelName, inputs, attrs) => {
      const out = callKernel(kernelName, backendName, backend, inputs, attrs);
      made.push(out);
      return out;
    };
    const write: KernelWrite = (values, shape) => {
      const info: tf.TensorInfo = {
        dataId: backend.write(values, shape, 'float32'),
        shape,
        dtype: 'float32',
      };
      made.push(info);
      return info;
    };
    const own: KernelOwn = (info) => {
      made.push(info);
      return info;
    };
    result = body(call, write, own);
    return result;
  } finally {
    for (const info of made) {
      if (info !== result) releaseInfo(backend, info);
    }
  }
}
