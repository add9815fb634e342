import { annealExp, annealLinear, Scheduler } from '@onecycle/annealing';

/**
 * How the learning rate grows during the range test.
 *
 * @example
 * ```ts
 * const mode: SweepMode = 'linear';
 * ```
 */
export type SweepMode = 'exp' | 'linear';

/**
 * The learning-rate sweep of the range test: iteration `i` (0 … numIt − 1) trains with
 * `startLr·(endLr/startLr)^(i/numIt)` (`'exp'`, fastai's default) or
 * `startLr + (endLr − startLr)·i/numIt` (`'linear'`). As in fastai, `endLr` itself is the value of
 * position `numIt`, one past the last iteration.
 *
 * @example
 * ```ts
 * const sweep = new LrSweep(1e-7, 10, 100);
 * sweep.lrAt(0);   // 1e-7
 * sweep.lrAt(50);  // 1e-3
 * sweep.lrs();     // all 100 values
 * ```
 */
export class LrSweep {
  private readonly sched: Scheduler;

  /**
   * @param startLr - First learning rate (> 0 for `'exp'`).
   * @param endLr - Learning rate at position `numIt` (> startLr).
   * @param numIt - Iterations of the sweep (an integer ≥ 1).
   * @param mode - `'exp'` (default) or `'linear'`.
   * @example
   * ```ts
   * new LrSweep(1e-5, 1, 50, 'linear');
   * ```
   */
  constructor(
    readonly startLr: number,
    readonly endLr: number,
    readonly numIt: number,
    readonly mode: SweepMode = 'exp',
  ) {
    if (mode !== 'exp' && mode !== 'linear') {
      throw new RangeError(`LrSweep: mode must be 'exp' or 'linear', got ${String(mode)}`);
    }
    if (!Number.isFinite(startLr) || (mode === 'exp' ? startLr <= 0 : startLr < 0)) {
      throw new RangeError(
        `LrSweep: startLr must be ${mode === 'exp' ? '> 0' : '≥ 0'} and finite, got ${startLr}`,
      );
    }
    if (!Number.isFinite(endLr) || !(endLr > startLr)) {
      throw new RangeError(`LrSweep: endLr must be finite and > startLr (${startLr}), got ${endLr}`);
    }
    if (!Number.isInteger(numIt) || numIt < 1) {
      throw new RangeError(`LrSweep: numIt must be an integer ≥ 1, got ${numIt}`);
    }
    this.sched = new Scheduler(startLr, endLr, numIt, mode === 'exp' ? annealExp : annealLinear);
  }

  /**
   * The learning rate of iteration `i`.
   * @example
   * ```ts
   * sweep.lrAt(10);
   * ```
   */
  lrAt(i: number): number {
    return this.sched.at(i);
  }

  /**
   * Every learning rate of the sweep, iterations 0 … numIt − 1.
   * @example
   * ```ts
   * sweep.lrs().length; // numIt
   * ```
   */
  lrs(): number[] {
    return Array.from({ length: this.numIt }, (_, i) => this.lrAt(i));
  }
}
