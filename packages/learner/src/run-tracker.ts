import type { Callback, TrainState } from '@onecycle/callbacks';

/**
 * What a training run was asked to do (`fit` or `fitOneCycle` and their arguments): a resumed run
 * must be asked for the same thing.
 *
 * @example
 * ```ts
 * const c: RunConfig = { kind: 'fit', nEpochs: 2, lr: [0.003], wd: [0.01] };
 * ```
 */
export interface RunConfig {
  /** Which method started the run. */
  kind: 'fit' | 'fitOneCycle' | 'fitFlatCos' | 'fitSgdr' | 'lrFind';
  /** Epochs the run was asked for. */
  nEpochs: number;
  /** The method's other arguments, normalised (JSON values). */
  [key: string]: unknown;
}

/**
 * How far a run got: where to continue it. Saved in checkpoints.
 *
 * @example
 * ```ts
 * const p: RunPosition = learn.runPosition!;
 * console.log(`epoch ${p.epoch}, batch ${p.batch}, iteration ${p.iteration}`);
 * ```
 */
export interface RunPosition {
  /** The run's arguments. */
  config: RunConfig;
  /**
   * Training iterations per epoch when the run started — batches, or optimizer steps with a
   * gradient accumulation (a resumed run must see the same).
   */
  nBatches: number;
  /** The epoch to continue in (0-based). */
  epoch: number;
  /** Training iterations of that epoch already done. */
  batch: number;
  /** Training iterations done since the run began. */
  iteration: number;
  /** The smoothed loss' running average and count. */
  smoothAvg: number;
  /** Losses in the smoothed loss. */
  smoothCount: number;
  /** Sum of the training losses of the current epoch so far. */
  epochLossSum: number;
  /** Batches of the current epoch so far. */
  epochLossCount: number;
  /** True once every epoch ran. */
  finished: boolean;
}

/**
 * The learner's first callback of every run: keeps {@link RunPosition} up to date after every
 * batch and epoch, and when a run is resumed puts the iteration, batch index, smoothed loss and the
 * epoch's loss average back where the interrupted run left them.
 * @internal
 * @example
 * ```ts
 * const tracker = new RunTracker({ kind: 'fit', nEpochs: 2 }, data.train.length);
 * await runTrainingLoop({ ...hooks, callbacks: [tracker, ...callbacks] });
 * tracker.position.iteration;
 * ```
 */
export class RunTracker implements Callback {
  readonly name = 'runTracker';
  readonly order = -1000;
  position: RunPosition;
  private readonly resumed: RunPosition | undefined;
  private readonly beta: number;
  private batchOffset = 0;

  constructor(config: RunConfig, nBatches: number, resumeFrom?: RunPosition, smoothBeta = 0.98) {
    this.beta = smoothBeta;
    this.resumed = resumeFrom;
    this.position = resumeFrom
      ? { ...resumeFrom, config, finished: false }
      : {
          config,
          nBatches,
          epoch: 0,
          batch: 0,
          iteration: 0,
          smoothAvg: 0,
          smoothCount: 0,
          epochLossSum: 0,
          epochLossCount: 0,
          finished: false,
        };
  }

  onTrainBegin(state: TrainState): void {
    if (this.resumed) state.iteration = this.resumed.iteration;
  }

  onEpochBegin(state: TrainState): void {
    const p = this.position;
    if (this.resumed && state.epoch === this.resumed.epoch && this.resumed.batch > 0) {
      this.batchOffset = this.resumed.batch;
    } else {
      this.batchOffset = 0;
      p.epochLossSum = 0;
      p.epochLossCount = 0;
    }
  }

  onBatchBegin(state: TrainState): void {
    state.numBatch += this.batchOffset;
  }

  onBackwardBegin(state: TrainState): void {
    const p = this.position;
    p.smoothCount += 1;
    p.smoothAvg = this.beta * p.smoothAvg + (1 - this.beta) * state.lastLoss;
    p.epochLossSum += state.lastLoss;
    p.epochLossCount += 1;
    state.smoothLoss = p.smoothAvg / (1 - this.beta ** p.smoothCount);
    state.trainLoss = p.epochLossSum / p.epochLossCount;
  }

  onBatchEnd(state: TrainState): void {
    const p = this.position;
    const done = state.numBatch + 1;
    p.iteration = state.iteration + 1;
    if (done >= state.nBatches) {
      p.epoch = state.epoch + 1;
      p.batch = 0;
    } else {
      p.epoch = state.epoch;
      p.batch = done;
    }
  }

  onEpochEnd(state: TrainState): void {
    // An epoch cut short by stopEpoch is over; one cut short by stopTraining continues on resume.
    if (!state.stopTraining) {
      this.position.epoch = state.epoch + 1;
      this.position.batch = 0;
    }
  }

  onTrainEnd(state: TrainState): void {
    this.position.finished = state.error === undefined && this.position.epoch >= state.nEpochs;
  }
}
