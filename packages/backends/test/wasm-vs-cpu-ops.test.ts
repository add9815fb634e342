import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../src/index.js';
import { onBackend, randomValues, relativeError } from './helpers.js';

// Differential check of the ops a training step may use: value and gradient on WASM (with this package's
// kernels) against the CPU backend, on one odd-shaped NHWC input. (tfjs has no gradient for dilated conv2d
// or depthToSpace, so they are not here.)
const SHAPE = [3, 7, 6, 4];
const TOLERANCE = 1e-4;
const w = (n: number, seed: number, shape: number[]) => tf.tensor(randomValues(n, seed), shape);

const OPS: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  avgPoolSame: (x) => tf.avgPool(x as tf.Tensor4D, 3, 2, 'same'),
  avgPoolPad1: (x) => tf.avgPool(x as tf.Tensor4D, 3, 2, 1),
  maxPoolSame: (x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 'same'),
  maxPoolValid: (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'),
  meanSpatial: (x) => tf.mean(x, [1, 2]),
  maxSpatial: (x) => tf.max(x, [1, 2]),
  moments: (x) => {
    const m = tf.moments(x, [0, 1, 2]);
    return tf.add(m.mean, m.variance);
  },
  batchNorm: (x) =>
    tf.batchNorm(
      x,
      tf.tensor1d([0.1, 0.2, -0.1, 0]),
      tf.tensor1d([1, 2, 0.5, 1]),
      tf.tensor1d([0.1, 0.2, 0.3, 0.4]),
      tf.tensor1d([1, 1.5, 0.5, 2]),
      1e-3,
    ),
  logSoftmax: (x) => tf.logSoftmax(tf.reshape(x, [3, -1])),
  logSumExp: (x) => tf.logSumExp(x, [1, 2]),
  relu6: (x) => tf.relu6(tf.mul(x, 8)),
  leakyRelu: (x) => tf.leakyRelu(x, 0.1),
  elu: (x) => tf.elu(x),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  rsqrt: (x) => tf.rsqrt(tf.add(tf.abs(x), 0.1)),
  pow: (x) => tf.pow(tf.abs(x), 1.5),
  divBroadcast: (x) => tf.div(x, tf.tensor1d([1, 2, 3, 4])),
  maximum: (x) => tf.maximum(x, tf.tensor1d([0, 0.1, -0.1, 0.2])),
  pad: (x) =>
    tf.pad(x, [
      [0, 0],
      [1, 2],
      [2, 1],
      [0, 0],
    ]),
  concat: (x) => tf.concat([x, tf.mul(x, 2)], 3),
  slice: (x) => tf.slice(x, [1, 1, 1, 1], [2, 5, 4, 2]),
  transpose: (x) => tf.transpose(x, [0, 3, 1, 2]),
  tile: (x) => tf.tile(x, [1, 2, 1, 1]),
  mirrorPad: (x) =>
    tf.mirrorPad(
      x as tf.Tensor4D,
      [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
      'reflect',
    ),
  clip: (x) => tf.clipByValue(x, -0.3, 0.4),
  cumsum: (x) => tf.cumsum(x, 3),
  conv1d: (x) =>
    tf.conv1d(tf.reshape(x, [3, 42, 4]) as tf.Tensor3D, w(24, 9, [3, 4, 2]) as tf.Tensor3D, 2, 'same'),
  separableConv: (x) =>
    tf.separableConv2d(
      x as tf.Tensor4D,
      w(72, 10, [3, 3, 4, 2]) as tf.Tensor4D,
      w(40, 11, [1, 1, 8, 5]) as tf.Tensor4D,
      1,
      'same',
    ),
  conv2dTranspose: (x) =>
    tf.conv2dTranspose(x as tf.Tensor4D, w(180, 13, [3, 3, 5, 4]) as tf.Tensor4D, [3, 14, 12, 5], 2, 'same'),
  matMulTransposed: (x) => tf.matMul(tf.reshape(x, [21, 24]), tf.reshape(x, [21, 24]), true, false),
  batchMatMul: (x) => tf.matMul(tf.reshape(x, [3, 42, 4]), tf.reshape(x, [3, 42, 4]), false, true),
  gather: (x) => tf.gather(x, tf.tensor1d([0, 6, 3, 3], 'int32'), 1),
  softmaxCrossEntropy: (x) =>
    tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([1, 0, 100], 'int32'), 168), tf.reshape(x, [3, -1])),
  sigmoidCrossEntropy: (x) =>
    tf.losses.sigmoidCrossEntropy(tf.cast(tf.greater(w(504, 6, SHAPE), 0), 'float32'), x),
  stack: (x) => tf.stack([x, tf.neg(x)], 2),
  split: (x) => {
    const [a, b] = tf.split(x, 2, 3);
    return tf.mul(a!, b!);
  },
  reverse: (x) => tf.reverse(x, [1, 2]),
  fusedConvPrelu: (x) =>
    tf.fused.conv2d({
      x: x as tf.Tensor4D,
      filter: w(72, 14, [3, 3, 4, 2]) as tf.Tensor4D,
      strides: 1,
      pad: 'same',
      activation: 'prelu',
      preluActivationWeights: tf.tensor1d([0.1, 0.2]),
    }),
  fusedDepthwise: (x) =>
    tf.fused.depthwiseConv2d({
      x: x as tf.Tensor4D,
      filter: w(36, 15, [3, 3, 4, 1]) as tf.Tensor4D,
      strides: 1,
      pad: 'same',
      bias: tf.tensor1d([1, 2, 3, 4]),
      activation: 'relu',
    }),
};

describe('ops used in training: WASM matches the CPU backend (value and gradient)', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });

  it.each(Object.keys(OPS))('%s', async (name) => {
    const f = OPS[name]!;
    const xv = randomValues(
      SHAPE.reduce((a, b) => a * b, 1),
      1,
    );
    const run = (backend: string) =>
      onBackend(backend, () => {
        const x = tf.tensor(xv, SHAPE);
        const y = f(x);
        const dy = tf.tensor(randomValues(y.size, 77), y.shape);
        return [y, tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx), dy)))(x)];
      });
    const [yCpu, gCpu] = await run('cpu');
    const [yWasm, gWasm] = await run('wasm');
    expect(relativeError(yWasm!, yCpu!), 'value').toBeLessThan(TOLERANCE);
    expect(relativeError(gWasm!, gCpu!), 'gradient').toBeLessThan(TOLERANCE);
  });
});
