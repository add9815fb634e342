import { checkStep } from './check-options.js';
import { restoreSchedule, scheduleState } from './restore-schedule.js';
import type { HyperSchedule, ResumableSchedule, ScheduleState, ScheduleValues } from './schedule-types.js';

/**
 * The stateful form of a schedule, for callers who prefer `step()`: it holds a position, starts
 * at step 0, and `step()` moves to the next batch and returns its values (fastai's
 * `on_batch_end`). It never moves past `totalSteps`, where it reports the final values.
 *
 * @example
 * ```ts
 * import { ScheduleStepper, oneCycle } from '@onecycle/one-cycle';
 * const stepper = new ScheduleStepper(oneCycle({ lrMax: 0.05, totalSteps: 100 }));
 * setLr(stepper.value.lr); // batch 0
 * while (!stepper.isDone) {
 *   trainOneBatch();
 *   const { lr, mom } = stepper.step(); // values for the next batch
 *   setLr(lr); setMomentum(mom);
 * }
 * const checkpoint = JSON.stringify(stepper.state());
 * ```
 */
export class ScheduleStepper<V extends ScheduleValues = ScheduleValues> {
  /** The schedule being stepped. */
  readonly schedule: HyperSchedule<V>;
  #position: number;
  #value: V;

  /**
   * @param schedule - Any schedule with `totalSteps` and `at(step)`.
   * @param position - The starting position (default 0), an integer in [0, totalSteps].
   * @throws RangeError if `position` is out of range.
   */
  constructor(schedule: HyperSchedule<V>, position = 0) {
    if (!Number.isInteger(position) || position < 0 || position > schedule.totalSteps) {
      throw new RangeError(
        `ScheduleStepper: position must be an integer in [0, ${schedule.totalSteps}] (got ${String(position)})`,
      );
    }
    this.schedule = schedule;
    this.#position = position;
    this.#value = schedule.at(position);
  }

  /**
   * Restores a stepper from a saved state, optionally extended to a new total number of steps
   * (see `extendSchedule` for the rule).
   *
   * @example
   * ```ts
   * import { ScheduleStepper } from '@onecycle/one-cycle';
   * const stepper = ScheduleStepper.restore(JSON.parse(checkpoint), { totalSteps: 3000 });
   * ```
   */
  static restore(state: ScheduleState, options: { readonly totalSteps?: number } = {}): ScheduleStepper {
    const { schedule, position } = restoreSchedule(state, options);
    return new ScheduleStepper(schedule, Math.min(position, schedule.totalSteps));
  }

  /** The number of steps of the schedule. */
  get totalSteps(): number {
    return this.schedule.totalSteps;
  }

  /** The current position: the index of the batch the current values are for. */
  get position(): number {
    return this.#position;
  }

  /** The values at the current position. */
  get value(): V {
    return this.#value;
  }

  /** True once the position has reached `totalSteps`. */
  get isDone(): boolean {
    return this.#position >= this.schedule.totalSteps;
  }

  /** Moves to the next position (never past `totalSteps`) and returns its values. */
  step(): V {
    if (this.#position < this.schedule.totalSteps) {
      this.#position += 1;
      this.#value = this.schedule.at(this.#position);
    }
    return this.#value;
  }

  /** Goes back to position 0. */
  restart(): void {
    this.#position = 0;
    this.#value = this.schedule.at(0);
  }

  /** The values at any step (pure; does not move the position). */
  at(step: number): V {
    checkStep('ScheduleStepper.at', step);
    return this.schedule.at(step);
  }

  /**
   * The saved state (JSON-safe) at the current position.
   * @throws TypeError if the schedule has no `spec` (it was not made by this package).
   */
  state(): ScheduleState {
    const schedule = this.schedule as Partial<ResumableSchedule>;
    if (!schedule.spec) {
      throw new TypeError('ScheduleStepper.state: the schedule has no spec (use oneCycle or torchOneCycle)');
    }
    return scheduleState(schedule as ResumableSchedule, this.#position);
  }
}
