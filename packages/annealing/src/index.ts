export { annealCos } from './anneal-cos.js';
export { annealExp } from './anneal-exp.js';
export type { AnnealFunc } from './anneal-func.js';
export { annealLinear } from './anneal-linear.js';
export { annealNo } from './anneal-no.js';
export { annealPoly } from './anneal-poly.js';
export { combineSchedules, type SchedulePhase } from './combine-schedules.js';
export { PhasedScheduler } from './phased-scheduler.js';
export { Scheduler } from './scheduler.js';
export type { Stepper } from './stepper.js';
export { StepperBase } from './stepper-base.js';
export {
  type AxisScale,
  type ChartPanel,
  type LineChartOptions,
  type LineSeries,
  lineChartSvg,
  type PointMarker,
} from './svg-line-chart.js';
