import { type OneCycleOptions, oneCycle } from '@onecycle/one-cycle';
import type * as tf from '@tensorflow/tfjs';
import { callbackList, checkBatchSize, type FitInputs, sampleCount } from './fit-inputs.js';
import type { OptimizerHyperparamsOptions } from './optimizer-hyperparams.js';
import { scheduleCallback } from './schedule-callback.js';

/**
 * Options of {@link fitOneCycle}: the 1cycle schedule's (`lrMax` required; `moms`, `divFactor`,
 * `pctStart`, `finalDiv`, `variant` as `oneCycle`), and `model.fit`'s (`epochs` required,
 * `batchSize` default 32, `validationSplit`, `validationData`, `callbacks`, …).
 *
 * @example
 * ```ts
 * const o: FitOneCycleOptions = { epochs: 2, lrMax: 0.01, batchSize: 64, validationSplit: 0.1 };
 * ```
 */
export interface FitOneCycleOptions
  extends Omit<tf.ModelFitArgs, 'epochs' | 'initialEpoch'>,
    OptimizerHyperparamsOptions {
  /** Epochs to train (an integer ≥ 1). */
  epochs: number;
  /** The peak learning rate (> 0). */
  lrMax: number;
  /** `'fastai'` (default), `'seed'` or `'smith'`, as `oneCycle`'s. */
  variant?: OneCycleOptions<number>['variant'];
  /** Momentum at the start and at the peak learning rate (default `[0.95, 0.85]`). */
  moms?: OneCycleOptions<number>['moms'];
  /** The first learning rate is `lrMax / divFactor` (default 25). */
  divFactor?: number;
  /** The share of steps spent raising the learning rate (default 0.3). */
  pctStart?: number;
  /** `'smith'` only: the share of the final annihilation phase (default 0.1). */
  pctEnd?: number;
  /** The last learning rate is `lrMax / finalDiv` (default as `oneCycle`). */
  finalDiv?: number;
}

const SCHEDULE_KEYS = ['lrMax', 'variant', 'moms', 'divFactor', 'pctStart', 'pctEnd', 'finalDiv'] as const;

/**
 * Trains a compiled tfjs-layers model with the 1cycle policy in one call: builds
 * `oneCycle({ lrMax, totalSteps: epochs × ⌈training samples / batchSize⌉, … })` (the training
 * samples are those left after `validationSplit`) and runs `model.fit` with
 * {@link scheduleCallback} (plus your `callbacks`). The optimizer is `model.optimizer`: its
 * learning rate follows the cycle, and so does its momentum (SGD with momentum, Adam's beta1,
 * RMSProp's momentum). Resolves to fit's `History`.
 *
 * @param model - A compiled `LayersModel`.
 * @param x - Inputs, as for `model.fit`.
 * @param y - Targets, as for `model.fit`.
 * @param options - `epochs` and `lrMax`, the schedule's options and fit's.
 * @example
 * ```ts
 * model.compile({ optimizer: tf.train.adam(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 * const history = await fitOneCycle(model, xs, ys, { epochs: 2, lrMax: 3e-3, batchSize: 64 });
 * ```
 */
export async function fitOneCycle(
  model: tf.LayersModel,
  x: FitInputs,
  y: FitInputs,
  options: FitOneCycleOptions,
): Promise<tf.History> {
  if (options == null || typeof options !== 'object') {
    throw new TypeError('fitOneCycle: options must be an object with epochs and lrMax');
  }
  const { epochs, onWarning, callbacks, ...rest } = options;
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new RangeError(`fitOneCycle: epochs must be an integer ≥ 1, got ${epochs}`);
  }
  const batchSize = checkBatchSize(options.batchSize, 'fitOneCycle');
  const split = options.validationData == null ? (options.validationSplit ?? 0) : 0;
  if (!(split >= 0 && split < 1)) {
    throw new RangeError(`fitOneCycle: validationSplit must be in [0, 1), got ${options.validationSplit}`);
  }
  const n = sampleCount(x, 'fitOneCycle');
  const nTrain = split > 0 ? Math.floor(n * (1 - split)) : n; // as model.fit splits
  if (nTrain < 1)
    throw new RangeError(`fitOneCycle: no training samples left (${n} samples, validationSplit ${split})`);
  const scheduleOptions: Record<string, unknown> = { totalSteps: epochs * Math.ceil(nTrain / batchSize) };
  const fitArgs: Record<string, unknown> = { ...rest };
  for (const k of SCHEDULE_KEYS) {
    if (k in fitArgs) {
      scheduleOptions[k] = fitArgs[k];
      delete fitArgs[k];
    }
  }
  const schedule = oneCycle(scheduleOptions as unknown as OneCycleOptions<number>);
  const cb = scheduleCallback(schedule, onWarning ? { onWarning } : {});
  return model.fit(x, y, {
    ...(fitArgs as tf.ModelFitArgs),
    epochs,
    batchSize,
    callbacks: [cb, ...callbackList(callbacks)],
  });
}
