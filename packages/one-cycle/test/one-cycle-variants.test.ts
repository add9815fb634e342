import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oneCycle } from '../src/index.js';
import { close, seedOneCycle, smithOneCycle } from './reference.js';

function mismatches(at: (k: number) => { lr: number; mom: number }, ref: [number, number][]): string[] {
  const out: string[] = [];
  ref.forEach(([lr, mom], k) => {
    const v = at(k);
    if (!close(v.lr, lr) || !close(v.mom, mom)) out.push(`step ${k}: ${v.lr}/${v.mom} vs ${lr}/${mom}`);
  });
  return out;
}

describe("oneCycle variant 'seed' (linear up, cosine to 0)", () => {
  it('matches the written-out sequence for 7 steps (a1 = 2)', () => {
    const expected: [number, number][] = [
      [0.004, 0.95],
      [0.052000000000000005, 0.8999999999999999],
      [0.1, 0.85],
      [0.09045084971874738, 0.8595491502812526],
      [0.06545084971874737, 0.8845491502812526],
      [0.03454915028125263, 0.9154508497187474],
      [0.009549150281252633, 0.9404508497187474],
      [0, 0.95],
    ];
    const s = oneCycle({ lrMax: 0.1, totalSteps: 7, variant: 'seed' });
    expect(s.variant).toBe('seed');
    expect(mismatches(s.at, expected)).toEqual([]);
    expect(s.at(7).lr).toBe(0);
  });

  it('agrees with the transcribed loop for odd counts and pctStart edges', () => {
    for (const n of [2, 3, 9, 101]) {
      for (const pct of [0.01, 0.3, 0.5, 0.99]) {
        const s = oneCycle({ lrMax: 0.3, totalSteps: n, variant: 'seed', pctStart: pct });
        expect(mismatches(s.at, seedOneCycle(n, 0.3, { pct }))).toEqual([]);
      }
    }
  });
});

describe("oneCycle variant 'smith' (three linear phases)", () => {
  it('matches the written-out sequence for 10 steps (a = 4, annihilation 2)', () => {
    const expected: [number, number][] = [
      [0.04, 0.95],
      [0.27999999999999997, 0.9249999999999999],
      [0.52, 0.8999999999999999],
      [0.76, 0.875],
      [1.0, 0.85],
      [0.76, 0.875],
      [0.52, 0.8999999999999999],
      [0.28, 0.9249999999999999],
      [0.040000000000000036, 0.95],
      [0.0202, 0.95],
      [0.0003999999999999976, 0.95],
    ];
    const s = oneCycle({ lrMax: 1, totalSteps: 10, variant: 'smith' });
    expect(s.phaseSteps).toEqual([4, 4, 2]);
    expect(mismatches(s.at, expected)).toEqual([]);
    expect(s.at(10)).toEqual({ lr: 1 / 2500, mom: 0.95 });
  });

  it('agrees with the transcribed loop for odd counts and pctEnd edges', () => {
    for (const n of [2, 3, 9, 101]) {
      for (const pctEnd of [0.01, 0.1, 0.5, 0.99]) {
        const s = oneCycle({ lrMax: 0.3, totalSteps: n, variant: 'smith', pctEnd, moms: [0.9, 0.8] });
        expect(mismatches(s.at, smithOneCycle(n, 0.3, { pctEnd, moms: [0.9, 0.8] }))).toEqual([]);
      }
    }
  });

  it('property: momentum mirrors the lr in phases 1–2 and holds at moms[0] in phase 3', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 300 }),
        fc.double({ min: 0.01, max: 0.6, noNaN: true }),
        (n, pctEnd) => {
          const s = oneCycle({ lrMax: 1, totalSteps: n, variant: 'smith', pctEnd });
          const [a, , b] = s.phaseSteps as [number, number, number];
          const problems: string[] = [];
          for (let k = 0; k <= 2 * a; k++) {
            const { lr, mom } = s.at(k);
            // linear mirror: (lr − low)/(lrMax − low) = (0.95 − mom)/(0.95 − 0.85)
            const t = (lr - 0.04) / 0.96;
            if (Math.abs(t - (0.95 - mom) / 0.1) > 1e-9) problems.push(`mirror ${k}`);
          }
          for (let k = 2 * a + 1; k <= 2 * a + b + 3; k++)
            if (s.at(k).mom !== 0.95) problems.push(`mom ${k}`);
          if (s.at(a).lr !== 1 || !close(s.at(2 * a).lr, 0.04, 1e-14)) problems.push('phase boundaries');
          expect(problems).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
