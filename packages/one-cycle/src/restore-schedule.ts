import { extendSchedule } from './extend-schedule.js';
import { oneCycle } from './one-cycle.js';
import type { OneCycleOptions } from './one-cycle-options.js';
import type { ResumableSchedule, ScheduleSpec, ScheduleState } from './schedule-types.js';
import { type TorchOneCycleOptions, torchOneCycle } from './torch-one-cycle.js';

/**
 * The saved state of a schedule at a position: plain, JSON-safe data for a checkpoint.
 *
 * @param schedule - A schedule from `oneCycle`, `torchOneCycle` or `extendSchedule`.
 * @param position - The position reached (the index of the next batch), an integer ≥ 0.
 * @throws RangeError if `position` is not an integer ≥ 0.
 * @example
 * ```ts
 * import { oneCycle, scheduleState } from '@onecycle/one-cycle';
 * const saved = JSON.stringify(scheduleState(oneCycle({ lrMax: 0.05, totalSteps: 100 }), 40));
 * ```
 */
export function scheduleState(schedule: ResumableSchedule, position: number): ScheduleState {
  if (!Number.isInteger(position) || position < 0) {
    throw new RangeError(`scheduleState: position must be an integer ≥ 0 (got ${String(position)})`);
  }
  const { kind, options, extensions } = schedule.spec;
  return {
    format: 'onecycle-schedule',
    version: 1,
    kind,
    options: { ...options },
    extensions: extensions.map((e) => ({ ...e })),
    position,
  };
}

/**
 * Rebuilds a schedule from a {@link ScheduleSpec} (or a saved {@link ScheduleState}): the factory
 * with its options, then every recorded extension.
 *
 * @throws TypeError if `spec` is not a schedule spec; the factory's RangeError for bad options.
 * @example
 * ```ts
 * import { oneCycle, scheduleFromSpec } from '@onecycle/one-cycle';
 * const copy = scheduleFromSpec(oneCycle({ lrMax: 0.05, totalSteps: 100 }).spec);
 * ```
 */
export function scheduleFromSpec(spec: ScheduleSpec): ResumableSchedule {
  if (
    spec === null ||
    typeof spec !== 'object' ||
    typeof spec.options !== 'object' ||
    spec.options === null
  ) {
    throw new TypeError('scheduleFromSpec: spec must be an object with kind, options and extensions');
  }
  let schedule: ResumableSchedule;
  if (spec.kind === 'oneCycle') {
    const options = { ...spec.options } as Record<string, unknown>;
    if (options.finalDiv === null) options.finalDiv = Number.POSITIVE_INFINITY; // JSON writes Infinity as null
    schedule = oneCycle(options as unknown as OneCycleOptions);
  } else if (spec.kind === 'torchOneCycle') {
    schedule = torchOneCycle(spec.options as unknown as TorchOneCycleOptions);
  } else {
    throw new TypeError(
      `scheduleFromSpec: kind must be 'oneCycle' or 'torchOneCycle' (got ${JSON.stringify(spec.kind)})`,
    );
  }
  for (const extension of spec.extensions ?? []) {
    schedule = extendSchedule(schedule, extension.from, extension.totalSteps);
  }
  return schedule;
}

/**
 * Restores a saved schedule and its position, optionally extended to a new total number of steps
 * (by the rule of {@link extendSchedule}, from the saved position).
 *
 * @param state - A {@link ScheduleState}, for example `JSON.parse` of a saved one.
 * @param options - `totalSteps`: the new total; omitted or equal to the saved total keeps the plan.
 * @returns The schedule and the position to resume at.
 * @throws TypeError if `state` is not a saved schedule state; RangeError for a bad position or total.
 * @example
 * ```ts
 * import { restoreSchedule } from '@onecycle/one-cycle';
 * const { schedule, position } = restoreSchedule(JSON.parse(saved), { totalSteps: 2000 });
 * for (let step = position; step < schedule.totalSteps; step++) train(schedule.at(step));
 * ```
 */
export function restoreSchedule(
  state: ScheduleState,
  options: { readonly totalSteps?: number } = {},
): { schedule: ResumableSchedule; position: number } {
  if (state === null || typeof state !== 'object' || state.format !== 'onecycle-schedule') {
    throw new TypeError("restoreSchedule: state must be a saved schedule state (format 'onecycle-schedule')");
  }
  if (state.version !== 1) {
    throw new RangeError(`restoreSchedule: state.version must be 1 (got ${String(state.version)})`);
  }
  const position = state.position;
  if (!Number.isInteger(position) || position < 0) {
    throw new RangeError(`restoreSchedule: state.position must be an integer ≥ 0 (got ${String(position)})`);
  }
  let schedule = scheduleFromSpec(state);
  if (options.totalSteps !== undefined && options.totalSteps !== schedule.totalSteps) {
    schedule = extendSchedule(schedule, position, options.totalSteps);
  }
  return { schedule, position };
}
