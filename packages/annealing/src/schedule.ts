/**
 * The one schedule contract of onecycle: a value as a pure function of the training step, with a
 * length. Every producer (`anneal`, `oneCycle`, `sgdr`, the LR finder's sweep…) returns one, and
 * every consumer (the callbacks' `ParamScheduler`, the learner, a hand-written loop through
 * {@link Stepper}) reads one.
 *
 * - `at(step)` is pure: the same step always gives the same value, and nothing moves.
 * - Step 0 is the value of the first batch; steps at or past `totalSteps` give the final value.
 * - A negative or NaN step throws a RangeError.
 *
 * The value is generic: a number (one hyperparameter), a `number[]` (one per parameter group,
 * see {@link perGroup}) or a record such as `{ lr, mom }` (see {@link hyperparams}).
 *
 * @typeParam V - The value at each step.
 * @example
 * ```ts
 * import { anneal, annealCos, type Schedule } from '@onecycle/annealing';
 * const lr: Schedule = anneal(1e-2, 0, 100, annealCos);
 * for (let step = 0; step < lr.totalSteps; step++) train(step, lr.at(step));
 * ```
 */
export interface Schedule<V = number> {
  /** The number of steps the schedule covers (an integer ≥ 1). */
  readonly totalSteps: number;
  /**
   * The value at 0-based step `step`; steps ≥ `totalSteps` give the final value.
   * @throws RangeError if `step` is negative or NaN.
   */
  at(step: number): V;
}
