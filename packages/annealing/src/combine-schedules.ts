import type { AnnealFunc } from './anneal-func.js';
import { annealLinear } from './anneal-linear.js';
import { checkInteger } from './check-arguments.js';
import { PhasedScheduler } from './phased-scheduler.js';
import { Scheduler } from './scheduler.js';

/**
 * One phase of {@link combineSchedules}: its share of the iterations and what it anneals.
 *
 * @example
 * ```ts
 * const warmUp: SchedulePhase = { pct: 0.1, start: 1e-4, end: 1e-2, func: annealLinear };
 * ```
 */
export interface SchedulePhase {
  /** The fraction of the `n` iterations this phase takes, in (0, 1]; the fractions sum to 1. */
  readonly pct: number;
  /** The value at the phase's start. */
  readonly start: number;
  /** The value at the phase's end. */
  readonly end: number;
  /** The annealing function (default {@link annealLinear}). */
  readonly func?: AnnealFunc;
}

/**
 * Splits `n` iterations into phases by fraction and anneals each one: a
 * {@link PhasedScheduler} of {@link Scheduler}s. Phase `i` gets
 * `round(n · (pct_0 + … + pct_i)) − round(n · (pct_0 + … + pct_{i−1}))` iterations, so the
 * lengths always add up to `n`.
 *
 * This is how to express PyTorch users' "pct_end" (a flat tail after the decay): give the last
 * phase {@link annealNo}.
 *
 * @param n - The total number of iterations, an integer ≥ the number of phases.
 * @param phases - The phases in order; their `pct` must sum to 1 (within 1e-9).
 * @throws RangeError if `n` is not an integer ≥ 1, a `pct` is outside (0, 1], the fractions do
 *   not sum to 1, a phase would get no iteration, or a phase's start/end is invalid.
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
export function combineSchedules(n: number, phases: readonly SchedulePhase[]): PhasedScheduler {
  checkInteger('combineSchedules', 'n', n, 1);
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
  if (n < phases.length) {
    throw new RangeError(
      `combineSchedules: n must be ≥ the number of phases (${phases.length}) so each gets an iteration (got ${n})`,
    );
  }
  const steppers: Scheduler[] = [];
  let cumulative = 0;
  let previousEnd = 0;
  phases.forEach((phase, i) => {
    cumulative += phase.pct;
    const endIndex = i === phases.length - 1 ? n : Math.round(n * cumulative);
    const length = endIndex - previousEnd;
    if (length < 1) {
      throw new RangeError(
        `combineSchedules: phases[${i}].pct = ${phase.pct} gives no iteration out of n = ${n}; use a larger pct or n`,
      );
    }
    try {
      steppers.push(new Scheduler(phase.start, phase.end, length, phase.func ?? annealLinear));
    } catch (error) {
      if (error instanceof RangeError)
        throw new RangeError(`combineSchedules: phases[${i}]: ${error.message}`);
      throw error;
    }
    previousEnd = endIndex;
  });
  return new PhasedScheduler(steppers);
}
