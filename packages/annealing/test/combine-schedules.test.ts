import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annealCos, annealLinear, annealNo, combineSchedules } from '../src/index.js';

describe('combineSchedules', () => {
  it('splits n by cumulative rounding: warm-up, cosine, flat tail ("pct_end")', () => {
    const s = combineSchedules(10, [
      { pct: 0.25, start: 0, end: 1, func: annealLinear },
      { pct: 0.55, start: 1, end: 0.1, func: annealCos },
      { pct: 0.2, start: 0.1, end: 0.1, func: annealNo },
    ]);
    // round(2.5) = 3, round(8) = 8 → lengths 3, 5, 2
    expect(s.totalSteps).toBe(10);
    expect([2, 3, 4].map((p) => s.at(p))).toEqual([2 / 3, 1, 0.1 + (0.9 / 2) * (Math.cos(Math.PI / 5) + 1)]);
    expect(s.at(3)).toBe(1);
    expect(s.at(4)).toBeCloseTo(0.1 + (0.9 / 2) * (Math.cos(Math.PI / 5) + 1), 15);
    expect(s.at(8)).toBe(0.1);
    expect(s.at(9)).toBe(0.1);
    expect(s.at(10)).toBe(0.1);
  });

  it('defaults to linear phases', () => {
    const s = combineSchedules(4, [
      { pct: 0.5, start: 0, end: 2 },
      { pct: 0.5, start: 2, end: 0 },
    ]);
    expect([0, 1, 2, 3, 4].map((p) => s.at(p))).toEqual([0, 1, 2, 1, 0]);
  });

  it('rejects splits that do not sum to 1 and other bad arguments, naming them', () => {
    const phase = { start: 0, end: 1 };
    expect(() =>
      combineSchedules(10, [
        { pct: 0.5, ...phase },
        { pct: 0.4, ...phase },
      ]),
    ).toThrow(new RangeError("combineSchedules: the phases' pct must sum to 1 (got 0.9)"));
    expect(() =>
      combineSchedules(10, [
        { pct: 0, ...phase },
        { pct: 1, ...phase },
      ]),
    ).toThrow('combineSchedules: phases[0].pct must be in (0, 1] (got 0)');
    expect(() => combineSchedules(10, [{ pct: Number.NaN, ...phase }])).toThrow(/phases\[0\]\.pct/);
    expect(() => combineSchedules(0, [{ pct: 1, ...phase }])).toThrow(
      new RangeError('combineSchedules: totalSteps must be an integer ≥ 1 (got 0)'),
    );
    expect(() => combineSchedules(10, [])).toThrow(RangeError);
    expect(() =>
      combineSchedules(1, [
        { pct: 0.5, ...phase },
        { pct: 0.5, ...phase },
      ]),
    ).toThrow(/totalSteps must be ≥ the number of phases \(2\)/);
    expect(() =>
      combineSchedules(10, [
        { pct: 0.01, ...phase },
        { pct: 0.99, ...phase },
      ]),
    ).toThrow(/phases\[0\]\.pct = 0.01 gives no step out of totalSteps = 10/);
    expect(() => combineSchedules(10, [{ pct: 1, start: Number.NaN, end: 0 }])).toThrow(
      'combineSchedules: phases[0]: anneal: start must be a finite number (got NaN)',
    );
  });

  it('phase lengths add up to totalSteps and each phase ends at its end value (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 500 }),
        (weights, extra) => {
          const total = weights.reduce((a, b) => a + b, 0);
          const n = weights.length + extra;
          const pcts = weights.map((w) => w / total);
          let s: ReturnType<typeof combineSchedules>;
          try {
            s = combineSchedules(
              n,
              pcts.map((pct, i) => ({ pct, start: i, end: i + 1 })),
            );
          } catch (error) {
            // only a phase too short for n may fail
            expect(String(error)).toMatch(/gives no step/);
            return;
          }
          expect(s.totalSteps).toBe(n);
          // phase i ends (reaches i + 1) at round(n · cumulative pct), within one step of its share
          let cumulative = 0;
          pcts.forEach((pct, i) => {
            cumulative += pct;
            const end = i === pcts.length - 1 ? n : Math.round(n * cumulative);
            expect(s.at(end)).toBe(i + 1);
            expect(s.at(end - 1)).toBeLessThan(i + 1);
          });
        },
      ),
    );
  });
});
