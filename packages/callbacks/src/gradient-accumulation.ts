import type { Callback, TrainState } from './types.js';

/**
 * Accumulates the gradients of `nAcc` consecutive batches before each optimizer step (fastai's
 * `GradientAccumulation`, torch-lr-finder's `accumulation_steps`). {@link runTrainingLoop} sees it
 * among the callbacks and groups the batches: one iteration is `nAcc` forward/backward passes (the
 * last group of an epoch may be smaller) whose gradients are averaged, then one step. Everything
 * that counts iterations — the schedule, the LR finder, the recorder — thus counts optimizer steps,
 * and `state.nBatches` is the number of steps per epoch. With batches of equal size, batch size
 * `b` accumulated `nAcc` times gives the step of batch size `nAcc·b` on the same data.
 *
 * @example
 * ```ts
 * // 4 batches of 16 per step: the steps of batch size 64 with a quarter of the memory.
 * await learn.fitOneCycle(2, 1e-2, { callbacks: [new GradientAccumulation(4)] });
 * ```
 */
export class GradientAccumulation implements Callback {
  readonly name = 'gradientAccumulation';
  /** Batches per optimizer step. */
  readonly nAcc: number;

  /**
   * @param nAcc - Batches per optimizer step (an integer ≥ 1).
   * @example
   * ```ts
   * new GradientAccumulation(2);
   * ```
   */
  constructor(nAcc: number) {
    if (!Number.isInteger(nAcc) || nAcc < 1) {
      throw new RangeError(`GradientAccumulation: nAcc must be an integer ≥ 1, got ${String(nAcc)}`);
    }
    this.nAcc = nAcc;
  }

  /**
   * Checks that the loop groups the batches as asked.
   * @example
   * ```ts
   * acc.onTrainBegin(state);
   * ```
   */
  onTrainBegin(state: TrainState): void {
    if (state.nAccumulate !== this.nAcc) {
      throw new Error(
        `GradientAccumulation: the training loop runs ${state.nAccumulate} batch(es) per step, not ${this.nAcc} ` +
          '(one GradientAccumulation per run, given with the run’s callbacks)',
      );
    }
  }
}

/**
 * The batches per optimizer step that a run with these callbacks uses: the `nAcc` of its
 * {@link GradientAccumulation}, or 1. Two of them are an error.
 *
 * @example
 * ```ts
 * accumulationOf([new Recorder(), new GradientAccumulation(4)]); // 4
 * ```
 */
export function accumulationOf(callbacks: Iterable<Callback>): number {
  const found = [...callbacks].filter((c): c is GradientAccumulation => c instanceof GradientAccumulation);
  if (found.length > 1) {
    throw new RangeError(`GradientAccumulation: a run takes one, got ${found.length}`);
  }
  return found[0]?.nAcc ?? 1;
}

/**
 * Optimizer steps per epoch for `nBatches` batches grouped by `nAcc` (the last group may be smaller).
 *
 * @example
 * ```ts
 * stepsPerEpoch(10, 4); // 3
 * ```
 */
export function stepsPerEpoch(nBatches: number, nAcc: number): number {
  return Math.ceil(nBatches / nAcc);
}
