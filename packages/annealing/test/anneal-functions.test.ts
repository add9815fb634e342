import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annealCos, annealExp, annealLinear, annealNo, annealPoly } from '../src/index.js';

describe('annealing functions (fastai v1 formulas)', () => {
  it('annealNo always gives start', () => {
    expect(annealNo(0.95, 0.85, 0)).toBe(0.95);
    expect(annealNo(0.95, 0.85, 0.7)).toBe(0.95);
    expect(annealNo(0.95, 0.85, 1)).toBe(0.95);
  });

  it('annealLinear is start + pct·(end − start)', () => {
    expect(annealLinear(0, 10, 0.25)).toBe(2.5);
    expect(annealLinear(0.002, 0.05, 0.5)).toBeCloseTo(0.026, 15);
    expect(annealLinear(1, 3, 0)).toBe(1);
    expect(annealLinear(1, 3, 1)).toBe(3);
  });

  it('annealExp is start·(end/start)^pct', () => {
    expect(annealExp(1e-7, 10, 0)).toBe(1e-7);
    expect(annealExp(1e-7, 10, 1)).toBeCloseTo(10, 12);
    // 1e-7 · (1e8)^0.5 = 1e-3
    expect(annealExp(1e-7, 10, 0.5)).toBeCloseTo(1e-3, 15);
    expect(annealExp(2, 8, 0.5)).toBeCloseTo(4, 14);
  });

  it('annealExp rejects a non-positive start or end, naming it', () => {
    expect(() => annealExp(0, 1, 0.5)).toThrow(new RangeError('annealExp: start must be > 0 (got 0)'));
    expect(() => annealExp(1, -1, 0.5)).toThrow(new RangeError('annealExp: end must be > 0 (got -1)'));
    expect(() => annealExp(Number.NaN, 1, 0.5)).toThrow(/start must be > 0 \(got NaN\)/);
  });

  it('annealCos is end + (start − end)/2·(cos(π·pct) + 1)', () => {
    expect(annealCos(0.1, 0, 0)).toBe(0.1);
    expect(annealCos(0.1, 0, 1)).toBe(0);
    expect(annealCos(0.1, 0, 0.5)).toBeCloseTo(0.05, 16);
    // 0.05·(cos(π/4) + 1) = 0.05·1.7071067811865475
    expect(annealCos(0.1, 0, 0.25)).toBeCloseTo(0.08535533905932738, 16);
    expect(annealCos(0.85, 0.95, 1 / 3)).toBeCloseTo(0.95 - 0.05 * 1.5, 15);
  });

  it('annealPoly(degree) is end + (start − end)·(1 − pct)^degree', () => {
    expect(annealPoly(2)(1, 0, 0.5)).toBe(0.25);
    expect(annealPoly(1)(0, 10, 0.3)).toBeCloseTo(3, 14);
    expect(annealPoly(0.5)(4, 0, 0.75)).toBeCloseTo(2, 14);
    expect(annealPoly(3)(1, 0, 1)).toBe(0);
  });

  it('annealPoly rejects a negative, NaN or infinite degree', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => annealPoly(bad)).toThrow(RangeError);
    }
    expect(() => annealPoly(-1)).toThrow('annealPoly: degree must be a finite number ≥ 0 (got -1)');
  });

  it('every function starts at start, ends at end and stays between them (property)', () => {
    const value = fc.double({ min: 1e-6, max: 1e3, noNaN: true });
    fc.assert(
      fc.property(value, value, fc.double({ min: 0, max: 1, noNaN: true }), (start, end, pct) => {
        // the fastai formulas round relative to the larger end point (cos: end + (start − end))
        const tol = Math.max(start, end) * 1e-12;
        const lo = Math.min(start, end) - tol;
        const hi = Math.max(start, end) + tol;
        for (const f of [annealLinear, annealExp, annealCos, annealPoly(2)]) {
          const v = f(start, end, pct);
          expect(v).toBeGreaterThanOrEqual(lo);
          expect(v).toBeLessThanOrEqual(hi);
          expect(Math.abs(f(start, end, 0) - start)).toBeLessThanOrEqual(tol);
          expect(Math.abs(f(start, end, 1) - end)).toBeLessThanOrEqual(tol);
        }
      }),
    );
  });
});
