import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Callback,
  CSVLogger,
  GradientAccumulation,
  GradientClip,
  ReduceLROnPlateau,
  SaveModel,
} from '@onecycle/callbacks';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accuracy, Learner, sgd } from '../src/index.js';
import { seedModel, setup } from './helpers/fixtures.js';
import { mnistSubset } from './helpers/mnist-subset.js';

let data: Awaited<ReturnType<typeof setup>>;
let dir = '';
beforeAll(async () => {
  data = await setup();
  dir = await mkdtemp(join(tmpdir(), 'onecycle-learner-cbs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function weights(learn: Learner): Float32Array[] {
  return learn.layerGroups().flatMap((g) => g.map((p) => Float32Array.from(p.variable.dataSync())));
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((x, i) => {
    x.forEach((v, j) => {
      m = Math.max(m, Math.abs(v - b[i]![j]!));
    });
  });
  return m;
}

const stopAfterFirstBatch: Callback = {
  onBatchEnd: (s) => {
    s.stopTraining = true;
  },
  onEpochEnd: () => {},
};

describe('GradientAccumulation in the Learner', () => {
  it('batch size 32 × 2 accumulated equals batch size 64 on the same data order (fitOneCycle)', async () => {
    const data32 = await mnistSubset({ train: 256, valid: 128 }, { bs: 32, seed: 0 });
    const m64 = seedModel(1);
    const l64 = new Learner(data, m64, { metrics: [accuracy] });
    await l64.fitOneCycle(2, 5e-2);
    const m32 = seedModel(1);
    const l32 = new Learner(data32, m32, { metrics: [accuracy] });
    await l32.fitOneCycle(2, 5e-2, { callbacks: [new GradientAccumulation(2)] });
    // The schedule counts optimizer steps: the same learning rates, step by step.
    expect(l32.recorder.lrs).toEqual(l64.recorder.lrs);
    expect(l32.recorder.lrs).toHaveLength(2 * data.train.length);
    const diff = maxAbsDiff(weights(l32), weights(l64));
    expect(diff).toBeLessThan(1e-4);
    l32.recorder.losses.forEach((l, i) => {
      expect(Math.abs(l - l64.recorder.losses[i]!)).toBeLessThan(1e-4);
    });
    // Without accumulation, batch size 32 trains differently.
    const m32b = seedModel(1);
    const plain = new Learner(data32, m32b);
    await plain.fitOneCycle(1, 5e-2);
    expect(plain.recorder.lrs).toHaveLength(data32.train.length);
    for (const l of [l64, l32, plain]) l.dispose();
    for (const m of [m64, m32, m32b]) m.dispose();
  });

  it('a run with accumulation stopped mid-epoch resumes where it stopped (same losses, same weights)', async () => {
    const acc = () => new GradientAccumulation(2);
    const full = new Learner(data, seedModel(7));
    await full.fitOneCycle(1, 5e-2, { callbacks: [acc()] });
    const m = seedModel(7);
    const part = new Learner(data, m);
    const stop: Callback = {
      onBatchEnd: (s) => {
        if (s.iteration === 1) s.stopTraining = true;
      },
    };
    await part.fitOneCycle(1, 5e-2, { callbacks: [acc(), stop] });
    expect(part.runPosition).toMatchObject({ batch: 2, iteration: 2, nBatches: data.train.length / 2 });
    const bytes = part.saveState();
    const m2 = seedModel(8);
    const resumed = new Learner(data, m2);
    resumed.loadState(bytes);
    const r = await resumed.fitOneCycle(1, 5e-2, { callbacks: [acc()] });
    expect(r.iterations).toBe(data.train.length / 2 - 2);
    expect(resumed.recorder.losses).toEqual(full.recorder.losses.slice(2));
    expect(maxAbsDiff(weights(resumed), weights(full))).toBe(0);
    for (const l of [full, part, resumed]) l.dispose();
    for (const mm of [m, m2, full.model as ReturnType<typeof seedModel>]) mm.dispose();
  });

  it('fit and lrFind count optimizer steps too, and the tensor count stays flat', async () => {
    const model = seedModel(2);
    const learn = new Learner(data, model);
    const acc = new GradientAccumulation(3);
    await learn.fit(1, 1e-3, { callbacks: [acc] });
    const before = tf.memory().numTensors;
    const r = await learn.fit(1, 1e-3, { callbacks: [acc] });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.iterations).toBe(Math.ceil(data.train.length / 3));
    const found = await learn.lrFind({ numIt: 5, stopDiv: false, callbacks: [acc] });
    expect(found.lrs).toHaveLength(5);
    expect(tf.memory().numTensors).toBe(before);
    learn.dispose();
    model.dispose();
  });
});

describe('GradientClip in the Learner (plain SGD, one step)', () => {
  async function firstStep(cbs: Callback[]): Promise<{ before: Float32Array[]; after: Float32Array[] }> {
    const model = seedModel(4);
    const learn = new Learner(data, model, { optFunc: sgd(), wd: 0 });
    const before = weights(learn);
    await learn.fit(1, 0.1, { callbacks: [stopAfterFirstBatch, ...cbs] });
    const after = weights(learn);
    learn.dispose();
    model.dispose();
    return { before, after };
  }

  it('clips by global norm as clip_grad_norm_ and by value as clip_grad_value_', async () => {
    const plain = await firstStep([]);
    // The gradient of the first batch, read from the unclipped step: g = (p0 − p1) / lr.
    const g = plain.before.map((p, i) => p.map((v, j) => (v - plain.after[i]![j]!) / 0.1));
    const norm = Math.sqrt(g.reduce((s, x) => s + x.reduce((t, v) => t + v * v, 0), 0));
    expect(norm).toBeGreaterThan(0.1);
    const clip = new GradientClip({ maxNorm: 0.1 });
    const byNorm = await firstStep([clip]);
    expect(clip.lastNorm).toBeCloseTo(norm, 3);
    const f = 0.1 / (norm + 1e-6);
    const expected = plain.before.map((p, i) => p.map((v, j) => v - 0.1 * f * g[i]![j]!));
    expect(maxAbsDiff(byNorm.after, expected)).toBeLessThan(1e-6);
    const limit = 0.01;
    const byValue = await firstStep([new GradientClip({ maxValue: limit })]);
    const clamped = plain.before.map((p, i) =>
      p.map((v, j) => v - 0.1 * Math.min(limit, Math.max(-limit, g[i]![j]!))),
    );
    expect(maxAbsDiff(byValue.after, clamped)).toBeLessThan(1e-6);
  });
});

describe('SaveModel, CSVLogger and ReduceLROnPlateau with the Learner', () => {
  it("SaveModel writes through the learner's atomic save and loads the best back", async () => {
    const model = seedModel(5);
    const learn = new Learner(data, model, { metrics: [accuracy] });
    const saver = new SaveModel({ dir: join(dir, 'models'), fname: 'best', monitor: 'accuracy' });
    const log = new CSVLogger({ fname: join(dir, 'history.csv') });
    await learn.fit(2, 5e-3, { callbacks: [saver, log] });
    expect(saver.saved.length).toBeGreaterThan(0);
    const path = join(dir, 'models', 'best.safetensors');
    expect((await stat(path)).size).toBeGreaterThan(1000);
    const other = new Learner(data, seedModel(9), { metrics: [accuracy] });
    await other.load(path);
    expect(maxAbsDiff(weights(other), weights(learn))).toBe(0);
    const { readFile } = await import('node:fs/promises');
    const lines = (await readFile(join(dir, 'history.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('epoch,train_loss,valid_loss,accuracy,time');
    expect(lines).toHaveLength(3);
    expect(Number(lines[2]!.split(',')[3])).toBe(learn.recorder.epochs[1]!.metrics.accuracy);
    other.dispose();
    learn.dispose();
    model.dispose();
  });

  it('ReduceLROnPlateau divides the rate of a constant-rate fit', async () => {
    const model = seedModel(6);
    const learn = new Learner(data, model);
    // An absolute threshold of 10 makes every epoch a bad one: patience 0 reduces after each.
    const plateau = new ReduceLROnPlateau({
      monitor: 'validLoss',
      patience: 0,
      factor: 0.5,
      threshold: 10,
      thresholdMode: 'abs',
    });
    await learn.fit(3, 1e-3, { callbacks: [plateau] });
    expect(plateau.reductions).toEqual([1, 2]);
    const lrs = learn.recorder.lrs;
    const n = data.train.length;
    expect([lrs[0], lrs[n], lrs[2 * n]]).toEqual([1e-3, 1e-3, 5e-4]);
    expect(learn.opt.get('lr')).toEqual([2.5e-4]);
    learn.dispose();
    model.dispose();
  });
});
