import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../src/index.js';
import { onBackend, randomValues, relativeError } from './helpers.js';

const TOLERANCE = 1e-5;
type Activation = 'linear' | 'relu' | 'elu' | 'sigmoid' | 'leakyrelu';

describe('WASM fused matMul with bias matches the CPU backend', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });

  const cases: [boolean, boolean, Activation, number[]][] = [];
  for (const tA of [false, true]) {
    for (const tB of [false, true]) {
      for (const act of ['linear', 'relu', 'elu', 'sigmoid', 'leakyrelu'] as const)
        cases.push([tA, tB, act, [5]]);
    }
  }
  cases.push([false, true, 'relu', [4, 5]], [true, true, 'linear', [1]], [false, true, 'linear', []]);

  it.each(
    cases,
  )('transposeA %s, transposeB %s, %s, bias shape %j: value and gradients', async (tA, tB, act, biasShape) => {
    const [m, k, n] = [4, 3, 5];
    const av = randomValues(m * k, 1);
    const bv = randomValues(k * n, 2);
    const biasv = randomValues(
      Math.max(
        1,
        biasShape.reduce((x, y) => x * y, 1),
      ),
      3,
    );
    const run = (backend: string) =>
      onBackend(backend, () => {
        const a = tf.tensor2d(av, tA ? [k, m] : [m, k]);
        const b = tf.tensor2d(bv, tB ? [n, k] : [k, n]);
        const bias = tf.tensor(biasv, biasShape);
        const f = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
          tf.fused.matMul({
            a: x as tf.Tensor2D,
            b: y as tf.Tensor2D,
            transposeA: tA,
            transposeB: tB,
            bias: z,
            activation: act,
            leakyreluAlpha: 0.1,
          });
        const y = f(a, b, bias);
        const grads = act === 'linear' || act === 'relu' ? tf.grads(f)([a, b, bias]) : [];
        return [y, ...grads];
      });
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(wasm.length).toBe(cpu.length);
    for (const [i, c] of cpu.entries())
      expect(relativeError(wasm[i]!, c), `output ${i}`).toBeLessThan(TOLERANCE);
  });

  it('leaves batched (rank-3) products right', async () => {
    const av = randomValues(2 * 4 * 3, 4);
    const bv = randomValues(2 * 5 * 3, 5);
    const run = (backend: string) =>
      onBackend(backend, () => [
        tf.fused.matMul({
          a: tf.tensor3d(av, [2, 4, 3]),
          b: tf.tensor3d(bv, [2, 5, 3]),
          transposeB: true,
          bias: tf.tensor1d([1, 2, 3, 4, 5]),
          activation: 'relu',
        }),
      ]);
    const [cpu] = await run('cpu');
    const [wasm] = await run('wasm');
    expect(relativeError(wasm!, cpu!)).toBeLessThan(TOLERANCE);
  });
});

describe('WASM fused conv2d with bias matches the CPU backend', () => {
  it.each(['linear', 'relu'] as const)('%s: value and gradients', async (act) => {
    await setupBackend('wasm');
    const xv = randomValues(2 * 9 * 9 * 3, 6);
    const wv = randomValues(3 * 3 * 3 * 4, 7);
    const run = (backend: string) =>
      onBackend(backend, () => {
        const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
          tf.fused.conv2d({
            x: x as tf.Tensor4D,
            filter: w as tf.Tensor4D,
            strides: 2,
            pad: 'same',
            bias: b,
            activation: act,
          });
        const args = [
          tf.tensor4d(xv, [2, 9, 9, 3]),
          tf.tensor4d(wv, [3, 3, 3, 4]),
          tf.tensor1d([0.1, -0.2, 0.3, 0]),
        ];
        return [f(args[0]!, args[1]!, args[2]!), ...tf.grads(f)(args)];
      });
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    for (const [i, c] of cpu.entries()) expect(relativeError(wasm[i]!, c), `output ${i}`).toBeLessThan(1e-4);
  });
});
