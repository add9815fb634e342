import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anneal,
  annealCos,
  annealExp,
  annealLinear,
  constant,
  HYPERPARAMETER_NAMES,
  hyperparams,
  join,
  perGroup,
  type Schedule,
  Stepper,
} from '../src/index.js';

const cos = (start: number, end: number, pct: number) =>
  end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);

describe('anneal', () => {
  it("is fastai's Scheduler as a pure function: start, func(start, end, p / n), then end", () => {
    const s = anneal(0.1, 0, 4, annealCos);
    expect(s.totalSteps).toBe(4);
    expect([0, 1, 2, 3, 4, 5, 1e9].map((p) => s.at(p))).toEqual([
      0.1,
      cos(0.1, 0, 0.25),
      cos(0.1, 0, 0.5),
      cos(0.1, 0, 0.75),
      0,
      0,
      0,
    ]);
    expect(anneal(1e-3, 1, 10, annealExp).at(2.5)).toBeCloseTo(annealExp(1e-3, 1, 0.25), 15);
    expect(anneal(1, 2, 3).at(1)).toBeCloseTo(4 / 3, 15); // linear by default
  });

  it('pads 0 steps to one step, as fastai does', () => {
    const s = anneal(1, 2, 0, annealLinear);
    expect(s.totalSteps).toBe(1);
    expect([s.at(0), s.at(1)]).toEqual([1, 2]);
  });

  it('rejects bad arguments and steps, naming them', () => {
    expect(() => anneal(Number.NaN, 0, 4)).toThrow(
      new RangeError('anneal: start must be a finite number (got NaN)'),
    );
    expect(() => anneal(0, Number.POSITIVE_INFINITY, 4)).toThrow(/anneal: end must be a finite number/);
    expect(() => anneal(0, 1, 1.5)).toThrow(new RangeError('anneal: steps must be an integer ≥ 0 (got 1.5)'));
    expect(() => anneal(0, 1, 4, annealExp)).toThrow(new RangeError('annealExp: start must be > 0 (got 0)'));
    expect(() => anneal(0, 1, 4, 'cos' as never)).toThrow(TypeError);
    expect(() => anneal(0, 1, 4).at(-1)).toThrow(
      new RangeError('anneal.at: step must be a number ≥ 0 (got -1)'),
    );
    expect(() => anneal(0, 1, 4).at(Number.NaN)).toThrow(RangeError);
  });
});

describe('constant', () => {
  it('gives its value at every step and checks its arguments', () => {
    const s = constant({ lr: 1e-3 }, 5);
    expect(s.totalSteps).toBe(5);
    expect([0, 4, 99].map((p) => s.at(p))).toEqual([{ lr: 1e-3 }, { lr: 1e-3 }, { lr: 1e-3 }]);
    expect(() => constant(1, 0)).toThrow(new RangeError('constant: steps must be an integer ≥ 1 (got 0)'));
    expect(() => s.at(-1)).toThrow(RangeError);
  });
});

describe('join', () => {
  it('warm-up then cosine, with fastai phase boundaries', () => {
    const s = join([anneal(0, 1e-2, 4, annealLinear), anneal(1e-2, 0, 6, annealCos)]);
    expect(s.totalSteps).toBe(10);
    const expected = [
      0,
      0.25 * 1e-2,
      0.5 * 1e-2,
      0.75 * 1e-2,
      1e-2, // the last step of phase 1 is its end value
      ...[1, 2, 3, 4, 5].map((j) => cos(1e-2, 0, j / 6)),
      0,
    ];
    expect(Array.from({ length: 11 }, (_, p) => s.at(p))).toEqual(expected);
    expect(s.at(500)).toBe(0);
  });

  it('three phases of arbitrary lengths; a 0-step anneal lasts one step', () => {
    const s = join([anneal(1, 2, 1), anneal(2, 2, 3), anneal(2, 0, 2)]);
    expect([0, 1, 2, 3, 4, 5, 6].map((p) => s.at(p))).toEqual([1, 2, 2, 2, 2, 1, 0]);
    const padded = join([anneal(0, 1, 0), anneal(1, 0, 2)]);
    expect(padded.totalSteps).toBe(3);
    expect([0, 1, 2, 3].map((p) => padded.at(p))).toEqual([0, 1, 0.5, 0]);
  });

  it('rejects an empty list, non-schedules and bad steps', () => {
    expect(() => join([])).toThrow(
      new RangeError('join: phases must be a non-empty array of schedules (got none)'),
    );
    expect(() => join([{ at: () => 1 } as unknown as Schedule])).toThrow(
      new RangeError('join: phases[0].totalSteps must be an integer ≥ 1 (got undefined)'),
    );
    expect(() => join([5 as unknown as Schedule])).toThrow(TypeError);
    expect(() => join([anneal(0, 1, 1)]).at(-2)).toThrow(
      new RangeError('join.at: step must be a number ≥ 0 (got -2)'),
    );
  });

  it('each phase ends on its end value and the next continues from its step 1 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 5 }), (lengths) => {
        let value = 1;
        const ends: number[] = [];
        const phases = lengths.map((n, i) => {
          const next = i % 2 === 0 ? value * 3 : value / 2;
          const phase = anneal(value, next, n, i % 2 === 0 ? annealLinear : annealCos);
          value = next;
          ends.push(next);
          return phase;
        });
        const s = join(phases);
        let offset = 0;
        phases.forEach((phase, i) => {
          expect(s.at(offset + 1)).toBe(phase.at(1));
          offset += phase.totalSteps;
          expect(s.at(offset)).toBe(ends[i]);
        });
        expect(s.totalSteps).toBe(offset);
        expect(s.at(offset + 7)).toBe(value);
      }),
    );
  });
});

describe('perGroup', () => {
  it('gives one value per group; a shorter group keeps its final value', () => {
    const s = perGroup([anneal(1e-5, 1e-4, 10), anneal(1e-4, 1e-3, 4)]);
    expect(s.totalSteps).toBe(10);
    expect(s.at(0)).toEqual([1e-5, 1e-4]);
    expect(s.at(10)).toEqual([1e-4, 1e-3]);
    expect(s.at(2)[1]).toBeCloseTo(5.5e-4, 15);
    expect(() => perGroup([])).toThrow(RangeError);
    expect(() => perGroup([{} as Schedule])).toThrow(TypeError);
    expect(() => s.at(Number.NaN)).toThrow(
      new RangeError('perGroup.at: step must be a number ≥ 0 (got NaN)'),
    );
  });
});

describe('hyperparams', () => {
  it('is a schedule of records by hyperparameter name (optax inject_hyperparams)', () => {
    const s = hyperparams({ lr: perGroup([anneal(1, 2, 4), anneal(10, 20, 4)]), mom: anneal(0.95, 0.85, 2) });
    expect(s.totalSteps).toBe(4);
    expect(s.at(2)).toEqual({ lr: [1.5, 15], mom: 0.85 });
    const { lr, mom }: { lr: number[]; mom: number } = s.at(4);
    expect([lr, mom]).toEqual([[2, 20], 0.85]);
  });

  it('names the allowed hyperparameters once and rejects others', () => {
    expect(HYPERPARAMETER_NAMES).toEqual(['lr', 'mom', 'beta', 'wd']);
    expect(() => hyperparams({ momentum: anneal(0, 1, 1) } as never)).toThrow(
      new RangeError("hyperparams: unknown hyperparameter 'momentum'; allowed: lr, mom, beta, wd"),
    );
    expect(() => hyperparams({})).toThrow(
      new RangeError('hyperparams: name at least one of lr, mom, beta, wd'),
    );
    expect(() => hyperparams({ lr: 1e-3 as never })).toThrow(TypeError);
    expect(() => hyperparams({ lr: anneal(0, 1, 1) }).at(-1)).toThrow(RangeError);
  });
});

describe('Stepper', () => {
  it('steps like fastai v1: position += 1, then the value there; never past totalSteps', () => {
    const s = new Stepper(anneal(0.1, 0, 4, annealCos));
    expect([s.position, s.value, s.done]).toEqual([0, 0.1, false]);
    const got: number[] = [];
    while (!s.done) got.push(s.step());
    expect(got).toEqual([1, 2, 3, 4].map((k) => s.schedule.at(k)));
    expect(got[3]).toBe(0);
    expect(s.step()).toBe(0);
    expect(s.position).toBe(4);
    s.restart();
    expect([s.position, s.value, s.done]).toEqual([0, 0.1, false]);
  });

  it('resumes from a position and steps any value type', () => {
    const s = new Stepper(hyperparams({ lr: anneal(1, 2, 4), mom: anneal(0.9, 0.8, 4) }), 2);
    expect(s.value).toEqual({ lr: 1.5, mom: s.schedule.at(2).mom });
    expect(s.step().lr).toBe(1.75);
    expect(() => new Stepper(anneal(0, 1, 4), 5)).toThrow(
      new RangeError('Stepper: position must be an integer in 0 … 4 (got 5)'),
    );
    expect(() => new Stepper(anneal(0, 1, 4), -1)).toThrow(RangeError);
    expect(() => new Stepper({} as Schedule)).toThrow(TypeError);
  });
});
