/**
 * The hyperparameters a schedule can drive, by name: `lr` (learning rate), `mom` (SGD's momentum
 * or Adam's beta1), `beta` (Adam's beta2 or RMSProp's rho) and `wd` (weight decay).
 *
 * @example
 * ```ts
 * import { HYPERPARAMETER_NAMES } from '@onecycle/annealing';
 * HYPERPARAMETER_NAMES.includes('mom'); // true
 * ```
 */
export const HYPERPARAMETER_NAMES = ['lr', 'mom', 'beta', 'wd'] as const;

/**
 * One of {@link HYPERPARAMETER_NAMES}.
 *
 * @example
 * ```ts
 * import type { HyperparameterName } from '@onecycle/annealing';
 * const name: HyperparameterName = 'lr';
 * ```
 */
export type HyperparameterName = (typeof HYPERPARAMETER_NAMES)[number];
