export { anneal } from './anneal.js';
export { annealCos } from './anneal-cos.js';
export { annealExp } from './anneal-exp.js';
export type { AnnealFunc } from './anneal-func.js';
export { annealLinear } from './anneal-linear.js';
export { annealNo } from './anneal-no.js';
export { annealPoly } from './anneal-poly.js';
export { combineSchedules, type SchedulePhase } from './combine-schedules.js';
export { constant } from './constant.js';
export { HYPERPARAMETER_NAMES, type HyperparameterName } from './hyperparameter-names.js';
export { type HyperSchedules, type HyperValue, type HyperValuesOf, hyperparams } from './hyperparams.js';
export type { IterationStepper } from './iteration-stepper.js';
export { join } from './join.js';
export { perGroup } from './per-group.js';
export { PhasedScheduler } from './phased-scheduler.js';
export type { Schedule } from './schedule.js';
export { Scheduler } from './scheduler.js';
export { Stepper } from './stepper.js';
export { StepperBase } from './stepper-base.js';
export {
  type AxisScale,
  type ChartPanel,
  type LineChartOptions,
  type LineSeries,
  lineChartSvg,
  type PointMarker,
} from './svg-line-chart.js';
