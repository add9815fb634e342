import { Monitor, type MonitorOptions } from './monitor.js';
import type { Callback, TrainState } from './types.js';

/**
 * Options of {@link EarlyStopping}.
 *
 * @example
 * ```ts
 * const o: EarlyStoppingOptions = { monitor: 'accuracy', patience: 2 };
 * ```
 */
export interface EarlyStoppingOptions extends MonitorOptions {
  /** Epochs without improvement that are tolerated before stopping (default 0, as fastai v1). */
  patience?: number;
}

/**
 * Stops training when the monitored value (default the validation loss) has not improved by more
 * than `minDelta` for more than `patience` epochs. Epochs where the value is missing (validation
 * skipped) are not counted. Sets `state.stopReason`.
 *
 * @example
 * ```ts
 * const early = new EarlyStopping({ monitor: 'validLoss', minDelta: 1e-3, patience: 2 });
 * await runTrainingLoop({ ...hooks, callbacks: [early] });
 * early.stoppedEpoch; // the epoch it stopped at, or undefined
 * ```
 */
export class EarlyStopping implements Callback {
  readonly name = 'earlyStopping';
  readonly order = 5;
  /** The monitored quantity and its best value. */
  readonly tracker: Monitor;
  /** Tolerated epochs without improvement. */
  readonly patience: number;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The epoch at which it stopped the run, if it did. */
  stoppedEpoch: number | undefined;

  /**
   * @param options - Monitor, mode, minDelta, patience.
   * @example
   * ```ts
   * new EarlyStopping({ patience: 3 });
   * ```
   */
  constructor(options: EarlyStoppingOptions = {}) {
    this.tracker = new Monitor(options);
    this.patience = options.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) {
      throw new RangeError(`EarlyStopping: patience must be an integer ≥ 0, got ${options.patience}`);
    }
  }

  /**
   * Resets the best value and the counter.
   * @example
   * ```ts
   * early.onTrainBegin();
   * ```
   */
  onTrainBegin(): void {
    this.tracker.reset();
    this.wait = 0;
    this.stoppedEpoch = undefined;
  }

  /**
   * Compares the epoch's value with the best and stops when patience runs out.
   * @example
   * ```ts
   * early.onEpochEnd(state);
   * ```
   */
  onEpochEnd(state: TrainState): void {
    const value = this.tracker.read(state);
    if (Number.isNaN(value)) return;
    if (this.tracker.update(state)) {
      this.wait = 0;
      return;
    }
    this.wait += 1;
    if (this.wait > this.patience) {
      this.stoppedEpoch = state.epoch;
      state.stopTraining = true;
      state.stopReason =
        `early stopping at epoch ${state.epoch}: ${this.tracker.monitor} did not improve for ${this.wait} ` +
        `epoch${this.wait === 1 ? '' : 's'} (best ${this.tracker.best} at epoch ${this.tracker.bestEpoch})`;
    }
  }
}
