import type { HyperValues, Schedule } from '@onecycle/annealing';
import { ParamScheduler } from '@onecycle/callbacks';
import { FitCallbackBridge } from './fit-callback-bridge.js';
import type { OptimizerHyperparamsOptions } from './optimizer-hyperparams.js';

/**
 * The callback of {@link scheduleCallback}: a {@link FitCallbackBridge} running
 * `@onecycle/callbacks`' `ParamScheduler`, which also checks the schedule's length against what
 * `fit` runs.
 *
 * @example
 * ```ts
 * const cb: ScheduleCallback = scheduleCallback(schedule);
 * await model.fit(x, y, { epochs, batchSize, callbacks: [cb] });
 * cb.state?.iteration; // batches trained
 * ```
 */
export class ScheduleCallback extends FitCallbackBridge {
  /** The schedule being followed. */
  readonly schedule: Schedule<HyperValues>;
  private readonly warn: (message: string) => void;

  /**
   * @param schedule - The schedule.
   * @param options - Where warnings go (default `console.warn`).
   * @example
   * ```ts
   * new ScheduleCallback(oneCycle({ lrMax: 0.05, totalSteps: 96 }));
   * ```
   */
  constructor(schedule: Schedule<HyperValues>, options: OptimizerHyperparamsOptions = {}) {
    if (schedule == null || typeof schedule.at !== 'function' || typeof schedule.totalSteps !== 'number') {
      throw new TypeError(
        'scheduleCallback: schedule must have totalSteps and at(step) (oneCycle, torchOneCycle, …)',
      );
    }
    if (!Number.isInteger(schedule.totalSteps) || schedule.totalSteps < 1) {
      throw new RangeError(
        `scheduleCallback: schedule.totalSteps must be an integer ≥ 1, got ${schedule.totalSteps}`,
      );
    }
    super([new ParamScheduler(schedule)], options);
    this.readsLosses = false; // the schedule depends on the step only
    this.schedule = schedule;
    this.warn = options.onWarning ?? ((m) => console.warn(m));
  }

  /** @internal */
  override async onTrainBegin(): Promise<void> {
    await super.onTrainBegin();
    const { epochs, batchesPerEpoch } = this.plan!;
    if (batchesPerEpoch !== undefined)
      this.checkLength(epochs * batchesPerEpoch, `${epochs} epochs × ${batchesPerEpoch} batches`);
  }

  /** @internal */
  override async onTrainEnd(): Promise<void> {
    const plan = this.plan;
    const state = this.state;
    // fitDataset without batchesPerEpoch: the length is known once the run is over.
    if (
      plan &&
      state &&
      plan.batchesPerEpoch === undefined &&
      !state.stopTraining &&
      state.error === undefined
    ) {
      this.checkLength(state.iteration, `${state.iteration} batches`);
    }
    await super.onTrainEnd();
  }

  private checkLength(steps: number, what: string): void {
    const total = this.schedule.totalSteps;
    if (steps === total) return;
    const effect =
      steps > total
        ? `its last ${steps - total} batches keep the schedule's final values`
        : `it stops ${total - steps} steps before the schedule's end`;
    this.warn(
      `scheduleCallback: the schedule covers totalSteps = ${total} but fit runs ${what} = ${steps} steps; ${effect} (build the schedule with totalSteps: ${steps})`,
    );
  }
}

/**
 * A tfjs-layers callback that drives `model.optimizer` from a schedule during `model.fit` or
 * `model.fitDataset`: before every batch (counted across epochs from 0) it sets the learning rate
 * to `schedule.at(step).lr` and, when the schedule has `mom`, the momentum the optimizer really
 * applies — SGD-with-momentum's momentum, Adam's and Adamax's `beta1`, RMSProp's momentum (see
 * {@link OptimizerHyperparams}). A value the optimizer cannot take (momentum for plain SGD) is
 * ignored with one warning. Steps past `totalSteps` keep the final values. When `fit` will run a
 * different number of batches than `schedule.totalSteps`, it warns once with the right number.
 *
 * @param schedule - `oneCycle(…)`, `torchOneCycle(…)` or any `Schedule` of `@onecycle/annealing` whose values
 *   have `lr` (a number, or a one-element array: a tfjs optimizer has one parameter group) and
 *   optionally `mom`.
 * @param options - Where warnings go (default `console.warn`).
 * @example
 * ```ts
 * import { oneCycle } from '@onecycle/one-cycle';
 * const epochs = 4;
 * const batchSize = 32;
 * const schedule = oneCycle({ lrMax: 0.05, totalSteps: epochs * Math.ceil(nSamples / batchSize) });
 * model.compile({ optimizer: tf.train.momentum(0.05, 0.9), loss: 'meanSquaredError' });
 * await model.fit(x, y, { epochs, batchSize, callbacks: [scheduleCallback(schedule)] });
 * ```
 */
export function scheduleCallback(
  schedule: Schedule<HyperValues>,
  options: OptimizerHyperparamsOptions = {},
): ScheduleCallback {
  return new ScheduleCallback(schedule, options);
}
