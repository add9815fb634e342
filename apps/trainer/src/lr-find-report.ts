import type { LRFindResult } from '@onecycle/lr-finder';

/**
 * Why an LR range test has no suggestion at all, or undefined when it has some: the suggestions
 * look at the curve without its first `skipStart` and last `skipEnd` points (and stop at its
 * first NaN), which a short sweep leaves (almost) empty.
 */
export function noSuggestionReason(result: LRFindResult): string | undefined {
  if (result.suggestionList().length > 0) return undefined;
  const n = result.losses.length;
  const end = Math.max(result.skipStart, n - result.skipEnd);
  const firstNaN = result.losses.findIndex((l, i) => i >= result.skipStart && i < end && Number.isNaN(l));
  const left = (firstNaN >= 0 ? firstNaN : end) - result.skipStart;
  return (
    `the curve has ${n} point(s); leaving out the first ${result.skipStart} and the last ${result.skipEnd}` +
    `${firstNaN >= 0 ? ' and stopping at the first NaN loss' : ''} leaves ${left}, too few to suggest a learning rate` +
    ` (run a longer sweep, e.g. --num-it ${Math.max(100, result.skipEnd + 20)})`
  );
}
