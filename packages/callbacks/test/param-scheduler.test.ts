import type { IterationStepper as Stepper } from '@onecycle/annealing';
import { describe, expect, it } from 'vitest';
import {
  applyHyperValues,
  type HyperSchedule,
  isHyperSchedule,
  ParamScheduler,
  Recorder,
  runTrainingLoop,
  stepperSchedule,
} from '../src/index.js';
import { FakeOpt, QuadraticHost } from './fake-host.js';

/** A linear Stepper for the tests (the annealing package has the real ones). */
class Lin implements Stepper {
  position = 0;
  constructor(
    readonly start: number,
    readonly end: number,
    readonly n: number,
  ) {}
  at(p: number): number {
    const q = Math.min(Math.max(p, 0), this.n);
    return this.start + ((this.end - this.start) * q) / this.n;
  }
  get value(): number {
    return this.at(this.position);
  }
  get isDone(): boolean {
    return this.position >= this.n;
  }
  step(): number {
    this.position = Math.min(this.position + 1, this.n);
    return this.value;
  }
  restart(): void {
    this.position = 0;
  }
}

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

describe('stepperSchedule', () => {
  it('maps steps to phases like fastai v1 (a phase start is skipped after the first phase)', () => {
    const s = stepperSchedule({ lr: [new Lin(0, 4, 4), new Lin(10, 12, 2)] });
    expect(s.totalSteps).toBe(6);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => s.at(i).lr)).toEqual([0, 1, 2, 3, 4, 11, 12, 12]);
  });
  it('supports per-group steppers and hyperparameters of different lengths', () => {
    const s = stepperSchedule({
      lr: { perGroup: [new Lin(0, 1, 2), new Lin(0, 10, 4)] },
      mom: new Lin(0.9, 0.8, 1),
    });
    expect(s.totalSteps).toBe(4);
    expect(s.at(1)).toEqual({ lr: [0.5, 2.5], mom: 0.8 });
    expect(s.at(4)).toEqual({ lr: [1, 10], mom: 0.8 });
  });
  it('does not step the given Steppers', () => {
    const lin = new Lin(0, 1, 3);
    stepperSchedule({ lr: lin }).at(2);
    expect(lin.position).toBe(0);
  });
  it('rejects bad specs', () => {
    expect(() => stepperSchedule({})).toThrow(/names no hyperparameter/);
    expect(() => stepperSchedule({ foo: new Lin(0, 1, 1) } as never)).toThrow(/unknown hyperparameter "foo"/);
    expect(() => stepperSchedule({ lr: [] })).toThrow(/at least one Stepper/);
    expect(() => stepperSchedule({ lr: new Lin(0, 1, 0) })).toThrow(/n must be an integer ≥ 1/);
    expect(() => stepperSchedule({ lr: { at: () => 1 } as never })).toThrow(TypeError);
  });
});

describe('ParamScheduler', () => {
  it('trains batch i with the schedule value at step i (at-schedule form)', async () => {
    const schedule: HyperSchedule = {
      totalSteps: 6,
      at: (i) => ({ lr: 0.1 * (i + 1), mom: 0.9 - 0.01 * i }),
    };
    expect(isHyperSchedule(schedule)).toBe(true);
    const { rec } = await run(new ParamScheduler(schedule), 2, 3);
    expect(rec.lrs.map((x) => +x.toFixed(10))).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    expect(rec.moms.map((x) => +x.toFixed(10))).toEqual([0.9, 0.89, 0.88, 0.87, 0.86, 0.85]);
  });

  it('drives Steppers phases', async () => {
    const { rec, host } = await run(new ParamScheduler({ lr: [new Lin(1, 3, 2), new Lin(3, 1, 2)] }), 1, 6);
    expect(rec.lrs).toEqual([1, 2, 3, 2, 1, 1]);
    // the last onBatchEnd set the (clamped) next step's value
    expect(host.opt.get('lr')).toEqual([1]);
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
    const schedule: HyperSchedule = { totalSteps: 10, at: (i) => ({ lr: i }) };
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
    expect(() => new ParamScheduler({ totalSteps: -1, at: () => ({}) })).toThrow(/totalSteps/);
    expect(() => new ParamScheduler({ totalSteps: 1, at: () => ({}) }, { startIteration: 1.5 })).toThrow(
      /startIteration/,
    );
    const opt = new FakeOpt(1);
    expect(() => applyHyperValues(opt, { lr: Number.NaN })).toThrow(/lr must be a finite number/);
    expect(() => applyHyperValues(opt, { mom: [Number.POSITIVE_INFINITY] })).toThrow(/mom value/);
    expect(() => applyHyperValues(opt, { lr: 'x' as never })).toThrow(TypeError);
  });
});
