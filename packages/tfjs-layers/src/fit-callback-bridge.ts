import {
  type Callback,
  CallbackHandler,
  createTrainState,
  SmoothLoss,
  type TrainingHost,
  type TrainState,
} from '@onecycle/callbacks';
import * as tf from '@tensorflow/tfjs';
import { layersSnapshot } from './layers-snapshot.js';
import { OptimizerHyperparams, type OptimizerHyperparamsOptions } from './optimizer-hyperparams.js';

/**
 * What `model.fit` (or `model.fitDataset`) will run, from the parameters it gives its callbacks.
 *
 * @example
 * ```ts
 * const plan: FitPlan = { epochs: 3, initialEpoch: 0, batchesPerEpoch: 40 }; // 120 steps
 * ```
 */
export interface FitPlan {
  /** The `epochs` given to fit (the epoch to stop before, counted from 0). */
  epochs: number;
  /** The epoch fit starts at (`initialEpoch`, default 0). */
  initialEpoch: number;
  /** Batches per epoch, or undefined when `fitDataset` cannot know it (no `batchesPerEpoch`, no size). */
  batchesPerEpoch: number | undefined;
}

function numberParam(params: Record<string, unknown>, key: string): number | undefined {
  const v = params[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Runs callbacks of `@onecycle/callbacks` (`ParamScheduler`, `LRFinder`, `Recorder`, …) inside
 * tfjs-layers' `model.fit` and `model.fitDataset`: a tfjs `Callback` that keeps a `TrainState`
 * (iteration counted across epochs from 0 — from `initialEpoch × batches per epoch` when fit
 * resumes at `initialEpoch` —, the batch's loss, its smoothed value and the epoch's mean) and fires `onTrainBegin`,
 * `onEpochBegin`, `onBatchBegin`, `onBatchEnd`, `onEpochEnd` and `onTrainEnd` in fit's order.
 * `state.host.opt` is the model's optimizer as an {@link OptimizerHyperparams};
 * `state.host.snapshot()` is a {@link layersSnapshot}. A callback that sets `state.stopTraining`
 * stops `fit` after the batch. tfjs skips `onTrainEnd` when `fit` throws: run `fit` through
 * {@link FitCallbackBridge.run} so that it still fires (with `state.error` set).
 *
 * @example
 * ```ts
 * import { Recorder } from '@onecycle/callbacks';
 * const recorder = new Recorder();
 * const bridge = new FitCallbackBridge([recorder]);
 * await bridge.run(() => model.fit(x, y, { epochs: 2, callbacks: [bridge] }));
 * recorder.lrs; // the learning rate of every batch
 * ```
 */
export class FitCallbackBridge extends tf.Callback {
  /** The state the callbacks see (undefined before `fit` starts). */
  state: TrainState | undefined;
  /** What `fit` announced it will run (set on `onTrainBegin`). */
  plan: FitPlan | undefined;
  private readonly handler: CallbackHandler;
  private readonly hyperOptions: OptimizerHyperparamsOptions;
  private hyper: OptimizerHyperparams | undefined;
  /**
   * Whether the batch losses are read (a wait for the device on every batch). A subclass whose
   * callbacks never look at the losses turns it off.
   */
  protected readsLosses = true;
  private trainEnded = true;
  private readonly smooth = new SmoothLoss();
  private epochLossSum = 0;

  /**
   * @param callbacks - The callbacks to run, in their `order`.
   * @param options - Where warnings of the optimizer's hyperparameters go.
   * @example
   * ```ts
   * new FitCallbackBridge([new ParamScheduler(schedule)], { onWarning: (m) => log.push(m) });
   * ```
   */
  constructor(callbacks: readonly Callback[], options: OptimizerHyperparamsOptions = {}) {
    super();
    this.handler = new CallbackHandler(callbacks);
    this.hyperOptions = options;
  }

  /**
   * Runs `fit` and makes sure `onTrainEnd` fires even when it throws; rethrows its error.
   * @example
   * ```ts
   * const history = await bridge.run(() => model.fit(x, y, { callbacks: [bridge] }));
   * ```
   */
  async run<T>(fit: () => Promise<T>): Promise<T> {
    try {
      return await fit();
    } catch (error) {
      if (!this.trainEnded && this.state) {
        this.state.error = error;
        await this.endTraining();
      }
      throw error;
    }
  }

  /** @internal */
  override async onTrainBegin(): Promise<void> {
    const params = this.params as Record<string, unknown>;
    const epochs = numberParam(params, 'epochs') ?? 0;
    const initialEpoch = numberParam(params, 'initialEpoch') ?? 0;
    const samples = numberParam(params, 'samples');
    const batchSize = numberParam(params, 'batchSize');
    const batchesPerEpoch =
      numberParam(params, 'steps') ??
      (samples !== undefined && batchSize !== undefined ? Math.ceil(samples / batchSize) : undefined);
    this.plan = { epochs, initialEpoch, batchesPerEpoch };
    const model = this.model;
    // One per optimizer, so that a warning is given once even when fit runs again.
    if (this.hyper?.optimizer !== model.optimizer) {
      this.hyper = new OptimizerHyperparams(model.optimizer, this.hyperOptions);
    }
    const opt = this.hyper;
    const host: TrainingHost = { opt, snapshot: () => layersSnapshot(model) };
    this.state = createTrainState(host, Math.max(0, epochs), batchesPerEpoch ?? 0);
    // A run resumed with initialEpoch continues the step count (and so a schedule) where it was.
    this.state.iteration = initialEpoch * (batchesPerEpoch ?? 0);
    this.smooth.reset();
    this.trainEnded = false;
    await this.fire('onTrainBegin');
  }

  /** @internal */
  override async onEpochBegin(epoch: number): Promise<void> {
    const s = this.state!;
    s.epoch = epoch;
    s.numBatch = 0;
    s.stopEpoch = false;
    this.epochLossSum = 0;
    await this.fire('onEpochBegin');
  }

  /** @internal */
  override async onBatchBegin(batch: number): Promise<void> {
    const s = this.state!;
    s.numBatch = batch;
    s.train = true;
    await this.fire('onBatchBegin');
  }

  /** @internal */
  override async onBatchEnd(_batch: number, logs?: tf.Logs): Promise<void> {
    const s = this.state!;
    if (this.readsLosses) {
      const loss = (logs as Record<string, unknown> | undefined)?.loss;
      s.lastLoss =
        typeof loss === 'number' ? loss : loss instanceof tf.Tensor ? (await loss.data())[0]! : Number.NaN;
      s.smoothLoss = this.smooth.add(s.lastLoss);
      this.epochLossSum += s.lastLoss;
      s.trainLoss = this.epochLossSum / (s.numBatch + 1);
    }
    await this.fire('onBatchEnd');
    s.iteration++;
  }

  /** @internal */
  override async onEpochEnd(): Promise<void> {
    await this.fire('onEpochEnd');
  }

  /** @internal */
  override async onTrainEnd(): Promise<void> {
    await this.endTraining();
  }

  private async endTraining(): Promise<void> {
    this.trainEnded = true;
    await this.handler.fire('onTrainEnd', this.state!);
  }

  private async fire(event: 'onTrainBegin' | 'onEpochBegin' | 'onBatchBegin' | 'onBatchEnd' | 'onEpochEnd') {
    const s = this.state!;
    await this.handler.fire(event, s);
    if (s.stopTraining) this.model.stopTraining = true;
  }
}
