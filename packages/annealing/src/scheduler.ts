import type { AnnealFunc } from './anneal-func.js';
import { annealLinear } from './anneal-linear.js';
import { checkFinite, checkInteger, checkPosition } from './check-arguments.js';
import { StepperBase } from './stepper-base.js';

/**
 * Steps a value from `start` to `end` over `n` iterations along an annealing function
 * (fastai v1's `Scheduler`). Position 0 is `start`; position `p` in (0, n) is
 * `func(start, end, p / n)`; position `n` and beyond is `end`.
 *
 * Stepping works as in fastai: `step()` adds one to the position and returns the new value, so the
 * first call returns the value at position 1; `isDone` is true once the position reaches `n`.
 *
 * @example
 * ```ts
 * import { Scheduler, annealCos } from '@onecycle/annealing';
 * const s = new Scheduler(0.1, 0, 4, annealCos);
 * s.value;   // 0.1
 * s.step();  // ≈ 0.0854 (position 1)
 * s.at(2);   // 0.05 (pure: the position stays 1)
 * while (!s.isDone) s.step();
 * s.value;   // 0
 * s.restart(); // back to position 0
 * ```
 */
export class Scheduler extends StepperBase {
  /** The value at position 0. */
  readonly start: number;
  /** The value at position `n`. */
  readonly end: number;
  /** The number of iterations from start to end (an integer ≥ 1). */
  readonly n: number;
  /** The annealing function. */
  readonly func: AnnealFunc;

  /**
   * @param start - The value at position 0 (finite).
   * @param end - The value at position `n` (finite).
   * @param n - The number of iterations, an integer ≥ 1.
   * @param func - The annealing function (default {@link annealLinear}).
   * @throws RangeError naming the bad parameter, or any error `func` throws for these end
   *   points (for example {@link annealExp} with a non-positive start or end).
   */
  constructor(start: number, end: number, n: number, func: AnnealFunc = annealLinear) {
    super();
    checkFinite('Scheduler', 'start', start);
    checkFinite('Scheduler', 'end', end);
    checkInteger('Scheduler', 'n', n, 1);
    if (typeof func !== 'function') throw new TypeError('Scheduler: func must be an annealing function');
    func(start, end, 0.5); // surfaces the function's own argument errors now, not mid-training
    this.start = start;
    this.end = end;
    this.n = n;
    this.func = func;
  }

  /**
   * The value at any position ≥ 0 (pure; fractional positions interpolate, positions past `n`
   * give `end`).
   * @throws RangeError if `position` is negative or NaN.
   */
  at(position: number): number {
    if (position > 0 && position < this.n) return this.func(this.start, this.end, position / this.n);
    checkPosition('Scheduler.at', position);
    return position === 0 ? this.start : this.end;
  }
}
