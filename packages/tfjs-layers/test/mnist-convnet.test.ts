import { setupBackend } from '@onecycle/backends';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitOneCycle, lrFind } from '../src/index.js';
import {
  accuracy,
  convnet,
  type MnistSampleTensors,
  mnistSampleTensors,
} from './helpers/mnist-sample-tensors.js';

let data: MnistSampleTensors;
// The loader shuffled the training set once (seed 0); model.fit's own shuffle uses Math.random, so
// it is off here to make the runs repeatable.

beforeAll(async () => {
  await setupBackend('wasm');
  data = await mnistSampleTensors();
}, 300_000);

afterAll(() => {
  tf.dispose([data.xTrain, data.yTrain, data.xValid, data.yValid]);
});

describe('a tf.sequential convnet on MNIST_SAMPLE, WASM backend', () => {
  it('runs on wasm with the real data', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(data.xTrain.shape).toEqual([12352, 28, 28, 1]);
    expect(data.xValid.shape).toEqual([2038, 28, 28, 1]);
  });

  it('fitOneCycle: ≥ 0.98 validation accuracy in 2 epochs, no tensor leaked', async () => {
    const model = convnet(0);
    model.compile({ optimizer: tf.train.adam(), loss: 'categoricalCrossentropy' });
    const tensors = tf.memory().numTensors;
    await fitOneCycle(model, data.xTrain, data.yTrain, {
      epochs: 2,
      lrMax: 1e-2,
      batchSize: 64,
      shuffle: false,
      verbose: 0,
    });
    const optimizerSlots = 2 * model.trainableWeights.length; // Adam's m and v, created by the first step
    expect(tf.memory().numTensors).toBe(tensors + optimizerSlots);
    const acc = accuracy(model, data);
    console.log(`fitOneCycle lrMax 1e-2, 2 epochs: validation accuracy ${acc.toFixed(4)}`);
    expect(acc).toBeGreaterThanOrEqual(0.98);
    model.dispose();
  }, 600_000);

  it("with the LR finder's suggestion: ≥ 0.98 in 2 epochs", async () => {
    const model = convnet(1);
    model.compile({ optimizer: tf.train.adam(), loss: 'categoricalCrossentropy' });
    const res = await lrFind(model, data.xTrain, data.yTrain, { batchSize: 64, shuffle: false });
    const lr = res.suggestions.valley!.lr;
    console.log(`lrFind: ${res.lrs.length} iterations (${res.stoppedBy}), valley ${lr.toExponential(2)}`);
    expect(lr).toBeGreaterThan(1e-5);
    expect(lr).toBeLessThan(1);
    await fitOneCycle(model, data.xTrain, data.yTrain, {
      epochs: 2,
      lrMax: lr,
      batchSize: 64,
      shuffle: false,
      verbose: 0,
    });
    const acc = accuracy(model, data);
    console.log(`fitOneCycle at the valley suggestion, 2 epochs: validation accuracy ${acc.toFixed(4)}`);
    expect(acc).toBeGreaterThanOrEqual(0.98);
    model.dispose();
  }, 600_000);
});
