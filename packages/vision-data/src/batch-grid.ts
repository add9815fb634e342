import { encode } from 'fast-png';
import { drawText, glyphHeight } from './bitmap-font.js';

/**
 * Options of {@link renderImageGrid}.
 *
 * @example
 * ```ts
 * const opts: GridOptions = { cols: 4, scale: 2 };
 * ```
 */
export interface GridOptions {
  /** Images per row (default: ⌈√n⌉). */
  cols?: number;
  /** Integer magnification of each image (default: enough to make it at least 56 px tall). */
  scale?: number;
}

/**
 * Lays out images (NHWC float32, values in [0, 1], 1 or 3 channels) in a grid on a white
 * background, each with its caption below in a 5×7 bitmap font; returns RGB pixels.
 *
 * @example
 * ```ts
 * const { width, height, data } = renderImageGrid(pixels, [9, 28, 28, 3], ['3', '7', …]);
 * ```
 */
export function renderImageGrid(
  images: Float32Array,
  shape: readonly [number, number, number, number],
  captions: readonly string[],
  options: GridOptions = {},
): { width: number; height: number; data: Uint8Array } {
  const [n, h, w, c] = shape;
  if (n < 1) throw new RangeError('renderImageGrid: no images to show');
  if (images.length !== n * h * w * c) {
    throw new RangeError(`renderImageGrid: ${images.length} values do not match shape [${shape.join(', ')}]`);
  }
  const cols = options.cols ?? Math.ceil(Math.sqrt(n));
  if (!(Number.isInteger(cols) && cols >= 1))
    throw new RangeError(`cols must be a positive integer, got ${cols}`);
  const scale = options.scale ?? Math.max(1, Math.ceil(56 / h));
  if (!(Number.isInteger(scale) && scale >= 1 && scale <= 32)) {
    throw new RangeError(`scale must be an integer in [1, 32], got ${scale}`);
  }
  const rows = Math.ceil(n / cols);
  const pad = 4;
  const textScale = w * scale >= 80 ? 2 : 1;
  const captionH = glyphHeight * textScale + pad;
  const cellW = w * scale + pad;
  const cellH = h * scale + captionH + pad;
  const width = cols * cellW + pad;
  const height = rows * cellH + pad;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (let k = 0; k < n; k++) {
    const x0 = pad + (k % cols) * cellW;
    const y0 = pad + Math.floor(k / cols) * cellH;
    for (let y = 0; y < h * scale; y++) {
      const sy = Math.floor(y / scale);
      for (let x = 0; x < w * scale; x++) {
        const sx = Math.floor(x / scale);
        const s = ((k * h + sy) * w + sx) * c;
        const o = ((y0 + y) * width + x0 + x) * 3;
        for (let ch = 0; ch < 3; ch++) {
          const v = images[s + (c === 1 ? 0 : ch)]!;
          data[o + ch] = Math.round(255 * (v < 0 ? 0 : v > 1 ? 1 : v));
        }
      }
    }
    drawText(data, width, x0, y0 + h * scale + pad / 2, captions[k] ?? '', [0, 0, 0], textScale, w * scale);
  }
  return { width, height, data };
}

/**
 * Encodes RGB pixels as an 8-bit PNG (fast-png).
 *
 * @example
 * ```ts
 * writeFileSync('grid.png', encodeRgbPng(grid.width, grid.height, grid.data));
 * ```
 */
export function encodeRgbPng(width: number, height: number, rgb: Uint8Array): Uint8Array {
  return encode({ width, height, data: rgb, channels: 3, depth: 8 });
}
