import { annealCos, annealExp, annealLinear, annealNo, annealPoly } from '@onecycle/annealing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kernelConstant, kernelFactor, kernelKind, kernelValue } from '../src/anneal-kernel.js';

describe('the inlined annealing kernel (internal)', () => {
  it('recognises the annealing functions and calls any other', () => {
    expect([annealCos, annealLinear, annealNo, annealExp].map(kernelKind)).toEqual([1, 2, 3, 0]);
  });

  it('is bit-identical to the annealing functions it replaces (property)', () => {
    const poly = annealPoly(2);
    fc.assert(
      fc.property(
        fc.double({ min: 1e-9, max: 10, noNaN: true }),
        fc.double({ min: 1e-9, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (start, end, pct) => {
          for (const func of [annealCos, annealLinear, annealNo, annealExp, poly]) {
            const kind = kernelKind(func);
            const value = kernelValue(
              kind,
              func,
              start,
              end,
              kernelConstant(kind, start, end),
              kernelFactor(kind, pct),
              pct,
            );
            expect(Object.is(value, func(start, end, pct))).toBe(true);
          }
        },
      ),
    );
  });
});
