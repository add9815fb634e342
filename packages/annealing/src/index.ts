export { anneal } from './anneal.js';
export { annealCos } from './anneal-cos.js';
export { annealExp } from './anneal-exp.js';
export type { AnnealFunc } from './anneal-func.js';
export { annealLinear } from './anneal-linear.js';
export { annealNo } from './anneal-no.js';
export { annealPoly } from './anneal-poly.js';
export { combineSchedules, type SchedulePhase } from './combine-schedules.js';
export { constant } from './constant.js';
export { type FlatCosOptions, flatCos } from './flat-cos.js';
export { HYPERPARAMETER_NAMES, type HyperparameterName } from './hyperparameter-names.js';
export {
  type HyperSchedules,
  type HyperValue,
  type HyperValues,
  type HyperValuesOf,
  hyperparams,
} from './hyperparams.js';
export { join } from './join.js';
export { perGroup } from './per-group.js';
export type { Schedule } from './schedule.js';
export { type SgdrOptions, sgdr } from './sgdr.js';
export { Stepper } from './stepper.js';
export { type WarmupCosineOptions, warmupCosine } from './warmup-cosine.js';
