import { checkInteger, checkSchedule } from './check-arguments.js';
import type { Schedule } from './schedule.js';

/**
 * A cursor over any {@link Schedule}, for hand-written training loops (fastai's `Scheduler`
 * semantics): `value` is the value at the current `position`; `step()` moves one position forward
 * (never past `totalSteps`) and returns the value there; `done` is true once the position has
 * reached `totalSteps`; `restart()` goes back to position 0.
 *
 * The schedule itself is pure, so resuming is a position: `new Stepper(schedule, savedPosition)`.
 *
 * @typeParam V - The schedule's value.
 * @example
 * ```ts
 * import { Stepper, anneal, annealCos } from '@onecycle/annealing';
 * const lr = new Stepper(anneal(0.1, 0, 4, annealCos));
 * lr.value;  // 0.1 (position 0)
 * lr.step(); // ≈ 0.0854 (position 1)
 * while (!lr.done) lr.step();
 * lr.value;  // 0
 * ```
 */
export class Stepper<V = number> {
  /** The schedule being stepped through. */
  readonly schedule: Schedule<V>;
  #position: number;
  #value: V;

  /**
   * @param schedule - Any schedule.
   * @param position - The position to start from (default 0): an integer in 0 … totalSteps.
   * @throws TypeError if `schedule` is not a schedule; RangeError for a bad position.
   */
  constructor(schedule: Schedule<V>, position = 0) {
    checkSchedule('Stepper', 'schedule', schedule);
    checkInteger('Stepper', 'position', position, 0);
    if (position > schedule.totalSteps) {
      throw new RangeError(
        `Stepper: position must be an integer in 0 … ${schedule.totalSteps} (got ${position})`,
      );
    }
    this.schedule = schedule;
    this.#position = position;
    this.#value = schedule.at(position);
  }

  /** The current position, 0 … totalSteps. */
  get position(): number {
    return this.#position;
  }

  /** The value at the current position. */
  get value(): V {
    return this.#value;
  }

  /** True once the position has reached the schedule's `totalSteps`. */
  get done(): boolean {
    return this.#position >= this.schedule.totalSteps;
  }

  /** Moves one position forward (never past `totalSteps`) and returns the value there. */
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
}
