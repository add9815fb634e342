import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../src/index.js';
import { onBackend, randomValues, relativeError } from './helpers.js';

// The ops the models' forward passes use, end to end: WASM's own backward kernels (MaxPoolGrad, AvgPoolGrad,
// reductions, elementwise) together with this package's, against the CPU backend.
const TOLERANCE = 1e-4;

interface Params {
  w1: Float32Array;
  w2: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
  fc: Float32Array;
  x: Float32Array;
}

function params(seed: number): Params {
  return {
    w1: randomValues(3 * 3 * 3 * 8, seed),
    w2: randomValues(3 * 3 * 8 * 8, seed + 1),
    gamma: randomValues(8, seed + 2).map((v) => 1 + 0.2 * v),
    beta: randomValues(8, seed + 3),
    fc: randomValues(8 * 5, seed + 4),
    x: randomValues(3 * 13 * 13 * 3, seed + 5).map((v) => (v + 1) / 2),
  };
}

/** conv(7x7-like stem with stride 2) → BN → ReLU → maxPool 3/2 → residual conv block → avg/mean pool → linear. */
function lossAndGrads(p: Params, pooling: 'avg' | 'mean', useFused: boolean): tf.Tensor[] {
  const x = tf.tensor4d(p.x, [3, 13, 13, 3]);
  const w1 = tf.variable(tf.tensor4d(p.w1, [3, 3, 3, 8]), true, `w1${useFused}${pooling}`);
  const w2 = tf.variable(tf.tensor4d(p.w2, [3, 3, 8, 8]), true, `w2${useFused}${pooling}`);
  const gamma = tf.variable(tf.tensor1d(p.gamma), true, `g${useFused}${pooling}`);
  const beta = tf.variable(tf.tensor1d(p.beta), true, `b${useFused}${pooling}`);
  const fc = tf.variable(tf.tensor2d(p.fc, [8, 5]), true, `fc${useFused}${pooling}`);
  // Targets 1, 4, 0 of 5 classes, as indices into the flattened [3, 5] log-probabilities.
  const picks = tf.tensor1d([0 * 5 + 1, 1 * 5 + 4, 2 * 5 + 0], 'int32');
  const { value, grads } = tf.variableGrads(() => {
    let h: tf.Tensor = useFused
      ? tf.fused.conv2d({ x, filter: w1, strides: 2, pad: 'same' })
      : tf.conv2d(x, w1 as tf.Tensor4D, 2, 'same');
    const { mean, variance } = tf.moments(h, [0, 1, 2]);
    h = tf.add(tf.mul(tf.sub(h, mean), tf.mul(tf.rsqrt(tf.add(variance, 1e-5)), gamma)), beta);
    h = tf.relu(h);
    h = tf.maxPool(h as tf.Tensor4D, 3, 2, 'same'); // 7 → 4
    const r = tf.conv2d(h as tf.Tensor4D, w2 as tf.Tensor4D, 1, 1);
    h = tf.relu(tf.add(h, r));
    const pooled =
      pooling === 'avg'
        ? tf.reshape(tf.avgPool(h as tf.Tensor4D, 4, 4, 'valid'), [3, 8])
        : tf.mean(h, [1, 2]);
    const logits = tf.matMul(pooled, fc);
    const logp = tf.reshape(tf.logSoftmax(logits), [-1]);
    const picked = tf.gather(logp, picks);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
  const out = [
    value,
    grads[w1.name]!,
    grads[w2.name]!,
    grads[gamma.name]!,
    grads[beta.name]!,
    grads[fc.name]!,
  ];
  tf.dispose([w1, w2, gamma, beta, fc]);
  return out;
}

describe('a small residual convnet trains identically on WASM and CPU', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });

  it.each([
    ['avg pool, conv2d', 'avg', false],
    ['mean pool, fused conv2d', 'mean', true],
  ] as const)('%s: loss and every parameter gradient match', async (_name, pooling, useFused) => {
    const p = params(9);
    const cpu = await onBackend('cpu', () => lossAndGrads(p, pooling, useFused));
    const wasm = await onBackend('wasm', () => lossAndGrads(p, pooling, useFused));
    const names = ['loss', 'w1', 'w2', 'gamma', 'beta', 'fc'];
    for (const [i, name] of names.entries()) {
      expect(relativeError(wasm[i]!, cpu[i]!), name).toBeLessThan(TOLERANCE);
    }
    expect(Math.max(...Array.from(cpu[1]!, Math.abs))).toBeGreaterThan(0);
  });
});
