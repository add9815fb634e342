import { checkSchedule, checkStep } from './check-arguments.js';
import type { Schedule } from './schedule.js';

/**
 * Several schedules one after the other, as one schedule of `Σ totalSteps` steps (optax's
 * `join_schedules` with fastai's phase stepping). Step 0 is the first phase's step 0; step `p` with
 * `offset_i < p ≤ offset_i + n_i` is phase `i` at `p − offset_i`, so a phase's last step gives its
 * final value and the next phase continues from its step 1. Steps past the end give the last
 * phase's final value.
 *
 * @param phases - One or more schedules, in order.
 * @throws RangeError if `phases` is empty; TypeError if an entry is not a schedule.
 * @example
 * ```ts
 * import { anneal, annealCos, join } from '@onecycle/annealing';
 * const warmupThenCos = join([anneal(0, 1e-2, 100), anneal(1e-2, 0, 900, annealCos)]);
 * warmupThenCos.totalSteps; // 1000
 * warmupThenCos.at(100);    // 1e-2
 * warmupThenCos.at(550);    // 5e-3
 * ```
 */
export function join<V>(phases: readonly Schedule<V>[]): Schedule<V> {
  if (!Array.isArray(phases) || phases.length === 0) {
    throw new RangeError('join: phases must be a non-empty array of schedules (got none)');
  }
  phases.forEach((phase, i) => {
    checkSchedule('join', `phases[${i}]`, phase);
  });
  const list = [...phases];
  const offsets: number[] = [];
  const ends: number[] = [];
  let total = 0;
  for (const phase of list) {
    offsets.push(total);
    total += phase.totalSteps;
    ends.push(total);
  }
  const last = list.length - 1;
  return {
    totalSteps: total,
    at(step: number): V {
      if (step > 0) {
        let i = 0;
        while (i < last && step > ends[i]!) i++;
        return list[i]!.at(step - offsets[i]!);
      }
      checkStep('join.at', step);
      return list[0]!.at(0);
    },
  };
}
