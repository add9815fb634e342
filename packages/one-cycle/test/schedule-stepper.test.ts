import { Scheduler } from '@onecycle/annealing';
import { describe, expect, it } from 'vitest';
import { oneCycle, ScheduleStepper, torchOneCycle } from '../src/index.js';
import { fastaiOneCycle } from './reference.js';

describe('ScheduleStepper', () => {
  it('steps like fastai on_batch_end: value for batch 0, then step() gives the next batch', () => {
    const schedule = oneCycle({ lrMax: 0.1, totalSteps: 10 });
    const stepper = new ScheduleStepper(schedule);
    const ref = fastaiOneCycle(10, 0.1);
    expect(stepper.position).toBe(0);
    expect(stepper.value).toEqual(schedule.at(0));
    const seen = [stepper.value];
    while (!stepper.isDone) seen.push(stepper.step());
    expect(seen.length).toBe(11);
    seen.forEach((v, k) => {
      expect(v.lr).toBeCloseTo(ref[k]![0], 15);
      expect(v.mom).toBeCloseTo(ref[k]![1], 15);
    });
    expect(stepper.step()).toEqual(schedule.at(10)); // never past the end
    expect(stepper.position).toBe(10);
    stepper.restart();
    expect([stepper.position, stepper.value]).toEqual([0, schedule.at(0)]);
    expect(stepper.at(3)).toEqual(schedule.at(3));
    expect(stepper.position).toBe(0);
  });

  it('works for torch schedules and any { totalSteps, at } object', () => {
    const t = new ScheduleStepper(torchOneCycle({ maxLr: 0.1, totalSteps: 5 }), 2);
    expect(t.value).toEqual(t.schedule.at(2));
    const custom = new ScheduleStepper({ totalSteps: 3, at: (step: number) => ({ lr: step }) });
    expect(custom.step()).toEqual({ lr: 1 });
    expect(() => custom.state()).toThrow(TypeError);
  });

  it('rejects a start position outside [0, totalSteps]', () => {
    const s = oneCycle({ lrMax: 0.1, totalSteps: 10 });
    expect(() => new ScheduleStepper(s, 11)).toThrow(
      new RangeError('ScheduleStepper: position must be an integer in [0, 10] (got 11)'),
    );
    expect(() => new ScheduleStepper(s, -1)).toThrow(RangeError);
    expect(() => new ScheduleStepper(s).at(-1)).toThrow(RangeError);
  });

  it('interoperates with the annealing Stepper shape for per-hyperparameter use', () => {
    // the lr of a one-cycle schedule as a plain Scheduler phase: both are pure in the step
    const warm = new Scheduler(0.004, 0.1, 3);
    expect(warm.at(3)).toBe(0.1);
  });
});
