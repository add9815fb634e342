// The ops on a backend without their kernels (tfjs's CPU backend): the standard-ops path, against the
// formulas (the softmax cross-entropy against PyTorch's printed value); and the kernels' declared
// names, which backends register (their gradients and the fused kernels are tested where a backend
// implements them: @onecycle/models' and @onecycle/backends' tests).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addRelu,
  addReluIsFused,
  BATCH_NORM_TRAIN_KERNELS,
  batchNormTrain,
  batchNormTrainIsFused,
  CONV2D_BIAS_ACT_KERNELS,
  conv2dBiasAct,
  SOFTMAX_CROSS_ENTROPY_KERNEL,
  softmaxCrossEntropy,
  softmaxCrossEntropyIsFused,
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

  it("with the activation 'relu' is relu of the normalised output; another activation is a RangeError", () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor4d(values(4 * 2 * 2 * 3, 5), [4, 2, 2, 3]);
    const weight = tf.tensor1d([1, 2, 0.5]);
    const bias = tf.tensor1d([0, -1, 3]);
    const linear = batchNormTrain(x, weight, bias, 1e-5);
    const relu = batchNormTrain(x, weight, bias, 1e-5, 'relu');
    const want = Array.from(linear.y.dataSync(), (v) => Math.max(v, 0));
    expect(Array.from(relu.y.dataSync())).toEqual(want);
    expect(want.some((v) => v === 0) && want.some((v) => v > 0)).toBe(true);
    expect(() => batchNormTrain(x, weight, bias, 1e-5, 'gelu' as 'relu')).toThrow(
      "batchNormTrain: activation must be 'linear' or 'relu', got gelu",
    );
    tf.dispose([x, weight, bias, linear.y, linear.mean, linear.variance, relu.y, relu.mean, relu.variance]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('addRelu without its kernels', () => {
  it('is relu(a + b), broadcasting as tfjs does, tensors freed', () => {
    expect(addReluIsFused()).toBe(false);
    const before = tf.memory().numTensors;
    const a = tf.tensor4d(values(2 * 3 * 3 * 4, 6), [2, 3, 3, 4]);
    const b = tf.tensor4d(values(2 * 3 * 3 * 4, 7), [2, 3, 3, 4]);
    const bias = tf.tensor1d([0.5, -0.5, 1, -1]);
    for (const other of [b, bias]) {
      const got = addRelu(a, other);
      const want = tf.tidy(() => tf.relu(tf.add(a, other)));
      expect(got.shape).toEqual([2, 3, 3, 4]);
      expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
      tf.dispose([got, want]);
    }
    tf.dispose([a, b, bias]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('softmaxCrossEntropy without its kernel', () => {
  // PyTorch 1.13 (float32), printed by:
  //   x = torch.tensor(LOGITS, dtype=torch.float32, requires_grad=True)
  //   print(repr(F.cross_entropy(x, torch.tensor([3, 0, 1])).item()))
  const LOGITS = [
    [0.5, -2.0, 1.5, 0.0],
    [3.0, 2.75, -1.0, 0.25],
    [-0.5, -0.5, -0.5, 4.0],
  ];
  const TORCH_LOSS = 2.379030704498291;

  // Its gradient needs tfjs's gradient registry, which @onecycle/backends fills: tested there.
  it("is tfjs's composition, with PyTorch's loss, tensors freed", () => {
    expect(softmaxCrossEntropyIsFused()).toBe(false);
    const x = tf.tensor2d(LOGITS);
    const y = tf.tensor1d([3, 0, 1], 'int32');
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const loss = softmaxCrossEntropy(x, y);
      expect(loss.shape).toEqual([]);
      expect(loss.dataSync()[0]).toBeCloseTo(TORCH_LOSS, 6);
      loss.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([x, y]);
  });

  it('rejects logits that are not [N, C], labels that are not [N], and wrong dtypes', () => {
    const x = tf.zeros([2, 3]);
    const y = tf.tensor1d([0, 1], 'int32');
    expect(() => softmaxCrossEntropy(tf.zeros([2]), y)).toThrow(
      new RangeError('softmaxCrossEntropy: logits must be [N, C], got shape [2]'),
    );
    expect(() => softmaxCrossEntropy(x, tf.tensor1d([0, 1, 1], 'int32'))).toThrow(
      new RangeError('softmaxCrossEntropy: labels must be [2] class indices, got shape [3]'),
    );
    expect(() => softmaxCrossEntropy(x, tf.tensor1d([0, 1]))).toThrow(
      new TypeError('softmaxCrossEntropy: logits must be float32 and labels int32, got float32 and float32'),
    );
    tf.dispose([x, y]);
  });
});

describe('the kernel names', () => {
  it('are distinct, and none is registered on a backend that does not implement them', () => {
    const names = [
      ...Object.values(CONV2D_BIAS_ACT_KERNELS),
      ...Object.values(BATCH_NORM_TRAIN_KERNELS),
      SOFTMAX_CROSS_ENTROPY_KERNEL,
    ];
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(tf.getKernel(name, 'cpu')).toBeUndefined();
  });
});
