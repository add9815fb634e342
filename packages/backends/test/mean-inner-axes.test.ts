import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../src/index.js';
import { makeInnerAxesMeanKernel } from '../src/kernels/mean-inner-axes.js';
import { randomValues } from './helpers.js';

describe('the WASM Mean over inner axes (a global average pool) in one pass', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });

  it('gives the bits of the transpose-then-reduce path, with and without keepDims', () => {
    const shapes: [number[], number[]][] = [
      [
        [64, 4, 4, 2],
        [1, 2],
      ],
      [
        [64, 8, 8, 64],
        [1, 2],
      ],
      [
        [3, 5, 7, 2, 3],
        [1, 2, 3],
      ],
      [[6, 9, 4], [1]],
    ];
    const before = tf.memory().numTensors;
    shapes.forEach(([shape, axis], i) => {
      const x = tf.tensor(randomValues(tf.util.sizeFromShape(shape), 100 + i), shape);
      // The reference: move the reduced axes last (as WASM's kernel does), then a mean over the last axis.
      const rest = shape.map((_, a) => a).filter((a) => !axis.includes(a));
      const moved = tf.transpose(x, [...rest, ...axis]);
      const flat = tf.reshape(moved, [...rest.map((a) => shape[a]!), -1]);
      for (const keepDims of [false, true]) {
        const got = tf.mean(x, axis, keepDims);
        const want = tf.mean(flat, -1); // last axis: not an inner block, so WASM's own kernel
        expect(got.shape).toEqual(keepDims ? shape.map((d, a) => (axis.includes(a) ? 1 : d)) : want.shape);
        const a = got.dataSync() as Float32Array;
        const b = want.dataSync() as Float32Array;
        expect(
          Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
            Buffer.from(b.buffer, b.byteOffset, b.byteLength),
          ),
        ).toBe(true);
        tf.dispose([got, want]);
      }
      tf.dispose([x, moved, flat]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves other reductions to the original kernel', () => {
    let calls = 0;
    const original: tf.KernelConfig = {
      kernelName: tf.Mean,
      backendName: 'wasm',
      kernelFunc: () => {
        calls++;
        return { dataId: {}, shape: [], dtype: 'float32' } as tf.TensorInfo;
      },
    };
    const wrapped = makeInnerAxesMeanKernel(original);
    const x = tf.zeros([2, 3, 4]);
    const run = (axis: number[]) =>
      wrapped.kernelFunc({ inputs: { x }, attrs: { axis, keepDims: false }, backend: tf.backend() });
    for (const axis of [[0], [2], [0, 1], [1, 2], [0, 2]]) run(axis);
    expect(calls).toBe(5);
    x.dispose();
  });
});
