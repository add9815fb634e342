import { anneal, type HyperValues, hyperparams, join, perGroup, type Schedule } from '@onecycle/annealing';
import { describe, expect, it } from 'vitest';
import { applyHyperValues, ParamScheduler, Recorder, runTrainingLoop } from '../src/index.js';
import { FakeOpt, QuadraticHost } from './fake-host.js';

async function run(sched: ParamScheduler, nEpochs: number, nBatches: number, nGroups = 1) {
  const host = new QuadraticHost(3, 1, nGroups);
  const rec = new Recorder();
  const res = await runTrainingLoop({
    host,
    nEpochs,
    nBatches,
    forwardBackward: host.forwardBackward,
    callbacks: [sched, rec],
  });
  return { host, rec, res };
}

describe('ParamScheduler', () => {
  it('trains batch i with the schedule value at step i (at-schedule form)', async () => {
    const schedule: Schedule<HyperValues> = {
      totalSteps: 6,
      at: (i) => ({ lr: 0.1 * (i + 1), mom: 0.9 - 0.01 * i }),
    };
    const { rec } = await run(new ParamScheduler(schedule), 2, 3);
    expect(rec.lrs.map((x) => +x.toFixed(10))).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    expect(rec.moms.map((x) => +x.toFixed(10))).toEqual([0.9, 0.89, 0.88, 0.87, 0.86, 0.85]);
  });

  it('drives schedules built with the combinators (phases joined the fastai way)', async () => {
    const lr = join([anneal(1, 3, 2), anneal(3, 1, 2)]);
    const { rec, host } = await run(new ParamScheduler(hyperparams({ lr })), 1, 6);
    expect(rec.lrs).toEqual([1, 2, 3, 2, 1, 1]);
    // the last onBatchEnd set the (clamped) next step's value
    expect(host.opt.get('lr')).toEqual([1]);
  });

  it('sets per-group values from perGroup schedules', async () => {
    const sched = new ParamScheduler(
      hyperparams({ lr: perGroup([anneal(0, 2, 2), anneal(0, 20, 2)]), mom: anneal(0.9, 0.8, 2) }),
    );
    const { rec } = await run(sched, 1, 3, 2);
    expect(rec.groupLrs).toEqual([
      [0, 0],
      [1, 10],
      [2, 20],
    ]);
    expect(rec.moms).toEqual([0, 1, 2].map((k) => 0.9 + (k / 2) * (0.8 - 0.9)));
  });

  it('sets per-group values and checks their count', async () => {
    const sched = new ParamScheduler({ totalSteps: 2, at: (i) => ({ lr: [i, 10 * i] }) });
    const { rec } = await run(sched, 1, 3, 2);
    expect(rec.groupLrs).toEqual([
      [0, 0],
      [1, 10],
      [2, 20],
    ]);
    await expect(run(sched, 1, 1, 3)).rejects.toThrow(/2 values but the optimizer has 3 parameter groups/);
  });

  it('resumes at a start iteration, given or taken from the loop', async () => {
    const schedule: Schedule<HyperValues> = { totalSteps: 10, at: (i) => ({ lr: i }) };
    const a = await run(new ParamScheduler(schedule, { startIteration: 4 }), 1, 3);
    expect(a.rec.lrs).toEqual([4, 5, 6]);
    const host = new QuadraticHost();
    const rec = new Recorder();
    await runTrainingLoop({
      host,
      nEpochs: 3,
      nBatches: 3,
      startEpoch: 2,
      forwardBackward: host.forwardBackward,
      callbacks: [new ParamScheduler(schedule), rec],
    });
    expect(rec.lrs).toEqual([6, 7, 8]);
  });

  it('stops when done if asked to', async () => {
    const { rec, res } = await run(
      new ParamScheduler({ totalSteps: 4, at: (i) => ({ lr: i }) }, { stopWhenDone: true }),
      3,
      3,
    );
    expect(rec.lrs).toEqual([0, 1, 2, 3]);
    expect(res.stoppedEarly).toBe(true);
  });

  it('does not touch hyperparameters outside training batches', async () => {
    const sched = new ParamScheduler({ totalSteps: 4, at: (i) => ({ wd: i }) });
    const host = new QuadraticHost();
    const state = {
      host,
      train: false,
      iteration: 0,
    } as never;
    sched.onBatchEnd(state);
    expect(host.opt.log).toEqual([]);
  });

  it('rejects bad schedules and values', () => {
    expect(() => new ParamScheduler({ totalSteps: 0, at: () => ({}) })).toThrow(
      new RangeError('ParamScheduler: schedule.totalSteps must be an integer ≥ 1, got 0'),
    );
    expect(() => new ParamScheduler({ lr: anneal(0, 1, 3) } as never)).toThrow(TypeError);
    expect(() => new ParamScheduler({ totalSteps: 1, at: () => ({}) }, { startIteration: 1.5 })).toThrow(
      /startIteration/,
    );
    const opt = new FakeOpt(1);
    expect(() => applyHyperValues(opt, { lr: Number.NaN })).toThrow(/lr must be a finite number/);
    expect(() => applyHyperValues(opt, { mom: [Number.POSITIVE_INFINITY] })).toThrow(/mom value/);
    expect(() => applyHyperValues(opt, { lr: 'x' as never })).toThrow(TypeError);
  });
});
