import { HYPERPARAMETER_NAMES, type HyperValues, type Schedule } from '@onecycle/annealing';
import type { Callback, HyperparamTarget, TrainState } from './types.js';

/**
 * Options of {@link ParamScheduler}.
 *
 * @example
 * ```ts
 * const opts: ParamSchedulerOptions = { startIteration: 200, stopWhenDone: true };
 * ```
 */
export interface ParamSchedulerOptions {
  /**
   * The schedule step of the run's first batch (to resume a run part-way). Default:
   * `state.iteration` at `onTrainBegin` (0 for a new run; a loop resumed at epoch e starts there).
   */
  startIteration?: number;
  /** Stop training once every step of the schedule was used (default false: keep the end values). */
  stopWhenDone?: boolean;
  /** Callback order (default 0). */
  order?: number;
}

/**
 * Applies one step of a schedule to an optimizer: every hyperparameter the step names, with
 * per-group arrays checked against `opt.nGroups`.
 *
 * @example
 * ```ts
 * applyHyperValues(state.host.opt, { lr: [1e-4, 1e-3], mom: 0.9 });
 * ```
 */
export function applyHyperValues(opt: HyperparamTarget, values: HyperValues): void {
  for (const name of HYPERPARAMETER_NAMES) {
    const v = values[name];
    if (v === undefined) continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v))
        throw new RangeError(`ParamScheduler: ${name} must be a finite number, got ${v}`);
    } else if (Array.isArray(v)) {
      if (v.length !== opt.nGroups) {
        throw new RangeError(
          `ParamScheduler: ${name} has ${v.length} values but the optimizer has ${opt.nGroups} parameter groups`,
        );
      }
      if (v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
        throw new RangeError(
          `ParamScheduler: every ${name} value must be a finite number, got [${v.join(', ')}]`,
        );
      }
    } else {
      throw new TypeError(`ParamScheduler: ${name} must be a number or an array of numbers`);
    }
    opt.set(name, v);
  }
}

/**
 * The generic hyperparameter-scheduling callback: drives the optimizer's hyperparameters from any
 * `Schedule` of `{ lr?, mom?, beta?, wd? }` records (the contract of `@onecycle/annealing`: what
 * `oneCycle()` returns, or `hyperparams({ lr: anneal(…) })`). It sets the step-0 values on `onTrainBegin` and the next step's values
 * on every training `onBatchEnd`, so training batch `i` of the run runs with the schedule's value
 * at step `startIteration + i`, as in fastai v1. Steps past `totalSteps` keep the values at `totalSteps`.
 *
 * @example
 * ```ts
 * import { oneCycle } from '@onecycle/one-cycle';
 * const sched = new ParamScheduler(oneCycle({ totalSteps: epochs * nBatches, lrMax: 1e-2 }));
 * await runTrainingLoop({ ...hooks, callbacks: [sched, recorder] });
 * ```
 * @example
 * ```ts
 * import { anneal, annealCos, hyperparams } from '@onecycle/annealing';
 * new ParamScheduler(hyperparams({ lr: anneal(1e-3, 1e-5, 500, annealCos) }));
 * ```
 */
export class ParamScheduler implements Callback {
  readonly name = 'paramScheduler';
  readonly order: number;
  /** The schedule being followed. */
  readonly schedule: Schedule<HyperValues>;
  /** The schedule step of the run's first batch, if fixed by the options. */
  readonly startIteration: number | undefined;
  /** Whether training stops once the schedule is used up. */
  readonly stopWhenDone: boolean;

  /**
   * @param schedule - A schedule of hyperparameter values (`{ totalSteps, at(step) }`).
   * @param options - Start offset, stop-when-done, order.
   * @example
   * ```ts
   * new ParamScheduler(schedule, { startIteration: 100 });
   * ```
   */
  constructor(schedule: Schedule<HyperValues>, options: ParamSchedulerOptions = {}) {
    if (schedule === null || typeof schedule !== 'object' || typeof schedule.at !== 'function') {
      throw new TypeError('ParamScheduler: schedule must be a schedule ({ totalSteps, at(step) })');
    }
    if (!Number.isInteger(schedule.totalSteps) || schedule.totalSteps < 1) {
      throw new RangeError(
        `ParamScheduler: schedule.totalSteps must be an integer ≥ 1, got ${schedule.totalSteps}`,
      );
    }
    this.schedule = schedule;
    const start = options.startIteration;
    if (start !== undefined && (!Number.isInteger(start) || start < 0)) {
      throw new RangeError(`ParamScheduler: startIteration must be an integer ≥ 0, got ${start}`);
    }
    this.startIteration = start;
    this.stopWhenDone = options.stopWhenDone ?? false;
    this.order = options.order ?? 0;
  }

  private firstIteration = 0;
  private base = 0;

  /**
   * The values the schedule gives for training step `step` (clamped to 0 … totalSteps).
   * @example
   * ```ts
   * sched.valuesAt(0); // { lr: 4e-4, mom: 0.95 }
   * ```
   */
  valuesAt(step: number): HyperValues {
    const s = Math.min(Math.max(0, step), this.schedule.totalSteps);
    return this.schedule.at(s);
  }

  /**
   * Sets the values of step `startIteration`.
   * @example
   * ```ts
   * await sched.onTrainBegin(state);
   * ```
   */
  onTrainBegin(state: TrainState): void {
    this.firstIteration = state.iteration;
    this.base = this.startIteration ?? state.iteration;
    applyHyperValues(state.host.opt, this.valuesAt(this.base));
  }

  /**
   * After a training batch, sets the values of the next step (or stops when the schedule is done
   * and `stopWhenDone`).
   * @example
   * ```ts
   * await sched.onBatchEnd(state);
   * ```
   */
  onBatchEnd(state: TrainState): void {
    if (!state.train) return;
    const next = this.base + (state.iteration - this.firstIteration) + 1;
    if (this.stopWhenDone && next >= this.schedule.totalSteps) {
      state.stopTraining = true;
      state.stopEpoch = true;
      return;
    }
    applyHyperValues(state.host.opt, this.valuesAt(next));
  }
}
