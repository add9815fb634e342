export { extendSchedule } from './extend-schedule.js';
export { type LrOf, type OneCycleSchedule, type OneCycleValues, oneCycle } from './one-cycle.js';
export type { OneCycleOptions, OneCycleVariant, ResolvedOneCycleOptions } from './one-cycle-options.js';
export { restoreSchedule, scheduleFromSpec, scheduleState } from './restore-schedule.js';
export { ScheduleStepper } from './schedule-stepper.js';
export { type ScheduleSvgOptions, scheduleSvg } from './schedule-svg.js';
export type {
  HyperSchedule,
  ResumableSchedule,
  ScheduleExtension,
  ScheduleSpec,
  ScheduleState,
  ScheduleValues,
} from './schedule-types.js';
export {
  type TorchOneCycleOptions,
  type TorchOneCycleSchedule,
  type TorchOneCycleValues,
  torchOneCycle,
} from './torch-one-cycle.js';
