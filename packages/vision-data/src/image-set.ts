/**
 * Images of one size kept compactly in memory: pixels HWC per image, images one after another.
 * `Uint8Array` pixels are 0..255 (converted to [0, 1] floats per batch); `Float32Array` pixels are
 * used as they are.
 *
 * @example
 * ```ts
 * const set: ImageSet = { n: 2, height: 2, width: 2, channels: 1,
 *   pixels: new Uint8Array(8), labels: new Int32Array([0, 1]) };
 * ```
 */
export interface ImageSet {
  /** Number of images. */
  readonly n: number;
  /** Image height in pixels. */
  readonly height: number;
  /** Image width in pixels. */
  readonly width: number;
  /** Stored channels: 1 (grayscale) or 3 (RGB). */
  readonly channels: 1 | 3;
  /** `n * height * width * channels` values. */
  readonly pixels: Uint8Array | Float32Array;
  /** Class index of every image. */
  readonly labels: Int32Array;
  /** Optional file name of every image (relative to the data folder), for messages and `showBatch`. */
  readonly files?: readonly string[];
}

/**
 * Checks that an {@link ImageSet}'s arrays agree with its dimensions and its labels lie in
 * `[0, classes)`; throws a RangeError naming the field otherwise.
 *
 * @example
 * ```ts
 * validateImageSet(set, 2, 'train');
 * ```
 */
export function validateImageSet(set: ImageSet, classes: number, what: string): void {
  for (const k of ['n', 'height', 'width'] as const) {
    const v = set[k];
    if (!Number.isInteger(v) || v < (k === 'n' ? 0 : 1)) {
      throw new RangeError(
        `${what}.${k} must be a ${k === 'n' ? 'non-negative' : 'positive'} integer, got ${v}`,
      );
    }
  }
  if (set.channels !== 1 && set.channels !== 3) {
    throw new RangeError(`${what}.channels must be 1 or 3, got ${set.channels}`);
  }
  const expected = set.n * set.height * set.width * set.channels;
  if (set.pixels.length !== expected) {
    throw new RangeError(
      `${what}.pixels has ${set.pixels.length} values; n×height×width×channels = ` +
        `${set.n}×${set.height}×${set.width}×${set.channels} = ${expected}`,
    );
  }
  if (set.labels.length !== set.n) {
    throw new RangeError(`${what}.labels has ${set.labels.length} entries, expected n = ${set.n}`);
  }
  for (let i = 0; i < set.n; i++) {
    const l = set.labels[i]!;
    if (!(l >= 0 && l < classes)) {
      throw new RangeError(`${what}.labels[${i}] = ${l} is outside [0, ${classes - 1}] (${classes} classes)`);
    }
  }
  if (set.files && set.files.length !== set.n) {
    throw new RangeError(`${what}.files has ${set.files.length} entries, expected n = ${set.n}`);
  }
}
