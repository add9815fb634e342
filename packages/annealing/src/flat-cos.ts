import { annealCos } from './anneal-cos.js';
import { annealNo } from './anneal-no.js';
import { checkInteger, checkKnownOptions, checkOpenUnit, checkPositive } from './check-arguments.js';
import { combineSchedules } from './combine-schedules.js';
import type { Schedule } from './schedule.js';

/**
 * Options of {@link flatCos}.
 *
 * @example
 * ```ts
 * import type { FlatCosOptions } from '@onecycle/annealing';
 * const options: FlatCosOptions = { lrMax: 1e-3, totalSteps: 1000, pctStart: 0.75 };
 * ```
 */
export interface FlatCosOptions {
  /** The flat learning rate (> 0). */
  readonly lrMax: number;
  /** The number of steps, an integer ≥ 2. */
  readonly totalSteps: number;
  /** The share of steps spent flat, in (0, 1); default 0.75. */
  readonly pctStart?: number;
  /** The last learning rate is `lrMax / finalDiv`; > 0 (Infinity gives 0), default 1e5. */
  readonly finalDiv?: number;
}

/**
 * Flat, then cosine annealing (fastai v2's `fit_flat_cos`): `lrMax` for the first
 * `round(totalSteps × pctStart)` steps, then a cosine down to `lrMax / finalDiv` at `totalSteps`.
 * The phases are split by {@link combineSchedules}; when `totalSteps × pctStart` is a whole
 * number every step equals fastai's `combined_cos(pct_start, lr, lr, lr / div_final)`.
 *
 * @param options - See {@link FlatCosOptions}.
 * @throws RangeError naming the option and its allowed range; TypeError for an unknown option.
 * @example
 * ```ts
 * import { flatCos } from '@onecycle/annealing';
 * const lr = flatCos({ lrMax: 1e-3, totalSteps: 100 });
 * lr.at(75);  // 1e-3 (the last flat step)
 * lr.at(100); // 1e-8
 * ```
 */
export function flatCos(options: FlatCosOptions): Schedule<number> {
  checkKnownOptions('flatCos', options, ['lrMax', 'totalSteps', 'pctStart', 'finalDiv']);
  const { lrMax, totalSteps, pctStart = 0.75, finalDiv = 1e5 } = options;
  checkPositive('flatCos', 'lrMax', lrMax);
  checkInteger('flatCos', 'totalSteps', totalSteps, 2);
  checkOpenUnit('flatCos', 'pctStart', pctStart);
  checkPositive('flatCos', 'finalDiv', finalDiv, true);
  const flat = Math.round(totalSteps * pctStart);
  if (flat < 1 || flat >= totalSteps) {
    throw new RangeError(
      `flatCos: round(totalSteps × pctStart) must be in 1 … totalSteps − 1 so that both phases get a step (got round(${totalSteps} × ${pctStart}) = ${flat})`,
    );
  }
  return combineSchedules(totalSteps, [
    { pct: flat / totalSteps, start: lrMax, end: lrMax, func: annealNo },
    { pct: 1 - flat / totalSteps, start: lrMax, end: lrMax / finalDiv, func: annealCos },
  ]);
}
