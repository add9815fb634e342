import type { Optimizer, OptimizerOptions, OptParam } from './optimizer.js';

/**
 * Builds an optimizer for the learner's parameter groups — fastai's `opt_func`. The learner passes
 * its `lr`, `wd` and `trueWd`; the factory adds the optimizer's own settings.
 *
 * @example
 * ```ts
 * const optFunc: OptFunc = sgd({ mom: 0.9 });
 * const opt = optFunc(groups, { lr: 1e-2, wd: 0, trueWd: true });
 * ```
 */
export type OptFunc = (groups: readonly (readonly OptParam[])[], common: OptimizerOptions) => Optimizer;
