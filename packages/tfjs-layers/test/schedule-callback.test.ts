import type { HyperValues, Schedule } from '@onecycle/annealing';
import { oneCycle, torchOneCycle } from '@onecycle/one-cycle';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitOneCycle, scheduleCallback } from '../src/index.js';
import { tinyModel, X, Y } from './helpers/tiny-regression.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The lr and momentum the optimizer holds at every batch, read by a callback after the schedule's. */
function probe(optimizer: tf.Optimizer, seen: { lr: number; mom: number }[]): tf.Callback {
  const o = optimizer as unknown as { learningRate: number; momentum: number; m: tf.Scalar };
  return new tf.CustomCallback({
    onBatchBegin: async () => void seen.push({ lr: o.learningRate, mom: o.m.dataSync()[0]! }),
  }) as unknown as tf.Callback;
}

async function run(schedule: Schedule<HyperValues>, fitArgs: tf.ModelFitArgs, warnings: string[] = []) {
  const optimizer = tf.train.momentum(0.01, 0.9);
  const model = tinyModel(optimizer);
  const x = tf.tensor2d(X);
  const y = tf.tensor2d(Y, [Y.length, 1]);
  const seen: { lr: number; mom: number }[] = [];
  const cb = scheduleCallback(schedule, { onWarning: (m) => warnings.push(m) });
  await model.fit(x, y, { verbose: 0, shuffle: false, ...fitArgs, callbacks: [cb, probe(optimizer, seen)] });
  tf.dispose([x, y]);
  model.dispose();
  return seen;
}

describe('scheduleCallback', () => {
  it('sets schedule.at(step) before every batch, counting across epochs, for 1cycle and torchOneCycle', async () => {
    for (const schedule of [
      oneCycle({ lrMax: 0.05, totalSteps: 12 }),
      torchOneCycle({ maxLr: 0.05, totalSteps: 12 }),
    ]) {
      const warnings: string[] = [];
      const seen = await run(schedule, { epochs: 3, batchSize: 2 }, warnings);
      expect(seen).toHaveLength(12);
      seen.forEach((v, k) => {
        expect(v.lr).toBe(schedule.at(k).lr);
        expect(v.mom).toBeCloseTo(schedule.at(k).mom!, 6); // float32 scalar
      });
      expect(warnings).toEqual([]);
    }
  });

  it('keeps the final values past the end and warns once about the length, with the right number', async () => {
    const schedule = oneCycle({ lrMax: 0.05, totalSteps: 6 });
    const warnings: string[] = [];
    const seen = await run(schedule, { epochs: 2, batchSize: 1 }, warnings); // 16 batches
    expect(seen.slice(6).every((v) => v.lr === schedule.at(6).lr)).toBe(true);
    expect(warnings).toEqual([
      "scheduleCallback: the schedule covers totalSteps = 6 but fit runs 2 epochs × 8 batches = 16 steps; its last 10 batches keep the schedule's final values (build the schedule with totalSteps: 16)",
    ]);
  });

  it('counts the batches of validationSplit runs as fit does', async () => {
    const warnings: string[] = [];
    await run(
      oneCycle({ lrMax: 0.05, totalSteps: 100 }),
      { epochs: 2, batchSize: 2, validationSplit: 0.25 },
      warnings,
    );
    expect(warnings[0]).toMatch(/fit runs 2 epochs × 3 batches = 6 steps; it stops 94 steps before/);
  });

  it('works with any schedule of the contract (a constant lr) and with fitDataset of unknown length', async () => {
    const constant: Schedule<HyperValues> = { totalSteps: 5, at: () => ({ lr: 0.02 }) };
    const optimizer = tf.train.momentum(0.01, 0.9);
    const model = tinyModel(optimizer);
    const ds = tf.data
      .generator(function* () {
        for (let i = 0; i < X.length; i++) yield { xs: tf.tensor1d(X[i]!), ys: tf.tensor1d([Y[i]!]) };
      })
      .batch(4);
    const seen: { lr: number; mom: number }[] = [];
    const warnings: string[] = [];
    const cb = scheduleCallback(constant, { onWarning: (m) => warnings.push(m) });
    await model.fitDataset(ds, { epochs: 2, verbose: 0, callbacks: [cb, probe(optimizer, seen)] });
    expect(seen.map((v) => v.lr)).toEqual([0.02, 0.02, 0.02, 0.02]);
    expect(seen.every((v) => Math.abs(v.mom - 0.9) < 1e-7)).toBe(true); // no mom in the schedule: untouched
    expect(warnings).toEqual([
      "scheduleCallback: the schedule covers totalSteps = 5 but fit runs 4 batches = 4 steps; it stops 1 steps before the schedule's end (build the schedule with totalSteps: 4)",
    ]);
    model.dispose();
  });

  it('warns once about a value the optimizer cannot take, also over two fits', async () => {
    const model = tinyModel(tf.train.sgd(0.01));
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(Y, [Y.length, 1]);
    const warnings: string[] = [];
    const cb = scheduleCallback(oneCycle({ lrMax: 0.05, totalSteps: 4 }), {
      onWarning: (m) => warnings.push(m),
    });
    for (let i = 0; i < 2; i++)
      await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0, callbacks: [cb] });
    expect(warnings.filter((w) => w.includes('no momentum'))).toHaveLength(1);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('continues the step count when fit resumes at initialEpoch', async () => {
    const schedule = oneCycle({ lrMax: 0.05, totalSteps: 8 });
    const seen = await run(schedule, { epochs: 2, initialEpoch: 1, batchSize: 2 });
    expect(seen.map((v) => v.lr)).toEqual([4, 5, 6, 7].map((k) => schedule.at(k).lr));
  });

  it('names a bad schedule', () => {
    expect(() => scheduleCallback({} as Schedule<HyperValues>)).toThrow(
      /must have totalSteps and at\(step\)/,
    );
    expect(() => scheduleCallback({ totalSteps: 0, at: () => ({ lr: 1 }) })).toThrow(
      /totalSteps must be an integer ≥ 1, got 0/,
    );
  });
});

describe('fitOneCycle', () => {
  it('builds the 1cycle schedule from the data size and leaks no tensor', async () => {
    const optimizer = tf.train.momentum(0.01, 0.9);
    const model = tinyModel(optimizer);
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(Y, [Y.length, 1]);
    const seen: { lr: number; mom: number }[] = [];
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 }); // the optimizer's slots exist
    const tensors = tf.memory().numTensors;
    const history = await fitOneCycle(model, x, y, {
      epochs: 3,
      lrMax: 0.05,
      batchSize: 3,
      moms: [0.95, 0.8],
      verbose: 0,
      shuffle: false,
      callbacks: [probe(optimizer, seen)],
    });
    expect(tf.memory().numTensors).toBe(tensors);
    const schedule = oneCycle({ lrMax: 0.05, totalSteps: 9, moms: [0.95, 0.8] });
    expect(seen.map((v) => v.lr)).toEqual([...Array(9).keys()].map((k) => schedule.at(k).lr));
    for (const [k, v] of seen.entries()) expect(v.mom).toBeCloseTo(schedule.at(k).mom, 6);
    expect(history.history.loss).toHaveLength(3);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('names bad options', async () => {
    const model = tinyModel(tf.train.sgd(0.1));
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(Y, [Y.length, 1]);
    await expect(fitOneCycle(model, x, y, { epochs: 0, lrMax: 0.1 })).rejects.toThrow(
      /epochs must be an integer ≥ 1, got 0/,
    );
    await expect(fitOneCycle(model, x, y, { epochs: 1, lrMax: -1 })).rejects.toThrow(/lrMax/);
    await expect(fitOneCycle(model, x, y, { epochs: 1, lrMax: 0.1, validationSplit: 1 })).rejects.toThrow(
      /validationSplit must be in \[0, 1\), got 1/,
    );
    tf.dispose([x, y]);
    model.dispose();
  });
});
