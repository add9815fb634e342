import { convertIndexedToRgb, decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { jpegSize } from './jpeg-size.js';
import { readPngStructure } from './png-structure.js';

/**
 * A decoded 8-bit image: 1 channel (grayscale) or 3 (RGB), HWC.
 *
 * @example
 * ```ts
 * const img: DecodedImage = decodeImage(bytes, 'a.png');
 * console.log(img.width, img.height, img.channels);
 * ```
 */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
}

/**
 * The image format of some bytes from their signature, or null.
 *
 * @example
 * ```ts
 * imageFormat(readFileSync('a.png')); // 'png'
 * ```
 */
export function imageFormat(bytes: Uint8Array): 'png' | 'jpeg' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return 'png';
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/**
 * The largest image, in pixels (width × height), that {@link decodeImage} decodes by default:
 * PIL's `Image.MAX_IMAGE_PIXELS` (89,478,485, about 9459×9459). Larger images are refused from
 * their header, before their pixels are allocated (a 20000×20000 RGB image would take 1.2 GB).
 *
 * @example
 * ```ts
 * decodeImage(bytes, 'scan.png', { maxPixels: 4 * defaultMaxPixels }); // allow larger scans
 * ```
 */
export const defaultMaxPixels = 89_478_485;

/**
 * Options of {@link decodeImage}.
 *
 * @example
 * ```ts
 * const opts: DecodeImageOptions = { maxPixels: 1e8 };
 * ```
 */
export interface DecodeImageOptions {
  /** Refuse images of more than this many pixels (width × height); default {@link defaultMaxPixels}. */
  maxPixels?: number;
}

/**
 * Checks a `maxPixels` option: a positive integer (default {@link defaultMaxPixels}).
 *
 * @example
 * ```ts
 * resolveMaxPixels(undefined); // 89478485
 * ```
 */
export function resolveMaxPixels(maxPixels: number | undefined): number {
  if (maxPixels === undefined) return defaultMaxPixels;
  if (!(Number.isSafeInteger(maxPixels) && maxPixels >= 1)) {
    throw new RangeError(`maxPixels must be a positive integer (pixels, width × height), got ${maxPixels}`);
  }
  return maxPixels;
}

/**
 * Decodes a PNG (fast-png) or JPEG (jpeg-js) into 8-bit pixels: gray and gray+alpha become 1
 * channel, RGB/RGBA/palette 3 channels (alpha dropped, as PIL's `convert('RGB')`), 16-bit samples
 * are reduced to 8 bits. Throws an Error naming `file` when the bytes are not a readable image: a
 * PNG's chunk structure is checked first (`truncated PNG`, `corrupt PNG`: CRC, missing chunks), and
 * an image larger than `maxPixels` is refused from its header, with its size, before any pixel is
 * allocated.
 *
 * @example
 * ```ts
 * const img = decodeImage(readFileSync('train/3/7.png'), 'train/3/7.png'); // 28×28, 1 channel
 * ```
 */
export function decodeImage(bytes: Uint8Array, file: string, options: DecodeImageOptions = {}): DecodedImage {
  const maxPixels = resolveMaxPixels(options.maxPixels);
  const format = imageFormat(bytes);
  if (format === null) {
    throw new Error(`${file}: not a PNG or JPEG image (unknown file signature)`);
  }
  let size: { width: number; height: number } | null;
  try {
    size = format === 'png' ? readPngStructure(bytes) : jpegSize(bytes);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
  }
  if (size && size.width * size.height > maxPixels) {
    throw new Error(
      `${file}: the image is ${size.width}×${size.height} (width×height, ${(size.width * size.height).toLocaleString('en-US')} pixels), ` +
        `above the limit of ${maxPixels.toLocaleString('en-US')} pixels (option maxPixels); not decoded`,
    );
  }
  try {
    return format === 'png' ? fromPng(bytes) : fromJpeg(bytes);
  } catch (err) {
    throw new Error(`${file}: cannot decode ${format.toUpperCase()} image: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function fromJpeg(bytes: Uint8Array): DecodedImage {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 512 });
  const { width, height } = img;
  const data = img.data as Uint8Array;
  if (!(width > 0 && height > 0) || data.length < width * height * 3) throw new Error('truncated JPEG data');
  return { width, height, channels: 3, data: data.subarray(0, width * height * 3) };
}

function fromPng(bytes: Uint8Array): DecodedImage {
  const png = decodePng(bytes);
  const { width, height, depth } = png;
  const n = width * height;
  if (!(width > 0 && height > 0)) throw new Error(`invalid PNG size ${width}×${height}`);
  if (png.palette) {
    const rgb = convertIndexedToRgb(png);
    const per = rgb.length / n;
    return { width, height, channels: 3, data: per === 3 ? rgb : dropAlpha(rgb, n, per, 3) };
  }
  const channels = png.channels;
  let samples: Uint8Array;
  if (depth === 8) {
    samples = png.data as Uint8Array;
  } else if (depth === 16) {
    const d16 = png.data as Uint16Array;
    samples = new Uint8Array(d16.length);
    for (let i = 0; i < d16.length; i++) samples[i] = d16[i]! >> 8;
  } else {
    samples = unpackBits(png.data as Uint8Array, width, height, depth);
  }
  if (samples.length < n * channels) throw new Error('truncated PNG data');
  if (channels === 1) return { width, height, channels: 1, data: samples.subarray(0, n) };
  if (channels === 2) return { width, height, channels: 1, data: dropAlpha(samples, n, 2, 1) };
  if (channels === 3) return { width, height, channels: 3, data: samples.subarray(0, n * 3) };
  if (channels === 4) return { width, height, channels: 3, data: dropAlpha(samples, n, 4, 3) };
  throw new Error(`unsupported PNG channel count ${channels}`);
}

function dropAlpha(src: Uint8Array, n: number, from: number, to: number): Uint8Array {
  const out = new Uint8Array(n * to);
  for (let p = 0; p < n; p++) for (let c = 0; c < to; c++) out[p * to + c] = src[p * from + c]!;
  return out;
}

/** Gray samples of 1, 2 or 4 bits (rows padded to whole bytes) → 8-bit values scaled to 0..255. */
function unpackBits(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const stride = Math.ceil((width * depth) / 8);
  const max = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = packed[y * stride + (bit >> 3)]!;
      const v = (byte >> (8 - depth - (bit & 7))) & max;
      out[y * width + x] = Math.round((v * 255) / max);
    }
  }
  return out;
}

/**
 * Resizes 8-bit HWC pixels with bilinear interpolation (pixel centres aligned, as PIL's bilinear
 * without antialiasing).
 *
 * @example
 * ```ts
 * const small = resizeBilinear(img.data, 56, 56, 1, 28, 28);
 * ```
 */
export function resizeBilinear(
  src: Uint8Array,
  height: number,
  width: number,
  channels: number,
  outHeight: number,
  outWidth: number,
): Uint8Array {
  const out = new Uint8Array(outHeight * outWidth * channels);
  const sy = height / outHeight;
  const sx = width / outWidth;
  for (let y = 0; y < outHeight; y++) {
    let fy = (y + 0.5) * sy - 0.5;
    if (fy < 0) fy = 0;
    const y0 = Math.min(Math.floor(fy), height - 1);
    const y1 = Math.min(y0 + 1, height - 1);
    const wy = fy - y0;
    for (let x = 0; x < outWidth; x++) {
      let fx = (x + 0.5) * sx - 0.5;
      if (fx < 0) fx = 0;
      const x0 = Math.min(Math.floor(fx), width - 1);
      const x1 = Math.min(x0 + 1, width - 1);
      const wx = fx - x0;
      for (let c = 0; c < channels; c++) {
        const a = src[(y0 * width + x0) * channels + c]!;
        const b = src[(y0 * width + x1) * channels + c]!;
        const d = src[(y1 * width + x0) * channels + c]!;
        const e = src[(y1 * width + x1) * channels + c]!;
        const top = a + (b - a) * wx;
        const bottom = d + (e - d) * wx;
        out[(y * outWidth + x) * channels + c] = Math.round(top + (bottom - top) * wy);
      }
    }
  }
  return out;
}

/**
 * Brings a decoded image to `[outHeight, outWidth]`: `'squish'` resizes directly, `'crop'` (fastai's
 * default) scales the short side to fit and cuts the centre.
 *
 * @example
 * ```ts
 * const px = fitImage(img, 32, 32, 'crop');
 * ```
 */
export function fitImage(
  img: DecodedImage,
  outHeight: number,
  outWidth: number,
  method: 'squish' | 'crop',
): Uint8Array {
  const { width, height, channels, data } = img;
  if (width === outWidth && height === outHeight) return data;
  if (method === 'squish') return resizeBilinear(data, height, width, channels, outHeight, outWidth);
  const scale = Math.max(outHeight / height, outWidth / width);
  const rh = Math.max(outHeight, Math.round(height * scale));
  const rw = Math.max(outWidth, Math.round(width * scale));
  const resized =
    rh === height && rw === width ? data : resizeBilinear(data, height, width, channels, rh, rw);
  const top = Math.floor((rh - outHeight) / 2);
  const left = Math.floor((rw - outWidth) / 2);
  const out = new Uint8Array(outHeight * outWidth * channels);
  for (let y = 0; y < outHeight; y++) {
    const s = ((y + top) * rw + left) * channels;
    out.set(resized.subarray(s, s + outWidth * channels), y * outWidth * channels);
  }
  return out;
}
