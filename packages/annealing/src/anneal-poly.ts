import type { AnnealFunc } from './anneal-func.js';

/**
 * Polynomial annealing of a given degree: returns the function
 * `(start, end, pct) => end + (start - end) * (1 - pct) ** degree` (fastai's `annealing_poly`).
 * Degree 1 is linear; higher degrees fall faster at first.
 *
 * @param degree - The exponent; a finite number ≥ 0.
 * @returns An {@link AnnealFunc}.
 * @throws RangeError if `degree` is negative, NaN or infinite.
 * @example
 * ```ts
 * import { annealPoly } from '@onecycle/annealing';
 * const quad = annealPoly(2);
 * quad(1, 0, 0.5); // 0.25
 * ```
 */
export function annealPoly(degree: number): AnnealFunc {
  if (!(degree >= 0 && degree < Number.POSITIVE_INFINITY)) {
    throw new RangeError(`annealPoly: degree must be a finite number ≥ 0 (got ${degree})`);
  }
  return (start: number, end: number, pct: number): number => end + (start - end) * (1 - pct) ** degree;
}
