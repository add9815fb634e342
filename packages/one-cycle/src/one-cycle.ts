import {
  type AnnealFunc,
  anneal,
  annealCos,
  annealLinear,
  hyperparams,
  join,
  perGroup,
  type Schedule,
} from '@onecycle/annealing';
import {
  checkChoice,
  checkInteger,
  checkKnownOptions,
  checkLearningRates,
  checkOpenUnit,
  checkPositive,
  checkStep,
  checkUnit,
} from './check-options.js';
import type { OneCycleOptions, OneCycleVariant, ResolvedOneCycleOptions } from './one-cycle-options.js';

/**
 * The learning-rate type for a given `lrMax`: a number, or an array for per-group rates.
 *
 * @example
 * ```ts
 * const one: LrOf<number> = 0.05;
 * const perGroup: LrOf<number[]> = [0.005, 0.05];
 * ```
 */
export type LrOf<L> = L extends number ? number : number[];

/**
 * The values of a 1cycle step: the learning rate (a number, or one per parameter group) and the
 * momentum.
 *
 * @example
 * ```ts
 * import { oneCycle, type OneCycleValues } from '@onecycle/one-cycle';
 * const { lr, mom }: OneCycleValues<number> = oneCycle({ lrMax: 0.05, totalSteps: 100 }).at(0);
 * // lr = 0.002, mom = 0.95
 * ```
 */
export interface OneCycleValues<Lr extends number | number[] = number | number[]> {
  /** The learning rate: a number, or one per parameter group when `lrMax` is an array. */
  readonly lr: Lr;
  /** The momentum. */
  readonly mom: number;
}

/**
 * A 1cycle schedule (from {@link oneCycle}): `at(step)` gives the learning rate and momentum of
 * any batch as a pure function of the step.
 *
 * @example
 * ```ts
 * import { oneCycle } from '@onecycle/one-cycle';
 * const s = oneCycle({ lrMax: 0.05, totalSteps: 100 });
 * s.at(30); // { lr: 0.05, mom: 0.85 } — the peak, at the end of phase 1
 * s.phaseSteps; // [30, 70]
 * ```
 */
export interface OneCycleSchedule<Lr extends number | number[] = number | number[]>
  extends Schedule<OneCycleValues<Lr>> {
  /** The variant. */
  readonly variant: OneCycleVariant;
  /** The number of steps of each phase (each ≥ 1, as fastai pads an empty phase to one step). */
  readonly phaseSteps: readonly number[];
  /** The options with every default filled in. */
  readonly resolved: ResolvedOneCycleOptions;
}

const KNOWN = ['lrMax', 'totalSteps', 'variant', 'moms', 'divFactor', 'pctStart', 'pctEnd', 'finalDiv'];
const ALIASES: Record<string, string> = {
  maxLr: 'lrMax',
  lr_max: 'lrMax',
  max_lr: 'lrMax',
  epochs: 'totalSteps',
  total_steps: 'totalSteps',
  div_factor: 'divFactor',
  pct_start: 'pctStart',
  pct_end: 'pctEnd',
  final_div: 'finalDiv',
  finalDivFactor: 'finalDiv',
};

/**
 * The 1cycle policy: learning rate up then down, momentum down then up, as a pure function of
 * the step. `at(step)` returns `{ lr, mom }` for batch `step` (0-based); `lr` is an array when
 * `lrMax` is (discriminative learning rates). Steps at or past the end give the final values.
 *
 * Variants (`n = totalSteps`, `low = lrMax / divFactor`, `[m0, m1] = moms`):
 * - `'fastai'` (default; fastai v1's `OneCycleScheduler`): phase 1 of `a1 = floor(n × pctStart)`
 *   steps anneals lr `low → lrMax` and momentum `m0 → m1` by cosine; phase 2 of `n − a1` steps
 *   anneals lr `lrMax → lrMax / finalDiv` (default `divFactor × 1e4`) and momentum `m1 → m0`.
 * - `'seed'` (the 1cycle write-up this project started from): the same, but phase 1 is linear and
 *   phase 2 anneals lr by cosine to 0.
 * - `'smith'` (Leslie Smith's three phases, all linear): `low → lrMax` with `m0 → m1`, back
 *   `lrMax → low` with `m1 → m0` (each `floor(n × (1 − pctEnd) / 2)` steps), then annihilation
 *   `low → lrMax / finalDiv` (default `divFactor × 100`) with momentum held at `m0`.
 *
 * Stepping is exactly fastai v1's: batch 0 uses the start values, and every later batch uses the
 * value after one more `step()` of the current phase's scheduler, which hands over to the next
 * phase once done. So batch `k ≤ a1` gets phase 1 at `k / a1` (batch `a1` is the peak) and batch
 * `a1 + j` gets phase 2 at `j / (n − a1)`. A phase of 0 steps (`n × pctStart < 1`) lasts one
 * step, as in fastai, so the schedule's `totalSteps` is then one more than the option's.
 *
 * The schedule is a composition of `@onecycle/annealing`'s combinators:
 * `hyperparams({ lr: join([anneal(low, lrMax, a1, up), anneal(lrMax, last, n − a1, annealCos)]), mom: … })`,
 * with `perGroup` around the learning rate when `lrMax` is an array.
 *
 * @param options - See {@link OneCycleOptions}.
 * @throws RangeError naming the option and its allowed range: `lrMax ≤ 0`, `totalSteps < 2` or
 *   not an integer, `pctStart`/`pctEnd` outside (0, 1), `divFactor ≤ 0`, `finalDiv ≤ 0`, a
 *   momentum outside [0, 1], an unknown variant. TypeError for an unknown option name.
 * @example
 * ```ts
 * import { oneCycle } from '@onecycle/one-cycle';
 * const schedule = oneCycle({ lrMax: 5e-2, totalSteps: 2 * 193 }); // fit_one_cycle(2, 5e-2)
 * schedule.at(0);   // { lr: 0.002, mom: 0.95 }
 * schedule.at(115); // { lr: 0.05, mom: 0.85 } (a1 = floor(386 × 0.3) = 115)
 * schedule.at(386); // { lr: 2e-7, mom: 0.95 }
 *
 * // discriminative learning rates: one per parameter group
 * oneCycle({ lrMax: [1e-4, 1e-3, 1e-2], totalSteps: 100 }).at(30).lr; // [1e-4, 1e-3, 1e-2]
 * ```
 */
export function oneCycle<L extends number | readonly number[]>(
  options: OneCycleOptions<L>,
): OneCycleSchedule<LrOf<L>> {
  const where = 'oneCycle';
  checkKnownOptions(where, options, KNOWN, ALIASES);
  const lrMax = checkLearningRates(where, 'lrMax', options.lrMax);
  const totalSteps = checkInteger(where, 'totalSteps', options.totalSteps, 2);
  const variant = checkChoice(where, 'variant', options.variant ?? 'fastai', [
    'fastai',
    'seed',
    'smith',
  ] as const);
  const moms = options.moms ?? [0.95, 0.85];
  if (!Array.isArray(moms) || moms.length !== 2) {
    throw new RangeError(
      `${where}: moms must be a pair [start, middle] of numbers in [0, 1] (got ${String(moms)})`,
    );
  }
  const m0 = checkUnit(where, 'moms[0]', moms[0]);
  const m1 = checkUnit(where, 'moms[1]', moms[1]);
  const divFactor = checkPositive(where, 'divFactor', options.divFactor ?? 25);
  const defaultFinalDiv =
    variant === 'fastai' ? divFactor * 1e4 : variant === 'seed' ? Number.POSITIVE_INFINITY : divFactor * 100;
  const finalDiv = checkPositive(where, 'finalDiv', options.finalDiv ?? defaultFinalDiv, true);
  let pctStart: number | undefined;
  let pctEnd: number | undefined;
  if (variant === 'smith') {
    if (options.pctStart !== undefined) {
      throw new RangeError(
        `${where}: pctStart does not apply to variant 'smith' (its phases 1 and 2 are equally long); set pctEnd, the share of the final phase, in (0, 1)`,
      );
    }
    pctEnd = checkOpenUnit(where, 'pctEnd', options.pctEnd ?? 0.1);
  } else {
    if (options.pctEnd !== undefined) {
      throw new RangeError(
        `${where}: pctEnd applies only to variant 'smith' (got variant '${variant}'); for a flat tail use combineSchedules from @onecycle/annealing`,
      );
    }
    pctStart = checkOpenUnit(where, 'pctStart', options.pctStart ?? 0.3);
  }

  const low = lrMax.map((lr) => lr / divFactor);
  const last = lrMax.map((lr) => lr / finalDiv);
  // each phase: its length, the learning rate (per group) and momentum end points, the function
  type Phase = [
    steps: number,
    lrFrom: number[],
    lrTo: number[],
    momFrom: number,
    momTo: number,
    func: AnnealFunc,
  ];
  let phases: Phase[];
  if (variant === 'smith') {
    const a = Math.floor((totalSteps * (1 - pctEnd!)) / 2);
    phases = [
      [a, low, lrMax, m0, m1, annealLinear],
      [a, lrMax, low, m1, m0, annealLinear],
      [totalSteps - 2 * a, low, last, m0, m0, annealLinear],
    ];
  } else {
    const a1 = Math.floor(totalSteps * pctStart!);
    const up = variant === 'seed' ? annealLinear : annealCos;
    phases = [
      [a1, low, lrMax, m0, m1, up],
      [totalSteps - a1, lrMax, last, m1, m0, annealCos],
    ];
  }
  const lrOfGroup = (g: number) => join(phases.map(([n, from, to, , , f]) => anneal(from[g]!, to[g]!, n, f)));
  const lr = Array.isArray(options.lrMax) ? perGroup(lrMax.map((_, g) => lrOfGroup(g))) : lrOfGroup(0);
  const mom = join(phases.map(([n, , , from, to, f]) => anneal(from, to, n, f)));
  const schedule = hyperparams({ lr, mom }) as Schedule<OneCycleValues<LrOf<L>>>;
  const resolved: ResolvedOneCycleOptions = Object.freeze({
    lrMax: Object.freeze([...lrMax]),
    totalSteps,
    variant,
    moms: Object.freeze([m0, m1] as const),
    divFactor,
    finalDiv,
    ...(pctStart === undefined ? {} : { pctStart }),
    ...(pctEnd === undefined ? {} : { pctEnd }),
  });
  const at = (step: number) => {
    checkStep('oneCycle.at', step);
    return schedule.at(step);
  };
  return {
    totalSteps: schedule.totalSteps,
    at,
    variant,
    phaseSteps: Object.freeze(phases.map(([n]) => Math.max(1, n))),
    resolved,
  };
}
