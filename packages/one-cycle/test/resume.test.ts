import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  extendSchedule,
  oneCycle,
  restoreSchedule,
  type ScheduleState,
  ScheduleStepper,
  scheduleFromSpec,
  scheduleState,
  torchOneCycle,
} from '../src/index.js';

function roundTrip(state: ScheduleState): ScheduleState {
  return JSON.parse(JSON.stringify(state)) as ScheduleState;
}

describe('saving, restoring and extending schedules', () => {
  it('a saved state is plain JSON and restores the same schedule and position', () => {
    const schedule = oneCycle({ lrMax: [1e-3, 1e-2], totalSteps: 50, variant: 'seed', moms: [0.9, 0.8] });
    const state = roundTrip(scheduleState(schedule, 17));
    expect(state).toEqual({
      format: 'onecycle-schedule',
      version: 1,
      kind: 'oneCycle',
      options: { lrMax: [1e-3, 1e-2], totalSteps: 50, variant: 'seed', moms: [0.9, 0.8] },
      extensions: [],
      position: 17,
    });
    const { schedule: restored, position } = restoreSchedule(state);
    expect(position).toBe(17);
    for (let k = 0; k <= 51; k++) expect(restored.at(k)).toEqual(schedule.at(k));
  });

  it('Infinity finalDiv survives JSON (written as null)', () => {
    const schedule = oneCycle({ lrMax: 1, totalSteps: 10, finalDiv: Number.POSITIVE_INFINITY });
    const { schedule: restored } = restoreSchedule(roundTrip(scheduleState(schedule, 0)));
    expect(restored.at(10).lr).toBe(0);
  });

  it('torch schedules round-trip too', () => {
    const schedule = torchOneCycle({ maxLr: 0.1, epochs: 3, stepsPerEpoch: 7, threePhase: true });
    const copy = scheduleFromSpec(roundTrip(scheduleState(schedule, 3)));
    for (let k = 0; k <= 21; k++) expect(copy.at(k)).toEqual(schedule.at(k));
  });

  it('extension rule: past steps unchanged, the remainder stretched, final value at the new end', () => {
    const planned = oneCycle({ lrMax: 0.05, totalSteps: 1000 });
    const longer = extendSchedule(planned, 400, 1400);
    expect(longer.totalSteps).toBe(1400);
    for (const k of [0, 100, 300, 399]) expect(longer.at(k)).toEqual(planned.at(k));
    expect(longer.at(400)).toEqual(planned.at(400));
    // k = 900 → 400 + 500 × 600/1000 = 700
    expect(longer.at(900)).toEqual(planned.at(700));
    expect(longer.at(1400)).toEqual(planned.at(1000));
    expect(longer.at(5000)).toEqual(planned.at(1000));
    expect(longer.spec.extensions).toEqual([{ from: 400, totalSteps: 1400 }]);
  });

  it('extending during warm-up keeps the peak, just later', () => {
    const planned = oneCycle({ lrMax: 1, totalSteps: 100 }); // peak at 30
    const longer = extendSchedule(planned, 10, 190); // remaining 90 → 180: ×2
    expect(longer.at(50).lr).toBe(1); // 10 + 40/2 = 30
    expect(longer.at(190).lr).toBe(planned.at(100).lr);
  });

  it('restore with a new totalSteps extends from the saved position; chains of extensions round-trip', () => {
    const stepper = new ScheduleStepper(oneCycle({ lrMax: 0.1, totalSteps: 100 }));
    for (let i = 0; i < 60; i++) stepper.step();
    const before = stepper.value;
    const resumed = ScheduleStepper.restore(roundTrip(stepper.state()), { totalSteps: 160 });
    expect(resumed.position).toBe(60);
    expect(resumed.totalSteps).toBe(160);
    expect(resumed.value).toEqual(before);
    for (let i = 0; i < 20; i++) resumed.step();
    const again = ScheduleStepper.restore(roundTrip(resumed.state()), { totalSteps: 200 });
    expect(again.position).toBe(80);
    expect(again.value).toEqual(resumed.value);
    expect(again.state().extensions).toEqual([
      { from: 60, totalSteps: 160 },
      { from: 80, totalSteps: 200 },
    ]);
    while (!again.isDone) again.step();
    expect(again.value).toEqual({ lr: 0.1 / 250000, mom: 0.95 });
  });

  it('a finished schedule extended stays at its final values', () => {
    const s = oneCycle({ lrMax: 0.1, totalSteps: 10 });
    const e = extendSchedule(s, 10, 20);
    expect(e.at(15)).toEqual(s.at(10));
  });

  it('property: an extended schedule is continuous and monotone where the original is', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 300 }),
        (n, where, extra) => {
          const planned = oneCycle({ lrMax: 1, totalSteps: n });
          const from = Math.floor(where * n);
          const e = extendSchedule(planned, from, n + extra);
          const problems: string[] = [];
          if (e.at(from).lr !== planned.at(from).lr) problems.push('jump at from');
          if (e.at(n + extra).lr !== planned.at(n).lr) problems.push('final');
          // unimodal like the original: rises (if resumed in warm-up) then falls, never rises again
          let falling = from >= planned.phaseSteps[0]!;
          for (let k = from + 1; k <= n + extra; k++) {
            const [a, b] = [e.at(k - 1).lr, e.at(k).lr];
            if (b < a * (1 - 1e-12)) falling = true;
            else if (falling && b > a * (1 + 1e-12)) problems.push(`rises again at ${k}`);
          }
          expect(problems).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects bad states and extensions, naming the field', () => {
    const s = oneCycle({ lrMax: 0.1, totalSteps: 10 });
    expect(() => extendSchedule(s, 5, 5)).toThrow(
      new RangeError('extendSchedule: totalSteps must be an integer ≥ 6 (got 5)'),
    );
    expect(() => extendSchedule(s, -1, 20)).toThrow(
      new RangeError('extendSchedule: from must be an integer ≥ 0 (got -1)'),
    );
    expect(() => scheduleState(s, 1.5)).toThrow(
      new RangeError('scheduleState: position must be an integer ≥ 0 (got 1.5)'),
    );
    expect(() => restoreSchedule({} as ScheduleState)).toThrow(TypeError);
    const state = scheduleState(s, 3);
    expect(() => restoreSchedule({ ...state, version: 2 } as unknown as ScheduleState)).toThrow(
      new RangeError('restoreSchedule: state.version must be 1 (got 2)'),
    );
    expect(() => restoreSchedule({ ...state, position: -2 })).toThrow(
      /state.position must be an integer ≥ 0/,
    );
    expect(() => restoreSchedule({ ...state, kind: 'cyclic' } as unknown as ScheduleState)).toThrow(
      /kind must be 'oneCycle' or 'torchOneCycle'/,
    );
    expect(() => restoreSchedule(state, { totalSteps: 2 })).toThrow(
      /totalSteps must be an integer ≥ 4 \(got 2\)/,
    );
    expect(() => restoreSchedule({ ...state, options: { lrMax: -1, totalSteps: 10 } })).toThrow(
      'oneCycle: lrMax must be a finite number > 0 (got -1)',
    );
  });
});
