import type { Callback, TrainState } from './types.js';

function lrText(state: TrainState): string {
  try {
    const lrs = state.host.opt.get('lr');
    const fmt = (x: number) => String(Number(x.toPrecision(6)));
    return lrs.length === 1 ? fmt(lrs[0]!) : `[${lrs.map(fmt).join(', ')}]`;
  } catch {
    return 'unknown';
  }
}

/**
 * Stops training as soon as a training loss is NaN or infinite: skips that batch's optimizer step
 * (so the weights stay finite), stops the epoch and the run, skips validation, and sets
 * `state.stopReason` to a message such as
 * `"loss became NaN at iteration 123 (epoch 2, batch 17) with lr 0.5"`.
 *
 * @example
 * ```ts
 * const res = await runTrainingLoop({ ...hooks, callbacks: [new TerminateOnNaN()] });
 * if (res.stopReason) console.error(res.stopReason);
 * ```
 */
export class TerminateOnNaN implements Callback {
  readonly name = 'terminateOnNaN';
  readonly order = -5;
  /** The message of the last stop, if any. */
  message: string | undefined;
  /**
   * Where the last stop happened, if any: the epoch and the batch within it (0-based, as in
   * `TrainState`), the iteration and the loss.
   */
  stoppedAt: { epoch: number; batch: number; iteration: number; loss: number } | undefined;

  /**
   * Checks the loss of the batch before the optimizer step.
   * @example
   * ```ts
   * cb.onBackwardEnd(state); // state.stopTraining is true if state.lastLoss is NaN
   * ```
   */
  onBackwardEnd(state: TrainState): void {
    if (!state.train || Number.isFinite(state.lastLoss)) return;
    const what = Number.isNaN(state.lastLoss) ? 'NaN' : String(state.lastLoss);
    this.message =
      `loss became ${what} at iteration ${state.iteration} ` +
      `(epoch ${state.epoch}, batch ${state.numBatch}) with lr ${lrText(state)}`;
    this.stoppedAt = {
      epoch: state.epoch,
      batch: state.numBatch,
      iteration: state.iteration,
      loss: state.lastLoss,
    };
    state.skipStep = true;
    state.stopEpoch = true;
    state.stopTraining = true;
    state.skipValidate = true;
    state.stopReason = this.message;
  }

  /**
   * Forgets the previous stop.
   * @example
   * ```ts
   * cb.onTrainBegin();
   * ```
   */
  onTrainBegin(): void {
    this.message = undefined;
    this.stoppedAt = undefined;
  }
}
