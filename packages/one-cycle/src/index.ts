export { type LrOf, type OneCycleSchedule, type OneCycleValues, oneCycle } from './one-cycle.js';
export type { OneCycleOptions, OneCycleVariant, ResolvedOneCycleOptions } from './one-cycle-options.js';
export {
  type TorchOneCycleOptions,
  type TorchOneCycleSchedule,
  type TorchOneCycleValues,
  torchOneCycle,
} from './torch-one-cycle.js';
