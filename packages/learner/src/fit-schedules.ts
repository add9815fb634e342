import { annealCos } from '@onecycle/annealing';
import type { HyperSchedule } from '@onecycle/callbacks';

/** Throws unless `v` is a finite number in the allowed range. */
function check(method: string, name: string, v: number, ok: boolean, range: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok) {
    throw new RangeError(`${method}: ${name} must be ${range}, got ${String(v)}`);
  }
}

/**
 * fastai v2's `fit_flat_cos` schedule: every group's learning rate stays at `lrs` for `pctStart`
 * of the `totalSteps`, then anneals with a half cosine to `lrs / divFinal`. Step `i` takes the
 * value at position `i / totalSteps`, as fastai's `ParamScheduler`.
 *
 * @example
 * ```ts
 * const s = flatCosSchedule([1e-2], 100, 0.75, 1e5);
 * s.at(50).lr; // [0.01]
 * ```
 */
export function flatCosSchedule(
  lrs: readonly number[],
  totalSteps: number,
  pctStart: number,
  divFinal: number,
): HyperSchedule {
  check('fitFlatCos', 'pctStart', pctStart, pctStart >= 0 && pctStart < 1, 'in [0, 1)');
  check('fitFlatCos', 'divFinal', divFinal, divFinal >= 1, 'a number ≥ 1');
  return {
    totalSteps,
    at: (step) => {
      const pos = step / totalSteps;
      if (pos < pctStart) return { lr: [...lrs] };
      const p = (pos - pctStart) / (1 - pctStart);
      return { lr: lrs.map((lr) => annealCos(lr, lr / divFinal, p)) };
    },
  };
}

/**
 * The length in epochs of SGDR's cycles: `cycleLen·cycleMult^i` for cycle `i`.
 *
 * @example
 * ```ts
 * sgdrCycleEpochs(3, 1, 2); // [1, 2, 4]
 * ```
 */
export function sgdrCycleEpochs(nCycles: number, cycleLen: number, cycleMult: number): number[] {
  check('fitSgdr', 'nCycles', nCycles, Number.isInteger(nCycles) && nCycles >= 1, 'an integer ≥ 1');
  check('fitSgdr', 'cycleLen', cycleLen, Number.isInteger(cycleLen) && cycleLen >= 1, 'an integer ≥ 1');
  check('fitSgdr', 'cycleMult', cycleMult, Number.isInteger(cycleMult) && cycleMult >= 1, 'an integer ≥ 1');
  return Array.from({ length: nCycles }, (_, i) => cycleLen * cycleMult ** i);
}

/**
 * fastai v2's `fit_sgdr` schedule (Loshchilov & Hutter's warm restarts): cycles of
 * `cycleLen·cycleMult^i` epochs, each a half cosine from `lrs` to 0 — what PyTorch's
 * `CosineAnnealingWarmRestarts(T_0, T_mult)` gives when stepped every batch.
 *
 * @example
 * ```ts
 * const s = sgdrSchedule([1e-2], 10, 3, 1, 2); // 3 cycles: 10, 20 and 40 steps
 * s.at(10).lr; // [0.01] (a restart)
 * ```
 */
export function sgdrSchedule(
  lrs: readonly number[],
  stepsPerEpoch: number,
  nCycles: number,
  cycleLen: number,
  cycleMult: number,
): HyperSchedule {
  const lengths = sgdrCycleEpochs(nCycles, cycleLen, cycleMult).map((e) => e * stepsPerEpoch);
  const totalSteps = lengths.reduce((a, b) => a + b, 0);
  return {
    totalSteps,
    at: (step) => {
      let start = 0;
      let i = 0;
      while (i < lengths.length - 1 && step >= start + lengths[i]!) start += lengths[i++]!;
      const p = Math.min(1, (step - start) / lengths[i]!);
      return { lr: lrs.map((lr) => annealCos(lr, 0, p)) };
    },
  };
}
