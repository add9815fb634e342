import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../src/index.js';
import { onBackend, randomValues, relativeError } from './helpers.js';

// Kernels whose stock WASM version gives wrong results; this package routes them to tfjs's CPU kernels.
const TOLERANCE = 1e-5;

async function compare(f: (x: tf.Tensor) => tf.Tensor, shape: number[], seed: number): Promise<void> {
  const xv = randomValues(
    shape.reduce((a, b) => a * b, 1),
    seed,
  );
  const run = (backend: string) =>
    onBackend(backend, () => {
      const x = tf.tensor(xv, shape);
      const y = f(x);
      const dy = tf.tensor(randomValues(y.size, seed + 1), y.shape);
      return [y, tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx), dy)))(x)];
    });
  const [yCpu, gCpu] = await run('cpu');
  const [yWasm, gWasm] = await run('wasm');
  expect(relativeError(yWasm!, yCpu!), 'value').toBeLessThan(TOLERANCE);
  expect(relativeError(gWasm!, gCpu!), 'gradient').toBeLessThan(TOLERANCE);
}

describe('WASM kernels corrected by this package', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });

  it('MaxPoolGrad gives the gradient to the maximum even when it is negative', async () => {
    const run = (backend: string) =>
      onBackend(backend, () => {
        const x = tf.tensor4d([0, 10, -3, -9, 5, 8, -7, -6, 9, 4, -10, -1, 10, -1, -10, 4], [1, 4, 4, 1]);
        const dy = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
        return [
          tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(xx as tf.Tensor4D, 2, 2, 'valid'), dy)))(x),
        ];
      });
    const [wasm] = await run('wasm');
    // The top-right window (-3, -9, -7, -6) has its maximum -3 at index 2.
    expect(Array.from(wasm!)).toEqual([0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 4]);
  });

  it.each([
    [3, 2, 'same'],
    [2, 2, 'valid'],
    [3, 1, 'same'],
    [3, 2, 1],
  ] as const)('maxPool %i/%i pad %s matches the CPU backend', async (k, s, pad) => {
    await compare((x) => tf.maxPool(x as tf.Tensor4D, k, s, pad), [2, 7, 6, 3], 10 + k + s);
  });

  it.each([
    ['bilinear', false],
    ['bilinear', true],
    ['nearest', false],
    ['nearest', true],
  ] as const)('resize %s (alignCorners %s) matches the CPU backend', async (kind, alignCorners) => {
    const resize = kind === 'bilinear' ? tf.image.resizeBilinear : tf.image.resizeNearestNeighbor;
    // tfjs's CPU ResizeBilinearGrad mislabels non-square gradients, so the reference images are square there.
    const [h, w] = kind === 'bilinear' ? [7, 7] : [7, 6];
    await compare((x) => resize(x as tf.Tensor4D, [11, 9], alignCorners), [2, h, w, 3], 20);
    await compare((x) => resize(x as tf.Tensor4D, [4, 3], alignCorners), [1, h, w, 2], 30);
  });

  it('ResizeBilinearGrad of a non-square image has the image’s shape', async () => {
    await tf.setBackend('wasm');
    const [g] = await onBackend('wasm', () => [
      tf.grad((x: tf.Tensor) => tf.sum(tf.image.resizeBilinear(x as tf.Tensor4D, [11, 9])))(
        tf.ones([2, 7, 6, 3]),
      ),
    ]);
    expect(g!.length).toBe(2 * 7 * 6 * 3);
    // Every output pixel spreads weight 1 over the input: the gradient sums to the output's size.
    expect(g!.reduce((a, b) => a + b, 0)).toBeCloseTo(2 * 11 * 9 * 3, 2);
  });

  it('Identity shares the data instead of copying it, and frees it with the last tensor', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend();
    const ids = backend.numDataIds();
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.clone(a);
    expect(backend.numDataIds()).toBe(ids + 1);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    const v = tf.variable(b);
    b.dispose();
    const doubled = tf.mul(v, 2) as tf.Tensor1D;
    v.assign(doubled);
    doubled.dispose();
    expect(Array.from(v.dataSync())).toEqual([2, 4, 6]);
    v.dispose();
    expect(backend.numDataIds()).toBe(ids);
  });

  it('Cast to bool is x ≠ 0 as on the CPU backend; a cast to the same dtype shares the data', async () => {
    const run = (backend: string) =>
      onBackend(backend, () => {
        const x = tf.tensor1d([0.5, -1, 256, 0, -0.7, 2.9, Number.NaN]);
        const ints = tf.tensor1d([0, 3, -2, 256], 'int32');
        return [
          tf.cast(tf.cast(x, 'bool'), 'float32'),
          tf.cast(tf.cast(ints, 'bool'), 'float32'),
          tf.cast(x, 'int32'),
          tf.cast(tf.cast(x, 'float32'), 'float32'),
        ];
      });
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(Array.from(wasm[0]!)).toEqual([1, 1, 1, 0, 1, 1, 1]);
    for (const [i, c] of cpu.entries()) expect(Array.from(wasm[i]!), `output ${i}`).toEqual(Array.from(c));
    await tf.setBackend('wasm');
    const ids = tf.backend().numDataIds();
    const a = tf.tensor1d([1, 2]);
    const b = tf.cast(a, 'float32');
    expect(tf.backend().numDataIds()).toBe(ids + 1);
    tf.dispose([a, b]);
    expect(tf.backend().numDataIds()).toBe(ids);
  });

  it.each([
    [[64, 9, 9, 5], [0, 1, 2], false],
    [[64, 9, 9, 5], [2, 0, 1], true],
    [[64, 9, 9, 5], [-4, -3], false],
    [[2048, 3], 0, true],
    [[2048, 3], [0], false],
    [[64, 9, 9, 5], [1, 2], false], // not leading: WASM's own kernel
    [[8, 9, 9, 5], [0, 1, 2], false], // too few rows: WASM's own kernel
  ] as const)('Sum/Mean of shape %j over %j (keepDims %s) match the CPU backend', async (shape, axis, keepDims) => {
    const xv = randomValues(
      shape.reduce((a: number, b: number) => a * b, 1),
      40,
    );
    const axes = axis as number | number[];
    const run = (backend: string) =>
      onBackend(backend, () => {
        const x = tf.tensor(xv, [...shape]);
        const ints = tf.cast(tf.mul(x, 10), 'int32');
        return [
          tf.sum(x, axes, keepDims),
          tf.mean(x, axes, keepDims),
          tf.cast(tf.sum(ints, axes, keepDims), 'float32'),
          tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mean(t, axes, keepDims), tf.sum(t, axes, keepDims))))(x),
        ];
      });
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    for (const [i, c] of cpu.entries()) expect(relativeError(wasm[i]!, c), `output ${i}`).toBeLessThan(1e-5);
  });
});
