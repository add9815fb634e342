import { CallbackHandler } from './callback-handler.js';
import { SmoothLoss } from './smooth-loss.js';
import { createTrainState } from './train-state.js';
import type { Callback, TrainingHost, TrainState } from './types.js';

/**
 * The result of one validation pass: the mean loss and the metrics by name.
 *
 * @example
 * ```ts
 * const r: ValidationResult = { loss: 0.08, metrics: { accuracy: 0.98 } };
 * ```
 */
export interface ValidationResult {
  /** Mean validation loss. */
  loss: number;
  /** Metric values by name (for example `{ accuracy: 0.98 }`). */
  metrics?: Record<string, number>;
}

/**
 * What a training loop needs from the model code. Framework-free: the loop only sees numbers.
 * `B` is whatever one batch is (tensors for the Learner, an index for a toy loop).
 *
 * @example
 * ```ts
 * const hooks: TrainingLoopHooks<number> = {
 *   forwardBackward: () => { grad = 2 * w; return w * w; },
 *   step: () => { w -= lr() * grad; },
 * };
 * ```
 */
export interface TrainingLoopHooks<B = number> {
  /**
   * The training batches of one epoch. Default: the indices `0 … nBatches − 1`. Breaking out of
   * the loop early calls the iterator's `return()`, so a generator can clean up.
   */
  batches?(epoch: number): Iterable<B> | AsyncIterable<B>;
  /**
   * Forward and backward pass on one batch: computes the loss and keeps the gradients for
   * {@link TrainingLoopHooks.step}. Returns the loss as a number.
   */
  forwardBackward(batch: B, state: TrainState): number | Promise<number>;
  /** Applies the optimizer step with the gradients of the last forward/backward pass. Skipped when `state.skipStep`. */
  step?(state: TrainState): void | Promise<void>;
  /** Called after every batch, also when it failed (dispose the batch and the gradients here). */
  endBatch?(batch: B, state: TrainState): void | Promise<void>;
  /** One validation pass; skipped when `state.skipValidate` or when absent. */
  validate?(state: TrainState): ValidationResult | Promise<ValidationResult>;
}

/**
 * Options of {@link runTrainingLoop}: the hooks plus the run's size, host and callbacks.
 *
 * @example
 * ```ts
 * const opts: TrainingLoopOptions = { host, nEpochs: 2, nBatches: 10, forwardBackward, step, callbacks: [recorder] };
 * ```
 */
export interface TrainingLoopOptions<B = number> extends TrainingLoopHooks<B> {
  /** The loop's services given to callbacks as `state.host`. */
  host: TrainingHost;
  /** Epochs to run (an integer ≥ 0). */
  nEpochs: number;
  /** Training batches per epoch (an integer ≥ 0; informative when `batches` is given). */
  nBatches: number;
  /** The callbacks, or a handler that already holds them. */
  callbacks?: Iterable<Callback> | CallbackHandler;
  /** First epoch to run (to resume a run; default 0). `state.iteration` starts at `startEpoch·nBatches`. */
  startEpoch?: number;
  /** Decay of the smoothed loss (default 0.98). */
  smoothBeta?: number;
}

/**
 * What {@link runTrainingLoop} returns.
 *
 * @example
 * ```ts
 * const { state, stopReason } = await runTrainingLoop(opts);
 * if (stopReason) console.warn(stopReason);
 * ```
 */
export interface TrainingLoopResult {
  /** The final state (epoch, iteration, losses, metrics, flags). */
  state: TrainState;
  /** Epochs that started (including a partial one that was stopped). */
  epochsRun: number;
  /** Training batches run. */
  iterations: number;
  /** True when a callback set `stopTraining` (the run may have ended before `nEpochs` epochs). */
  stoppedEarly: boolean;
  /** The reason a callback gave for stopping (`state.stopReason`), if any. */
  stopReason?: string;
}

async function* defaultBatches(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/**
 * The reference training loop: the one place that encodes the order of the events. Drive it with
 * your own forward/backward and step functions; the Learner uses it with tfjs.
 *
 * ```text
 * onTrainBegin
 *   for each epoch (until stopTraining): onEpochBegin (epoch flags reset before it)
 *     for each batch (until stopEpoch/stopTraining):
 *       onBatchBegin → onLossBegin → forwardBackward → (lastLoss, smoothLoss, trainLoss set)
 *       → onBackwardBegin → onBackwardEnd → step (unless skipStep) → onStepEnd → endBatch
 *       → onBatchEnd → iteration += 1
 *     validate (unless skipValidate; state.train is false meanwhile) → onEpochEnd
 * onTrainEnd (always; after an error, with state.error set, then the error is rethrown)
 * ```
 *
 * The forward and the backward pass are one call (`forwardBackward`), as with tfjs'
 * `variableGrads`: `onLossBegin` fires before it and `onBackwardBegin` after it, when the loss is
 * known. A callback that sets `skipStep` up to `onBackwardEnd` prevents the optimizer step.
 *
 * @example
 * ```ts
 * let w = 3, grad = 0;
 * const host = { opt: hyperparams, snapshot: () => ({ restore() {}, dispose() {} }) };
 * const result = await runTrainingLoop({
 *   host, nEpochs: 2, nBatches: 5, callbacks: [new Recorder()],
 *   forwardBackward: () => { grad = 2 * w; return w * w; },
 *   step: () => { w -= host.opt.get('lr')[0]! * grad; },
 * });
 * result.iterations; // 10
 * ```
 */
export async function runTrainingLoop<B = number>(
  options: TrainingLoopOptions<B>,
): Promise<TrainingLoopResult> {
  if (options == null || typeof options.forwardBackward !== 'function') {
    throw new TypeError('runTrainingLoop: options.forwardBackward must be a function');
  }
  const { host, nEpochs, nBatches } = options;
  const startEpoch = options.startEpoch ?? 0;
  if (!Number.isInteger(startEpoch) || startEpoch < 0) {
    throw new RangeError(`runTrainingLoop: startEpoch must be an integer ≥ 0, got ${startEpoch}`);
  }
  const state = createTrainState(host, nEpochs, nBatches);
  const handler =
    options.callbacks instanceof CallbackHandler
      ? options.callbacks
      : new CallbackHandler(options.callbacks ?? []);
  const smooth = new SmoothLoss(options.smoothBeta ?? 0.98);
  const batchesOf = (epoch: number): Iterable<B> | AsyncIterable<B> =>
    options.batches
      ? options.batches(epoch)
      : (defaultBatches(nBatches) as AsyncIterable<unknown> as AsyncIterable<B>);

  state.epoch = startEpoch;
  state.iteration = startEpoch * nBatches;
  const firstIteration = state.iteration;
  let epochsRun = 0;
  try {
    await handler.fire('onTrainBegin', state);
    for (let epoch = startEpoch; epoch < nEpochs && !state.stopTraining; epoch++) {
      state.epoch = epoch;
      state.numBatch = 0;
      state.train = true;
      state.stopEpoch = false;
      state.skipValidate = false;
      state.trainLoss = Number.NaN;
      epochsRun++;
      let sum = 0;
      let count = 0;
      await handler.fire('onEpochBegin', state);
      if (!state.stopEpoch && !state.stopTraining) {
        let numBatch = 0;
        for await (const batch of batchesOf(epoch)) {
          state.numBatch = numBatch;
          state.train = true;
          state.skipStep = false;
          try {
            await handler.fire('onBatchBegin', state);
            await handler.fire('onLossBegin', state);
            const loss = await options.forwardBackward(batch, state);
            if (typeof loss !== 'number') {
              throw new TypeError(
                `runTrainingLoop: forwardBackward must return a number, got ${typeof loss}`,
              );
            }
            state.lastLoss = loss;
            state.smoothLoss = smooth.add(loss);
            sum += loss;
            count += 1;
            state.trainLoss = sum / count;
            await handler.fire('onBackwardBegin', state);
            await handler.fire('onBackwardEnd', state);
            if (!state.skipStep && options.step) await options.step(state);
            await handler.fire('onStepEnd', state);
          } finally {
            if (options.endBatch) await options.endBatch(batch, state);
          }
          await handler.fire('onBatchEnd', state);
          state.iteration += 1;
          numBatch += 1;
          if (state.stopEpoch || state.stopTraining) break;
        }
      }
      if (!state.skipValidate && options.validate) {
        state.train = false;
        const res = await options.validate(state);
        if (res == null || typeof res.loss !== 'number') {
          throw new TypeError('runTrainingLoop: validate must return { loss: number, metrics? }');
        }
        state.validLoss = res.loss;
        state.metrics = { ...(res.metrics ?? {}) };
        state.train = true;
      }
      await handler.fire('onEpochEnd', state);
    }
  } catch (err) {
    state.error = err;
    try {
      await handler.fire('onTrainEnd', state);
    } catch {
      // The first error is the one to report.
    }
    throw err;
  }
  await handler.fire('onTrainEnd', state);
  const result: TrainingLoopResult = {
    state,
    epochsRun,
    iterations: state.iteration - firstIteration,
    stoppedEarly: state.stopTraining,
  };
  if (state.stopReason !== undefined) result.stopReason = state.stopReason;
  return result;
}
