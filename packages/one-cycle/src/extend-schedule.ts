import { checkInteger } from './check-options.js';
import type { ResumableSchedule, ScheduleValues } from './schedule-types.js';

/**
 * Extends (or shortens) a schedule when training resumes at step `from` with a new total of
 * `totalSteps` steps. The rule: steps before `from` keep their values, and the rest of the
 * original schedule — from `from` to its end — is stretched evenly over the new remaining steps:
 *
 * `at'(k) = at(k)` for `k < from`, else `at(from + (k − from) · (T − from) / (T' − from))`
 *
 * where `T` is the old and `T'` the new total. The values continue without a jump at `from`, keep
 * the shape of the remaining phases (a warm-up still reaches the peak, the decay still ends at
 * the final value, at step `T'`), and a finished schedule (`from ≥ T`) stays at its final values.
 * Positions between batches are evaluated with the same formulas (they accept fractional steps).
 *
 * @param schedule - A schedule from `oneCycle`, `torchOneCycle` or a previous extension.
 * @param from - The position to resume at: the index of the next batch, an integer ≥ 0.
 * @param totalSteps - The new total number of steps, an integer > `from` and ≥ 2.
 * @throws RangeError naming `from` or `totalSteps` when out of range.
 * @example
 * ```ts
 * import { extendSchedule, oneCycle } from '@onecycle/one-cycle';
 * const planned = oneCycle({ lrMax: 0.05, totalSteps: 1000 });
 * // stopped after 400 batches; resume with 1000 more instead of 600
 * const longer = extendSchedule(planned, 400, 1400);
 * longer.at(400); // same as planned.at(400)
 * longer.at(900); // planned.at(700): the remaining 600 steps spread over 1000
 * longer.at(1400); // planned's final values
 * ```
 */
export function extendSchedule<V extends ScheduleValues>(
  schedule: ResumableSchedule<V>,
  from: number,
  totalSteps: number,
): ResumableSchedule<V> {
  checkInteger('extendSchedule', 'from', from, 0);
  checkInteger('extendSchedule', 'totalSteps', totalSteps, Math.max(2, from + 1));
  const oldTotal = schedule.totalSteps;
  const scale = Math.max(0, oldTotal - from) / (totalSteps - from);
  const base = schedule;
  return {
    totalSteps,
    spec: { ...base.spec, extensions: [...base.spec.extensions, { from, totalSteps }] },
    at: (step: number): V => (step < from ? base.at(step) : base.at(from + (step - from) * scale)),
  };
}
