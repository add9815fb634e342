import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../src/index.js';
import { makeContiguousSliceKernel } from '../src/kernels/contiguous-slice.js';

describe('the WASM Slice of a contiguous run (copied from the heap, not after a copy of the whole input)', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });

  it('gives the values of a plain loop, for float32, int32 and bool, split into batches or not', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const values = Float32Array.from({ length: 6 * 2 * 3 * 2 }, (_, i) => i * 0.5 - 7);
      const want = (b0: number, n: number) => Array.from(values.subarray(b0 * 12, (b0 + n) * 12));
      const x = tf.tensor4d(values, [6, 2, 3, 2]);
      expect(Array.from(tf.slice(x, [2, 0, 0, 0], [3, 2, 3, 2]).dataSync())).toEqual(want(2, 3));
      const parts = tf.split(x, 3);
      parts.forEach((p, i) => {
        expect(p.shape).toEqual([2, 2, 3, 2]);
        expect(Array.from(p.dataSync())).toEqual(want(2 * i, 2));
      });
      // A run inside one image: contiguous too.
      expect(Array.from(tf.slice(x, [1, 1, 0, 0], [1, 1, 3, 2]).dataSync())).toEqual(
        Array.from(values.subarray(18, 24)),
      );
      const ints = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
      const intSlice = tf.slice(ints, [1, 0], [2, 2]);
      expect(intSlice.dtype).toBe('int32');
      expect(Array.from(intSlice.dataSync())).toEqual([3, 4, 5, 6]);
      const bools = tf.tensor1d([true, false, true, true], 'bool');
      expect(Array.from(tf.slice(bools, [1], [2]).dataSync())).toEqual([0, 1]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves strided slices and strings to the original kernel', () => {
    const seen: string[] = [];
    const original: tf.KernelConfig = {
      kernelName: tf.Slice,
      backendName: 'wasm',
      kernelFunc: (args) => {
        seen.push(JSON.stringify(args.attrs));
        return args.inputs.x as tf.TensorInfo;
      },
    };
    const wrapped = makeContiguousSliceKernel(original);
    const x = tf.zeros([4, 3]);
    const s = tf.tensor1d(['a', 'b', 'c'], 'string');
    wrapped.kernelFunc({ inputs: { x }, attrs: { begin: [0, 1], size: [4, 1] }, backend: tf.backend() });
    wrapped.kernelFunc({ inputs: { x: s }, attrs: { begin: [1], size: [1] }, backend: tf.backend() });
    expect(seen).toHaveLength(2);
    tf.dispose([x, s]);
  });
});
