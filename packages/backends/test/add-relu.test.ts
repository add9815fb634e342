import { ADD_RELU_KERNELS, addRelu, addReluIsFused } from '@onecycle/ops';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../src/index.js';
import { SimdConv } from '../src/kernels/simd-conv.js';
import { randomValues, relativeError } from './helpers.js';

type Shape = [number, number, number, number];

/** relu(a + b), fused or as tfjs's two ops, and its gradients in a and b for an output gradient r. */
function run(shape: Shape, fused: boolean): Float32Array[] {
  const n = tf.util.sizeFromShape(shape);
  const [a, b, r] = [1, 2, 3].map((seed) => tf.tensor(randomValues(n, seed), shape));
  const f = (x: tf.Tensor, y: tf.Tensor) => (fused ? addRelu(x, y) : tf.relu(tf.add(x, y)));
  const out = tf.tidy(() => {
    const grads = tf.grads((x, y) => f(x!, y!))([a!, b!], r!);
    return [f(a!, b!), ...grads];
  });
  const values = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose([a!, b!, r!, ...out]);
  return values;
}

/** The values with −0 as +0: a ReLU's zero gradient is +0 in the kernel, and ±0 from tfjs's dy·step(x). */
const plusZero = (v: Float32Array) => Array.from(v, (x) => x + 0);

describe('addRelu on the WASM kernels', () => {
  beforeAll(async () => {
    // Under Node, more than one convolution thread loads tfjs's WASM build on a shared memory, where
    // the threads share the elementwise kernels too.
    await setupBackend('wasm', { convThreads: 2 });
  });
  afterAll(async () => {
    SimdConv.useThreads(1);
    await setupBackend('cpu');
  });

  it.each([
    [[3, 7, 6, 5], 1], // 630 values: a range's last values one by one
    [[64, 16, 16, 16], 2], // shared out among 2 threads
  ] as [
    Shape,
    number,
  ][])("shape %j on %i thread(s): the CPU backend's relu(a + b), and the bits of the two ops on WASM", async (shape, threads) => {
    await setupBackend('cpu');
    const cpu = run(shape, false);
    await setupBackend('wasm', { convThreads: threads });
    expect(addReluIsFused()).toBe(true);
    const simd = SimdConv.load()!;
    for (let i = 0; i < 400 && simd.startedThreads < threads; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(simd.startedThreads).toBe(threads);
    const before = tf.memory().numTensors;
    const apart = run(shape, false);
    for (let round = 0; round < (threads > 1 ? 12 : 1); round++) {
      const fused = run(shape, true);
      fused.forEach((got, k) => {
        expect(relativeError(got, cpu[k]!), `output ${k}`).toBeLessThan(1e-6);
        expect(plusZero(got), `output ${k}`).toEqual(plusZero(apart[k]!));
      });
    }
    if (threads > 1) expect(simd.usage.shared).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs one kernel forward and one backward for both inputs: no Add, Relu, Step or Multiply', async () => {
    await setupBackend('wasm');
    const [a, b] = [4, 5].map((seed) => tf.tensor(randomValues(2 * 4 * 4 * 8, seed), [2, 4, 4, 8]));
    const profile = await tf.profile(() => {
      tf.dispose(tf.tidy(() => tf.grads((x, y) => addRelu(x!, y!))([a!, b!], tf.onesLike(a!))));
    });
    const names = profile.kernels.map((k) => k.name);
    expect(names.filter((n) => n === ADD_RELU_KERNELS.forward)).toHaveLength(1);
    expect(names.filter((n) => n === ADD_RELU_KERNELS.inputGrad)).toHaveLength(1);
    for (const name of ['Add', 'Relu', 'Step', 'Multiply']) expect(names).not.toContain(name);
    tf.dispose([a!, b!]);
  });

  it("takes tfjs's ops for inputs that broadcast or are not float32", async () => {
    await setupBackend('wasm');
    const a = tf.tensor(randomValues(2 * 3 * 3 * 4, 6), [2, 3, 3, 4]);
    const b = tf.tensor1d([0.5, -0.5, 1, -1]);
    const got = addRelu(a, b);
    const want = tf.relu(tf.add(a, b));
    expect(got.shape).toEqual([2, 3, 3, 4]);
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
    const ints = addRelu(tf.tensor1d([1, -3], 'int32'), tf.tensor1d([1, 1], 'int32'));
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([2, 0]);
    tf.dispose([a, b, got, want, ints]);
  });
});
