import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { type DecodedImage, decodeImage, fitImage, resolveMaxPixels } from './decode-image.js';
import type { LabelledFile } from './image-folder.js';
import type { ImageSet } from './image-set.js';

/**
 * Options of {@link decodeFiles}.
 *
 * @example
 * ```ts
 * const opts: DecodeOptions = { size: 28, resizeMethod: 'squish', skipBad: true };
 * ```
 */
export interface DecodeOptions {
  /** Target size `[height, width]` (or one number for a square). Without it all images must share one size. */
  size?: number | readonly [number, number];
  /** How images are brought to `size`: `'crop'` (default, fastai's) or `'squish'`. */
  resizeMethod?: 'crop' | 'squish';
  /** Skip unreadable images (listed in `skipped`) instead of throwing. */
  skipBad?: boolean;
  /**
   * Refuse images of more than this many pixels (width × height), from their header, before
   * decoding; default `defaultMaxPixels` (PIL's limit, 89,478,485).
   */
  maxPixels?: number;
}

/**
 * An image that could not be decoded and was skipped.
 *
 * @example
 * ```ts
 * for (const s of skipped) console.warn(`${s.file}: ${s.reason}`);
 * ```
 */
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

/**
 * Reads a whole file and its size and modification time with one open (open, fstat, read, close —
 * what `readFileSync` does anyway), so the decode cache's fingerprint costs no extra `stat`.
 *
 * @example
 * ```ts
 * const { bytes, size, mtimeMs } = readFileWithStat('/data/train/3/7.png');
 * ```
 */
export function readFileWithStat(path: string): { bytes: Uint8Array; size: number; mtimeMs: number } {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    const bytes = new Uint8Array(st.size);
    let off = 0;
    while (off < bytes.length) {
      const got = readSync(fd, bytes, off, bytes.length - off, off);
      if (got === 0) break;
      off += got;
    }
    return {
      bytes: off === bytes.length ? bytes : bytes.subarray(0, off),
      size: st.size,
      mtimeMs: st.mtimeMs,
    };
  } finally {
    closeSync(fd);
  }
}

/**
 * Resolves a `size` option into `[height, width]`; throws a RangeError for invalid values.
 *
 * @example
 * ```ts
 * resolveSize(28); // [28, 28]
 * ```
 */
export function resolveSize(size: number | readonly [number, number] | undefined): [number, number] | null {
  if (size === undefined) return null;
  const hw = typeof size === 'number' ? [size, size] : size;
  if (
    !Array.isArray(hw) ||
    hw.length !== 2 ||
    !hw.every((v) => Number.isInteger(v) && v >= 1 && v <= 16384)
  ) {
    throw new RangeError(
      `size must be an integer in [1, 16384] or [height, width] of such, got ${JSON.stringify(size)}`,
    );
  }
  return [hw[0]!, hw[1]!];
}

/**
 * Reads and decodes image files (relative to `root`) into one {@link ImageSet} with uint8 pixels:
 * 1 channel when every image is grayscale, else 3. Images must share a size unless `size` is
 * given (the error names two files of different sizes). A file that is not a readable image
 * (truncated, corrupt, or above `maxPixels`) throws an Error naming its path, or is skipped with
 * `skipBad`. `kept[i]` is the index in `items` of
 * image `i`; `sizes` and `mtimes` are every item's file size and modification time (−1 when it could
 * not be read), for the decode cache's fingerprint.
 *
 * @example
 * ```ts
 * const { set, skipped } = decodeFiles(root, items, { size: 28 });
 * ```
 */
export function decodeFiles(
  root: string,
  items: readonly LabelledFile[],
  options: DecodeOptions = {},
): { set: ImageSet; skipped: SkippedFile[]; kept: Int32Array; sizes: Float64Array; mtimes: Float64Array } {
  const target = resolveSize(options.size);
  const method = options.resizeMethod ?? 'crop';
  if (method !== 'crop' && method !== 'squish') {
    throw new RangeError(`resizeMethod must be 'crop' or 'squish', got ${String(method)}`);
  }
  const maxPixels = resolveMaxPixels(options.maxPixels);
  const skipped: SkippedFile[] = [];
  let h = target?.[0] ?? 0;
  let w = target?.[1] ?? 0;
  let first = '';
  let channels: 1 | 3 = 1;
  let pixels = new Uint8Array(0);
  const labels = new Int32Array(items.length);
  const files: string[] = [];
  const kept = new Int32Array(items.length);
  const sizes = new Float64Array(items.length).fill(-1);
  const mtimes = new Float64Array(items.length).fill(-1);
  let n = 0;
  for (let index = 0; index < items.length; index++) {
    const item = items[index]!;
    const path = join(root, item.file);
    let img: DecodedImage;
    try {
      let bytes: Uint8Array;
      try {
        const read = readFileWithStat(path);
        bytes = read.bytes;
        sizes[index] = read.size;
        mtimes[index] = read.mtimeMs;
      } catch (err) {
        throw new Error(`${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? err})`);
      }
      img = decodeImage(bytes, path, { maxPixels });
    } catch (err) {
      if (!options.skipBad) throw err;
      skipped.push({ file: item.file, reason: (err as Error).message.replace(`${path}: `, '') });
      continue;
    }
    if (n === 0 && !target) {
      h = img.height;
      w = img.width;
      first = item.file;
    }
    if (pixels.length === 0) pixels = new Uint8Array(items.length * h * w);
    let data: Uint8Array;
    if (target) {
      data = fitImage(img, h, w, method);
    } else if (img.height !== h || img.width !== w) {
      throw new Error(
        `images have different sizes: ${first} is ${w}×${h} (width×height), ${item.file} is ` +
          `${img.width}×${img.height}; pass { size } to resize them to one size`,
      );
    } else {
      data = img.data;
    }
    const hw = h * w;
    if (img.channels === 3 && channels === 1) {
      // First colour image: widen the store to 3 channels.
      const wide = new Uint8Array(items.length * hw * 3);
      for (let p = 0; p < n * hw; p++) {
        const v = pixels[p]!;
        wide[p * 3] = v;
        wide[p * 3 + 1] = v;
        wide[p * 3 + 2] = v;
      }
      pixels = wide;
      channels = 3;
    }
    if (channels === img.channels) {
      pixels.set(data, n * hw * channels);
    } else {
      const o = n * hw * 3;
      for (let p = 0; p < hw; p++) {
        const v = data[p]!;
        pixels[o + p * 3] = v;
        pixels[o + p * 3 + 1] = v;
        pixels[o + p * 3 + 2] = v;
      }
    }
    labels[n] = item.label;
    kept[n] = index;
    files.push(item.file);
    n++;
  }
  const size = n * h * w * channels;
  return {
    set: {
      n,
      height: n > 0 ? h : Math.max(h, 1),
      width: n > 0 ? w : Math.max(w, 1),
      channels,
      pixels: size === pixels.length ? pixels : pixels.slice(0, size),
      labels: n === labels.length ? labels : labels.slice(0, n),
      files,
    },
    skipped,
    kept: kept.slice(0, n),
    sizes,
    mtimes,
  };
}
