/**
 * One suggested learning rate of the LR finder.
 *
 * @example
 * ```ts
 * const s: Suggestion = { lr: 3e-3, loss: 0.41, index: 57, pointLr: 3e-3 };
 * ```
 */
export interface Suggestion {
  /** The suggested learning rate. */
  lr: number;
  /** The (smoothed) loss at the marked point. */
  loss: number;
  /** Index of the marked point in the arrays given to the method. */
  index: number;
  /** The learning rate of the marked point: `lr` except for `minimum`, which marks the minimum and suggests a tenth of it. */
  pointLr: number;
}

/**
 * A suggestion method: takes learning rates (increasing) and their smoothed losses (finite, same
 * length) and returns a suggestion, or null when there are too few points.
 *
 * @example
 * ```ts
 * const m: SuggestionMethod = steep;
 * m([1e-3, 1e-2, 1e-1], [1, 0.5, 0.8]); // { lr: 1e-3, … }
 * ```
 */
export type SuggestionMethod = (lrs: readonly number[], losses: readonly number[]) => Suggestion | null;

function check(name: string, lrs: readonly number[], losses: readonly number[]): void {
  if (lrs.length !== losses.length) {
    throw new RangeError(
      `${name}: lrs and losses must have the same length (${lrs.length} vs ${losses.length})`,
    );
  }
}

function argmin(xs: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (Number.isNaN(v)) continue;
    if (best < 0 || v < xs[best]!) best = i;
  }
  return best;
}

/** Index of the learning rate closest to `lr` (first one on ties), as fastai looks up the loss to mark. */
function nearest(lrs: readonly number[], lr: number): number {
  let best = 0;
  for (let i = 1; i < lrs.length; i++) if (Math.abs(lrs[i]! - lr) < Math.abs(lrs[best]! - lr)) best = i;
  return best;
}

/**
 * fastai's `minimum`: the learning rate with the lowest loss, divided by 10. The marked point is
 * the minimum itself.
 *
 * @example
 * ```ts
 * minimum([1e-3, 1e-2, 1e-1], [1, 0.5, 0.8]); // { lr: 1e-3, loss: 0.5, index: 1, pointLr: 1e-2 }
 * ```
 */
export function minimum(lrs: readonly number[], losses: readonly number[]): Suggestion | null {
  check('minimum', lrs, losses);
  const i = argmin(losses);
  if (i < 0) return null;
  const lrMin = lrs[i]!;
  const at = nearest(lrs, lrMin);
  return { lr: lrMin / 10, loss: losses[at]!, index: at, pointLr: lrMin };
}

/**
 * fastai's `steep`: where the loss falls fastest against log(lr), i.e. the minimum of the forward
 * differences `(loss[i+1] − loss[i]) / (ln lr[i+1] − ln lr[i])`; suggests `lr[i]`.
 *
 * @example
 * ```ts
 * steep([1e-4, 1e-3, 1e-2, 1e-1], [1, 0.9, 0.4, 0.6]); // { lr: 1e-3, loss: 0.9, index: 1, … }
 * ```
 */
export function steep(lrs: readonly number[], losses: readonly number[]): Suggestion | null {
  check('steep', lrs, losses);
  if (lrs.length < 2) return null;
  const grads: number[] = [];
  for (let i = 0; i + 1 < lrs.length; i++) {
    grads.push((losses[i + 1]! - losses[i]!) / (Math.log(lrs[i + 1]!) - Math.log(lrs[i]!)));
  }
  const i = argmin(grads);
  if (i < 0) return null;
  const lr = lrs[i]!;
  const at = nearest(lrs, lr);
  return { lr, loss: losses[at]!, index: at, pointLr: lr };
}

/**
 * fastai's `valley`: finds the longest strictly decreasing run of losses (a longest decreasing
 * subsequence, O(n²)) and suggests the point about halfway down it (`start + ⌊len/3⌋ + ⌊len/6⌋`,
 * with fastai's bookkeeping of where the valley starts).
 *
 * @example
 * ```ts
 * valley(lrs, losses)?.lr;
 * ```
 */
export function valley(lrs: readonly number[], losses: readonly number[]): Suggestion | null {
  check('valley', lrs, losses);
  const n = losses.length;
  if (n === 0) return null;
  const lds = new Array<number>(n).fill(1);
  let maxStart = 0;
  let maxEnd = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i]! < losses[j]! && lds[i]! < lds[j]! + 1) lds[i] = lds[j]! + 1;
      // As fastai: the start is fixed when i first becomes the longest valley's end.
      if (lds[maxEnd]! < lds[i]!) {
        maxEnd = i;
        maxStart = maxEnd - lds[maxEnd]!;
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  const idx = Math.min(n - 1, Math.max(0, maxStart + Math.trunc(sections) + Math.trunc(sections / 2)));
  return { lr: lrs[idx]!, loss: losses[idx]!, index: idx, pointLr: lrs[idx]! };
}

/**
 * numpy's `gradient` with unit spacing: central differences inside, one-sided at the ends (used by
 * {@link slide}).
 *
 * @example
 * ```ts
 * numericGradient([0, 1, 4, 9]); // [1, 2, 4, 5]
 * ```
 */
export function numericGradient(ys: readonly number[]): number[] {
  const n = ys.length;
  if (n < 2) throw new RangeError(`numericGradient: needs at least 2 values, got ${n}`);
  return ys.map((_, i) => {
    if (i === 0) return ys[1]! - ys[0]!;
    if (i === n - 1) return ys[n - 1]! - ys[n - 2]!;
    return (ys[i + 1]! - ys[i - 1]!) / 2;
  });
}

/** Linear interpolation like numpy's `interp` (clamped at the ends; `xs` increasing). */
function interp(x: number, xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (x <= xs[0]!) return ys[0]!;
  if (x >= xs[n - 1]!) return ys[n - 1]!;
  let i = 1;
  while (xs[i]! < x) i++;
  const x0 = xs[i - 1]!;
  const x1 = xs[i]!;
  if (x === x1) return ys[i]!;
  return ys[i - 1]! + ((ys[i]! - ys[i - 1]!) * (x - x0)) / (x1 - x0);
}

/**
 * Options of {@link slide}.
 *
 * @example
 * ```ts
 * const o: SlideOptions = { lrDiff: 15, thresh: 0.005, adjustValue: 1 };
 * ```
 */
export interface SlideOptions {
  /** Distance in points between the two ends of the sliding interval (default 15). */
  lrDiff?: number;
  /** Largest difference of the two ends' gradients that counts as flat (default 0.005). */
  thresh?: number;
  /** Factor applied to the learning rate found (default 1). */
  adjustValue?: number;
}

/**
 * fastai's `slide` (interval slide rule): slides an interval of `lrDiff` points from the end of the
 * curve towards the start while the loss gradients (numpy `gradient`) at its two ends differ by
 * more than `thresh`; suggests the left end's learning rate times `adjustValue`. The marked loss is
 * interpolated on the log-lr axis. With fewer than `lrDiff + 1` points the interval shrinks to the
 * whole curve (fastai would fail).
 *
 * @example
 * ```ts
 * slide(lrs, losses)?.lr;
 * slide(lrs, losses, { thresh: 0.01 });
 * ```
 */
export function slide(
  lrs: readonly number[],
  losses: readonly number[],
  options: SlideOptions = {},
): Suggestion | null {
  check('slide', lrs, losses);
  const n = losses.length;
  if (n < 2) return null;
  const lrDiff = Math.min(options.lrDiff ?? 15, n - 1);
  const thresh = options.thresh ?? 0.005;
  const adjustValue = options.adjustValue ?? 1;
  if (!Number.isInteger(lrDiff) || lrDiff < 1)
    throw new RangeError(`slide: lrDiff must be an integer ≥ 1, got ${options.lrDiff}`);
  if (!(thresh >= 0)) throw new RangeError(`slide: thresh must be ≥ 0, got ${options.thresh}`);
  if (!(adjustValue > 0)) throw new RangeError(`slide: adjustValue must be > 0, got ${options.adjustValue}`);
  const grad = numericGradient(losses);
  let r = n - 1;
  let l = r - lrDiff;
  let found = l;
  while (l >= 0 && Math.abs(grad[r]! - grad[l]!) > thresh) {
    found = l;
    r -= 1;
    l -= 1;
  }
  const lr = lrs[found]! * adjustValue;
  const logLrs = lrs.map(Math.log10);
  const loss = interp(Math.log10(lr), logLrs, losses);
  return { lr, loss, index: found, pointLr: lr };
}
