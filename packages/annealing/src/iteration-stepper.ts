// Being replaced by Schedule + Stepper (schedule.ts, stepper.ts); kept until every consumer moves.
/**
 * The shared contract of every hyperparameter schedule in onecycle: a value stepped from a start
 * to an end value along an annealing function over `n` iterations.
 *
 * Position 0 is the start value; position `n` is the end value. `step()` moves one position
 * forward and returns the new value; stepping past `n` keeps the end value.
 *
 * @example
 * ```ts
 * import { Scheduler, annealCos } from '@onecycle/annealing';
 * const s: IterationStepper = new Scheduler(1e-3, 1e-1, 100, annealCos);
 * s.value;   // 1e-3 (position 0)
 * s.step();  // value at position 1
 * s.at(100); // 1e-1
 * ```
 */
export interface IterationStepper {
  /** The value at position 0. */
  readonly start: number;
  /** The value at position `n`. */
  readonly end: number;
  /** The number of iterations from start to end (≥ 1). */
  readonly n: number;
  /** The current position, 0 … n. */
  readonly position: number;
  /** The value at the current position. */
  readonly value: number;
  /** True once the position has reached `n`. */
  readonly isDone: boolean;
  /** Moves one position forward (never past `n`) and returns the value there. */
  step(): number;
  /** Goes back to position 0. */
  restart(): void;
  /** The value at any position (a pure function; positions past `n` give the end value). */
  at(position: number): number;
}
