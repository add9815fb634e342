import { setupBackend } from '@onecycle/backends';
import { softmaxCrossEntropyIsFused } from '@onecycle/ops';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy, crossEntropy, defineMetric, errorRate, lrRange, metricName } from '../src/index.js';

beforeAll(async () => {
  await setupBackend('cpu');
});

describe('crossEntropy', () => {
  it('equals −mean log softmax of the target class, and its gradient is (softmax − onehot)/N', () => {
    const logits = [
      [2, -1, 0.5],
      [0.1, 0.2, 3],
    ];
    const y = [0, 1];
    const ref =
      logits
        .map((row, i) => {
          const lse = Math.log(row.reduce((a, b) => a + Math.exp(b), 0));
          return -(row[y[i]!]! - lse);
        })
        .reduce((a, b) => a + b) / 2;
    const x = tf.tensor2d(logits);
    const t = tf.tensor1d(y, 'int32');
    const before = tf.memory().numTensors;
    const loss = crossEntropy(x, t);
    expect(loss.dataSync()[0]).toBeCloseTo(ref, 6);
    loss.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const g = tf.grad((l: tf.Tensor) => crossEntropy(l, t))(x);
    const gv = g.arraySync() as number[][];
    logits.forEach((row, i) => {
      const z = row.reduce((a, b) => a + Math.exp(b), 0);
      row.forEach((v, j) => {
        expect(gv[i]![j]).toBeCloseTo((Math.exp(v) / z - (j === y[i] ? 1 : 0)) / 2, 6);
      });
    });
    tf.dispose([x, t, g]);
  });

  it("runs @onecycle/ops' fused kernel: float targets cast, a class index outside [0, C) rejected", () => {
    expect(softmaxCrossEntropyIsFused()).toBe(true);
    const x = tf.tensor2d([
      [2, 0],
      [0, 2],
    ]);
    const floatTarget = tf.tensor1d([0, 1]);
    const badTarget = tf.tensor1d([0, 2], 'int32');
    const before = tf.memory().numTensors;
    const loss = crossEntropy(x, floatTarget);
    expect(loss.dataSync()[0]).toBeCloseTo(Math.log(1 + Math.exp(-2)), 6);
    loss.dispose();
    expect(() => crossEntropy(x, badTarget)).toThrow(/label 2 .*\[0, 2\)/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, floatTarget, badTarget]);
  });

  it('rejects wrong shapes naming them', () => {
    const x = tf.zeros([2, 3]);
    const t = tf.tensor1d([0, 1, 1], 'int32');
    expect(() => crossEntropy(x, t)).toThrow(/target must be \[2\] class indices, got shape \[3\]/);
    expect(() => crossEntropy(tf.zeros([2]), t)).toThrow(/output must be \[N, C\] logits/);
    tf.dispose([x, t]);
  });
});

describe('metrics', () => {
  it('accuracy and errorRate count argmax hits', () => {
    const out = tf.tensor2d([
      [2, 0],
      [0, 2],
      [1, 0],
      [0, 1],
    ]);
    const y = tf.tensor1d([0, 0, 0, 1], 'int32');
    expect(accuracy(out, y).dataSync()[0]).toBeCloseTo(0.75, 7);
    expect(errorRate(out, y).dataSync()[0]).toBeCloseTo(0.25, 7);
    expect(metricName(accuracy)).toBe('accuracy');
    expect(metricName(errorRate)).toBe('errorRate');
    tf.dispose([out, y]);
  });

  it('defineMetric names a user metric; a nameless one is rejected', () => {
    const meanProb = defineMetric('meanProb', (o) => tf.mean(tf.softmax(o)) as tf.Scalar);
    expect(metricName(meanProb)).toBe('meanProb');
    function top1(o: tf.Tensor, y: tf.Tensor): tf.Scalar {
      return accuracy(o, y);
    }
    expect(metricName(top1)).toBe('top1');
    const anonymous = [(o: tf.Tensor) => tf.mean(o) as tf.Scalar][0]!;
    Object.defineProperty(anonymous, 'name', { value: '' });
    expect(() => metricName(anonymous)).toThrow(/defineMetric/);
    expect(() => defineMetric('', (o) => tf.mean(o) as tf.Scalar)).toThrow(/non-empty string/);
  });
});

describe('lrRange (fastai lr_range)', () => {
  it('spreads slices over the groups', () => {
    expect(lrRange(0.01, 3)).toEqual([0.01, 0.01, 0.01]);
    expect(lrRange([1, 2], 2)).toEqual([1, 2]);
    const r = lrRange({ start: 1e-5, stop: 1e-3 }, 3);
    expect(r[0]).toBeCloseTo(1e-5, 15);
    expect(r[1]).toBeCloseTo(1e-4, 14);
    expect(r[2]).toBeCloseTo(1e-3, 13);
    expect(lrRange({ stop: 1e-3 }, 3)).toEqual([1e-4, 1e-4, 1e-3]);
    expect(lrRange({ stop: 3e-3 }, 1)).toEqual([3e-3]);
  });

  it('rejects bad values naming the parameter', () => {
    expect(() => lrRange([1], 2)).toThrow(/expected 2 learning rates/);
    expect(() => lrRange(Number.NaN, 1)).toThrow(/finite number ≥ 0/);
    expect(() => lrRange('x' as never, 1)).toThrow(TypeError);
    expect(() => lrRange(1, 0)).toThrow(/nGroups must be an integer ≥ 1/);
  });
});
