import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  annealCos,
  annealExp,
  annealLinear,
  Scheduler,
  type IterationStepper as Stepper,
} from '../src/index.js';

describe('Scheduler', () => {
  it('steps like fastai v1: n += 1, then func(start, end, n / n_iter)', () => {
    const s = new Scheduler(0.1, 0, 4, annealCos);
    expect(s.position).toBe(0);
    expect(s.value).toBe(0.1);
    expect(s.isDone).toBe(false);
    const expected = [1, 2, 3, 4].map((k) => 0 + ((0.1 - 0) / 2) * (Math.cos((Math.PI * k) / 4) + 1));
    const got: number[] = [];
    while (!s.isDone) got.push(s.step());
    expect(got).toEqual(expected);
    expect(s.position).toBe(4);
    expect(s.value).toBe(0);
    expect(s.step()).toBe(0); // never past n
    expect(s.position).toBe(4);
    s.restart();
    expect(s.position).toBe(0);
    expect(s.value).toBe(0.1);
  });

  it('defaults to linear annealing and is usable as a Stepper', () => {
    const s: Stepper = new Scheduler(1, 2, 3);
    expect(s.at(1)).toBeCloseTo(4 / 3, 15);
    expect([s.start, s.end, s.n]).toEqual([1, 2, 3]);
  });

  it('at() is pure: any position, fractional positions, end value past n', () => {
    const s = new Scheduler(1e-3, 1, 10, annealExp);
    s.step();
    expect(s.at(0)).toBe(1e-3);
    expect(s.at(5)).toBeCloseTo(annealExp(1e-3, 1, 0.5), 15);
    expect(s.at(2.5)).toBeCloseTo(annealExp(1e-3, 1, 0.25), 15);
    expect(s.at(10)).toBe(1);
    expect(s.at(1e9)).toBe(1);
    expect(s.position).toBe(1);
  });

  it('rejects bad arguments with a RangeError naming them', () => {
    expect(() => new Scheduler(Number.NaN, 0, 1)).toThrow(
      new RangeError('Scheduler: start must be a finite number (got NaN)'),
    );
    expect(() => new Scheduler(0, Number.POSITIVE_INFINITY, 1)).toThrow(
      'Scheduler: end must be a finite number',
    );
    expect(() => new Scheduler(0, 1, 0)).toThrow(
      new RangeError('Scheduler: n must be an integer ≥ 1 (got 0)'),
    );
    expect(() => new Scheduler(0, 1, -3)).toThrow(RangeError);
    expect(() => new Scheduler(0, 1, 2.5)).toThrow('n must be an integer ≥ 1 (got 2.5)');
    expect(() => new Scheduler(0, 1, 10, annealExp)).toThrow(
      new RangeError('annealExp: start must be > 0 (got 0)'),
    );
    expect(() => new Scheduler(1, -1, 10, annealExp)).toThrow('annealExp: end must be > 0 (got -1)');
    const s = new Scheduler(0, 1, 10);
    expect(() => s.at(-1)).toThrow(new RangeError('Scheduler.at: position must be a number ≥ 0 (got -1)'));
    expect(() => s.at(Number.NaN)).toThrow(RangeError);
  });

  it('stays within [min(start, end), max(start, end)] and reaches end after n steps (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        fc.constantFrom(annealLinear, annealCos),
        (start, end, n, func) => {
          const s = new Scheduler(start, end, n, func);
          const lo = Math.min(start, end) - 1e-12;
          const hi = Math.max(start, end) + 1e-12;
          let steps = 0;
          while (!s.isDone) {
            const v = s.step();
            steps++;
            expect(v).toBeGreaterThanOrEqual(lo);
            expect(v).toBeLessThanOrEqual(hi);
            expect(v).toBe(s.at(steps));
          }
          expect(steps).toBe(n);
          expect(s.value).toBe(end);
        },
      ),
    );
  });
});
