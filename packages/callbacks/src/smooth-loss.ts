/**
 * An exponential moving average of the training loss with bias correction, as fastai computes its
 * `smooth_loss`: `avg = beta·avg + (1−beta)·loss` and `value = avg / (1 − beta^count)`.
 * The training loop and the LR finder share it. Once a NaN loss is added the value stays NaN.
 *
 * @example
 * ```ts
 * const s = new SmoothLoss();      // beta 0.98
 * s.add(2);                         // 2 (bias correction: the first value is the loss itself)
 * s.add(1);                         // ≈ 1.4949
 * s.value; s.count;                 // ≈ 1.4949, 2
 * ```
 */
export class SmoothLoss {
  /** The decay of the moving average, in [0, 1). */
  readonly beta: number;
  private avg = 0;
  private n = 0;

  /**
   * @param beta - Decay in [0, 1); 0.98 as fastai.
   * @example
   * ```ts
   * const s = new SmoothLoss(0.9);
   * ```
   */
  constructor(beta = 0.98) {
    if (!(beta >= 0 && beta < 1)) throw new RangeError(`SmoothLoss: beta must be in [0, 1), got ${beta}`);
    this.beta = beta;
  }

  /**
   * Adds one loss and returns the new smoothed value.
   * @example
   * ```ts
   * new SmoothLoss().add(0.5); // 0.5
   * ```
   */
  add(loss: number): number {
    this.n += 1;
    this.avg = this.beta * this.avg + (1 - this.beta) * loss;
    return this.value;
  }

  /**
   * The bias-corrected average (NaN before the first loss).
   * @example
   * ```ts
   * new SmoothLoss().value; // NaN
   * ```
   */
  get value(): number {
    return this.n === 0 ? Number.NaN : this.avg / (1 - this.beta ** this.n);
  }

  /**
   * How many losses were added since the last reset.
   * @example
   * ```ts
   * new SmoothLoss().count; // 0
   * ```
   */
  get count(): number {
    return this.n;
  }

  /**
   * Forgets every loss.
   * @example
   * ```ts
   * s.reset(); s.count; // 0
   * ```
   */
  reset(): void {
    this.avg = 0;
    this.n = 0;
  }
}
