import { checkSchedule, checkStep } from './check-arguments.js';
import type { Schedule } from './schedule.js';

/**
 * One schedule per parameter group, as one schedule of arrays (discriminative learning rates):
 * `at(step)` is `[groups[0].at(step), groups[1].at(step), …]`. `totalSteps` is the longest
 * group's; a shorter group keeps its final value.
 *
 * @param groups - One schedule per parameter group (at least one).
 * @throws RangeError if `groups` is empty; TypeError if an entry is not a schedule.
 * @example
 * ```ts
 * import { anneal, perGroup } from '@onecycle/annealing';
 * const lr = perGroup([anneal(1e-5, 1e-4, 10), anneal(1e-4, 1e-3, 10)]);
 * lr.at(10); // [1e-4, 1e-3]
 * ```
 */
export function perGroup(groups: readonly Schedule<number>[]): Schedule<number[]> {
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new RangeError('perGroup: groups must be a non-empty array of schedules (got none)');
  }
  groups.forEach((group, i) => {
    checkSchedule('perGroup', `groups[${i}]`, group);
  });
  const list = [...groups];
  return {
    totalSteps: Math.max(...list.map((g) => g.totalSteps)),
    at(step: number): number[] {
      checkStep('perGroup.at', step);
      const values: number[] = [];
      for (let g = 0; g < list.length; g++) values.push(list[g]!.at(step));
      return values;
    },
  };
}
