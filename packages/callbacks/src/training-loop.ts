import { CallbackHandler } from './callback-handler.js';
import { accumulationOf, stepsPerEpoch } from './gradient-accumulation.js';
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
 * Which of the batches of one iteration a `forwardBackward` call gets: with a
 * {@link GradientAccumulation} an iteration runs `count` batches (`nAcc`, fewer at the end of an
 * epoch), and the gradients of batch `index` are to be added, scaled by `1/count`, to those kept
 * from the batches before it. Without accumulation, always `{ index: 0, count: 1 }`.
 *
 * @example
 * ```ts
 * const part: BatchPart = { index: 1, count: 2 }; // the second of two accumulated batches
 * ```
 */
export interface BatchPart {
  /** Position of this batch in the iteration, 0-based. */
  index: number;
  /** Batches in this iteration. */
  count: number;
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
   * {@link TrainingLoopHooks.step} (with `part.index > 0`, adds them, scaled by `1/part.count`, to
   * those kept; see {@link BatchPart}). Returns the batch's loss as a number.
   */
  forwardBackward(batch: B, state: TrainState, part: BatchPart): number | Promise<number>;
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
  /**
   * Data batches per epoch (an integer ≥ 0; informative when `batches` is given). With a
   * {@link GradientAccumulation}, `state.nBatches` is the number of steps, `⌈nBatches / nAcc⌉`.
   */
  nBatches: number;
  /** The callbacks, or a handler that already holds them. */
  callbacks?: Iterable<Callback> | CallbackHandler;
  /** First epoch to run (to resume a run; default 0). `state.iteration` starts at `startEpoch·state.nBatches`. */
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

/** Consecutive batches in groups of `n` (the last one may be smaller). */
async function* groupsOf<B>(batches: Iterable<B> | AsyncIterable<B>, n: number): AsyncGenerator<B[]> {
  let group: B[] = [];
  for await (const b of batches) {
    group.push(b);
    if (group.length === n) {
      yield group;
      group = [];
    }
  }
  if (group.length > 0) yield group;
}

/**
 * The reference training loop: the one place that encodes the order of the events. Drive it with
 * your own forward/backward and step functions; the Learner uses it with tfjs.
 *
 * ```text
 * onTrainBegin
 *   for each epoch (until stopTraining): onEpochBegin (epoch flags reset before it)
 *     for each batch (until stopEpoch/stopTraining):
 *       onBatchBegin → onLossBegin → forwardBackward (once per accumulated batch)
 *       → (lastLoss, smoothLoss, trainLoss set)
 *       → onBackwardBegin → onBackwardEnd → step (unless skipStep) → onStepEnd → endBatch
 *       → onBatchEnd → iteration += 1
 *     validate (unless skipValidate; state.train is false meanwhile) → onEpochEnd
 * onTrainEnd (always; after an error, with state.error set, then the error is rethrown)
 * ```
 *
 * The forward and the backward pass are one call (`forwardBackward`), as with tfjs'
 * `variableGrads`: `onLossBegin` fires before it and `onBackwardBegin` after it, when the loss is
 * known. A callback that sets `skipStep` up to `onBackwardEnd` prevents the optimizer step.
 * With a {@link GradientAccumulation} among the callbacks, one iteration is `nAcc` batches: their
 * forward/backward passes, the mean of their losses as `lastLoss`, one step.
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
  const handler =
    options.callbacks instanceof CallbackHandler
      ? options.callbacks
      : new CallbackHandler(options.callbacks ?? []);
  const nAcc = accumulationOf(handler.callbacks);
  const steps = stepsPerEpoch(nBatches, nAcc);
  const state = createTrainState(host, nEpochs, steps);
  state.nAccumulate = nAcc;
  const smooth = new SmoothLoss(options.smoothBeta ?? 0.98);
  const batchesOf = (epoch: number): Iterable<B> | AsyncIterable<B> =>
    options.batches
      ? options.batches(epoch)
      : (defaultBatches(nBatches) as AsyncIterable<unknown> as AsyncIterable<B>);

  state.epoch = startEpoch;
  state.iteration = startEpoch * steps;
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
        for await (const group of groupsOf(batchesOf(epoch), nAcc)) {
          state.numBatch = numBatch;
          state.train = true;
          state.skipStep = false;
          try {
            await handler.fire('onBatchBegin', state);
            await handler.fire('onLossBegin', state);
            let loss = 0;
            for (let index = 0; index < group.length; index++) {
              const part = { index, count: group.length };
              const l = await options.forwardBackward(group[index] as B, state, part);
              if (typeof l !== 'number') {
                throw new TypeError(`runTrainingLoop: forwardBackward must return a number, got ${typeof l}`);
              }
              loss += l / group.length;
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
            if (options.endBatch) for (const batch of group) await options.endBatch(batch, state);
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
