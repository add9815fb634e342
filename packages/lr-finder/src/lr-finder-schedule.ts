import { anneal, annealExp, annealLinear, type Schedule } from '@onecycle/annealing';

/**
 * How the learning rate grows during the range test: `'exp'` (fastai's default, a straight line
 * on a log axis) or `'linear'`.
 *
 * @example
 * ```ts
 * import type { LRFinderMode } from '@onecycle/lr-finder';
 * const mode: LRFinderMode = 'linear';
 * ```
 */
export type LRFinderMode = 'exp' | 'linear';

/**
 * The learning rates of the range test as a schedule (fastai's `LRFinder` sweep): step `i`
 * (0 … numIt − 1) trains with `startLr·(endLr/startLr)^(i/numIt)` (`'exp'`) or
 * `startLr + (endLr − startLr)·i/numIt` (`'linear'`); as in fastai, `endLr` itself is the value
 * of step `numIt`, one past the last iteration. It is `anneal(startLr, endLr, numIt, annealExp)`
 * of `@onecycle/annealing`, with the finder's defaults and checks.
 *
 * @param options - `startLr` (default 1e-7; > 0 for `'exp'`, ≥ 0 for `'linear'`), `endLr`
 *   (default 10; > startLr), `numIt` (default 100; an integer ≥ 1), `mode` (default `'exp'`).
 * @throws RangeError naming the bad option and its allowed range.
 * @example
 * ```ts
 * import { lrFinderSchedule } from '@onecycle/lr-finder';
 * const lrs = lrFinderSchedule({ startLr: 1e-7, endLr: 10, numIt: 100 });
 * lrs.at(0);  // 1e-7
 * lrs.at(50); // ≈ 1e-3
 * ```
 */
export function lrFinderSchedule(
  options: {
    readonly startLr?: number;
    readonly endLr?: number;
    readonly numIt?: number;
    readonly mode?: LRFinderMode;
  } = {},
): Schedule<number> {
  const { startLr = 1e-7, endLr = 10, numIt = 100, mode = 'exp' } = options;
  const where = 'lrFinderSchedule';
  if (mode !== 'exp' && mode !== 'linear') {
    throw new RangeError(`${where}: mode must be 'exp' or 'linear', got ${String(mode)}`);
  }
  if (!Number.isFinite(startLr) || (mode === 'exp' ? startLr <= 0 : startLr < 0)) {
    throw new RangeError(
      `${where}: startLr must be ${mode === 'exp' ? '> 0' : '≥ 0'} and finite, got ${startLr}`,
    );
  }
  if (!Number.isFinite(endLr) || !(endLr > startLr)) {
    throw new RangeError(`${where}: endLr must be finite and > startLr (${startLr}), got ${endLr}`);
  }
  if (!Number.isInteger(numIt) || numIt < 1) {
    throw new RangeError(`${where}: numIt must be an integer ≥ 1, got ${numIt}`);
  }
  return anneal(startLr, endLr, numIt, mode === 'exp' ? annealExp : annealLinear);
}
