import { checkInteger, checkStep } from './check-arguments.js';
import type { Schedule } from './schedule.js';

/**
 * The same value at every step (optax's `constant_schedule`; what `fit` trains with).
 *
 * @param value - The value (any type: a number, one per group, a record).
 * @param steps - The number of steps, an integer ≥ 1.
 * @throws RangeError if `steps` is not an integer ≥ 1.
 * @example
 * ```ts
 * import { constant } from '@onecycle/annealing';
 * constant(1e-3, 100).at(42); // 1e-3
 * ```
 */
export function constant<V>(value: V, steps: number): Schedule<V> {
  checkInteger('constant', 'steps', steps, 1);
  return {
    totalSteps: steps,
    at(step: number): V {
      checkStep('constant.at', step);
      return value;
    },
  };
}
