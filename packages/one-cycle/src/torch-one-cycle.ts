import { type AnnealFunc, annealCos, annealLinear } from '@onecycle/annealing';
import { kernelConstant, kernelFactor, kernelKind, kernelValue } from './anneal-kernel.js';
import {
  checkBoolean,
  checkChoice,
  checkInteger,
  checkKnownOptions,
  checkLearningRates,
  checkOpenUnit,
  checkPositive,
  checkStep,
  checkUnit,
} from './check-options.js';
import { copyOptions } from './copy-options.js';
import type { LrOf } from './one-cycle.js';
import type { ResumableSchedule, ScheduleSpec } from './schedule-types.js';

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
export interface TorchOneCycleOptions<L extends number | readonly number[] = number | readonly number[]> {
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
  /** `base_momentum`: the lowest momentum, in [0, 1]; default 0.85. */
  readonly baseMomentum?: number;
  /** `max_momentum`: the highest momentum, in [0, 1]; default 0.95. */
  readonly maxMomentum?: number;
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
export interface TorchOneCycleValues<Lr extends number | number[] = number | number[]> {
  /** The learning rate: a number, or one per parameter group when `maxLr` is an array. */
  readonly lr: Lr;
  /** The momentum, when `cycleMomentum` is on. */
  readonly mom?: number;
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
export interface TorchOneCycleSchedule<Lr extends number | number[] = number | number[]>
  extends ResumableSchedule<TorchOneCycleValues<Lr>> {
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
export function torchOneCycle<L extends number | readonly number[]>(
  options: TorchOneCycleOptions<L>,
): TorchOneCycleSchedule<LrOf<L>> {
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
  const baseMomentum = checkUnit(where, 'baseMomentum', options.baseMomentum ?? 0.85);
  const maxMomentum = checkUnit(where, 'maxMomentum', options.maxMomentum ?? 0.95);
  const divFactor = checkPositive(where, 'divFactor', options.divFactor ?? 25);
  const finalDivFactor = checkPositive(where, 'finalDivFactor', options.finalDivFactor ?? 1e4);
  const threePhase = checkBoolean(where, 'threePhase', options.threePhase ?? false);

  const initial = maxLr.map((lr) => lr / divFactor);
  const min = initial.map((lr) => lr / finalDivFactor);
  const ends = threePhase
    ? [pctStart * totalSteps - 1, 2 * pctStart * totalSteps - 2, totalSteps - 1]
    : [pctStart * totalSteps - 1, totalSteps - 1];
  const lrPoints = threePhase ? [initial, maxLr, initial, min] : [initial, maxLr, min];
  const momPoints = threePhase
    ? [maxMomentum, baseMomentum, maxMomentum, maxMomentum]
    : [maxMomentum, baseMomentum, maxMomentum];
  const func: AnnealFunc = strategy === 'cos' ? annealCos : annealLinear;
  const kind = kernelKind(func);
  const scalar = !Array.isArray(options.maxLr);
  const groups = maxLr.length;
  const phaseCount = ends.length;
  // per phase: where it starts, its span, and the constants of the lr (per group) and momentum
  const starts = new Float64Array(phaseCount);
  const spans = new Float64Array(phaseCount);
  const lrFrom = new Float64Array(phaseCount * groups);
  const lrTo = new Float64Array(phaseCount * groups);
  const lrConst = new Float64Array(phaseCount * groups);
  const momFrom = new Float64Array(phaseCount);
  const momTo = new Float64Array(phaseCount);
  const momConst = new Float64Array(phaseCount);
  for (let i = 0; i < phaseCount; i++) {
    starts[i] = i === 0 ? 0 : ends[i - 1]!;
    spans[i] = ends[i]! - starts[i]!;
    for (let g = 0; g < groups; g++) {
      const k = i * groups + g;
      lrFrom[k] = lrPoints[i]![g]!;
      lrTo[k] = lrPoints[i + 1]![g]!;
      lrConst[k] = kernelConstant(kind, lrFrom[k]!, lrTo[k]!);
    }
    momFrom[i] = momPoints[i]!;
    momTo[i] = momPoints[i + 1]!;
    momConst[i] = kernelConstant(kind, momFrom[i]!, momTo[i]!);
  }
  const phaseEnds = Float64Array.from(ends);
  const lastPhase = phaseCount - 1;
  const lastLr = lrPoints[phaseCount]!;
  const lastMom = momPoints[phaseCount]!;

  const at = (step: number): TorchOneCycleValues<LrOf<L>> => {
    if (step >= 0 && step < totalSteps) {
      let i = 0;
      while (i < lastPhase && step > phaseEnds[i]!) i++;
      const span = spans[i]!;
      const pct = span === 0 ? 0 : (step - starts[i]!) / span;
      const factor = kernelFactor(kind, pct);
      let lr: LrOf<L>;
      if (scalar) {
        lr = kernelValue(kind, func, lrFrom[i]!, lrTo[i]!, lrConst[i]!, factor, pct) as LrOf<L>;
      } else {
        const values = new Array<number>(groups);
        for (let g = 0; g < groups; g++) {
          const k = i * groups + g;
          values[g] = kernelValue(kind, func, lrFrom[k]!, lrTo[k]!, lrConst[k]!, factor, pct);
        }
        lr = values as LrOf<L>;
      }
      if (!cycleMomentum) return { lr };
      return { lr, mom: kernelValue(kind, func, momFrom[i]!, momTo[i]!, momConst[i]!, factor, pct) };
    }
    checkStep(`${where}.at`, step);
    // at or past the end: the final values
    const lr = (scalar ? lastLr[0]! : [...lastLr]) as LrOf<L>;
    return cycleMomentum ? { lr, mom: lastMom } : { lr };
  };

  const spec: ScheduleSpec = { kind: 'torchOneCycle', options: copyOptions(options), extensions: [] };
  return { totalSteps, phaseEnds: Object.freeze(ends), spec, at };
}
