import type { ImageSet } from './image-set.js';

/**
 * Images `[start, end)` of a set as a new set sharing the same memory (no copy).
 *
 * @example
 * ```ts
 * const firstHundred = sliceImageSet(set, 0, 100);
 * ```
 */
export function sliceImageSet(set: ImageSet, start: number, end: number): ImageSet {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= set.n)) {
    throw new RangeError(`sliceImageSet: [${start}, ${end}) is not a range within [0, ${set.n}]`);
  }
  const per = set.height * set.width * set.channels;
  return {
    n: end - start,
    height: set.height,
    width: set.width,
    channels: set.channels,
    pixels: set.pixels.subarray(start * per, end * per),
    labels: set.labels.subarray(start, end),
    ...(set.files ? { files: set.files.slice(start, end) } : {}),
  };
}
