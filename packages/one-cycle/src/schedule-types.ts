/**
 * The hyperparameter values of one training step: the learning rate (one number, or one per
 * parameter group) and, when the schedule drives it, the momentum (SGD's momentum or Adam's
 * beta1).
 *
 * @example
 * ```ts
 * import { oneCycle, type ScheduleValues } from '@onecycle/one-cycle';
 * const v: ScheduleValues = oneCycle({ lrMax: 0.05, totalSteps: 100 }).at(10);
 * ```
 */
export interface ScheduleValues {
  /** The learning rate: a number, or an array with one value per parameter group. */
  readonly lr: number | number[];
  /** The momentum (absent when the schedule leaves momentum alone). */
  readonly mom?: number;
}

/**
 * A schedule whose values are a pure function of the step: anything with `totalSteps` and
 * `at(step)`. This is the shape the callbacks' `ParamScheduler` accepts.
 *
 * @example
 * ```ts
 * import { oneCycle, type HyperSchedule } from '@onecycle/one-cycle';
 * const s: HyperSchedule = oneCycle({ lrMax: 1e-2, totalSteps: 500 });
 * for (let step = 0; step < s.totalSteps; step++) applyLr(s.at(step).lr);
 * ```
 */
export interface HyperSchedule<V extends ScheduleValues = ScheduleValues> {
  /** The number of training steps (batches) the schedule covers. */
  readonly totalSteps: number;
  /**
   * The values for batch `step` (0-based). Steps at or past the end give the final values.
   * @throws RangeError if `step` is negative or NaN.
   */
  at(step: number): V;
}

/**
 * How a resumed schedule was extended: from position `from`, to `totalSteps` steps in all.
 *
 * @example
 * ```ts
 * const ext: ScheduleExtension = { from: 193, totalSteps: 579 }; // resumed after 1 epoch, now 3 epochs
 * ```
 */
export interface ScheduleExtension {
  /** The position at which the schedule was resumed. */
  readonly from: number;
  /** The new total number of steps. */
  readonly totalSteps: number;
}

/**
 * Everything needed to rebuild a schedule: which factory, its options, and the extensions
 * applied on resume. JSON-safe (an infinite `finalDiv` is written as `null` and read back as
 * Infinity).
 *
 * @example
 * ```ts
 * import { oneCycle } from '@onecycle/one-cycle';
 * oneCycle({ lrMax: 0.05, totalSteps: 100 }).spec;
 * // { kind: 'oneCycle', options: { lrMax: 0.05, totalSteps: 100 }, extensions: [] }
 * ```
 */
export interface ScheduleSpec {
  /** The factory: `'oneCycle'` or `'torchOneCycle'`. */
  readonly kind: 'oneCycle' | 'torchOneCycle';
  /** The options given to the factory. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Extensions applied on resume, oldest first. */
  readonly extensions: readonly ScheduleExtension[];
}

/**
 * A schedule that can be saved and restored: a {@link HyperSchedule} with its {@link ScheduleSpec}.
 *
 * @example
 * ```ts
 * import { oneCycle, type ResumableSchedule } from '@onecycle/one-cycle';
 * const s: ResumableSchedule = oneCycle({ lrMax: 0.05, totalSteps: 100 });
 * s.spec.kind; // 'oneCycle'
 * ```
 */
export interface ResumableSchedule<V extends ScheduleValues = ScheduleValues> extends HyperSchedule<V> {
  /** How to rebuild this schedule. */
  readonly spec: ScheduleSpec;
}

/**
 * The saved state of a schedule: its {@link ScheduleSpec} and the position reached. Plain data;
 * `JSON.stringify` it into a checkpoint and hand it to `restoreSchedule` or
 * `ScheduleStepper.restore` to resume.
 *
 * @example
 * ```ts
 * import { ScheduleStepper, oneCycle } from '@onecycle/one-cycle';
 * const stepper = new ScheduleStepper(oneCycle({ lrMax: 0.05, totalSteps: 100 }));
 * stepper.step();
 * const saved = JSON.stringify(stepper.state()); // { format: 'onecycle-schedule', version: 1, position: 1, ... }
 * ```
 */
export interface ScheduleState extends ScheduleSpec {
  /** Always `'onecycle-schedule'`. */
  readonly format: 'onecycle-schedule';
  /** The state format version, 1. */
  readonly version: 1;
  /** The position reached (the index of the next batch to train). */
  readonly position: number;
}
