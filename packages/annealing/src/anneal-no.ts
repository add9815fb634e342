/**
 * No annealing: always `start` (fastai's `annealing_no`).
 *
 * @param start - The value returned.
 * @param _end - Ignored.
 * @param _pct - Ignored.
 * @example
 * ```ts
 * import { annealNo } from '@onecycle/annealing';
 * annealNo(0.95, 0.85, 0.7); // 0.95
 * ```
 */
export function annealNo(start: number, _end: number, _pct: number): number {
  return start;
}
