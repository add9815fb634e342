import {
  type AnnealFunc,
  annealCos,
  annealLinear,
  hyperparams,
  perGroup,
  type Schedule,
} from '@onecycle/annealing';
import {
  checkBoolean,
  checkChoice,
  checkInteger,
  checkKnownOptions,
  checkLearningRates,
  checkOpenUnit,
  checkPositive,
  checkStep,
  checkUnits,
} from './check-options.js';
import type { LrOf } from './one-cycle.js';

/**
 * Options of {@link torchOneCycle}: PyTorch's `OneCycleLR` arguments in camelCase, with the same
 * defaults. Give `totalSteps`, or `epochs` and `stepsPerEpoch` (`totalSteps` wins if both).
 *
 * @example
 * ```ts
 * import { torchOneCycle } from '@onecycle/one-cycle';
 * // OneCycleLR(opt, max_lr=0.1, epochs=10, steps_per_epoch=100, three_phase=True)
 * const s = torchOneCycle({ maxLr: 0.1, epochs: 10, stepsPerEpoch: 100, threePhase: true });
 * ```
 */
export interface TorchOneCycleOptions<
  L extends number | readonly number[] = number | readonly number[],
  B extends number | readonly number[] = number | readonly number[],
  X extends number | readonly number[] = number | readonly number[],
> {
  /** `max_lr`: the peak learning rate (> 0), or one per parameter group. */
  readonly maxLr: L;
  /** `total_steps`: an integer ≥ 2. */
  readonly totalSteps?: number;
  /** `epochs` (with `stepsPerEpoch`): an integer ≥ 1. */
  readonly epochs?: number;
  /** `steps_per_epoch` (with `epochs`): an integer ≥ 1. */
  readonly stepsPerEpoch?: number;
  /** `pct_start`: the share of steps spent raising the learning rate, in (0, 1); default 0.3. */
  readonly pctStart?: number;
  /** `anneal_strategy`: `'cos'` (default) or `'linear'`. */
  readonly annealStrategy?: 'cos' | 'linear';
  /** `cycle_momentum`: anneal momentum inversely to the learning rate; default true. */
  readonly cycleMomentum?: boolean;
  /** `base_momentum`: the lowest momentum, in [0, 1], or one per parameter group; default 0.85. */
  readonly baseMomentum?: B;
  /** `max_momentum`: the highest momentum, in [0, 1], or one per parameter group; default 0.95. */
  readonly maxMomentum?: X;
  /** `div_factor`: `initial_lr = maxLr / divFactor`; > 0, default 25. */
  readonly divFactor?: number;
  /** `final_div_factor`: `min_lr = initial_lr / finalDivFactor`; > 0, default 1e4. */
  readonly finalDivFactor?: number;
  /** `three_phase`: up, back down to `initial_lr`, then annihilation to `min_lr`; default false. */
  readonly threePhase?: boolean;
}

/**
 * The values of a {@link torchOneCycle} step. `mom` is absent when `cycleMomentum` is false.
 *
 * @example
 * ```ts
 * import { torchOneCycle, type TorchOneCycleValues } from '@onecycle/one-cycle';
 * const v: TorchOneCycleValues<number> = torchOneCycle({ maxLr: 0.1, totalSteps: 100 }).at(0);
 * // { lr: 0.004, mom: 0.95 }
 * ```
 */
export interface TorchOneCycleValues<
  Lr extends number | number[] = number | number[],
  Mom extends number | number[] = number | number[],
> {
  /** The learning rate: a number, or one per parameter group when `maxLr` is an array. */
  readonly lr: Lr;
  /** The momentum, when `cycleMomentum` is on: one per group when either momentum option is an array. */
  readonly mom?: Mom;
}

/**
 * A schedule from {@link torchOneCycle}.
 *
 * @example
 * ```ts
 * import { torchOneCycle } from '@onecycle/one-cycle';
 * const s = torchOneCycle({ maxLr: 0.1, totalSteps: 100 });
 * s.phaseEnds; // [29, 99]
 * ```
 */
export interface TorchOneCycleSchedule<
  Lr extends number | number[] = number | number[],
  Mom extends number | number[] = number | number[],
> extends Schedule<TorchOneCycleValues<Lr, Mom>> {
  /** The step at which each phase ends, as PyTorch computes them (floats). */
  readonly phaseEnds: readonly number[];
}

const KNOWN = [
  'maxLr',
  'totalSteps',
  'epochs',
  'stepsPerEpoch',
  'pctStart',
  'annealStrategy',
  'cycleMomentum',
  'baseMomentum',
  'maxMomentum',
  'divFactor',
  'finalDivFactor',
  'threePhase',
];
const ALIASES: Record<string, string> = {
  lrMax: 'maxLr',
  max_lr: 'maxLr',
  total_steps: 'totalSteps',
  steps_per_epoch: 'stepsPerEpoch',
  pct_start: 'pctStart',
  anneal_strategy: 'annealStrategy',
  cycle_momentum: 'cycleMomentum',
  base_momentum: 'baseMomentum',
  max_momentum: 'maxMomentum',
  div_factor: 'divFactor',
  final_div_factor: 'finalDivFactor',
  three_phase: 'threePhase',
  moms: 'baseMomentum and maxMomentum',
};

/**
 * PyTorch's `OneCycleLR`, step for step: `at(step)` equals the learning rate (and momentum) that
 * `OneCycleLR` sets after `step` calls of `scheduler.step()`, within 1e-12 relative, so configs
 * port unchanged (arguments in camelCase).
 *
 * With `T = totalSteps`, `initial = maxLr / divFactor`, `min = initial / finalDivFactor`: two
 * phases end at steps `pctStart·T − 1` and `T − 1` (three-phase: `pctStart·T − 1`,
 * `2·pctStart·T − 2`, `T − 1`); within a phase from `s` to `e`, `pct = (step − s) / (e − s)`
 * anneals lr `initial → maxLr → min` (three-phase: `initial → maxLr → initial → min`) and momentum
 * `maxMomentum → baseMomentum → maxMomentum` (three-phase: held at `maxMomentum` in phase 3).
 *
 * Like PyTorch, `baseMomentum` and `maxMomentum` may be given per parameter group (arrays as long
 * as `maxLr`'s when that is an array too); `mom` is then an array.
 *
 * Differences from PyTorch, all at points where PyTorch fails or leaves the schedule: steps ≥ T
 * return the final values (PyTorch extrapolates at step T and raises after it); a phase of zero
 * length (e.g. `pctStart·T = 1`, where PyTorch divides by zero) gives its start value; options
 * are checked more strictly (`pctStart` in (0, 1), `totalSteps ≥ 2`, `maxLr > 0`).
 *
 * @param options - See {@link TorchOneCycleOptions}.
 * @throws RangeError naming the option and its allowed range; TypeError for an unknown option.
 * @example
 * ```ts
 * import { torchOneCycle } from '@onecycle/one-cycle';
 * // torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=100)
 * const s = torchOneCycle({ maxLr: 0.1, totalSteps: 100 });
 * s.at(0);  // { lr: 0.004, mom: 0.95 }
 * s.at(29); // { lr: 0.1, mom: 0.85 }
 * s.at(99); // { lr: 4e-7, mom: 0.95 }
 * ```
 */
export function torchOneCycle<
  L extends number | readonly number[],
  B extends number | readonly number[] = number,
  X extends number | readonly number[] = number,
>(
  options: TorchOneCycleOptions<L, B, X>,
): TorchOneCycleSchedule<LrOf<L>, [B, X] extends [number, number] ? number : number[]> {
  const where = 'torchOneCycle';
  checkKnownOptions(where, options, KNOWN, ALIASES);
  const maxLr = checkLearningRates(where, 'maxLr', options.maxLr);
  let totalSteps: number;
  if (options.totalSteps !== undefined) {
    totalSteps = checkInteger(where, 'totalSteps', options.totalSteps, 2);
  } else if (options.epochs !== undefined || options.stepsPerEpoch !== undefined) {
    const epochs = checkInteger(where, 'epochs', options.epochs, 1);
    const perEpoch = checkInteger(where, 'stepsPerEpoch', options.stepsPerEpoch, 1);
    totalSteps = epochs * perEpoch;
    if (totalSteps < 2) {
      throw new RangeError(`${where}: epochs × stepsPerEpoch must be ≥ 2 (got ${totalSteps})`);
    }
  } else {
    throw new RangeError(`${where}: totalSteps must be given (an integer ≥ 2), or epochs and stepsPerEpoch`);
  }
  const pctStart = checkOpenUnit(where, 'pctStart', options.pctStart ?? 0.3);
  const strategy = checkChoice(where, 'annealStrategy', options.annealStrategy ?? 'cos', [
    'cos',
    'linear',
  ] as const);
  const cycleMomentum = checkBoolean(where, 'cycleMomentum', options.cycleMomentum ?? true);
  const baseMomentum = checkUnits(where, 'baseMomentum', options.baseMomentum ?? 0.85);
  const maxMomentum = checkUnits(where, 'maxMomentum', options.maxMomentum ?? 0.95);
  const divFactor = checkPositive(where, 'divFactor', options.divFactor ?? 25);
  const finalDivFactor = checkPositive(where, 'finalDivFactor', options.finalDivFactor ?? 1e4);
  const threePhase = checkBoolean(where, 'threePhase', options.threePhase ?? false);
  const momGroups = Array.isArray(options.baseMomentum) || Array.isArray(options.maxMomentum);
  const perGroupOptions = (
    [
      ['maxLr', maxLr, Array.isArray(options.maxLr)],
      ['baseMomentum', baseMomentum, Array.isArray(options.baseMomentum)],
      ['maxMomentum', maxMomentum, Array.isArray(options.maxMomentum)],
    ] as const
  ).filter(([, , isArray]) => isArray);
  for (const [name, values] of perGroupOptions) {
    const [firstName, first] = perGroupOptions[0]!;
    if (values.length !== first.length) {
      throw new RangeError(
        `${where}: ${name} has ${values.length} values and ${firstName} has ${first.length}: give both one value per parameter group`,
      );
    }
  }
  const groups = Math.max(maxLr.length, baseMomentum.length, maxMomentum.length);
  const ofGroup = (values: readonly number[], g: number) => values[values.length === 1 ? 0 : g]!;

  const ends = threePhase
    ? [pctStart * totalSteps - 1, 2 * pctStart * totalSteps - 2, totalSteps - 1]
    : [pctStart * totalSteps - 1, totalSteps - 1];
  const func: AnnealFunc = strategy === 'cos' ? annealCos : annealLinear;
  const lrOfGroup = (g: number) => {
    const initial = maxLr[g]! / divFactor;
    const points = threePhase
      ? [initial, maxLr[g]!, initial, initial / finalDivFactor]
      : [initial, maxLr[g]!, initial / finalDivFactor];
    return torchPhases(totalSteps, ends, points, func);
  };
  const momOfGroup = (g: number) => {
    const low = ofGroup(baseMomentum, g);
    const high = ofGroup(maxMomentum, g);
    return torchPhases(totalSteps, ends, threePhase ? [high, low, high, high] : [high, low, high], func);
  };
  const lr = Array.isArray(options.maxLr) ? perGroup(maxLr.map((_, g) => lrOfGroup(g))) : lrOfGroup(0);
  const mom = momGroups ? perGroup(Array.from({ length: groups }, (_, g) => momOfGroup(g))) : momOfGroup(0);
  const schedule = (cycleMomentum ? hyperparams({ lr, mom }) : hyperparams({ lr })) as Schedule<
    TorchOneCycleValues<LrOf<L>, [B, X] extends [number, number] ? number : number[]>
  >;
  const at = (step: number) => {
    checkStep('torchOneCycle.at', step);
    return schedule.at(step);
  };
  return { totalSteps, at, phaseEnds: Object.freeze(ends) };
}

/**
 * One value through PyTorch's phases: step `t` belongs to the first phase with `t ≤ end_i`, at
 * `pct = (t − start_i) / (end_i − start_i)` (0 for a phase of zero length); steps ≥ totalSteps give
 * the last point.
 */
function torchPhases(
  totalSteps: number,
  ends: readonly number[],
  points: readonly number[],
  func: AnnealFunc,
): Schedule<number> {
  const last = ends.length - 1;
  return {
    totalSteps,
    at(step: number): number {
      if (step >= 0 && step < totalSteps) {
        let i = 0;
        while (i < last && step > ends[i]!) i++;
        const start = i === 0 ? 0 : ends[i - 1]!;
        const span = ends[i]! - start;
        return func(points[i]!, points[i + 1]!, span === 0 ? 0 : (step - start) / span);
      }
      checkStep('torchOneCycle.at', step);
      return points[last + 1]!;
    },
  };
}
