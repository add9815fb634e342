import { TerminateOnNaN } from '@onecycle/callbacks';
import { oneCycle } from '@onecycle/one-cycle';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy, adam, crossEntropy, errorRate, Learner, rmsprop, sgd } from '../src/index.js';
import { eventLog, seedModel, setup } from './helpers/fixtures.js';

let data: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  data = await setup();
});

describe('fitOneCycle on MNIST_SAMPLE (subset)', () => {
  it('drives lr and mom exactly as the one-cycle schedule says (read back from the Recorder)', async () => {
    const model = seedModel(0);
    const learn = new Learner(data, model, { metrics: [accuracy] });
    await learn.fitOneCycle(2, 5e-2);
    const total = 2 * data.train.length;
    const schedule = oneCycle({ lrMax: 5e-2, totalSteps: total });
    expect(learn.recorder.lrs).toHaveLength(total);
    learn.recorder.lrs.forEach((lr, i) => {
      expect(lr).toBe(schedule.at(i).lr);
      expect(learn.recorder.moms[i]).toBe(schedule.at(i).mom);
    });
    // Sanity of the shape: warm up from lrMax/25 to lrMax, end near lrMax/25e4.
    expect(learn.recorder.lrs[0]).toBeCloseTo(5e-2 / 25, 12);
    expect(Math.max(...learn.recorder.lrs)).toBeCloseTo(5e-2, 12);
    expect(learn.recorder.moms[0]).toBe(0.95);
    expect(learn.opt.get('beta')).toEqual([0.99]);
    expect(learn.recorder.epochs.map((e) => e.epoch)).toEqual([0, 1]);
    expect(learn.recorder.epochs[1]!.metrics.accuracy).toBeGreaterThan(0.8);
    learn.dispose();
    model.dispose();
  });

  it('takes one max lr per layer group', async () => {
    const model = seedModel(0).split([2]);
    const learn = new Learner(data, model);
    expect(learn.opt.nGroups).toBe(2);
    await learn.fitOneCycle(1, [1e-3, 1e-2], { pctStart: 0.25, moms: [0.9, 0.8], divFactor: 10 });
    const schedule = oneCycle({
      lrMax: [1e-3, 1e-2],
      totalSteps: data.train.length,
      pctStart: 0.25,
      moms: [0.9, 0.8],
      divFactor: 10,
    });
    learn.recorder.groupLrs.forEach((lrs, i) => {
      expect(lrs).toEqual(schedule.at(i).lr);
    });
    learn.dispose();
    model.dispose();
  });

  it('is reproducible: same seed, same backend → same losses', async () => {
    const losses: number[][] = [];
    for (let k = 0; k < 2; k++) {
      const model = seedModel(3);
      const learn = new Learner(data, model, { metrics: [accuracy] });
      await learn.fitOneCycle(1, 5e-2);
      losses.push(learn.recorder.losses);
      learn.dispose();
      model.dispose();
    }
    expect(losses[0]).toHaveLength(data.train.length);
    expect(losses[1]).toEqual(losses[0]);
    const other = seedModel(4);
    const learn = new Learner(data, other);
    await learn.fit(1, 5e-2);
    expect(learn.recorder.losses).not.toEqual(losses[0]);
    learn.dispose();
    other.dispose();
  });

  it('does not leak tensors across epochs (either optimizer engine)', async () => {
    for (const engine of ['array', 'tensor'] as const) {
      const model = seedModel(0);
      const learn = new Learner(data, model, {
        metrics: [accuracy, errorRate],
        optFunc: adam({ betas: [0.9, 0.99], engine }),
      });
      const counts: number[] = [];
      const before = tf.memory().numTensors;
      await learn.fitOneCycle(3, 5e-2, {
        callbacks: [{ onEpochEnd: () => void counts.push(tf.memory().numTensors) }],
      });
      expect(counts).toHaveLength(3);
      expect(counts[2]).toBe(counts[1]);
      expect(counts[1]).toBe(counts[0]);
      // What stays is the optimizer's state: two moments per parameter, as tensors or as arrays.
      expect(tf.memory().numTensors - before).toBe(engine === 'tensor' ? 2 * model.parameters().length : 0);
      learn.dispose();
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    }
  });
});

describe('the training loop', () => {
  it('fires the callbacks in fastai order, per-call callbacks only for that call', async () => {
    const model = seedModel(0);
    const always = eventLog();
    const learn = new Learner(data, model, { callbacks: [always.cb] });
    const once = eventLog();
    await learn.fit(2, 1e-3, { callbacks: [once.cb] });
    const batch = [
      'onBatchBegin',
      'onLossBegin',
      'onBackwardBegin',
      'onBackwardEnd',
      'onStepEnd',
      'onBatchEnd',
    ];
    const epoch = [
      'onEpochBegin',
      ...Array.from({ length: data.train.length }, () => batch).flat(),
      'onEpochEnd',
    ];
    const expected = ['onTrainBegin', ...epoch, ...epoch, 'onTrainEnd'];
    expect(always.events).toEqual(expected);
    expect(once.events).toEqual(expected);
    await learn.fit(1, 1e-3);
    expect(once.events).toHaveLength(expected.length);
    expect(always.events.length).toBeGreaterThan(expected.length);
    learn.dispose();
    model.dispose();
  });

  it('sets the state: iteration across epochs, losses, validation results at onEpochEnd', async () => {
    const model = seedModel(0);
    const seen: { it: number; nb: number; last: number; smooth: number }[] = [];
    const ends: { valid: number; acc: number | undefined; train: number }[] = [];
    const learn = new Learner(data, model, {
      metrics: [accuracy],
      callbacks: [
        {
          onBatchEnd: (s) =>
            void seen.push({ it: s.iteration, nb: s.numBatch, last: s.lastLoss, smooth: s.smoothLoss }),
          onEpochEnd: (s) =>
            void ends.push({ valid: s.validLoss, acc: s.metrics.accuracy, train: s.trainLoss }),
        },
      ],
    });
    const r = await learn.fit(2, 1e-3);
    const n = data.train.length;
    expect(seen.map((s) => s.it)).toEqual(Array.from({ length: 2 * n }, (_, i) => i));
    expect(seen.map((s) => s.nb)).toEqual(Array.from({ length: 2 * n }, (_, i) => i % n));
    expect(seen.map((s) => s.last)).toEqual(learn.recorder.losses);
    expect(seen[0]!.smooth).toBeCloseTo(seen[0]!.last, 10);
    const v = await learn.validate();
    expect(ends[1]!.valid).toBeCloseTo(v.loss, 6);
    expect(ends[1]!.acc).toBeCloseTo(v.metrics.accuracy!, 10);
    expect(r.validLoss).toBe(ends[1]!.valid);
    expect(ends[0]!.train).toBeCloseTo(learn.recorder.losses.slice(0, n).reduce((a, b) => a + b) / n, 10);
    learn.dispose();
    model.dispose();
  });

  it('stopTraining stops after the current batch; onTrainEnd still fires', async () => {
    const model = seedModel(0);
    const learn = new Learner(data, model);
    const log = eventLog();
    const r = await learn.fit(2, 1e-3, {
      callbacks: [
        log.cb,
        {
          onBatchEnd: (s) => {
            if (s.iteration === 2) s.stopTraining = true;
          },
        },
      ],
    });
    expect(r.stoppedEarly).toBe(true);
    expect(r.iterations).toBe(3);
    expect(learn.recorder.losses).toHaveLength(3);
    expect(log.events.at(-1)).toBe('onTrainEnd');
    expect(log.events.filter((e) => e === 'onEpochBegin')).toHaveLength(1);
    learn.dispose();
    model.dispose();
  });

  it('stopEpoch ends each epoch early; skipValidate skips validation', async () => {
    const model = seedModel(0);
    const learn = new Learner(data, model, { metrics: [accuracy] });
    await learn.fit(2, 1e-3, {
      callbacks: [
        {
          onBatchEnd: (s) => {
            if (s.numBatch === 1) s.stopEpoch = true;
          },
        },
        {
          onEpochBegin: (s) => {
            s.skipValidate = s.epoch === 0;
          },
        },
      ],
    });
    expect(learn.recorder.epochs.map((e) => e.batches)).toEqual([2, 2]);
    expect(learn.recorder.epochs[0]!.validLoss).toBeNaN();
    expect(learn.recorder.epochs[1]!.validLoss).toBeGreaterThan(0);
    learn.dispose();
    model.dispose();
  });

  it('skipStep leaves the weights alone', async () => {
    const model = seedModel(0);
    const learn = new Learner(data, model);
    const before = model.parameters().map((p) => Array.from(p.variable.dataSync()));
    await learn.fit(1, 1e-2, {
      callbacks: [
        {
          onBackwardEnd: (s) => {
            s.skipStep = true;
          },
        },
      ],
    });
    expect(model.parameters().map((p) => Array.from(p.variable.dataSync()))).toEqual(before);
    expect(learn.recorder.losses).toHaveLength(data.train.length);
    await learn.fit(1, 1e-2);
    expect(model.parameters().map((p) => Array.from(p.variable.dataSync()))).not.toEqual(before);
    learn.dispose();
    model.dispose();
  });

  it('a NaN loss stops the run with TerminateOnNaN’s message', async () => {
    const model = seedModel(0);
    let calls = 0;
    const nanAtThird = (out: tf.Tensor, y: tf.Tensor): tf.Scalar =>
      tf.tidy(() => {
        calls += 1;
        const l = crossEntropy(out, y);
        return (calls === 3 ? tf.mul(l, tf.scalar(Number.NaN)) : l) as tf.Scalar;
      });
    const learn = new Learner(data, model, { lossFunc: nanAtThird, callbacks: [new TerminateOnNaN()] });
    const before = tf.memory().numTensors;
    const r = await learn.fit(2, 1e-3);
    expect(r.stoppedEarly).toBe(true);
    expect(r.stopReason).toMatch(/^loss became NaN at iteration 2 \(epoch 0, batch 2\) with lr 0\.001/);
    expect(learn.recorder.stopReason).toBe(r.stopReason);
    expect(learn.recorder.losses).toHaveLength(3);
    expect(learn.recorder.epochs[0]!.validLoss).toBeNaN();
    expect(model.parameters().every((p) => p.variable.dataSync().every(Number.isFinite))).toBe(true);
    learn.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('an error in a callback ends the run with onTrainEnd seeing it, and rethrows', async () => {
    const model = seedModel(0);
    let seenError: unknown;
    const learn = new Learner(data, model, {
      callbacks: [
        {
          onBatchEnd: (s) => {
            if (s.iteration === 1) throw new Error('boom');
          },
        },
        {
          onTrainEnd: (s) => {
            seenError = s.error;
          },
        },
      ],
    });
    const before = tf.memory().numTensors;
    await expect(learn.fit(1, 1e-3)).rejects.toThrow('boom');
    expect((seenError as Error).message).toBe('boom');
    learn.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('Learner options and checks', () => {
  it('uses fastai v1 defaults: Adam betas (0.9, 0.99), wd 1e-2 decoupled, lr 3e-3', () => {
    const model = seedModel(0);
    const learn = new Learner(data, model);
    expect(learn.opt.kind).toBe('adam');
    expect(learn.opt.get('mom')).toEqual([0.9]);
    expect(learn.opt.get('beta')).toEqual([0.99]);
    expect(learn.opt.get('wd')).toEqual([1e-2]);
    expect(learn.opt.get('lr')).toEqual([3e-3]);
    expect(learn.opt.trueWd).toBe(true);
    expect(learn.lossFunc).toBe(crossEntropy);
    learn.dispose();
    const s = new Learner(data, model, { optFunc: sgd({ mom: 0.9 }), wd: 0, trueWd: false });
    expect(s.opt.kind).toBe('sgd');
    expect(s.opt.get('mom')).toEqual([0.9]);
    expect(s.opt.trueWd).toBe(false);
    s.dispose();
    model.dispose();
  });

  it('bnWd: false exempts batch-norm parameters and biases from weight decay, as fastai v1', () => {
    const model = seedModel(0, true);
    const decays = (learn: Learner) =>
      Object.fromEntries(learn.opt.groups.flat().map((p) => [p.name, p.decay] as const));
    const off = new Learner(data, model, { bnWd: false });
    const kinds = Object.fromEntries(model.parameters().map((p) => [p.name, p.kind] as const));
    for (const [name, decay] of Object.entries(decays(off))) expect(decay).toBe(kinds[name] === 'weight');
    expect(Object.values(kinds)).toContain('norm');
    const on = new Learner(data, model);
    expect(Object.values(decays(on)).every((d) => d)).toBe(true);
    off.dispose();
    on.dispose();
    model.dispose();
  });

  it('trains with SGD and RMSProp too, fitOneCycle cycling their momentum', async () => {
    for (const optFunc of [sgd({ mom: 0.9 }), rmsprop()]) {
      const model = seedModel(0);
      const learn = new Learner(data, model, { optFunc });
      const before = (await learn.validate()).loss;
      await learn.fitOneCycle(1, learn.opt.kind === 'sgd' ? 5e-2 : 1e-3);
      expect((await learn.validate()).loss).toBeLessThan(before);
      expect(learn.recorder.moms[0]).toBe(0.95);
      expect(learn.opt.get('mom')[0]).toBeCloseTo(0.95, 3);
      learn.dispose();
      model.dispose();
    }
  });

  it('rejects bad arguments naming them', async () => {
    const model = seedModel(0);
    const learn = new Learner(data, model);
    await expect(learn.fit(0, 1e-3)).rejects.toThrow(/fit: epochs must be an integer ≥ 1, got 0/);
    await expect(learn.fitOneCycle(1.5, 1e-3)).rejects.toThrow(/fitOneCycle: epochs/);
    await expect(learn.fit(1, [1e-3, 1e-2])).rejects.toThrow(/expected 1 learning rates/);
    await expect(learn.fit(1, -1)).rejects.toThrow(/finite number ≥ 0/);
    expect(() => new Learner(data, {} as never)).toThrow(/model must be a Module/);
    expect(() => new Learner({} as never, model)).toThrow(/data must be a DataBunch/);
    expect(() => learn.freezeTo(5)).toThrow(/freezeTo: n must be an integer in \[-1, 1\]/);
    learn.dispose();
    model.dispose();
  });
});
