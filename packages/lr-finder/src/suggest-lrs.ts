import { minimum, type SlideOptions, type Suggestion, slide, steep, valley } from './suggestion-methods.js';

/**
 * The four suggestions of fastai 2.4, each null when the curve is too short for it.
 *
 * @example
 * ```ts
 * const { valley, steep }: Suggestions = suggestLrs(lrs, losses);
 * ```
 */
export interface Suggestions {
  /** Steepest descent of the loss against log(lr). */
  steep: Suggestion | null;
  /** A tenth of the learning rate with the lowest loss. */
  minimum: Suggestion | null;
  /** About halfway down the longest valley (fastai's default). */
  valley: Suggestion | null;
  /** Interval slide rule. */
  slide: Suggestion | null;
}

/**
 * Options of {@link suggestLrs}.
 *
 * @example
 * ```ts
 * const o: SuggestOptions = { skipStart: 10, skipEnd: 5 };
 * ```
 */
export interface SuggestOptions {
  /** Points left out at the start (default ⌊n/10⌋ of the curve's length, fastai: `num_it // 10`). */
  skipStart?: number;
  /** Points left out at the end (default 5). */
  skipEnd?: number;
  /** Options of the slide rule. */
  slide?: SlideOptions;
}

/**
 * Computes the four suggestions on a curve as fastai 2.4's `lr_find` does: leave out `skipStart`
 * points at the start (the first losses are often a spike) and `skipEnd` at the end, cut the
 * curve at its first NaN, then apply `steep`, `minimum`, `valley` and `slide`. Each suggestion's
 * `index` refers to the full arrays.
 *
 * @example
 * ```ts
 * const s = suggestLrs(result.lrs, result.losses);
 * s.valley?.lr; // fastai's default suggestion
 * ```
 */
export function suggestLrs(
  lrs: readonly number[],
  losses: readonly number[],
  options: SuggestOptions = {},
): Suggestions {
  if (lrs.length !== losses.length) {
    throw new RangeError(
      `suggestLrs: lrs and losses must have the same length (${lrs.length} vs ${losses.length})`,
    );
  }
  const skipStart = options.skipStart ?? Math.floor(lrs.length / 10);
  const skipEnd = options.skipEnd ?? 5;
  for (const [k, v] of [
    ['skipStart', skipStart],
    ['skipEnd', skipEnd],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`suggestLrs: ${k} must be an integer ≥ 0, got ${v}`);
  }
  let end = Math.max(skipStart, lrs.length - skipEnd);
  const firstNaN = losses.findIndex((l, i) => i >= skipStart && i < end && Number.isNaN(l));
  if (firstNaN >= 0) end = firstNaN;
  const wl = lrs.slice(skipStart, end);
  const wloss = losses.slice(skipStart, end);
  const shift = (s: Suggestion | null): Suggestion | null =>
    s ? { ...s, index: s.index + skipStart } : null;
  return {
    steep: shift(steep(wl, wloss)),
    minimum: shift(minimum(wl, wloss)),
    valley: shift(valley(wl, wloss)),
    slide: shift(slide(wl, wloss, options.slide)),
  };
}
