/**
 * Exponential annealing: `start * (end / start) ** pct` (fastai's `annealing_exp`), a straight
 * line on a log scale. Used by the learning-rate finder.
 *
 * @param start - The value at `pct = 0`; must be > 0.
 * @param end - The value at `pct = 1`; must be > 0.
 * @param pct - The fraction of the way, usually in [0, 1].
 * @throws RangeError if `start` or `end` is not a positive number.
 * @example
 * ```ts
 * import { annealExp } from '@onecycle/annealing';
 * annealExp(1e-7, 10, 0.5); // ≈ 1e-3
 * ```
 */
export function annealExp(start: number, end: number, pct: number): number {
  if (!(start > 0)) throw new RangeError(`annealExp: start must be > 0 (got ${start})`);
  if (!(end > 0)) throw new RangeError(`annealExp: end must be > 0 (got ${end})`);
  return start * (end / start) ** pct;
}
