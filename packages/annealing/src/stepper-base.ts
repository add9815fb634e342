import type { IterationStepper } from './iteration-stepper.js';

/**
 * The stateful half of every {@link IterationStepper}: the position, the cached value, `step()`,
 * `restart()` and `isDone`. A subclass gives `start`, `end`, `n` and the pure `at(position)`.
 *
 * @example
 * ```ts
 * import { StepperBase } from '@onecycle/annealing';
 * class Halving extends StepperBase {
 *   readonly start = 1;
 *   readonly end = 1 / 16;
 *   readonly n = 4;
 *   at(position: number): number {
 *     return 2 ** -Math.min(position, this.n);
 *   }
 * }
 * const s = new Halving();
 * s.step(); // 0.5
 * ```
 */
export abstract class StepperBase implements IterationStepper {
  /** The value at position 0. */
  abstract readonly start: number;
  /** The value at position `n`. */
  abstract readonly end: number;
  /** The number of iterations from start to end. */
  abstract readonly n: number;
  #position = 0;
  #value = Number.NaN;

  /** The value at any position (pure; positions past `n` give the end value). */
  abstract at(position: number): number;

  /** The current position, 0 … n. */
  get position(): number {
    return this.#position;
  }

  /** The value at the current position. */
  get value(): number {
    return this.#position === 0 ? this.start : this.#value;
  }

  /** True once the position has reached `n`. */
  get isDone(): boolean {
    return this.#position >= this.n;
  }

  /** Moves one position forward (never past `n`) and returns the value there. */
  step(): number {
    if (this.#position < this.n) {
      this.#position += 1;
      this.#value = this.at(this.#position);
    }
    return this.value;
  }

  /** Goes back to position 0. */
  restart(): void {
    this.#position = 0;
  }
}
