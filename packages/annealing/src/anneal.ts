import type { AnnealFunc } from './anneal-func.js';
import { annealLinear } from './anneal-linear.js';
import { checkFinite, checkInteger, checkStep } from './check-arguments.js';
import type { Schedule } from './schedule.js';

/**
 * A value annealed from `start` to `end` over `steps` steps along an annealing function (fastai's
 * `Scheduler`, optax's `*_schedule`). Step 0 is `start`; step `p` in (0, steps) is
 * `func(start, end, p / steps)`; step `steps` and beyond is `end`. A 0-step anneal lasts one
 * step, as fastai pads it (`max(1, n_iter)`).
 *
 * @param start - The value at step 0 (finite).
 * @param end - The value at step `steps` (finite).
 * @param steps - The number of steps, an integer ≥ 0.
 * @param func - The annealing function (default {@link annealLinear}).
 * @throws RangeError naming the bad parameter, or the error `func` throws for these end points
 *   (for example {@link annealExp} with a non-positive start or end).
 * @example
 * ```ts
 * import { anneal, annealCos } from '@onecycle/annealing';
 * const s = anneal(0.1, 0, 4, annealCos);
 * s.at(0); // 0.1
 * s.at(2); // 0.05
 * s.at(9); // 0
 * ```
 */
export function anneal(
  start: number,
  end: number,
  steps: number,
  func: AnnealFunc = annealLinear,
): Schedule<number> {
  checkFinite('anneal', 'start', start);
  checkFinite('anneal', 'end', end);
  checkInteger('anneal', 'steps', steps, 0);
  if (typeof func !== 'function') throw new TypeError('anneal: func must be an annealing function');
  func(start, end, 0.5); // surfaces the function's own argument errors now, not mid-training
  const totalSteps = Math.max(1, steps);
  return {
    totalSteps,
    at(step: number): number {
      if (step > 0 && step < totalSteps) return func(start, end, step / totalSteps);
      checkStep('anneal.at', step);
      return step === 0 ? start : end;
    },
  };
}
