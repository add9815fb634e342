/**
 * An annealing function: the value between `start` and `end` at `pct` ∈ [0, 1] of the way.
 * `pct = 0` gives `start`, `pct = 1` gives `end` (up to rounding).
 *
 * @example
 * ```ts
 * import { type AnnealFunc, annealCos } from '@onecycle/annealing';
 * const f: AnnealFunc = annealCos;
 * f(1, 0, 0.5); // 0.5
 * ```
 */
export type AnnealFunc = (start: number, end: number, pct: number) => number;
