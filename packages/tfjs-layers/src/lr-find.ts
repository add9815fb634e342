import { LRFinder, type LRFinderOptions, type LRFindResult, lrFindEpochs } from '@onecycle/lr-finder';
import type * as tf from '@tensorflow/tfjs';
import { FitCallbackBridge } from './fit-callback-bridge.js';
import { checkBatchSize, type FitInputs, sampleCount } from './fit-inputs.js';
import type { OptimizerHyperparamsOptions } from './optimizer-hyperparams.js';

/**
 * Options of {@link lrFind}: the range test's (`startLr` 1e-7, `endLr` 10, `numIt` 100, `mode`,
 * `stopDiv`, `divThreshold`, `beta`, `skipStart`, `skipEnd`, `slide` — as `@onecycle/lr-finder`'s
 * `LRFinder`) and the batches' (`batchSize` default 32, `shuffle` default true).
 *
 * @example
 * ```ts
 * const o: LayersLrFindOptions = { numIt: 100, endLr: 1, batchSize: 64 };
 * ```
 */
export interface LayersLrFindOptions extends Omit<LRFinderOptions, 'validLoss'>, OptimizerHyperparamsOptions {
  /** Samples per batch (default 32). */
  batchSize?: number;
  /** Shuffle the samples every epoch (default true, as `model.fit`). */
  shuffle?: boolean;
}

/**
 * Options of {@link lrFindDataset}: those of {@link lrFind} without the batching, which the
 * dataset does, plus `batchesPerEpoch` when the dataset's size is unknown.
 *
 * @example
 * ```ts
 * const o: LayersLrFindDatasetOptions = { numIt: 100, batchesPerEpoch: 50 };
 * ```
 */
export interface LayersLrFindDatasetOptions extends Omit<LayersLrFindOptions, 'batchSize' | 'shuffle'> {
  /** Batches in one pass of the dataset (default: `dataset.size`, when finite). */
  batchesPerEpoch?: number;
}

async function runFinder(
  options: LayersLrFindOptions,
  nBatches: number,
  fit: (epochs: number, bridge: FitCallbackBridge) => Promise<unknown>,
): Promise<LRFindResult> {
  const {
    batchSize: _bs,
    shuffle: _sh,
    onWarning,
    ...finderOptions
  } = options as LayersLrFindOptions & LayersLrFindDatasetOptions;
  delete (finderOptions as LayersLrFindDatasetOptions).batchesPerEpoch;
  const finder = new LRFinder(finderOptions);
  const bridge = new FitCallbackBridge([finder], onWarning ? { onWarning } : {});
  await bridge.run(() => fit(lrFindEpochs(finder.numIt, nBatches), bridge));
  return finder.result();
}

function checkModel(model: tf.LayersModel, where: string): void {
  if (model == null || typeof model.fit !== 'function') {
    throw new TypeError(`${where}: model must be a tfjs-layers LayersModel`);
  }
  if (model.optimizer == null) {
    throw new Error(`${where}: the model is not compiled; call model.compile({ optimizer, loss }) first`);
  }
}

/**
 * The learning-rate range test (fastai's `lr_find`) on a compiled tfjs-layers model: trains
 * `numIt` batches with `model.fit` while the learning rate grows from `startLr` to `endLr`,
 * records the smoothed loss, stops early when it diverges, and resolves to the curve, the four
 * suggestions (`valley`, `slide`, `steep`, `minimum`) and the plot — the sweep, smoothing,
 * divergence rule and suggestions of `@onecycle/lr-finder`'s `LRFinder`, run inside `model.fit`.
 * Afterwards the model's weights (batch-norm statistics included) and its optimizer's state and
 * learning rate are bit-for-bit what they were, also after a diverging sweep or an error.
 *
 * @param model - A compiled `LayersModel`.
 * @param x - Inputs, as for `model.fit`.
 * @param y - Targets, as for `model.fit`.
 * @param options - Sweep, stopping rule, suggestion window, batch size.
 * @example
 * ```ts
 * const res = await lrFind(model, xs, ys, { batchSize: 64 });
 * console.log(res.suggestions.valley?.lr);
 * fs.writeFileSync('lr-find.svg', res.plot());
 * ```
 */
export async function lrFind(
  model: tf.LayersModel,
  x: FitInputs,
  y: FitInputs,
  options: LayersLrFindOptions = {},
): Promise<LRFindResult> {
  checkModel(model, 'lrFind');
  const batchSize = checkBatchSize(options.batchSize, 'lrFind');
  const nBatches = Math.ceil(sampleCount(x, 'lrFind') / batchSize);
  if (nBatches < 1) throw new RangeError('lrFind: x has no samples');
  return runFinder(options, nBatches, (epochs, bridge) =>
    model.fit(x, y, { epochs, batchSize, shuffle: options.shuffle ?? true, verbose: 0, callbacks: [bridge] }),
  );
}

/**
 * {@link lrFind} for `model.fitDataset`: the dataset yields the batches (`{ xs, ys }`), and is
 * iterated again as often as `numIt` needs.
 *
 * @param model - A compiled `LayersModel`.
 * @param dataset - The training batches.
 * @param options - As {@link lrFind}, plus `batchesPerEpoch` when `dataset.size` is unknown.
 * @example
 * ```ts
 * const ds = tf.data.zip({ xs: tf.data.array(xs), ys: tf.data.array(ys) }).batch(64);
 * const res = await lrFindDataset(model, ds, { numIt: 100 });
 * ```
 */
export async function lrFindDataset<T extends tf.TensorContainer>(
  model: tf.LayersModel,
  dataset: tf.data.Dataset<T>,
  options: LayersLrFindDatasetOptions = {},
): Promise<LRFindResult> {
  checkModel(model, 'lrFindDataset');
  const n = options.batchesPerEpoch ?? (Number.isFinite(dataset.size) ? dataset.size : undefined);
  if (n === undefined || !Number.isInteger(n) || n < 1) {
    throw new RangeError(
      `lrFindDataset: batchesPerEpoch must be an integer ≥ 1 (the dataset's size is ${dataset.size}), got ${options.batchesPerEpoch}`,
    );
  }
  return runFinder(options, n, (epochs, bridge) =>
    model.fitDataset(dataset, {
      epochs,
      ...(options.batchesPerEpoch !== undefined ? { batchesPerEpoch: options.batchesPerEpoch } : {}),
      verbose: 0,
      callbacks: [bridge],
    }),
  );
}
