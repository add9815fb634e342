import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { torchOneCycle } from '../src/index.js';
import { close, torchStep } from './reference.js';

// Sequences printed by PyTorch 1.13's OneCycleLR (SGD, momentum), one entry per batch:
// [lr (per group), momentum] as set before that batch.
const PYTORCH = {
  T10: [
    [[0.0040000000000000036], 0.95],
    [[0.052000000000000005], 0.8999999999999999],
    [[0.1], 0.85],
    [[0.09504846320134738], 0.854951556604879],
    [[0.0811745653949763], 0.8688255099070633],
    [[0.06112620219362893], 0.8888739533021842],
    [[0.03887419780637107], 0.9111260466978157],
    [[0.0188258346050237], 0.9311744900929366],
    [[0.004951936798652629], 0.945048443395121],
    [[4e-7], 0.95],
  ],
  T7_linear: [
    [[0.004], 0.95],
    [[0.09127272727272727], 0.8590909090909091],
    [[0.08163272653061225], 0.8683673469387755],
    [[0.061224644897959195], 0.8887755102040816],
    [[0.040816563265306124], 0.9091836734693877],
    [[0.020408481632653075], 0.9295918367346938],
    [[3.999999999976245e-7], 0.95],
  ],
  T11_threePhase_pct025: [
    [[0.040000000000000036], 0.95],
    [[0.6268100482990309], 0.8888739533021842],
    [[0.9524650565931612], 0.854951556604879],
    [[0.22072489510780793], 0.9311744900929366],
    [[0.03941889446488619], 0.95],
    [[0.03497071794192568], 0.95],
    [[0.02709338853107663], 0.95],
    [[0.017591507468254053], 0.95],
    [[0.00864184119487035], 0.95],
    [[0.002294650398987111], 0.95],
    [[4e-6], 0.95],
  ],
  T5_groups: [
    [[0.0009999999999999992, 0.009999999999999995], 0.9],
    [[0.009505339495172583, 0.09505339495172584], 0.804951556604879],
    [[0.00611649206511179, 0.06116492065111791], 0.8388739533021843],
    [[0.0018906684397156264, 0.018906684397156263], 0.8811744900929367],
    [[1e-5, 0.0001], 0.9],
  ],
  T3_pct01: [
    [[0.08431214464510911], 0.8656879181065633],
    [[0.03019629091399539], 0.9198039883019578],
    [[4e-7], 0.95],
  ],
} as const;

function mismatches(
  at: (k: number) => { lr: number | number[]; mom?: number },
  ref: readonly (readonly [readonly number[], number])[],
) {
  const out: string[] = [];
  ref.forEach(([lrs, mom], k) => {
    const v = at(k);
    const got = Array.isArray(v.lr) ? v.lr : [v.lr];
    if (got.length !== lrs.length || got.some((lr, g) => !close(lr, lrs[g]!)) || !close(v.mom!, mom)) {
      out.push(`step ${k}: ${JSON.stringify(v)} vs ${JSON.stringify([lrs, mom])}`);
    }
  });
  return out;
}

describe('torchOneCycle (PyTorch OneCycleLR semantics)', () => {
  it('equals PyTorch step by step (two phases, cos)', () => {
    const s = torchOneCycle({ maxLr: 0.1, totalSteps: 10 });
    expect(s.phaseEnds).toEqual([2, 9]);
    expect(mismatches(s.at, PYTORCH.T10)).toEqual([]);
    expect(s.at(0).lr).toBe(0.0040000000000000036); // PyTorch evaluates the cosine at pct 0
  });

  it("equals PyTorch with annealStrategy 'linear' and a fractional phase end (odd count)", () => {
    const s = torchOneCycle({ maxLr: 0.1, totalSteps: 7, annealStrategy: 'linear' });
    expect(s.phaseEnds[0]).toBeCloseTo(1.1, 12);
    expect(mismatches(s.at, PYTORCH.T7_linear)).toEqual([]);
  });

  it('equals PyTorch with threePhase', () => {
    const s = torchOneCycle({ maxLr: 1, totalSteps: 11, threePhase: true, pctStart: 0.25 });
    expect(mismatches(s.at, PYTORCH.T11_threePhase_pct025)).toEqual([]);
  });

  it('equals PyTorch with per-group maxLr and custom factors and momenta', () => {
    const s = torchOneCycle({
      maxLr: [0.01, 0.1],
      epochs: 1,
      stepsPerEpoch: 5,
      divFactor: 10,
      finalDivFactor: 100,
      baseMomentum: 0.8,
      maxMomentum: 0.9,
    });
    expect(s.totalSteps).toBe(5);
    expect(mismatches(s.at, PYTORCH.T5_groups)).toEqual([]);
  });

  it('equals PyTorch when phase 1 ends before step 0 (pctStart × T < 1)', () => {
    expect(
      mismatches(torchOneCycle({ maxLr: 0.1, totalSteps: 3, pctStart: 0.1 }).at, PYTORCH.T3_pct01),
    ).toEqual([]);
  });

  it('documented differences: final values from step T on; a zero-length phase gives its start value', () => {
    const s = torchOneCycle({ maxLr: 0.1, totalSteps: 10 });
    expect(s.at(10)).toEqual({ lr: 0.1 / 25 / 1e4, mom: 0.95 });
    expect(s.at(1e9)).toEqual({ lr: 0.1 / 25 / 1e4, mom: 0.95 });
    // pctStart × T = 1: PyTorch divides 0 by 0 at step 0
    const z = torchOneCycle({ maxLr: 0.1, totalSteps: 10, pctStart: 0.1 });
    expect(z.at(0).lr).toBeCloseTo(0.004, 15);
    expect(close(z.at(1).lr, torchStep(1, 10, { pct: 0.1 })[0])).toBe(true);
  });

  it('cycleMomentum false leaves momentum out', () => {
    const s = torchOneCycle({ maxLr: 0.1, totalSteps: 10, cycleMomentum: false });
    expect(s.at(3)).toEqual({ lr: PYTORCH.T10[3][0][0] });
    expect('mom' in s.at(3)).toBe(false);
    expect('mom' in s.at(10)).toBe(false);
  });

  it('epochs × stepsPerEpoch, with totalSteps taking precedence', () => {
    expect(torchOneCycle({ maxLr: 0.1, epochs: 3, stepsPerEpoch: 7 }).totalSteps).toBe(21);
    expect(torchOneCycle({ maxLr: 0.1, totalSteps: 8, epochs: 3, stepsPerEpoch: 7 }).totalSteps).toBe(8);
  });

  it('property: equals the transcribed get_lr within 1e-12 relative for any configuration', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 300 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.constantFrom('cos', 'linear'),
        fc.boolean(),
        fc.double({ min: 1e-5, max: 5, noNaN: true }),
        (T, pct, strategy, three, maxLr) => {
          const s = torchOneCycle({
            maxLr,
            totalSteps: T,
            pctStart: pct,
            annealStrategy: strategy,
            threePhase: three,
          });
          const problems: number[] = [];
          for (let k = 0; k < T; k++) {
            const opts = { maxLr, pct, strategy, three };
            // zero-length phases are where PyTorch divides by zero; skip those steps
            const [lr, mom] = torchStep(k, T, opts);
            if (!Number.isFinite(lr)) continue;
            const v = s.at(k);
            if (!close(v.lr, lr) || !close(v.mom!, mom)) problems.push(k);
          }
          expect(problems).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('takes per-group momenta as PyTorch does (base_momentum and max_momentum as lists)', () => {
    const T = 20;
    const s = torchOneCycle({
      maxLr: [0.01, 0.1],
      totalSteps: T,
      baseMomentum: [0.8, 0.85],
      maxMomentum: [0.9, 0.95],
    });
    const scalarMom = torchOneCycle({
      maxLr: 0.1,
      totalSteps: T,
      baseMomentum: [0.8, 0.85],
      maxMomentum: 0.95,
    });
    for (let k = 0; k < T; k++) {
      const v = s.at(k);
      const groups = [
        torchStep(k, T, { maxLr: 0.01, base: 0.8, max: 0.9 }),
        torchStep(k, T, { maxLr: 0.1, base: 0.85, max: 0.95 }),
      ];
      groups.forEach(([lr, mom], g) => {
        expect(close(v.lr[g]!, lr)).toBe(true);
        expect(close(v.mom![g]!, mom)).toBe(true);
      });
      const w = scalarMom.at(k);
      expect(close(w.lr, torchStep(k, T)[0])).toBe(true);
      expect(close(w.mom![0]!, torchStep(k, T, { base: 0.8 })[1])).toBe(true);
      expect(close(w.mom![1]!, torchStep(k, T)[1])).toBe(true);
    }
    expect(() =>
      torchOneCycle({ maxLr: [0.01, 0.1], totalSteps: T, baseMomentum: [0.8, 0.85, 0.9] }),
    ).toThrow(
      new RangeError(
        'torchOneCycle: baseMomentum has 3 values and maxLr has 2: give both one value per parameter group',
      ),
    );
  });
});
