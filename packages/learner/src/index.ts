export * from './adam.js';
export { AdamLike, type MomentScalars } from './adam-like.js';
export {
  CHECKPOINT_METADATA_KEY,
  type CheckpointMeta,
  packCheckpoint,
  readCheckpointMeta,
  unpackCheckpoint,
} from './checkpoint.js';
export { type CnnArch, type CnnLearnerOptions, createCnnLearner } from './create-cnn-learner.js';
export * from './data-contract.js';
export type {
  FineTuneOptions,
  FitFlatCosOptions,
  FitOneCycleOptions,
  FitOptions,
  FitResult,
  FitSgdrOptions,
  LrFindOptions,
} from './fit-options.js';
export { Lamb, type LambOptions, lamb } from './lamb.js';
export { Learner } from './learner.js';
export type { LearnerOptions, SaveOptions } from './learner-options.js';
export * from './loss.js';
export * from './lr-range.js';
export * from './metrics.js';
export * from './model-contract.js';
export * from './opt-func.js';
export * from './optimizer.js';
export type { GetPredsOptions, Prediction } from './predictions.js';
export { RAdam, type RAdamOptions, radam, radamRectification } from './radam.js';
export * from './rmsprop.js';
export type { RunConfig, RunPosition } from './run-tracker.js';
export * from './sgd.js';
export type { ValidationResult } from './validation.js';
