import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annealCos, annealLinear, PhasedScheduler, Scheduler } from '../src/index.js';

describe('PhasedScheduler', () => {
  it('warm-up then cosine, with fastai phase boundaries', () => {
    const s = new PhasedScheduler([
      new Scheduler(0, 1e-2, 4, annealLinear),
      new Scheduler(1e-2, 0, 6, annealCos),
    ]);
    expect(s.n).toBe(10);
    expect(s.start).toBe(0);
    expect(s.end).toBe(0);
    const expected = [
      0,
      0 + 0.25 * 1e-2,
      0 + 0.5 * 1e-2,
      0 + 0.75 * 1e-2,
      1e-2, // the last position of phase 1 is its end value
      ...[1, 2, 3, 4, 5].map((j) => 0 + (1e-2 / 2) * (Math.cos((Math.PI * j) / 6) + 1)),
      0,
    ];
    const got = [s.value];
    while (!s.isDone) got.push(s.step());
    expect(got.length).toBe(11);
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 17);
    });
    expect(s.phaseIndex(4)).toBe(0);
    expect(s.phaseIndex(5)).toBe(1);
    expect(s.phaseIndex(500)).toBe(1);
    expect(s.at(500)).toBe(0);
    s.restart();
    expect([s.position, s.value]).toEqual([0, 0]);
  });

  it('three phases of arbitrary lengths', () => {
    const s = new PhasedScheduler([new Scheduler(1, 2, 1), new Scheduler(2, 2, 3), new Scheduler(2, 0, 2)]);
    expect([0, 1, 2, 3, 4, 5, 6].map((p) => s.at(p))).toEqual([1, 2, 2, 2, 2, 1, 0]);
  });

  it('rejects an empty phase list', () => {
    expect(() => new PhasedScheduler([])).toThrow(
      new RangeError('PhasedScheduler: phases must be a non-empty array of steppers (got none)'),
    );
    expect(() => new PhasedScheduler([new Scheduler(0, 1, 1)]).at(-2)).toThrow(RangeError);
  });

  it('is continuous at phase boundaries and its step() agrees with at() (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 5 }), (lengths) => {
        let value = 1;
        const phases = lengths.map((n, i) => {
          const next = i % 2 === 0 ? value * 3 : value / 2;
          const phase = new Scheduler(value, next, n, i % 2 === 0 ? annealLinear : annealCos);
          value = next;
          return phase;
        });
        const s = new PhasedScheduler(phases);
        let offset = 0;
        for (const phase of phases) {
          offset += phase.n;
          expect(s.at(offset)).toBe(phase.end);
        }
        expect(s.n).toBe(offset);
        let p = 0;
        while (!s.isDone) expect(s.step()).toBe(s.at(++p));
      }),
    );
  });
});
