import { describe, expect, it } from 'vitest';
import { type OneCycleOptions, oneCycle, type TorchOneCycleOptions, torchOneCycle } from '../src/index.js';

const ok = { lrMax: 0.1, totalSteps: 100 };

function oneCycleError(options: Record<string, unknown>): unknown {
  try {
    oneCycle(options as unknown as OneCycleOptions);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('oneCycle rejects bad options, naming the option and the allowed range', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ ...ok, lrMax: 0 }, 'oneCycle: lrMax must be a finite number > 0 (got 0)'],
    [{ ...ok, lrMax: -1 }, 'oneCycle: lrMax must be a finite number > 0 (got -1)'],
    [{ ...ok, lrMax: Number.NaN }, 'oneCycle: lrMax must be a finite number > 0 (got NaN)'],
    [
      { ...ok, lrMax: Number.POSITIVE_INFINITY },
      'oneCycle: lrMax must be a finite number > 0 (got Infinity)',
    ],
    [{ ...ok, lrMax: [1e-3, -1] }, 'oneCycle: lrMax[1] must be a finite number > 0 (got -1)'],
    [
      { ...ok, lrMax: [] },
      'oneCycle: lrMax must be a number > 0 or a non-empty array of numbers > 0 (got [])',
    ],
    [
      { ...ok, lrMax: '0.1' },
      "oneCycle: lrMax must be a number > 0 or a non-empty array of numbers > 0 (got '0.1')",
    ],
    [{ ...ok, totalSteps: 1 }, 'oneCycle: totalSteps must be an integer ≥ 2 (got 1)'],
    [{ ...ok, totalSteps: 0 }, 'oneCycle: totalSteps must be an integer ≥ 2 (got 0)'],
    [{ ...ok, totalSteps: 10.5 }, 'oneCycle: totalSteps must be an integer ≥ 2 (got 10.5)'],
    [{ lrMax: 0.1 }, 'oneCycle: totalSteps must be an integer ≥ 2 (got undefined)'],
    [{ ...ok, pctStart: 0 }, 'oneCycle: pctStart must be a number in (0, 1) (got 0)'],
    [{ ...ok, pctStart: 1 }, 'oneCycle: pctStart must be a number in (0, 1) (got 1)'],
    [{ ...ok, pctStart: Number.NaN }, 'oneCycle: pctStart must be a number in (0, 1) (got NaN)'],
    [{ ...ok, divFactor: 0 }, 'oneCycle: divFactor must be a finite number > 0 (got 0)'],
    [{ ...ok, divFactor: -25 }, 'oneCycle: divFactor must be a finite number > 0 (got -25)'],
    [{ ...ok, finalDiv: 0 }, 'oneCycle: finalDiv must be a number > 0 (Infinity allowed) (got 0)'],
    [{ ...ok, moms: [1.1, 0.85] }, 'oneCycle: moms[0] must be a number in [0, 1] (got 1.1)'],
    [{ ...ok, moms: [0.95, -0.1] }, 'oneCycle: moms[1] must be a number in [0, 1] (got -0.1)'],
    [
      { ...ok, moms: [0.95] },
      'oneCycle: moms must be a pair [start, middle] of numbers in [0, 1] (got 0.95)',
    ],
    [
      { ...ok, variant: 'cosine' },
      "oneCycle: variant must be one of 'fastai', 'seed', 'smith' (got 'cosine')",
    ],
    [{ ...ok, variant: 'smith', pctEnd: 1 }, 'oneCycle: pctEnd must be a number in (0, 1) (got 1)'],
  ];
  it.each(cases)('%o → %s', (options, message) => {
    const error = oneCycleError(options);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe(message);
  });

  it('pctStart/pctEnd only where they apply', () => {
    expect(oneCycleError({ ...ok, variant: 'smith', pctStart: 0.3 })).toBeInstanceOf(RangeError);
    expect(String(oneCycleError({ ...ok, variant: 'smith', pctStart: 0.3 }))).toMatch(
      /pctStart does not apply to variant 'smith'.*pctEnd/,
    );
    expect(String(oneCycleError({ ...ok, pctEnd: 0.1 }))).toMatch(/pctEnd applies only to variant 'smith'/);
  });

  it('unknown options are a TypeError with a hint', () => {
    const error = oneCycleError({ maxLr: 0.1, totalSteps: 10 });
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^oneCycle: unknown option maxLr \(did you mean lrMax\?\)/);
    expect(String(oneCycleError({ ...ok, pct_start: 0.3 }))).toMatch(/did you mean pctStart/);
  });
});

describe('torchOneCycle rejects bad options, naming the option and the allowed range', () => {
  const base = { maxLr: 0.1, totalSteps: 100 };
  const cases: [Record<string, unknown>, string][] = [
    [{ ...base, maxLr: 0 }, 'torchOneCycle: maxLr must be a finite number > 0 (got 0)'],
    [{ ...base, maxLr: [0.1, Number.NaN] }, 'torchOneCycle: maxLr[1] must be a finite number > 0 (got NaN)'],
    [{ ...base, totalSteps: 1 }, 'torchOneCycle: totalSteps must be an integer ≥ 2 (got 1)'],
    [{ maxLr: 0.1 }, 'torchOneCycle: totalSteps must be given (an integer ≥ 2), or epochs and stepsPerEpoch'],
    [{ maxLr: 0.1, epochs: 2 }, 'torchOneCycle: stepsPerEpoch must be an integer ≥ 1 (got undefined)'],
    [{ maxLr: 0.1, epochs: 0, stepsPerEpoch: 5 }, 'torchOneCycle: epochs must be an integer ≥ 1 (got 0)'],
    [
      { maxLr: 0.1, epochs: 1, stepsPerEpoch: 1 },
      'torchOneCycle: epochs × stepsPerEpoch must be ≥ 2 (got 1)',
    ],
    [{ ...base, pctStart: 1.5 }, 'torchOneCycle: pctStart must be a number in (0, 1) (got 1.5)'],
    [
      { ...base, annealStrategy: 'exp' },
      "torchOneCycle: annealStrategy must be one of 'cos', 'linear' (got 'exp')",
    ],
    [{ ...base, divFactor: 0 }, 'torchOneCycle: divFactor must be a finite number > 0 (got 0)'],
    [{ ...base, finalDivFactor: -1 }, 'torchOneCycle: finalDivFactor must be a finite number > 0 (got -1)'],
    [{ ...base, baseMomentum: 2 }, 'torchOneCycle: baseMomentum must be a number in [0, 1] (got 2)'],
    [{ ...base, maxMomentum: -0.5 }, 'torchOneCycle: maxMomentum must be a number in [0, 1] (got -0.5)'],
  ];
  it.each(cases)('%o → %s', (options, message) => {
    expect(() => torchOneCycle(options as unknown as TorchOneCycleOptions)).toThrow(new RangeError(message));
  });

  it('type errors: booleans and unknown options', () => {
    expect(() => torchOneCycle({ ...base, threePhase: 'yes' } as unknown as TorchOneCycleOptions)).toThrow(
      new TypeError("torchOneCycle: threePhase must be true or false (got 'yes')"),
    );
    expect(() => torchOneCycle({ ...base, max_lr: 0.1 } as unknown as TorchOneCycleOptions)).toThrow(
      /unknown option max_lr \(did you mean maxLr\?\)/,
    );
    expect(() => torchOneCycle({ lrMax: 0.1, totalSteps: 10 } as unknown as TorchOneCycleOptions)).toThrow(
      TypeError,
    );
  });
});
