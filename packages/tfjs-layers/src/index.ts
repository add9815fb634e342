export { FitCallbackBridge, type FitPlan } from './fit-callback-bridge.js';
export type { FitInputs } from './fit-inputs.js';
export { type FitOneCycleOptions, fitOneCycle } from './fit-one-cycle.js';
export { layersSnapshot } from './layers-snapshot.js';
export {
  type LayersLrFindDatasetOptions,
  type LayersLrFindOptions,
  lrFind,
  lrFindDataset,
} from './lr-find.js';
export { OptimizerHyperparams, type OptimizerHyperparamsOptions } from './optimizer-hyperparams.js';
export { ScheduleCallback, scheduleCallback } from './schedule-callback.js';
