import { anneal } from './anneal.js';
import { annealCos } from './anneal-cos.js';
import { annealLinear } from './anneal-linear.js';
import { checkInteger, checkKnownOptions, checkPositive } from './check-arguments.js';
import { join } from './join.js';
import type { Schedule } from './schedule.js';

/**
 * Options of {@link warmupCosine}.
 *
 * @example
 * ```ts
 * import type { WarmupCosineOptions } from '@onecycle/annealing';
 * const options: WarmupCosineOptions = { lrMax: 1e-3, totalSteps: 1000, warmupSteps: 100 };
 * ```
 */
export interface WarmupCosineOptions {
  /** The peak learning rate, reached after the warm-up (> 0). */
  readonly lrMax: number;
  /** The number of steps, warm-up included (optax's `decay_steps`), an integer ≥ 1. */
  readonly totalSteps: number;
  /** The steps of linear warm-up, an integer in 0 … totalSteps − 1. */
  readonly warmupSteps: number;
  /** The first learning rate is `lrMax / divFactor`; > 0, default Infinity (start at 0). */
  readonly divFactor?: number;
  /** The last learning rate is `lrMax / finalDiv`; > 0, default Infinity (end at 0). */
  readonly finalDiv?: number;
}

/**
 * Linear warm-up, then cosine decay (optax's `warmup_cosine_decay_schedule`): from
 * `lrMax / divFactor` up to `lrMax` over `warmupSteps` steps, then a cosine down to
 * `lrMax / finalDiv` at `totalSteps`. A {@link join} of two {@link anneal}s.
 *
 * @param options - See {@link WarmupCosineOptions}.
 * @throws RangeError naming the option and its allowed range; TypeError for an unknown option.
 * @example
 * ```ts
 * import { warmupCosine } from '@onecycle/annealing';
 * const lr = warmupCosine({ lrMax: 1e-3, totalSteps: 1000, warmupSteps: 100 });
 * lr.at(50);  // 5e-4
 * lr.at(100); // 1e-3
 * lr.at(550); // 5e-4
 * ```
 */
export function warmupCosine(options: WarmupCosineOptions): Schedule<number> {
  const where = 'warmupCosine';
  checkKnownOptions(where, options, ['lrMax', 'totalSteps', 'warmupSteps', 'divFactor', 'finalDiv']);
  const { lrMax, totalSteps, warmupSteps } = options;
  const divFactor = options.divFactor ?? Number.POSITIVE_INFINITY;
  const finalDiv = options.finalDiv ?? Number.POSITIVE_INFINITY;
  checkPositive(where, 'lrMax', lrMax);
  checkInteger(where, 'totalSteps', totalSteps, 1);
  checkInteger(where, 'warmupSteps', warmupSteps, 0);
  if (warmupSteps >= totalSteps) {
    throw new RangeError(
      `${where}: warmupSteps must be an integer in 0 … totalSteps − 1 = ${totalSteps - 1} (got ${warmupSteps})`,
    );
  }
  checkPositive(where, 'divFactor', divFactor, true);
  checkPositive(where, 'finalDiv', finalDiv, true);
  const decay = anneal(lrMax, lrMax / finalDiv, totalSteps - warmupSteps, annealCos);
  if (warmupSteps === 0) return decay;
  return join([anneal(lrMax / divFactor, lrMax, warmupSteps, annealLinear), decay]);
}
