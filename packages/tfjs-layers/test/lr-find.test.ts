import { type Callback, Recorder } from '@onecycle/callbacks';
import { LRFinder, lrFinderSchedule, suggestLrs } from '@onecycle/lr-finder';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FitCallbackBridge, lrFind, lrFindDataset } from '../src/index.js';
import { stateBits } from './helpers/state-bits.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A small classifier with batch norm and dropout on 256 random samples of 2 separable classes. */
function classifier(optimizer: tf.Optimizer) {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [8],
        units: 16,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.batchNormalization(),
      tf.layers.dropout({ rate: 0.1, seed: 2 }),
      tf.layers.dense({
        units: 2,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
      }),
    ],
  });
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const x = tf.randomNormal([256, 8], 0, 1, 'float32', 7);
  const labels = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1), 0), 'int32'));
  const y = tf.oneHot(labels as tf.Tensor1D, 2);
  labels.dispose();
  return { model, x, y };
}

const optimizers: [string, () => tf.Optimizer][] = [
  ['sgd', () => tf.train.sgd(0.05)],
  ['momentum', () => tf.train.momentum(0.05, 0.9)],
  ['adam', () => tf.train.adam(1e-3)],
  ['adamax', () => tf.train.adamax(1e-3)],
  ['rmsprop', () => tf.train.rmsprop(1e-3, 0.9, 0.8)],
];

// model.fit shuffles with Math.random: the runs here do not shuffle, so that they repeat exactly.
describe('lrFind on a compiled LayersModel', () => {
  it.each(
    optimizers,
  )('%s: a diverging sweep, then weights and optimizer state are back bit for bit', async (_name, make) => {
    const { model, x, y } = classifier(make());
    await model.fit(x, y, { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 }); // optimizer slots exist
    const before = stateBits(model);
    const lrBefore = (model.optimizer as unknown as { learningRate: number }).learningRate;
    const tensors = tf.memory().numTensors;
    const res = await lrFind(model, x, y, {
      batchSize: 32,
      numIt: 60,
      startLr: 1e-4,
      endLr: 1e4,
      shuffle: false,
    });
    expect(['diverged', 'nan']).toContain(res.stoppedBy);
    expect(res.lrs.length).toBeLessThan(60);
    expect(stateBits(model)).toEqual(before);
    expect((model.optimizer as unknown as { learningRate: number }).learningRate).toBe(lrBefore);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('an optimizer that never stepped gets no slots from the sweep', async () => {
    const { model, x, y } = classifier(tf.train.adam(1e-3));
    const before = stateBits(model);
    const tensors = tf.memory().numTensors;
    await lrFind(model, x, y, { numIt: 20, shuffle: false });
    expect(stateBits(model)).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("uses the LR finder's sweep, smoothing and suggestions", async () => {
    const { model, x, y } = classifier(tf.train.momentum(0.01, 0.9));
    const res = await lrFind(model, x, y, {
      numIt: 40,
      startLr: 1e-5,
      endLr: 1,
      stopDiv: false,
      batchSize: 32,
      shuffle: false,
    });
    expect(res.stoppedBy).toBe('numIt');
    const sweep = lrFinderSchedule({ startLr: 1e-5, endLr: 1, numIt: 40 });
    expect(res.lrs).toEqual([...Array(40).keys()].map((i) => sweep.at(i)));
    // Smoothing: the bias-corrected EMA (beta 0.98) of the raw batch losses.
    let avg = 0;
    res.rawLosses.forEach((l, i) => {
      avg = 0.98 * avg + 0.02 * l;
      expect(res.losses[i]).toBeCloseTo(avg / (1 - 0.98 ** (i + 1)), 10);
    });
    expect(res.suggestions).toEqual(suggestLrs(res.lrs, res.losses, { skipStart: 4, skipEnd: 5 }));
    expect(res.suggestedLr).toBe(res.suggestions.valley?.lr);
    expect(res.plot()).toMatch(/^<svg/);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('runs on a tf.data dataset too', async () => {
    const { model, x, y } = classifier(tf.train.adam(1e-3));
    const before = stateBits(model);
    const ds = tf.data.zip({ xs: tf.data.array(tf.unstack(x)), ys: tf.data.array(tf.unstack(y)) }).batch(32);
    const res = await lrFindDataset(model, ds as unknown as tf.data.Dataset<tf.TensorContainer>, {
      numIt: 20,
      stopDiv: false,
    });
    expect(res.lrs).toHaveLength(20); // 8 batches per pass: 3 passes, stopped after 20
    expect(stateBits(model)).toEqual(before);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('restores the model when fit fails part-way', async () => {
    const { model, x, y } = classifier(tf.train.momentum(0.01, 0.9));
    await model.fit(x, y, { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 });
    const before = stateBits(model);
    const finder = new LRFinder({ numIt: 30 });
    const failing: Callback = {
      onBatchEnd: (s) => {
        if (s.iteration === 5) throw new Error('disk full');
      },
    };
    const bridge = new FitCallbackBridge([finder, failing]);
    await expect(
      bridge.run(() => model.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0, callbacks: [bridge] })),
    ).rejects.toThrow('disk full');
    expect(stateBits(model)).toEqual(before);
    expect(finder.result().stoppedBy).toBe('error');
    tf.dispose([x, y]);
    model.dispose();
  });

  it('names bad arguments', async () => {
    const { model, x, y } = classifier(tf.train.adam(1e-3));
    await expect(lrFind(model, x, y, { batchSize: 0 })).rejects.toThrow(
      /batchSize must be an integer ≥ 1, got 0/,
    );
    await expect(lrFind(model, x, y, { endLr: 1e-9 })).rejects.toThrow(/endLr must be finite and > startLr/);
    const uncompiled = tf.sequential({ layers: [tf.layers.dense({ inputShape: [8], units: 2 })] });
    await expect(lrFind(uncompiled, x, y)).rejects.toThrow(/not compiled/);
    tf.dispose([x, y]);
    model.dispose();
    uncompiled.dispose();
  });
});

describe('FitCallbackBridge', () => {
  it("runs @onecycle/callbacks' Recorder inside model.fit", async () => {
    const { model, x, y } = classifier(tf.train.sgd(0.1));
    const recorder = new Recorder();
    const bridge = new FitCallbackBridge([recorder]);
    await bridge.run(() => model.fit(x, y, { epochs: 2, batchSize: 64, verbose: 0, callbacks: [bridge] }));
    expect(recorder.lrs).toEqual(Array(8).fill(0.1));
    expect(recorder.smoothLosses.every(Number.isFinite)).toBe(true);
    expect(recorder.losses).toHaveLength(8);
    expect(bridge.state?.iteration).toBe(8);
    tf.dispose([x, y]);
    model.dispose();
  });
});
