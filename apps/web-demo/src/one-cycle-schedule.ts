/**
 * The 1cycle schedule of the page's inputs, from @onecycle/one-cycle.
 */
import type { Schedule } from '@onecycle/annealing';
import { oneCycle } from '@onecycle/one-cycle';
import { headLr } from './chart-data.js';
import type { OneCycleInputs } from './settings.js';

/**
 * `{ pctStart }` for the variants that take it; Leslie Smith's three-phase variant has two equally
 * long phases and a fixed final share instead, so it gets none.
 *
 * @example
 * ```ts
 * oneCycle({ lrMax: 0.05, totalSteps: 100, variant: inputs.variant, ...pctStartOption(inputs) });
 * ```
 */
export function pctStartOption(inputs: OneCycleInputs): { pctStart?: number } {
  return inputs.variant === 'smith' ? {} : { pctStart: inputs.pctStart };
}

/**
 * lr (the head group's) and momentum by step: the schedule contract of @onecycle/annealing.
 *
 * @example
 * ```ts
 * const { lr, mom } = makeOneCycle(inputs, 193).at(0);
 * ```
 */
export type OneCycleSchedule = Schedule<{ lr: number; mom: number }>;

/**
 * The schedule of `inputs` for `stepsPerEpoch` batches per epoch (what fitOneCycle will follow).
 *
 * @example
 * ```ts
 * const s = makeOneCycle({ lrMax: 0.05, epochs: 1, pctStart: 0.25, divFactor: 25, moms: [0.95, 0.85], variant: 'fastai' }, 193);
 * s.at(0).lr; // 0.002
 * ```
 */
export function makeOneCycle(inputs: OneCycleInputs, stepsPerEpoch: number): OneCycleSchedule {
  if (!(Number.isInteger(stepsPerEpoch) && stepsPerEpoch >= 1)) {
    throw new RangeError(`stepsPerEpoch must be a positive integer, got ${stepsPerEpoch}`);
  }
  const schedule = oneCycle({
    lrMax: inputs.lrMax,
    totalSteps: inputs.epochs * stepsPerEpoch,
    variant: inputs.variant,
    moms: inputs.moms,
    divFactor: inputs.divFactor,
    ...pctStartOption(inputs),
  });
  return {
    totalSteps: schedule.totalSteps,
    at: (step) => {
      const v = schedule.at(step);
      return { lr: headLr(v.lr), mom: v.mom ?? Number.NaN };
    },
  };
}
