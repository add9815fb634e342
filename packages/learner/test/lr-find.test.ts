import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Learner } from '../src/index.js';
import { seedModel, setup } from './helpers/fixtures.js';

let data: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  data = await setup();
});

describe('lrFind', () => {
  it('sweeps the learning rate exponentially, then puts weights, buffers and optimizer state back', async () => {
    const model = seedModel(1, true);
    const learn = new Learner(data, model);
    await learn.fit(1, 1e-3);
    const state = () =>
      [...model.parameters(), ...model.buffers()].map((p) => Array.from(p.variable.dataSync()));
    const before = state();
    const hypers = ['lr', 'mom', 'beta', 'wd'].map((h) => learn.opt.get(h as 'lr'));
    const tensors = tf.memory().numTensors;
    const optBefore = learn.opt.stateDict();
    const res = await learn.lrFind({ startLr: 1e-5, endLr: 1, numIt: 12, stopDiv: false });
    expect(res.lrs).toHaveLength(12);
    expect(res.lrs[0]).toBeCloseTo(1e-5, 12);
    const ratio = res.lrs[1]! / res.lrs[0]!;
    res.lrs.slice(1).forEach((lr, i) => {
      expect(lr / res.lrs[i]!).toBeCloseTo(ratio, 9);
    });
    expect(learn.recorder.lrs).toEqual(res.lrs);
    expect(learn.recorder.epochs.every((e) => Number.isNaN(e.validLoss))).toBe(true);
    expect(state()).toEqual(before);
    expect(['lr', 'mom', 'beta', 'wd'].map((h) => learn.opt.get(h as 'lr'))).toEqual(hypers);
    const optAfter = learn.opt.stateDict();
    for (const [name, st] of Object.entries(optBefore.params)) {
      expect(optAfter.params[name]!.step).toBe(st.step);
      for (const [k, t] of Object.entries(st.tensors)) {
        expect(Array.from(optAfter.params[name]!.tensors[k]!.dataSync())).toEqual(Array.from(t.dataSync()));
      }
    }
    for (const sd of [optBefore, optAfter])
      for (const p of Object.values(sd.params)) tf.dispose(Object.values(p.tensors));
    expect(tf.memory().numTensors).toBe(tensors);
    learn.dispose();
    model.dispose();
  });

  it('stops when the loss diverges and suggests a learning rate', async () => {
    const model = seedModel(1);
    const learn = new Learner(data, model);
    const res = await learn.lrFind({ startLr: 1e-4, endLr: 1e4, numIt: 24 });
    expect(res.stoppedEarly).toBe(true);
    expect(res.lrs.length).toBeLessThan(24);
    expect(res.plot()).toMatch(/^<svg/);
    learn.dispose();
    model.dispose();
  });

  it('measures a validation batch after every iteration when asked (host.validationBatchLoss)', async () => {
    const model = seedModel(1);
    const learn = new Learner(data, model);
    const before = tf.memory().numTensors;
    const res = await learn.lrFind({ startLr: 1e-6, endLr: 1e-3, numIt: 6, validLoss: true, stopDiv: false });
    expect(res.validLosses).toHaveLength(6);
    // The validation batches cycle (4 per pass): the loss of batch 0 comes back at the 5th call.
    expect(res.validLosses!.every((l) => Number.isFinite(l) && l > 0.3 && l < 1.5)).toBe(true);
    expect(model.training).toBe(true);
    learn.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
    model.dispose();
  });

  it('keeps an unfinished run resumable', async () => {
    const model = seedModel(1);
    const learn = new Learner(data, model);
    await learn.fitOneCycle(1, 1e-2, {
      callbacks: [
        {
          onBatchEnd: (s) => {
            if (s.iteration === 2) s.stopTraining = true;
          },
        },
      ],
    });
    const pos = { ...learn.runPosition };
    await learn.lrFind({ numIt: 5 });
    expect(learn.runPosition).toEqual(pos);
    await learn.fitOneCycle(1, 1e-2, { resume: true });
    expect(learn.recorder.losses).toHaveLength(data.train.length - 3);
    learn.dispose();
    model.dispose();
  });
});
