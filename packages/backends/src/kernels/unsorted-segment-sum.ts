import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend } from './wasm-kernel-calls.js';

/**
 * Builds an `UnsortedSegmentSum` kernel (the gradient of `gather`, e.g. of picking each row's target-class
 * log-probability) for a backend that lacks one (WASM): `out[s, …] = Σ_{i : ids[i] = s} x[i, …]`, where `ids`
 * indexes the leading `ids.rank` axes of `x`; ids outside `[0, numSegments)` are dropped. One pass over `x`
 * in JavaScript on the backend's data (no `numSegments`-sized mask per segment as the CPU kernel does).
 *
 * @example
 * ```ts
 * tf.registerKernel(makeUnsortedSegmentSumKernel('wasm'));
 * tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3]), tf.tensor1d([0, 1, 0], 'int32'), 2); // [4, 2]
 * ```
 */
export function makeUnsortedSegmentSumKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: tf.UnsortedSegmentSum,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const { numSegments } = attrs as unknown as { numSegments: number };
      if (!Number.isInteger(numSegments) || numSegments < 0) {
        throw new RangeError(`UnsortedSegmentSum: numSegments must be an integer >= 0, got ${numSegments}`);
      }
      if (x.dtype !== 'float32' && x.dtype !== 'int32') {
        throw new TypeError(
          `UnsortedSegmentSum on '${backendName}': x must be float32 or int32, got ${x.dtype}`,
        );
      }
      const idRank = segmentIds.shape.length;
      if (segmentIds.shape.some((d, i) => d !== x.shape[i])) {
        throw new RangeError(
          `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`,
        );
      }
      const kb = backend as unknown as KernelBackend;
      const values = kb.readSync(x.dataId) as Float32Array | Int32Array;
      const ids = kb.readSync(segmentIds.dataId) as Int32Array;
      const inner = tf.util.sizeFromShape(x.shape.slice(idRank));
      const outShape = [numSegments, ...x.shape.slice(idRank)];
      const out =
        x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
      for (let i = 0; i < ids.length; i++) {
        const seg = ids[i]!;
        if (seg < 0 || seg >= numSegments) continue;
        const src = i * inner;
        const dst = seg * inner;
        for (let k = 0; k < inner; k++) out[dst + k] = out[dst + k]! + values[src + k]!;
      }
      return { dataId: kb.write(out, outShape, x.dtype), shape: outShape, dtype: x.dtype };
    },
  };
}
