import { checkSchedule, checkStep } from './check-arguments.js';
import { HYPERPARAMETER_NAMES, type HyperparameterName } from './hyperparameter-names.js';
import type { Schedule } from './schedule.js';

/**
 * A hyperparameter's value at one step: one number for every parameter group, or one per group.
 *
 * @example
 * ```ts
 * import type { HyperValue } from '@onecycle/annealing';
 * const lr: HyperValue = [1e-4, 1e-3];
 * ```
 */
export type HyperValue = number | readonly number[];

/**
 * Hyperparameter values by name: what one step of a schedule of hyperparameters gives, and what
 * the callbacks' `ParamScheduler` applies to an optimizer.
 *
 * @example
 * ```ts
 * import type { HyperValues } from '@onecycle/annealing';
 * const v: HyperValues = { lr: [1e-4, 1e-3], mom: 0.9 };
 * ```
 */
export type HyperValues = { readonly [K in HyperparameterName]?: HyperValue };

/**
 * Schedules by hyperparameter name: what {@link hyperparams} takes.
 *
 * @example
 * ```ts
 * import { anneal, type HyperSchedules } from '@onecycle/annealing';
 * const schedules: HyperSchedules = { lr: anneal(1e-3, 1e-5, 100), mom: anneal(0.9, 0.95, 100) };
 * ```
 */
export type HyperSchedules = { readonly [K in HyperparameterName]?: Schedule<HyperValue> };

/**
 * The values of {@link HyperSchedules} `S` at one step: `{ lr: …, mom: … }`.
 *
 * @example
 * ```ts
 * import { anneal, type HyperValuesOf } from '@onecycle/annealing';
 * const schedules = { lr: anneal(1e-3, 1e-5, 100) };
 * const v: HyperValuesOf<typeof schedules> = { lr: 1e-3 };
 * ```
 */
export type HyperValuesOf<S extends HyperSchedules> = {
  -readonly [K in keyof S]: S[K] extends Schedule<infer V> ? V : never;
};

/**
 * A record of named hyperparameter schedules as one schedule of records (optax's
 * `inject_hyperparams`): `hyperparams({ lr, mom }).at(step)` is `{ lr: lr.at(step), mom: mom.at(step) }`.
 * `totalSteps` is the longest member's; a shorter one keeps its final value.
 *
 * @param schedules - Schedules by name, among {@link HYPERPARAMETER_NAMES} (at least one).
 * @throws RangeError for an unknown name or an empty record; TypeError if a member is not a schedule.
 * @example
 * ```ts
 * import { anneal, annealCos, hyperparams } from '@onecycle/annealing';
 * const s = hyperparams({ lr: anneal(1e-2, 0, 100, annealCos), mom: anneal(0.85, 0.95, 100, annealCos) });
 * s.at(100); // { lr: 0, mom: 0.95 }
 * ```
 */
export function hyperparams<S extends HyperSchedules>(schedules: S): Schedule<HyperValuesOf<S>> {
  if (schedules === null || typeof schedules !== 'object') {
    throw new TypeError('hyperparams: schedules must be an object of schedules by hyperparameter name');
  }
  const members: Schedule<HyperValue>[] = [];
  for (const [name, schedule] of Object.entries(schedules)) {
    if (schedule === undefined) continue;
    if (!(HYPERPARAMETER_NAMES as readonly string[]).includes(name)) {
      throw new RangeError(
        `hyperparams: unknown hyperparameter '${name}'; allowed: ${HYPERPARAMETER_NAMES.join(', ')}`,
      );
    }
    checkSchedule('hyperparams', name, schedule);
    members.push(schedule);
  }
  if (members.length === 0) {
    throw new RangeError(`hyperparams: name at least one of ${HYPERPARAMETER_NAMES.join(', ')}`);
  }
  // one named store per hyperparameter (in HYPERPARAMETER_NAMES order): several times faster in a
  // hot loop than storing under computed keys
  const { lr, mom, beta, wd } = schedules as HyperSchedules;
  return {
    totalSteps: Math.max(...members.map((m) => m.totalSteps)),
    at(step: number): HyperValuesOf<S> {
      checkStep('hyperparams.at', step);
      const values: { lr?: HyperValue; mom?: HyperValue; beta?: HyperValue; wd?: HyperValue } = {};
      if (lr !== undefined) values.lr = lr.at(step);
      if (mom !== undefined) values.mom = mom.at(step);
      if (beta !== undefined) values.beta = beta.at(step);
      if (wd !== undefined) values.wd = wd.at(step);
      return values as HyperValuesOf<S>;
    },
  };
}
