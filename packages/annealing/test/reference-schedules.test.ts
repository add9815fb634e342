// flatCos, sgdr and warmupCosine against the formulas of the libraries they come from, written
// out here the way those libraries compute them (fastai v2's combine_scheds and sched_cos,
// PyTorch's CosineAnnealingWarmRestarts, optax's warmup_cosine_decay_schedule).
import { describe, expect, it } from 'vitest';
import { anneal, annealCos, flatCos, join, type Schedule, sgdr, warmupCosine } from '../src/index.js';

function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected) + 1e-300);
}

const values = (s: Schedule, n = s.totalSteps + 1) => Array.from({ length: n }, (_, k) => s.at(k));

/** fastai v2: `sched_cos(start, end, pos)`. */
const schedCos = (start: number, end: number, pos: number) =>
  start + ((1 + Math.cos(Math.PI * (1 - pos))) * (end - start)) / 2;

/** fastai v2: `combined_cos(pct, start, middle, end)` at `pos`, as `combine_scheds` evaluates it. */
function combinedCos(
  pct: number,
  start: number,
  middle: number,
  end: number,
  pos: number,
  eps: number,
): number {
  const pcts = [0, pct, 1];
  const p = pos * (1 - eps); // combine_scheds nudges pos below 1 so that pos = 1 stays in the last phase
  const idx = p >= pcts[1]! ? 1 : 0;
  const actual = (p - pcts[idx]!) / (pcts[idx + 1]! - pcts[idx]!);
  return idx === 0 ? schedCos(start, middle, actual) : schedCos(middle, end, actual);
}

describe('flatCos (fastai v2 fit_flat_cos)', () => {
  it('is combined_cos(pct_start, lr, lr, lr / div_final) at batch k / totalSteps', () => {
    for (const [totalSteps, pctStart, finalDiv] of [
      [100, 0.75, 1e5],
      [40, 0.5, 10],
      [386, 0.75, 1e5], // 289.5 flat steps: the cosine starts at round(289.5) = 290
    ] as const) {
      const s = flatCos({ lrMax: 1e-3, totalSteps, pctStart, finalDiv });
      expect(s.totalSteps).toBe(totalSteps);
      const flat = Math.round(totalSteps * pctStart);
      for (let k = 0; k < totalSteps; k++) {
        // without fastai's 1e-5 nudge of pos, the same numbers when totalSteps × pctStart is whole
        const exact = k <= flat ? 1e-3 : schedCos(1e-3, 1e-3 / finalDiv, (k - flat) / (totalSteps - flat));
        expectRelative(s.at(k), exact, 1e-12);
        if (flat === totalSteps * pctStart) {
          expectRelative(
            s.at(k),
            combinedCos(pctStart, 1e-3, 1e-3, 1e-3 / finalDiv, k / totalSteps, 0),
            1e-14,
          );
          // fastai's nudge moves pos by 1e-5 relative: less than 1e-4 × lr in the learning rate
          const nudged = combinedCos(pctStart, 1e-3, 1e-3, 1e-3 / finalDiv, k / totalSteps, 1e-5);
          expect(Math.abs(s.at(k) - nudged)).toBeLessThan(1e-4 * 1e-3);
        }
      }
      expect(s.at(totalSteps)).toBe(1e-3 / finalDiv);
    }
  });

  it('defaults to pct_start 0.75 and div_final 1e5; rejects bad options by name', () => {
    const s = flatCos({ lrMax: 1e-2, totalSteps: 8 });
    const expected = [1e-2, 1e-2, 1e-2, 1e-2, 1e-2, 1e-2, 1e-2, schedCos(1e-2, 1e-7, 0.5), 1e-7];
    values(s).forEach((v, k) => {
      expectRelative(v, expected[k]!, 1e-15);
    });
    expect(() => flatCos({ lrMax: 0, totalSteps: 8 })).toThrow(
      new RangeError('flatCos: lrMax must be a finite number > 0 (got 0)'),
    );
    expect(() => flatCos({ lrMax: 1, totalSteps: 8, pctStart: 1 })).toThrow(
      /flatCos: pctStart must be a number in \(0, 1\)/,
    );
    expect(() => flatCos({ lrMax: 1, totalSteps: 2, pctStart: 0.9 })).toThrow(
      /flatCos: round\(totalSteps × pctStart\) must be in 1 … totalSteps − 1 .* \(got round\(2 × 0.9\) = 2\)/,
    );
    expect(() => flatCos({ lrMax: 1, totalSteps: 8, pct_start: 0.5 } as never)).toThrow(
      new TypeError(
        'flatCos: unknown option pct_start; known options: lrMax, totalSteps, pctStart, finalDiv',
      ),
    );
  });
});

/** PyTorch: `CosineAnnealingWarmRestarts(opt, T_0, T_mult, eta_min)` after each `scheduler.step()`. */
function torchWarmRestarts(
  baseLr: number,
  t0: number,
  tMult: number,
  etaMin: number,
  steps: number,
): number[] {
  const lrs = [baseLr];
  let tCur = 0;
  let tI = t0;
  for (let k = 1; k < steps; k++) {
    tCur += 1;
    if (tCur >= tI) {
      tCur -= tI;
      tI *= tMult;
    }
    lrs.push(etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2);
  }
  return lrs;
}

/** PyTorch's closed form, `scheduler.step(epoch)`. */
function torchWarmRestartsAt(
  baseLr: number,
  t0: number,
  tMult: number,
  etaMin: number,
  epoch: number,
): number {
  let tCur: number;
  let tI: number;
  if (tMult === 1) {
    tCur = epoch % t0;
    tI = t0;
  } else {
    const n = Math.floor(Math.log((epoch / t0) * (tMult - 1) + 1) / Math.log(tMult));
    tCur = epoch - (t0 * (tMult ** n - 1)) / (tMult - 1);
    tI = t0 * tMult ** n;
  }
  return etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
}

describe('sgdr (PyTorch CosineAnnealingWarmRestarts)', () => {
  it('matches PyTorch step by step and in closed form, restarts included', () => {
    for (const [cycleSteps, cycleMult, cycles, finalDiv] of [
      [10, 1, 4, Number.POSITIVE_INFINITY],
      [7, 2, 4, 100],
      [3, 3, 3, 10],
    ] as const) {
      const s = sgdr({ lrMax: 0.1, cycleSteps, cycleMult, cycles, finalDiv });
      const expectedTotal = Array.from({ length: cycles }, (_, i) => cycleSteps * cycleMult ** i).reduce(
        (a, b) => a + b,
      );
      expect(s.totalSteps).toBe(expectedTotal);
      const stepped = torchWarmRestarts(0.1, cycleSteps, cycleMult, 0.1 / finalDiv, expectedTotal);
      stepped.forEach((lr, k) => {
        expectRelative(s.at(k), lr, 1e-12);
        expectRelative(s.at(k), torchWarmRestartsAt(0.1, cycleSteps, cycleMult, 0.1 / finalDiv, k), 1e-12);
      });
      expect(s.at(expectedTotal)).toBe(0.1 / finalDiv);
      expect(s.at(expectedTotal + 50)).toBe(0.1 / finalDiv);
    }
  });

  it('differs from fastai v1 fit_sgdr (join of the cycles) only on the restart steps', () => {
    const s = sgdr({ lrMax: 0.1, cycleSteps: 5, cycleMult: 2, cycles: 3 });
    const fastai = join([5, 10, 20].map((n) => anneal(0.1, 0, n, annealCos)));
    const restarts = [5, 15];
    for (let k = 0; k <= 35; k++) {
      if (restarts.includes(k)) {
        expect([s.at(k), fastai.at(k)]).toEqual([0.1, 0]);
      } else {
        expect(s.at(k)).toBe(fastai.at(k));
      }
    }
  });

  it('rejects bad options by name', () => {
    expect(() => sgdr({ lrMax: 0.1, cycleSteps: 0, cycles: 1 })).toThrow(
      new RangeError('sgdr: cycleSteps must be an integer ≥ 1 (got 0)'),
    );
    expect(() => sgdr({ lrMax: 0.1, cycleSteps: 5, cycles: 2, cycleMult: 1.5 })).toThrow(
      /sgdr: cycleMult must be an integer ≥ 1/,
    );
    expect(() => sgdr({ lrMax: 0.1, cycleSteps: 5, cycles: 0 })).toThrow(
      /sgdr: cycles must be an integer ≥ 1/,
    );
    expect(() => sgdr({ lrMax: 0.1, cycleSteps: 5, cycles: 2, T_mult: 2 } as never)).toThrow(TypeError);
    expect(() => sgdr({ lrMax: 0.1, cycleSteps: 5, cycles: 2 }).at(-1)).toThrow(RangeError);
  });
});

/** optax: `warmup_cosine_decay_schedule(init_value, peak_value, warmup_steps, decay_steps, end_value)`. */
function optaxWarmupCosine(
  init: number,
  peak: number,
  warmup: number,
  decaySteps: number,
  end: number,
  step: number,
) {
  const linear = (count: number) => {
    const c = Math.min(Math.max(count, 0), warmup);
    const frac = 1 - c / warmup;
    return (init - peak) * frac + peak;
  };
  const cosineDecay = (count: number) => {
    const steps = decaySteps - warmup;
    const c = Math.min(count, steps);
    const cosine = 0.5 * (1 + Math.cos((Math.PI * c) / steps));
    const alpha = end / peak;
    return peak * ((1 - alpha) * cosine + alpha);
  };
  return step < warmup ? linear(step) : cosineDecay(step - warmup);
}

describe('warmupCosine (optax warmup_cosine_decay_schedule)', () => {
  it('matches optax at every step', () => {
    for (const [warmupSteps, totalSteps, divFactor, finalDiv] of [
      [100, 1000, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
      [7, 50, 10, 1e3],
      [0, 20, 25, 1e4],
    ] as const) {
      const s = warmupCosine({ lrMax: 3e-4, totalSteps, warmupSteps, divFactor, finalDiv });
      expect(s.totalSteps).toBe(totalSteps);
      for (let k = 0; k <= totalSteps + 3; k++) {
        const expected = optaxWarmupCosine(
          3e-4 / divFactor,
          3e-4,
          warmupSteps,
          totalSteps,
          3e-4 / finalDiv,
          k,
        );
        expect(Math.abs(s.at(k) - expected)).toBeLessThanOrEqual(1e-12 * 3e-4);
      }
    }
  });

  it('rejects bad options by name', () => {
    expect(() => warmupCosine({ lrMax: 1, totalSteps: 10, warmupSteps: 10 })).toThrow(
      new RangeError('warmupCosine: warmupSteps must be an integer in 0 … totalSteps − 1 = 9 (got 10)'),
    );
    expect(() => warmupCosine({ lrMax: -1, totalSteps: 10, warmupSteps: 1 })).toThrow(/warmupCosine: lrMax/);
    expect(() => warmupCosine({ lrMax: 1, totalSteps: 10, warmupSteps: 1, finalDiv: 0 })).toThrow(
      /warmupCosine: finalDiv must be a number > 0 \(Infinity allowed\)/,
    );
    expect(() => warmupCosine({ lrMax: 1, totalSteps: 10, warmup_steps: 1 } as never)).toThrow(TypeError);
  });
});
