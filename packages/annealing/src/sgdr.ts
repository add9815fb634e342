import { anneal } from './anneal.js';
import { annealCos } from './anneal-cos.js';
import { checkInteger, checkKnownOptions, checkPositive, checkStep } from './check-arguments.js';
import type { Schedule } from './schedule.js';

/**
 * Options of {@link sgdr}.
 *
 * @example
 * ```ts
 * import type { SgdrOptions } from '@onecycle/annealing';
 * const options: SgdrOptions = { lrMax: 0.1, cycleSteps: 100, cycles: 3, cycleMult: 2 };
 * ```
 */
export interface SgdrOptions {
  /** The learning rate at the start of every cycle (> 0). */
  readonly lrMax: number;
  /** The steps of the first cycle (PyTorch's `T_0`, fastai's `cycle_len` × batches), an integer ≥ 1. */
  readonly cycleSteps: number;
  /** The number of cycles, an integer ≥ 1. */
  readonly cycles: number;
  /** Each cycle is `cycleMult` times longer than the previous one (`T_mult`), an integer ≥ 1; default 1. */
  readonly cycleMult?: number;
  /** The lowest learning rate is `lrMax / finalDiv` (PyTorch's `eta_min`); > 0, default Infinity (0). */
  readonly finalDiv?: number;
}

/**
 * Cosine annealing with warm restarts (SGDR; PyTorch's `CosineAnnealingWarmRestarts`, fastai v1's
 * `fit_sgdr`): `cycles` cosine anneals from `lrMax` to `lrMax / finalDiv`, the `i`-th of
 * `cycleSteps × cycleMult^i` steps. Step `t` of a cycle starting at step `s` and lasting `T` steps
 * is `anneal(lrMax, lrMax / finalDiv, T, annealCos).at(t − s)`, so the first step of each cycle
 * restarts at `lrMax`, as in PyTorch (fastai v1 differs at those steps only: it keeps the previous
 * cycle's end value for one step). Steps at or past `totalSteps` give `lrMax / finalDiv`.
 *
 * @param options - See {@link SgdrOptions}.
 * @throws RangeError naming the option and its allowed range; TypeError for an unknown option.
 * @example
 * ```ts
 * import { sgdr } from '@onecycle/annealing';
 * const lr = sgdr({ lrMax: 0.1, cycleSteps: 10, cycles: 3, cycleMult: 2 });
 * lr.totalSteps; // 70 (10 + 20 + 40)
 * lr.at(5);      // 0.05
 * lr.at(10);     // 0.1 (restart)
 * ```
 */
export function sgdr(options: SgdrOptions): Schedule<number> {
  const where = 'sgdr';
  checkKnownOptions(where, options, ['lrMax', 'cycleSteps', 'cycles', 'cycleMult', 'finalDiv']);
  const { lrMax, cycleSteps, cycles, cycleMult = 1, finalDiv = Number.POSITIVE_INFINITY } = options;
  checkPositive(where, 'lrMax', lrMax);
  checkInteger(where, 'cycleSteps', cycleSteps, 1);
  checkInteger(where, 'cycles', cycles, 1);
  checkInteger(where, 'cycleMult', cycleMult, 1);
  checkPositive(where, 'finalDiv', finalDiv, true);
  const lrMin = lrMax / finalDiv;
  const cycleList = Array.from({ length: cycles }, (_, i) =>
    anneal(lrMax, lrMin, cycleSteps * cycleMult ** i, annealCos),
  );
  const starts: number[] = [];
  let totalSteps = 0;
  for (const cycle of cycleList) {
    starts.push(totalSteps);
    totalSteps += cycle.totalSteps;
  }
  if (!Number.isSafeInteger(totalSteps)) {
    throw new RangeError(`${where}: cycleSteps × cycleMult^(cycles − 1) grows past the largest safe integer`);
  }
  return {
    totalSteps,
    at(step: number): number {
      checkStep('sgdr.at', step);
      if (step >= totalSteps) return lrMin;
      let i = cycleList.length - 1;
      while (step < starts[i]!) i--;
      return cycleList[i]!.at(step - starts[i]!);
    },
  };
}
