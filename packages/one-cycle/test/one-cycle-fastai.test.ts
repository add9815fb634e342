import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oneCycle } from '../src/index.js';
import { close, fastaiOneCycle } from './reference.js';

function expectSequence(at: (k: number) => { lr: number; mom: number }, ref: [number, number][]): void {
  ref.forEach(([lr, mom], k) => {
    const v = at(k);
    if (!close(v.lr, lr) || !close(v.mom, mom)) {
      throw new Error(`step ${k}: got lr ${v.lr} mom ${v.mom}, expected lr ${lr} mom ${mom}`);
    }
  });
}

describe("oneCycle variant 'fastai' (fastai v1 OneCycleScheduler)", () => {
  it('matches fastai v1 for 10 steps (a1 = 3): cosine up 3 steps, cosine down 7', () => {
    // fastai v1 values, batch by batch, plus the value after the last on_batch_end (step 10)
    const expected: [number, number][] = [
      [0.004, 0.95],
      [0.027999999999999997, 0.9249999999999999],
      [0.076, 0.875],
      [0.1, 0.85],
      [0.09504846320134738, 0.854951556604879],
      [0.0811745653949763, 0.8688255099070633],
      [0.06112620219362893, 0.8888739533021842],
      [0.03887419780637107, 0.9111260466978157],
      [0.0188258346050237, 0.9311744900929366],
      [0.004951936798652629, 0.945048443395121],
      [4.0000000000000003e-7, 0.95],
    ];
    const s = oneCycle({ lrMax: 0.1, totalSteps: 10 });
    expect(s.phaseSteps).toEqual([3, 7]);
    expectSequence(s.at, expected);
    expectSequence(s.at, fastaiOneCycle(10, 0.1));
  });

  it('odd step count, pctStart 0.25: a1 = floor(7 × 0.25) = 1', () => {
    const expected: [number, number][] = [
      [0.002, 0.95],
      [0.05, 0.85],
      [0.046650648492070595, 0.856698729810778],
      [0.03750005, 0.875],
      [0.0250001, 0.8999999999999999],
      [0.012500150000000007, 0.9249999999999999],
      [0.0033495515079294113, 0.9433012701892219],
      [2.0000000000000002e-7, 0.95],
    ];
    const s = oneCycle({ lrMax: 0.05, totalSteps: 7, pctStart: 0.25 });
    expectSequence(s.at, expected);
  });

  it('a phase 1 of 0 steps lasts one step, as in fastai (n × pctStart < 1)', () => {
    const s = oneCycle({ lrMax: 0.1, totalSteps: 3, pctStart: 0.1 });
    expect(s.phaseSteps).toEqual([1, 3]);
    expect(s.totalSteps).toBe(4); // the padded step counts: at(totalSteps) is the final value
    const expected: [number, number][] = [
      [0.004, 0.95],
      [0.1, 0.85],
      [0.0750001, 0.875],
      [0.025000300000000013, 0.9249999999999999],
      [1e-6 * 0.4, 0.95], // one step after totalSteps: the final values
    ];
    expectSequence(s.at, expected);
    expect(s.at(4)).toEqual({ lr: 0.1 / 250000, mom: 0.95 });
  });

  it('pctStart edge cases and odd counts agree with the transcribed fastai loop', () => {
    for (const n of [2, 3, 5, 7, 11, 99, 386]) {
      for (const pct of [0.01, 0.3, 0.5, 0.75, 0.99]) {
        const s = oneCycle({ lrMax: 0.05, totalSteps: n, pctStart: pct, moms: [0.9, 0.8], divFactor: 10 });
        expectSequence(s.at, fastaiOneCycle(n, 0.05, { pct, moms: [0.9, 0.8], div: 10 }));
      }
    }
  });

  it('finalDiv is configurable (default divFactor × 1e4)', () => {
    const s = oneCycle({ lrMax: 1, totalSteps: 20, finalDiv: 1e3 });
    expectSequence(s.at, fastaiOneCycle(20, 1, { finalDiv: 1e3 }));
    expect(s.at(20).lr).toBe(1e-3);
    expect(oneCycle({ lrMax: 1, totalSteps: 20 }).resolved.finalDiv).toBe(250000);
  });

  it('steps past the end give the final values, never a crash', () => {
    const s = oneCycle({ lrMax: 0.1, totalSteps: 10 });
    for (const k of [10, 11, 1e6, Number.POSITIVE_INFINITY])
      expect(s.at(k)).toEqual({ lr: 0.1 / 250000, mom: 0.95 });
    expect(() => s.at(-1)).toThrow(new RangeError('oneCycle.at: step must be a number ≥ 0 (got -1)'));
    expect(() => s.at(Number.NaN)).toThrow(RangeError);
  });

  it('discriminative learning rates: one lr per group, each following the same curve', () => {
    const lrMax = [1e-4, 1e-3, 1e-2] as const;
    const s = oneCycle({ lrMax, totalSteps: 13 });
    const refs = lrMax.map((lr) => fastaiOneCycle(13, lr));
    for (let k = 0; k <= 13; k++) {
      const v = s.at(k);
      expect(Array.isArray(v.lr)).toBe(true);
      v.lr.forEach((lr, g) => {
        expect(close(lr, refs[g]![k]![0])).toBe(true);
      });
      expect(close(v.mom, refs[0]![k]![1])).toBe(true);
    }
    expect(s.at(0).lr).toEqual([4e-6, 4e-5, 4e-4]);
    expect(s.at(1000).lr).toEqual(lrMax.map((lr) => lr / 250000));
  });

  it('property: values within bounds, peak at the phase boundary, equal to the fastai loop', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 400 }),
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        fc.double({ min: 1e-6, max: 10, noNaN: true }),
        fc.double({ min: 1.01, max: 100, noNaN: true }),
        (n, pct, lrMax, div) => {
          const s = oneCycle({ lrMax, totalSteps: n, pctStart: pct, divFactor: div });
          const a1 = Math.max(1, Math.floor(n * pct));
          expect(s.phaseSteps[0]).toBe(a1);
          expect(s.at(a1).lr).toBe(lrMax);
          expect(s.at(a1).mom).toBe(0.85);
          const ref = fastaiOneCycle(n, lrMax, { pct, div });
          const problems: string[] = [];
          let prev = Number.NaN;
          for (let k = 0; k < ref.length; k++) {
            const { lr, mom } = s.at(k);
            if (!(lr <= lrMax * (1 + 1e-12) && lr >= 0)) problems.push(`lr out of bounds at ${k}`);
            if (!(mom >= 0.85 - 1e-12 && mom <= 0.95 + 1e-12)) problems.push(`mom out of bounds at ${k}`);
            if (!close(lr, ref[k]![0]) || !close(mom, ref[k]![1]))
              problems.push(`differs from fastai at ${k}`);
            // monotone: up to the peak, then down
            if (k > 0 && (k <= a1 ? lr < prev * (1 - 1e-12) : lr > prev * (1 + 1e-12))) {
              problems.push(`not monotone at ${k}`);
            }
            prev = lr;
          }
          expect(problems).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
