/**
 * fastai's `slice(start, stop)` for learning rates: spread over the layer groups.
 *
 * @example
 * ```ts
 * learn.fit(1, { start: 1e-5, stop: 1e-3 }); // 1e-5 … 1e-3, geometric, across the groups
 * learn.fit(1, { stop: 1e-3 });              // 1e-4 for every group but the last, 1e-3 for the last
 * ```
 */
export interface LrSlice {
  /** The first group's learning rate (omitted: every group but the last gets `stop / 10`). */
  readonly start?: number;
  /** The last group's learning rate. */
  readonly stop: number;
}

/**
 * A learning rate: one for every group, one per group, or a {@link LrSlice}.
 *
 * @example
 * ```ts
 * const a: LrSpec = 1e-3;
 * const b: LrSpec = [1e-4, 1e-3];
 * const c: LrSpec = { start: 1e-5, stop: 1e-3 };
 * ```
 */
export type LrSpec = number | readonly number[] | LrSlice;

/**
 * Expands a {@link LrSpec} to one learning rate per layer group, as fastai's `Learner.lr_range`:
 * a slice with a start is spread geometrically from start to stop; a slice without one gives
 * `stop / 10` to every group but the last.
 *
 * @example
 * ```ts
 * lrRange({ start: 1e-5, stop: 1e-3 }, 3); // [1e-5, 1e-4, 1e-3]
 * lrRange({ stop: 1e-3 }, 2);              // [1e-4, 1e-3]
 * lrRange(0.01, 2);                        // [0.01, 0.01]
 * ```
 */
export function lrRange(lr: LrSpec, nGroups: number): number[] {
  if (!Number.isInteger(nGroups) || nGroups < 1) {
    throw new RangeError(`lrRange: nGroups must be an integer ≥ 1, got ${nGroups}`);
  }
  let out: number[];
  if (typeof lr === 'number') out = new Array<number>(nGroups).fill(lr);
  else if (Array.isArray(lr)) {
    if (lr.length !== nGroups) {
      throw new RangeError(`lr: expected ${nGroups} learning rates (one per layer group), got ${lr.length}`);
    }
    out = [...(lr as readonly number[])];
  } else if (lr != null && typeof lr === 'object' && typeof (lr as LrSlice).stop === 'number') {
    const { start, stop } = lr as LrSlice;
    if (start === undefined || start === 0) {
      out = [...new Array<number>(nGroups - 1).fill(stop / 10), stop];
    } else if (nGroups === 1) out = [stop];
    else {
      const step = (stop / start) ** (1 / (nGroups - 1));
      out = Array.from({ length: nGroups }, (_, i) => start * step ** i);
    }
  } else {
    throw new TypeError(
      `lr must be a number, an array of numbers or { start?, stop }, got ${JSON.stringify(lr)}`,
    );
  }
  for (const v of out) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`lr: every learning rate must be a finite number ≥ 0, got ${JSON.stringify(lr)}`);
    }
  }
  return out;
}
