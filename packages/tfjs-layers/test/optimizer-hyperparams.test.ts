import { oneCycle } from '@onecycle/one-cycle';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { OptimizerHyperparams, scheduleCallback } from '../src/index.js';
import {
  BATCH,
  maxDiff,
  type Rule,
  referenceRun,
  tinyModel,
  weightsOf,
  X,
  Y,
} from './helpers/tiny-regression.js';

const EPOCHS = 4;
const STEPS = EPOCHS * (X.length / BATCH); // 8 batches
const schedule = oneCycle({ lrMax: 0.08, totalSteps: STEPS, moms: [0.95, 0.6] });
const at = (k: number) => {
  const v = schedule.at(k);
  return { lr: v.lr, mom: v.mom };
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Trains the tiny model with model.fit and returns its weights after every batch. */
async function fitAndRecord(optimizer: tf.Optimizer, callbacks: tf.Callback[]): Promise<number[][]> {
  const model = tinyModel(optimizer);
  const x = tf.tensor2d(X);
  const y = tf.tensor2d(Y, [Y.length, 1]);
  const after: number[][] = [];
  const recorder = new tf.CustomCallback({ onBatchEnd: async () => void after.push(weightsOf(model)) });
  await model.fit(x, y, {
    epochs: EPOCHS,
    batchSize: BATCH,
    shuffle: false,
    verbose: 0,
    callbacks: [...callbacks, recorder as unknown as tf.Callback],
  });
  tf.dispose([x, y]);
  model.dispose();
  return after;
}

const constant = (lr: number, mom: number) => () => ({ lr, mom });
const TOL = 2e-5;

describe('scheduleCallback drives what the optimizer applies, batch by batch', () => {
  const cases: [Rule, () => tf.Optimizer, { lr: number; mom: number }][] = [
    ['momentum', () => tf.train.momentum(0.01, 0.9), { lr: 0.01, mom: 0.9 }],
    ['adam', () => tf.train.adam(0.01, 0.9, 0.999), { lr: 0.01, mom: 0.9 }],
    ['adamax', () => tf.train.adamax(0.01, 0.9, 0.999), { lr: 0.01, mom: 0.9 }],
    ['rmsprop', () => tf.train.rmsprop(0.01, 0.9, 0.9), { lr: 0.01, mom: 0.9 }],
  ];

  it.each(
    cases,
  )('%s: weights after every batch follow schedule.at(k)’s lr and momentum', async (rule, make, initial) => {
    const got = await fitAndRecord(make(), [scheduleCallback(schedule)]);
    const ref = referenceRun(rule, STEPS, at);
    expect(got).toHaveLength(STEPS);
    expect(maxDiff(got, ref)).toBeLessThan(TOL);
    // The test can tell: neither the constructor's values nor the scheduled lr with a fixed
    // momentum give these weights.
    expect(maxDiff(got, referenceRun(rule, STEPS, constant(initial.lr, initial.mom)))).toBeGreaterThan(
      100 * TOL,
    );
    const lrOnly = (k: number) => ({ lr: at(k).lr, mom: initial.mom });
    expect(maxDiff(got, referenceRun(rule, STEPS, lrOnly))).toBeGreaterThan(100 * TOL);
  });

  it('sgd: follows the learning rate; the momentum is ignored with one warning', async () => {
    const warnings: string[] = [];
    const got = await fitAndRecord(tf.train.sgd(0.01), [
      scheduleCallback(schedule, { onWarning: (m) => warnings.push(m) }),
    ]);
    expect(maxDiff(got, referenceRun('sgd', STEPS, at))).toBeLessThan(TOL);
    expect(warnings).toEqual([
      "SGD optimizer has no momentum to set: the schedule's mom values are ignored (use tf.train.momentum to cycle momentum)",
    ]);
  });

  it.each([
    ['adagrad', () => tf.train.adagrad(0.01)],
    ['adadelta', () => tf.train.adadelta(0.01, 0.95)],
  ] as [
    Rule,
    () => tf.Optimizer,
  ][])('%s: follows the learning rate; the momentum is ignored with one warning', async (rule, make) => {
    const warnings: string[] = [];
    const got = await fitAndRecord(make(), [
      scheduleCallback(schedule, { onWarning: (m) => warnings.push(m) }),
    ]);
    expect(maxDiff(got, referenceRun(rule, STEPS, at))).toBeLessThan(TOL);
    expect(maxDiff(got, referenceRun(rule, STEPS, constant(0.01, 0)))).toBeGreaterThan(100 * TOL);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/optimizer has no momentum to set/);
  });

  it('fails on the old recipe: MomentumOptimizer.setMomentum leaves the applied momentum unchanged', async () => {
    const optimizer = tf.train.momentum(0.01, 0.9);
    let step = 0;
    const oldRecipe = new tf.CustomCallback({
      onBatchBegin: async () => {
        const { lr, mom } = at(step);
        optimizer.setLearningRate(lr);
        optimizer.setMomentum(mom);
      },
      onBatchEnd: async () => void step++,
    }) as unknown as tf.Callback;
    const got = await fitAndRecord(optimizer, [oldRecipe]);
    expect(maxDiff(got, referenceRun('momentum', STEPS, at))).toBeGreaterThan(100 * TOL);
    // What it really trained with: the scheduled lr and the constructor's momentum.
    expect(
      maxDiff(
        got,
        referenceRun('momentum', STEPS, (k) => ({ lr: at(k).lr, mom: 0.9 })),
      ),
    ).toBeLessThan(TOL);
  });
});

describe('OptimizerHyperparams', () => {
  it('reads back what it set, and replaces the momentum scalar without leaking', () => {
    const opt = tf.train.momentum(0.1, 0.9);
    const hp = new OptimizerHyperparams(opt);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      hp.set('lr', 0.01 * (i + 1));
      hp.set('mom', 0.8 + 0.01 * i);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(hp.get('lr')[0]).toBeCloseTo(0.05, 15);
    expect(hp.get('mom')[0]).toBeCloseTo(0.84, 15);
    expect((opt as unknown as { m: tf.Scalar }).m.dataSync()[0]).toBeCloseTo(0.84, 6); // what applyGradients reads
    opt.dispose();
  });

  it('names the bad value', () => {
    const hp = new OptimizerHyperparams(tf.train.adam(0.01));
    expect(() => hp.set('lr', [0.1, 0.2])).toThrow(
      /lr has 2 values but a tfjs optimizer has 1 parameter group/,
    );
    expect(() => hp.set('lr', Number.NaN)).toThrow(/lr must be a finite number, got NaN/);
    expect(() => hp.set('mom', 1.2)).toThrow(/mom must be in \[0, 1\), got 1.2/);
    expect(() => new OptimizerHyperparams({} as tf.Optimizer)).toThrow(/must be a tfjs Optimizer/);
  });
});
