// The ops on a backend without their kernels (tfjs's CPU backend): the standard-ops path, against the
// formulas; and the kernels' declared names, which backends register (their gradients and the fused
// kernels are tested where a backend implements them: @onecycle/models' tests on @onecycle/backends).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BATCH_NORM_TRAIN_KERNELS,
  batchNormTrain,
  batchNormTrainIsFused,
  CONV2D_BIAS_ACT_KERNELS,
  conv2dBiasAct,
} from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7919 + i * 104729) * 2);

describe('conv2dBiasAct without its kernels', () => {
  it('is relu(conv2d(x, filter) + bias), tensors freed', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor4d(values(2 * 6 * 6 * 3, 1), [2, 6, 6, 3]);
    const filter = tf.tensor4d(values(3 * 3 * 3 * 4, 2), [3, 3, 3, 4]);
    const bias = tf.tensor1d(values(4, 3));
    const y = conv2dBiasAct(x, filter, bias, { strides: [2, 2], pad: 1, activation: 'relu' });
    const want = tf.tidy(() => tf.relu(tf.add(tf.conv2d(x, filter, 2, 1), bias)));
    expect(y.shape).toEqual([2, 3, 3, 4]);
    const got = y.dataSync();
    const ref = want.dataSync();
    for (let i = 0; i < ref.length; i++) expect(got[i]).toBeCloseTo(ref[i]!, 5);
    tf.dispose([x, filter, bias, y, want]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('batchNormTrain without its kernels', () => {
  it('normalises with the batch mean and biased variance per channel', () => {
    const x = tf.tensor4d(values(4 * 2 * 2 * 3, 4), [4, 2, 2, 3]);
    const weight = tf.tensor1d([1, 2, 0.5]);
    const bias = tf.tensor1d([0, -1, 3]);
    expect(batchNormTrainIsFused()).toBe(false);
    const { y, mean, variance } = batchNormTrain(x, weight, bias, 1e-5);
    const xs = x.dataSync();
    const [m, v, out] = [mean.dataSync(), variance.dataSync(), y.dataSync()];
    for (let c = 0; c < 3; c++) {
      const col = Array.from({ length: 16 }, (_, r) => xs[r * 3 + c]!);
      const mu = col.reduce((a, b) => a + b, 0) / 16;
      const sigma2 = col.reduce((a, b) => a + (b - mu) ** 2, 0) / 16; // biased, as PyTorch in training
      expect(m[c]).toBeCloseTo(mu, 5);
      expect(v[c]).toBeCloseTo(sigma2, 5);
      const [w, b] = [[1, 2, 0.5][c]!, [0, -1, 3][c]!];
      for (let r = 0; r < 16; r++) {
        expect(out[r * 3 + c]).toBeCloseTo(((col[r]! - mu) / Math.sqrt(sigma2 + 1e-5)) * w + b, 4);
      }
    }
    tf.dispose([x, weight, bias, y, mean, variance]);
  });
});

describe('the kernel names', () => {
  it('are distinct, and none is registered on a backend that does not implement them', () => {
    const names = [...Object.values(CONV2D_BIAS_ACT_KERNELS), ...Object.values(BATCH_NORM_TRAIN_KERNELS)];
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(tf.getKernel(name, 'cpu')).toBeUndefined();
  });
});
