/**
 * Linear annealing: `start + pct * (end - start)` (fastai's `annealing_linear`).
 *
 * @param start - The value at `pct = 0`.
 * @param end - The value at `pct = 1`.
 * @param pct - The fraction of the way, usually in [0, 1].
 * @example
 * ```ts
 * import { annealLinear } from '@onecycle/annealing';
 * annealLinear(0, 10, 0.25); // 2.5
 * ```
 */
export function annealLinear(start: number, end: number, pct: number): number {
  return start + pct * (end - start);
}
