export { CallbackHandler } from './callback-handler.js';
export { CSVLogger, type CSVLoggerOptions } from './csv-logger.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { formatStat, formatTime, ResultsTable } from './format.js';
export { accumulationOf, GradientAccumulation, stepsPerEpoch } from './gradient-accumulation.js';
export { clipNormFactor, GradientClip, type GradientClipOptions } from './gradient-clip.js';
export { Monitor, type MonitorMode, type MonitorName, type MonitorOptions } from './monitor.js';
export { applyHyperValues, ParamScheduler, type ParamSchedulerOptions } from './param-scheduler.js';
export { barText, ProgressBar, type ProgressBarOptions } from './progress-bar.js';
export { ProgressReporter, type ProgressReporterOptions } from './progress-reporter.js';
export { type EpochRecord, Recorder, type RecorderData, type RecorderOptions } from './recorder.js';
export {
  type PlotLossesOptions,
  type PlotLrOptions,
  type PlotMetricsOptions,
  plotLossesSvg,
  plotLrSvg,
  plotMetricsSvg,
} from './recorder-plots.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
export { SaveBestModel, type SaveBestModelOptions } from './save-best-model.js';
export { SaveModel, type SaveModelOptions } from './save-model.js';
export { SmoothLoss } from './smooth-loss.js';
export { TerminateOnNaN } from './terminate-on-nan.js';
export { createTrainState } from './train-state.js';
export {
  type BatchPart,
  runTrainingLoop,
  type TrainingLoopHooks,
  type TrainingLoopOptions,
  type TrainingLoopResult,
  type ValidationResult,
} from './training-loop.js';
export {
  CALLBACK_EVENTS,
  type Callback,
  type CallbackEvent,
  type EventHandler,
  type GradientAccess,
  type HyperparamTarget,
  type Snapshot,
  type TrainingHost,
  type TrainState,
} from './types.js';
