/**
 * The flavours of {@link oneCycle}: `'fastai'` (fastai v1's cosine warm-up and annealing, the
 * default), `'seed'` (linear warm-up, cosine to 0) and `'smith'` (Leslie Smith's three phases).
 *
 * @example
 * ```ts
 * const variant: OneCycleVariant = 'smith';
 * oneCycle({ lrMax: 0.1, totalSteps: 1000, variant });
 * ```
 */
export type OneCycleVariant = 'fastai' | 'seed' | 'smith';

/**
 * Options of {@link oneCycle}. Only `lrMax` and `totalSteps` are required.
 *
 * @typeParam L - `number` for one learning rate, `readonly number[]` for one per parameter group.
 * @example
 * ```ts
 * import { oneCycle, type OneCycleOptions } from '@onecycle/one-cycle';
 * const options: OneCycleOptions = { lrMax: 5e-2, totalSteps: 2 * 193, moms: [0.95, 0.85] };
 * const schedule = oneCycle(options);
 * ```
 */
export interface OneCycleOptions<L extends number | readonly number[] = number | readonly number[]> {
  /** The peak learning rate (> 0), or one per parameter group (discriminative learning rates). */
  readonly lrMax: L;
  /** The number of training steps (batches): epochs × batches per epoch; an integer ≥ 2. */
  readonly totalSteps: number;
  /** `'fastai'` (default), `'seed'` or `'smith'`; see {@link oneCycle}. */
  readonly variant?: OneCycleVariant;
  /** Momentum at the start and at the peak learning rate, each in [0, 1]; default `[0.95, 0.85]`. */
  readonly moms?: readonly [number, number];
  /** The first learning rate is `lrMax / divFactor`; > 0, default 25. */
  readonly divFactor?: number;
  /**
   * The share of steps spent raising the learning rate, in (0, 1); default 0.3. Phase 1 lasts
   * `floor(totalSteps × pctStart)` steps. Not used by `'smith'` (see `pctEnd`).
   */
  readonly pctStart?: number;
  /**
   * `'smith'` only: the share of steps of the final annihilation phase, in (0, 1); default 0.1.
   * Phases 1 and 2 last `floor(totalSteps × (1 − pctEnd) / 2)` steps each.
   */
  readonly pctEnd?: number;
  /**
   * The last learning rate is `lrMax / finalDiv`; > 0 (Infinity gives 0). Default:
   * `divFactor × 1e4` for `'fastai'`, Infinity (anneal to 0) for `'seed'`, `divFactor × 100` for
   * `'smith'`.
   */
  readonly finalDiv?: number;
}

/**
 * The options of a {@link OneCycleSchedule} with every default filled in (`lrMax` always as an
 * array, one per group).
 *
 * @example
 * ```ts
 * import { oneCycle } from '@onecycle/one-cycle';
 * oneCycle({ lrMax: 0.05, totalSteps: 100 }).resolved.finalDiv; // 250000 (divFactor × 1e4)
 * ```
 */
export interface ResolvedOneCycleOptions {
  /** The peak learning rate of each parameter group. */
  readonly lrMax: readonly number[];
  /** The number of training steps. */
  readonly totalSteps: number;
  /** The variant. */
  readonly variant: OneCycleVariant;
  /** Momentum at the start and at the peak learning rate. */
  readonly moms: readonly [number, number];
  /** The first learning rate is `lrMax / divFactor`. */
  readonly divFactor: number;
  /** The last learning rate is `lrMax / finalDiv`. */
  readonly finalDiv: number;
  /** The share of phase 1 (`'fastai'` and `'seed'`). */
  readonly pctStart?: number;
  /** The share of the annihilation phase (`'smith'`). */
  readonly pctEnd?: number;
}
