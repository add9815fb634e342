import type { IterationStepper as Stepper } from '@onecycle/annealing';
import type { HyperName } from './types.js';

/**
 * A hyperparameter value: one number for every parameter group, or one per group.
 *
 * @example
 * ```ts
 * const v: HyperValue = [1e-4, 1e-3];
 * ```
 */
export type HyperValue = number | readonly number[];

/**
 * The hyperparameter values of one step of a schedule.
 *
 * @example
 * ```ts
 * const v: HyperValues = { lr: 1e-3, mom: 0.9 };
 * ```
 */
export type HyperValues = Partial<Record<HyperName, HyperValue>>;

/**
 * A schedule of hyperparameters by training step: what `oneCycle()` of @onecycle/one-cycle returns,
 * and what {@link stepperSchedule} builds from Steppers. `at(step)` gives the values to train step
 * `step` with (0 ≤ step ≤ totalSteps).
 *
 * @example
 * ```ts
 * const constant: HyperSchedule = { totalSteps: 100, at: () => ({ lr: 1e-3, mom: 0.9 }) };
 * ```
 */
export interface HyperSchedule {
  /** Number of training steps the schedule covers. */
  readonly totalSteps: number;
  /** The values for training step `step`. */
  at(step: number): HyperValues;
}

/**
 * One Stepper, or phases: a list of Steppers run one after the other.
 *
 * @example
 * ```ts
 * const p: StepperPhases = [new Scheduler(1e-4, 1e-2, 30, annealCos), new Scheduler(1e-2, 1e-6, 70, annealCos)];
 * ```
 */
export type StepperPhases = Stepper | readonly Stepper[];

/**
 * Different Steppers (or phases) for each parameter group.
 *
 * @example
 * ```ts
 * const g: PerGroupSteppers = { perGroup: [new Scheduler(1e-5, 1e-4, 100), new Scheduler(1e-4, 1e-3, 100)] };
 * ```
 */
export interface PerGroupSteppers {
  /** One entry per parameter group. */
  readonly perGroup: readonly StepperPhases[];
}

/**
 * Steppers by hyperparameter name.
 *
 * @example
 * ```ts
 * const spec: StepperSchedules = {
 *   lr: [new Scheduler(1e-4, 1e-2, 30, annealCos), new Scheduler(1e-2, 1e-6, 70, annealCos)],
 *   mom: [new Scheduler(0.95, 0.85, 30, annealCos), new Scheduler(0.85, 0.95, 70, annealCos)],
 * };
 * ```
 */
export type StepperSchedules = Partial<Record<HyperName, StepperPhases | PerGroupSteppers>>;

const HYPER_NAMES: readonly HyperName[] = ['lr', 'mom', 'beta', 'wd'];

function isStepper(x: unknown): x is Stepper {
  return (
    x != null &&
    typeof x === 'object' &&
    typeof (x as Stepper).at === 'function' &&
    typeof (x as Stepper).n === 'number'
  );
}

/** Total length and a pure value function of phases, with fastai v1's phase semantics. */
function phasesFn(phases: StepperPhases, what: string): { total: number; at: (step: number) => number } {
  const list: readonly Stepper[] = Array.isArray(phases) ? phases : [phases as Stepper];
  if (list.length === 0) throw new RangeError(`${what}: needs at least one Stepper`);
  list.forEach((s, i) => {
    if (!isStepper(s)) throw new TypeError(`${what}[${i}] is not a Stepper (needs n and at(position))`);
    if (!Number.isInteger(s.n) || s.n < 1)
      throw new RangeError(`${what}[${i}].n must be an integer ≥ 1, got ${s.n}`);
  });
  const total = list.reduce((t, s) => t + s.n, 0);
  return {
    total,
    at(step: number): number {
      // Step 0 is the first phase's start; each phase then contributes positions 1 … n, so a
      // phase's own start value is skipped once the previous phase has reached its end
      // (fastai v1's GeneralScheduler/OneCycleScheduler behave the same).
      if (step <= 0) return list[0]!.at(0);
      let rest = step;
      for (const s of list) {
        if (rest <= s.n) return s.at(rest);
        rest -= s.n;
      }
      const last = list[list.length - 1]!;
      return last.at(last.n);
    },
  };
}

/**
 * Turns Steppers (one per hyperparameter, or phases run one after the other, optionally per
 * parameter group) into a {@link HyperSchedule}. The Steppers are only read through their pure
 * `at(position)`; they are not stepped. Step 0 is the start value; a list of phases of lengths
 * n₁, n₂, … covers n₁ + n₂ + … steps. `totalSteps` is the longest hyperparameter schedule; a
 * shorter one keeps its end value.
 *
 * @example
 * ```ts
 * import { Scheduler, annealLinear } from '@onecycle/annealing';
 * const s = stepperSchedule({ lr: new Scheduler(0.1, 0.2, 10, annealLinear) });
 * s.totalSteps; // 10
 * s.at(5);      // { lr: 0.15 }
 * ```
 */
export function stepperSchedule(spec: StepperSchedules): HyperSchedule {
  if (spec == null || typeof spec !== 'object') {
    throw new TypeError('stepperSchedule: spec must be an object of Steppers by hyperparameter name');
  }
  const fns: { name: HyperName; total: number; at: (step: number) => HyperValue }[] = [];
  for (const [key, value] of Object.entries(spec)) {
    if (value === undefined) continue;
    if (!HYPER_NAMES.includes(key as HyperName)) {
      throw new RangeError(
        `stepperSchedule: unknown hyperparameter "${key}"; allowed: ${HYPER_NAMES.join(', ')}`,
      );
    }
    const name = key as HyperName;
    if (typeof value === 'object' && 'perGroup' in value) {
      const groups = value.perGroup.map((p, g) => phasesFn(p, `stepperSchedule: ${name}.perGroup[${g}]`));
      if (groups.length === 0) throw new RangeError(`stepperSchedule: ${name}.perGroup must not be empty`);
      fns.push({
        name,
        total: Math.max(...groups.map((g) => g.total)),
        at: (step) => groups.map((g) => g.at(step)),
      });
    } else {
      const f = phasesFn(value as StepperPhases, `stepperSchedule: ${name}`);
      fns.push({ name, total: f.total, at: f.at });
    }
  }
  if (fns.length === 0)
    throw new RangeError('stepperSchedule: spec names no hyperparameter (lr, mom, beta or wd)');
  return {
    totalSteps: Math.max(...fns.map((f) => f.total)),
    at(step: number): HyperValues {
      const out: HyperValues = {};
      for (const f of fns) out[f.name] = f.at(step);
      return out;
    },
  };
}

/**
 * True when `x` has the {@link HyperSchedule} shape (`at` function and numeric `totalSteps`).
 *
 * @example
 * ```ts
 * isHyperSchedule(oneCycle({ totalSteps: 100, lrMax: 1e-2 })); // true
 * ```
 */
export function isHyperSchedule(x: unknown): x is HyperSchedule {
  return (
    x != null &&
    typeof x === 'object' &&
    typeof (x as HyperSchedule).at === 'function' &&
    typeof (x as HyperSchedule).totalSteps === 'number'
  );
}
