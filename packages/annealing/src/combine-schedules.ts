import { anneal } from './anneal.js';
import type { AnnealFunc } from './anneal-func.js';
import { annealLinear } from './anneal-linear.js';
import { checkInteger } from './check-arguments.js';
import { join } from './join.js';
import type { Schedule } from './schedule.js';

/**
 * One phase of {@link combineSchedules}: its share of the steps and what it anneals.
 *
 * @example
 * ```ts
 * const warmUp: SchedulePhase = { pct: 0.1, start: 1e-4, end: 1e-2, func: annealLinear };
 * ```
 */
export interface SchedulePhase {
  /** The fraction of the steps this phase takes, in (0, 1]; the fractions sum to 1. */
  readonly pct: number;
  /** The value at the phase's start. */
  readonly start: number;
  /** The value at the phase's end. */
  readonly end: number;
  /** The annealing function (default {@link annealLinear}). */
  readonly func?: AnnealFunc;
}

/**
 * Splits `totalSteps` into phases by fraction and anneals each one (fastai's `combine_scheds`):
 * a {@link join} of {@link anneal}s. Phase `i` gets
 * `round(totalSteps · (pct_0 + … + pct_i)) − round(totalSteps · (pct_0 + … + pct_{i−1}))` steps,
 * so the lengths always add up to `totalSteps`.
 *
 * This is how to express PyTorch users' "pct_end" (a flat tail after the decay): give the last
 * phase {@link annealNo}.
 *
 * @param totalSteps - The total number of steps, an integer ≥ the number of phases.
 * @param phases - The phases in order; their `pct` must sum to 1 (within 1e-9).
 * @throws RangeError if `totalSteps` is not an integer ≥ 1, a `pct` is outside (0, 1], the
 *   fractions do not sum to 1, a phase would get no step, or a phase's start/end is invalid.
 * @example
 * ```ts
 * import { annealCos, annealLinear, annealNo, combineSchedules } from '@onecycle/annealing';
 * // 10% linear warm-up, 70% cosine decay, then 20% flat at the minimum ("pct_end = 0.2")
 * const lr = combineSchedules(1000, [
 *   { pct: 0.1, start: 1e-4, end: 1e-2, func: annealLinear },
 *   { pct: 0.7, start: 1e-2, end: 1e-5, func: annealCos },
 *   { pct: 0.2, start: 1e-5, end: 1e-5, func: annealNo },
 * ]);
 * lr.at(100); // 1e-2
 * lr.at(900); // 1e-5
 * ```
 */
export function combineSchedules(totalSteps: number, phases: readonly SchedulePhase[]): Schedule<number> {
  checkInteger('combineSchedules', 'totalSteps', totalSteps, 1);
  if (!Array.isArray(phases) || phases.length === 0) {
    throw new RangeError('combineSchedules: phases must be a non-empty array (got none)');
  }
  let sum = 0;
  phases.forEach((phase, i) => {
    if (!(phase.pct > 0 && phase.pct <= 1)) {
      throw new RangeError(`combineSchedules: phases[${i}].pct must be in (0, 1] (got ${String(phase.pct)})`);
    }
    sum += phase.pct;
  });
  if (Math.abs(sum - 1) > 1e-9) {
    throw new RangeError(`combineSchedules: the phases' pct must sum to 1 (got ${sum})`);
  }
  if (totalSteps < phases.length) {
    throw new RangeError(
      `combineSchedules: totalSteps must be ≥ the number of phases (${phases.length}) so each gets a step (got ${totalSteps})`,
    );
  }
  let cumulative = 0;
  let previousEnd = 0;
  const annealed = phases.map((phase, i) => {
    cumulative += phase.pct;
    const endIndex = i === phases.length - 1 ? totalSteps : Math.round(totalSteps * cumulative);
    const steps = endIndex - previousEnd;
    if (steps < 1) {
      throw new RangeError(
        `combineSchedules: phases[${i}].pct = ${phase.pct} gives no step out of totalSteps = ${totalSteps}; use a larger pct or totalSteps`,
      );
    }
    previousEnd = endIndex;
    try {
      return anneal(phase.start, phase.end, steps, phase.func ?? annealLinear);
    } catch (error) {
      if (error instanceof RangeError)
        throw new RangeError(`combineSchedules: phases[${i}]: ${error.message}`);
      throw error;
    }
  });
  return join(annealed);
}
