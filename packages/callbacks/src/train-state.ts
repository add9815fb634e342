import type { TrainingHost, TrainState } from './types.js';

/**
 * A fresh {@link TrainState} for a run of `nEpochs` epochs of `nBatches` training batches: counters
 * at 0, losses NaN, no metrics, every control flag false.
 *
 * @param host - The loop's services (optimizer hyperparameters, snapshots).
 * @param nEpochs - Epochs the run is asked for (an integer ≥ 0).
 * @param nBatches - Training batches per epoch (an integer ≥ 0).
 * @example
 * ```ts
 * const state = createTrainState(host, 3, 100);
 * state.iteration; // 0
 * state.validLoss; // NaN
 * ```
 */
export function createTrainState(host: TrainingHost, nEpochs: number, nBatches: number): TrainState {
  if (host == null || typeof host !== 'object' || host.opt == null) {
    throw new TypeError('createTrainState: host must be a TrainingHost with an `opt` (HyperparamTarget)');
  }
  if (!Number.isInteger(nEpochs) || nEpochs < 0) {
    throw new RangeError(`createTrainState: nEpochs must be an integer ≥ 0, got ${nEpochs}`);
  }
  if (!Number.isInteger(nBatches) || nBatches < 0) {
    throw new RangeError(`createTrainState: nBatches must be an integer ≥ 0, got ${nBatches}`);
  }
  return {
    host,
    nEpochs,
    epoch: 0,
    nBatches,
    nAccumulate: 1,
    numBatch: 0,
    iteration: 0,
    train: true,
    lastLoss: Number.NaN,
    smoothLoss: Number.NaN,
    trainLoss: Number.NaN,
    validLoss: Number.NaN,
    metrics: {},
    stopTraining: false,
    stopEpoch: false,
    skipStep: false,
    skipValidate: false,
  };
}
