import { checkPosition } from './check-arguments.js';
import type { IterationStepper } from './iteration-stepper.js';
import { StepperBase } from './stepper-base.js';

/**
 * Several steppers one after the other, as one {@link IterationStepper} of `n = Σ phase.n` iterations:
 * warm-up then cosine, or any number of phases of explicit lengths.
 *
 * Positions follow fastai's phase stepping: position `p` with `offset_i < p ≤ offset_i + n_i`
 * is phase `i` at `p − offset_i`, so the last position of a phase gives that phase's end value
 * and the next one continues in the following phase. Position 0 is the first phase's start.
 *
 * @example
 * ```ts
 * import { PhasedScheduler, Scheduler, annealCos, annealLinear } from '@onecycle/annealing';
 * const warmupThenCos = new PhasedScheduler([
 *   new Scheduler(0, 1e-2, 100, annealLinear), // 100 warm-up iterations
 *   new Scheduler(1e-2, 0, 900, annealCos),    // then 900 of cosine decay
 * ]);
 * warmupThenCos.n;       // 1000
 * warmupThenCos.at(100); // 1e-2
 * warmupThenCos.at(550); // 5e-3
 * ```
 */
export class PhasedScheduler extends StepperBase {
  /** The phases, in order. */
  readonly phases: readonly IterationStepper[];
  /** The value at position 0 (the first phase's start). */
  readonly start: number;
  /** The value at position `n` (the last phase's end). */
  readonly end: number;
  /** The total number of iterations, the sum of the phases' `n`. */
  readonly n: number;
  readonly #offsets: number[];

  /**
   * @param phases - One or more steppers; each keeps its own length `n`. They are only read
   *   through their pure `at()`, so stepping this scheduler does not move them.
   * @throws RangeError if `phases` is empty.
   */
  constructor(phases: readonly IterationStepper[]) {
    super();
    if (!Array.isArray(phases) || phases.length === 0) {
      throw new RangeError('PhasedScheduler: phases must be a non-empty array of steppers (got none)');
    }
    this.phases = [...phases];
    this.#offsets = [];
    let total = 0;
    for (const phase of this.phases) {
      this.#offsets.push(total);
      total += phase.n;
    }
    this.n = total;
    this.start = this.phases[0]!.start;
    this.end = this.phases[this.phases.length - 1]!.end;
  }

  /** The index of the phase that owns `position` (the last phase for positions ≥ n). */
  phaseIndex(position: number): number {
    checkPosition('PhasedScheduler.phaseIndex', position);
    const last = this.phases.length - 1;
    let i = 0;
    while (i < last && position > this.#offsets[i]! + this.phases[i]!.n) i++;
    return i;
  }

  /**
   * The value at any position ≥ 0 (pure; positions past `n` give the last phase's end).
   * @throws RangeError if `position` is negative or NaN.
   */
  at(position: number): number {
    if (position === 0) return this.start;
    const i = this.phaseIndex(position);
    return this.phases[i]!.at(position - this.#offsets[i]!);
  }
}
