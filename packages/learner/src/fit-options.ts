import type { Callback } from '@onecycle/callbacks';
import type { LRFinderOptions } from '@onecycle/lr-finder';
import type { OneCycleVariant } from '@onecycle/one-cycle';

/**
 * Options of {@link Learner.fit}.
 *
 * @example
 * ```ts
 * await learn.fit(1, 1e-3, { wd: 0, callbacks: [new TerminateOnNaN()] });
 * ```
 */
export interface FitOptions {
  /** Weight decay for this run (default: the learner's `wd`). */
  wd?: number | readonly number[];
  /** Extra callbacks for this run only. */
  callbacks?: readonly Callback[];
  /**
   * Continue an unfinished run with the same arguments (after {@link Learner.load} or a stopped
   * run) instead of starting over. Default: resume only a run restored by `load`/`loadState`
   * whose arguments match; `true` requires a run to resume; `false` always starts afresh.
   */
  resume?: boolean;
}

/**
 * Options of {@link Learner.fitOneCycle}: fastai v1's `fit_one_cycle` arguments.
 *
 * @example
 * ```ts
 * await learn.fitOneCycle(2, 5e-2, { moms: [0.95, 0.85], pctStart: 0.3, divFactor: 25 });
 * ```
 */
export interface FitOneCycleOptions extends FitOptions {
  /** `[max, min]` momentum (Adam's beta1); default [0.95, 0.85]. */
  moms?: readonly [number, number];
  /** Start lr = lrMax / divFactor (default 25). */
  divFactor?: number;
  /** Fraction of the steps spent warming up (default 0.3). */
  pctStart?: number;
  /** Final lr = lrMax / finalDiv (default divFactor·1e4 for 'fastai'; see @onecycle/one-cycle). */
  finalDiv?: number;
  /** Shape of the cycle (see @onecycle/one-cycle; default 'fastai'). */
  variant?: OneCycleVariant;
}

/**
 * What {@link Learner.fit} and {@link Learner.fitOneCycle} resolve to.
 *
 * @example
 * ```ts
 * const r = await learn.fit(1, 1e-3);
 * if (r.stopReason) console.warn(r.stopReason);
 * ```
 */
export interface FitResult {
  /** Training batches run by this call. */
  iterations: number;
  /** Whether a callback stopped the run before its last epoch ended. */
  stoppedEarly: boolean;
  /** The reason a callback gave for stopping (e.g. a NaN loss). */
  stopReason?: string;
  /** Validation loss after the last epoch (NaN if none ran). */
  validLoss: number;
  /** Metrics after the last epoch. */
  metrics: Record<string, number>;
}

/**
 * Options of {@link Learner.lrFind}: the {@link LRFinderOptions} of @onecycle/lr-finder plus the
 * run's weight decay and extra callbacks.
 *
 * @example
 * ```ts
 * const res = await learn.lrFind({ startLr: 1e-7, endLr: 10, numIt: 100, wd: 1e-2 });
 * ```
 */
export interface LrFindOptions extends LRFinderOptions {
  /** Weight decay during the test (default: the learner's `wd`). */
  wd?: number | readonly number[];
  /** Extra callbacks for the test only. */
  callbacks?: readonly Callback[];
}

/**
 * Options of {@link Learner.fineTune}: fastai v2's `fine_tune` arguments.
 *
 * @example
 * ```ts
 * await learn.fineTune(2, 1e-2, { freezeEpochs: 1, lrMult: 100 });
 * ```
 */
export interface FineTuneOptions extends Omit<FitOptions, 'resume'> {
  /** Epochs of the frozen stage, head only (default 1; 0 skips it). */
  freezeEpochs?: number;
  /** The first layer group trains at `lr / lrMult` in the unfrozen stage (default 100). */
  lrMult?: number;
  /** pctStart of the unfrozen stage's cycle (default 0.3). */
  pctStart?: number;
  /** divFactor of the unfrozen stage's cycle (default 5, fastai v2's `div`). */
  divFactor?: number;
}

/**
 * Options of {@link Learner.fitFlatCos}: fastai v2's `fit_flat_cos` arguments.
 *
 * @example
 * ```ts
 * await learn.fitFlatCos(3, 1e-2, { pctStart: 0.75, divFinal: 1e5 });
 * ```
 */
export interface FitFlatCosOptions extends FitOptions {
  /** Fraction of the steps at the constant learning rate, in (0, 1) (default 0.75). */
  pctStart?: number;
  /** The final learning rate is `lr / divFinal` (default 1e5). */
  divFinal?: number;
}

/**
 * Options of {@link Learner.fitSgdr}: fastai v2's `fit_sgdr` arguments.
 *
 * @example
 * ```ts
 * await learn.fitSgdr(3, 1, 1e-2, { cycleMult: 2 });
 * ```
 */
export interface FitSgdrOptions extends FitOptions {
  /** Each cycle is `cycleMult` times longer than the one before (integer ≥ 1, default 2). */
  cycleMult?: number;
}
