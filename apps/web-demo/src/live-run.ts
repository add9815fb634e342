/**
 * The page's view of a training run: a callback that reports every batch and epoch to the page,
 * stops on request or on a non-finite loss, times the epochs and yields to the browser after every
 * batch so that the charts update live.
 */
import type { Callback, TrainState } from '@onecycle/callbacks';
import { headLr } from './chart-data.js';
import type { EpochRow } from './results-table.js';
import { yieldToBrowser } from './yield-to-browser.js';

/**
 * One training batch, as the page sees it.
 *
 * @example
 * ```ts
 * const control: RunControl = { onBatch: (e: BatchEvent) => console.log(e.iteration, e.loss, e.lr), onEpoch: () => {}, shouldStop: () => false };
 * ```
 */
export interface BatchEvent {
  iteration: number;
  epoch: number;
  nEpochs: number;
  numBatch: number;
  nBatches: number;
  /** Loss of this batch. */
  loss: number;
  smoothLoss: number;
  /** lr and momentum of the head layer group for this batch. */
  lr: number;
  mom: number;
}

/**
 * One finished epoch.
 *
 * @example
 * ```ts
 * const onEpoch = (e: EpochEvent) => console.log(e.epoch, e.accuracy);
 * ```
 */
export type EpochEvent = EpochRow;

/**
 * How the page follows and stops a run.
 *
 * @example
 * ```ts
 * const control: RunControl = { onBatch: () => {}, onEpoch: () => {}, shouldStop: () => stopClicked };
 * ```
 */
export interface RunControl {
  onBatch(e: BatchEvent): void;
  onEpoch(e: EpochEvent): void;
  shouldStop(): boolean;
}

/**
 * Follows one run. Pass `callback()` to fit/fitOneCycle, then call `throwIfNan()`.
 *
 * @example
 * ```ts
 * const live = new LiveRun({ onBatch, onEpoch, shouldStop: () => stop });
 * await learn.fitOneCycle(1, 0.05, { callbacks: [live.callback()] });
 * live.throwIfNan();
 * console.log(live.rows);
 * ```
 */
export class LiveRun {
  /** One row per finished epoch (fastai's results table). */
  readonly rows: EpochRow[] = [];
  /** Seconds of the training batches of each epoch. */
  readonly trainSeconds: number[] = [];
  /** Seconds of the validation pass of each epoch. */
  readonly validSeconds: number[] = [];
  /** Where the loss stopped being finite, if it did. */
  nanAt: { iteration: number; lr: number } | undefined;
  private epochStart = 0;
  private lastBatchEnd = 0;

  constructor(
    private readonly control: RunControl,
    private readonly yieldFn: () => Promise<void> = yieldToBrowser,
  ) {}

  /** The callback for the learner (runs after the built-in ones). */
  callback(): Callback {
    return {
      name: 'web-demo-live',
      order: 100,
      onEpochBegin: () => {
        this.epochStart = performance.now();
      },
      onBatchEnd: (s) => this.batchEnd(s),
      onEpochEnd: (s) => this.epochEnd(s),
    };
  }

  /** Throws an Error naming the batch and lr when the loss became NaN or infinite. */
  throwIfNan(): void {
    if (this.nanAt) {
      throw new Error(
        `the training loss became NaN at batch ${this.nanAt.iteration + 1} (lr ${this.nanAt.lr.toExponential(2)}); training stopped`,
      );
    }
  }

  private async batchEnd(s: TrainState): Promise<void> {
    const lr = headLr(s.host.opt.get('lr'));
    const moms = s.host.opt.get('mom');
    this.control.onBatch({
      iteration: s.iteration,
      epoch: s.epoch,
      nEpochs: s.nEpochs,
      numBatch: s.numBatch,
      nBatches: s.nBatches,
      loss: s.lastLoss,
      smoothLoss: s.smoothLoss,
      lr,
      mom: moms[moms.length - 1] ?? Number.NaN,
    });
    if (!Number.isFinite(s.lastLoss)) {
      this.nanAt ??= { iteration: s.iteration, lr };
      s.stopTraining = true;
    }
    if (this.control.shouldStop()) s.stopTraining = true;
    this.lastBatchEnd = performance.now();
    await this.yieldFn();
  }

  private epochEnd(s: TrainState): void {
    const end = performance.now();
    this.trainSeconds.push((this.lastBatchEnd - this.epochStart) / 1000);
    this.validSeconds.push((end - this.lastBatchEnd) / 1000);
    const row: EpochRow = {
      epoch: s.epoch,
      trainLoss: s.trainLoss,
      validLoss: s.validLoss,
      accuracy: s.metrics.accuracy ?? Number.NaN,
      seconds: (end - this.epochStart) / 1000,
    };
    this.rows.push(row);
    this.control.onEpoch(row);
  }
}
