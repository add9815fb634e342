import * as tf from '@tensorflow/tfjs-core';
import type { WasmHeapBackend } from './wasm-kernel-calls.js';

/**
 * Wraps the WASM backend's `Slice` so that a slice that is one contiguous run of the input (along the
 * first axis, as `tf.split` into batches makes) copies that run from the heap. WASM's own kernel
 * first copies the whole input out of the heap (`readSync`), so splitting a 123 MB tensor into 156
 * batches took 9.4 s (with {@link makeSplitKernel}). Strings, complex numbers and strided slices go
 * to `original`.
 *
 * @example
 * ```ts
 * const stock = tf.getKernel(tf.Slice, 'wasm')!;
 * tf.unregisterKernel(tf.Slice, 'wasm');
 * tf.registerKernel(makeContiguousSliceKernel(stock));
 * ```
 */
export function makeContiguousSliceKernel(original: tf.KernelConfig): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
      if (x.dtype === 'string' || x.dtype === 'complex64') return original.kernelFunc(args);
      const [begins, sizes] = tf.slice_util.parseSliceParams(x, begin, size) as [number[], number[]];
      if (!tf.slice_util.isSliceContinous(x.shape, begins, sizes)) return original.kernelFunc(args);
      const wasm = args.backend as unknown as WasmHeapBackend;
      const out = wasm.makeOutput(sizes, x.dtype);
      const from = tf.slice_util.computeFlatOffset(begins, tf.util.computeStrides(x.shape));
      // Views taken after the output is made (making it may grow the heap and detach older views).
      wasm
        .typedArrayFromHeap(out)
        .set(wasm.typedArrayFromHeap(x).subarray(from, from + tf.util.sizeFromShape(sizes)));
      return out;
    },
  };
}

/**
 * The WASM backend's `SplitV` on the given `Slice` kernel (WASM's own calls its slow `Slice`
 * directly): each piece is a slice of the input along the split axis.
 *
 * @example
 * ```ts
 * tf.unregisterKernel(tf.SplitV, 'wasm');
 * tf.registerKernel(makeSplitKernel(tf.getKernel(tf.Slice, 'wasm')!));
 * ```
 */
export function makeSplitKernel(slice: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.SplitV,
    backendName: slice.backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      const { numOrSizeSplits, axis } = attrs as unknown as {
        numOrSizeSplits: number | number[];
        axis: number;
      };
      const at = tf.util.parseAxisParam(axis, x.shape)[0]!;
      const begin = x.shape.map(() => 0);
      return tf.backend_util.prepareSplitSize(x, numOrSizeSplits, at).map((piece) => {
        const size = x.shape.slice();
        size[at] = piece;
        const out = slice.kernelFunc({ inputs: { x }, attrs: { begin: [...begin], size }, backend });
        begin[at] = begin[at]! + piece;
        return out as tf.TensorInfo;
      });
    },
  };
}
