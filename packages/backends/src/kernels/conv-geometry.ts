import type * as tf from '@tensorflow/tfjs-core';

/** Output positions per im2col chunk; must equal `CHUNK` in `wasm/conv-kernels.c`. */
const CHUNK = 64;

/**
 * The sizes of a 2-D convolution (NHWC input, `[KH, KW, CI, CO]` filter) that the SIMD kernels need, as
 * tfjs's `computeConv2DInfo` gives them.
 *
 * @example
 * ```ts
 * const info = tf.backend_util.computeConv2DInfo([64, 28, 28, 3], [3, 3, 3, 16], 2, 1, 1);
 * const g = convGeometry(info); // g.k === 27, g.co4 === 16
 * ```
 */
export interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  ci: number;
  kh: number;
  kw: number;
  co: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  pt: number;
  pl: number;
  oh: number;
  ow: number;
  /** Patch length `KH·KW·CI`. */
  k: number;
  /** `k` rounded up to a multiple of 4. */
  k4: number;
  /** `co` rounded up to a multiple of 4. */
  co4: number;
  /** Output positions `N·OH·OW`. */
  p: number;
}

/** `v` rounded up to a multiple of 4 (the kernels' rows are whole SIMD vectors). */
export const up4 = (v: number) => (v + 3) & ~3;

/** Identifies a geometry (a kept patch matrix is used only by a call of the same one). */
export const geometryKey = (g: ConvGeometry) =>
  [g.n, g.h, g.w, g.ci, g.kh, g.kw, g.co, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.oh, g.ow].join(',');

/**
 * Floats of one thread's scratch: an im2col buffer of CHUNK rows of K4, the 4 floats its last vector
 * copy may overrun, a table of KH·CHUNK row pointers (`ROW_TABLE` in `conv-kernels.c`), and CHUNK rows
 * of CO4 for the filter gradient's masked output gradient (`MASKED_ROWS`).
 */
export const colFloats = (g: ConvGeometry) => CHUNK * g.k4 + 4 + g.kh * CHUNK + CHUNK * g.co4;

/** 2×2 output tiles per block of the Winograd kernels; must equal `TILES` in `wasm/winograd-kernels.c`. */
export const WINOGRAD_TILES = 16;

/**
 * Whether the Winograd kernels (`wasm/winograd-kernels.c`, F(2×2, 3×3)) run this convolution's forward
 * pass and input gradient: a 3×3 filter, stride 1, dilation 1, input channels a multiple of 4 (SIMD
 * along NHWC rows), and at most 2 padding rows above and columns on the left (the input gradient's
 * own padding, 2 − PT and 2 − PL, is not negative).
 */
export const winogradFits = (g: ConvGeometry) =>
  g.kh === 3 &&
  g.kw === 3 &&
  g.sh === 1 &&
  g.sw === 1 &&
  g.dh === 1 &&
  g.dw === 1 &&
  g.ci % 4 === 0 &&
  g.pt <= 2 &&
  g.pl <= 2;

/**
 * The Winograd kernels' 2×2 tiles of the output image: of `y` for the forward pass, of `dx` for the
 * input gradient (`grad`).
 */
export const winogradTiles = (g: ConvGeometry, grad: boolean) =>
  grad ? g.n * ((g.h + 1) >> 1) * ((g.w + 1) >> 1) : g.n * ((g.oh + 1) >> 1) * ((g.ow + 1) >> 1);

/**
 * Floats of one thread's scratch for the Winograd kernels: a block's transformed inputs and products,
 * 16 · WINOGRAD_TILES rows of the input and of the output channels (CI and CO4, swapped for the input
 * gradient).
 */
export const winogradFloats = (g: ConvGeometry) => 16 * WINOGRAD_TILES * (g.ci + g.co4);

/** Floats of the Winograd kernels' transformed filter (or a filter gradient's sums): 16 matrices of CI × CO4. */
export const winogradFilterFloats = (g: ConvGeometry) => 16 * g.ci * g.co4;

/** Output positions along one axis whose filter window lies inside the input (no padding read). */
function insideCount(out: number, stride: number, pad: number, kernel: number, size: number): number {
  let count = 0;
  for (let o = 0; o < out; o++) {
    const first = o * stride - pad;
    if (first >= 0 && first + kernel <= size) count++;
  }
  return count;
}

/**
 * Whether a forward pass keeps its patch matrix for the filter gradient. Not when the kernels read
 * patches straight from the input (`reads_image` in `conv-kernels.c`: a dilation of 1, filter rows of
 * KW·CI floats a multiple of 4) for at least half of the output positions, those whose window lies
 * inside the input: the filter gradient then reads the input too, and builds only the other patches.
 * Nor for the layers the Winograd kernels take ({@link winogradFits}): they build no patches.
 */
export function keepsPatches(g: ConvGeometry): boolean {
  if (winogradFits(g)) return false;
  if (g.dh !== 1 || g.dw !== 1 || (g.kw * g.ci) % 4 !== 0) return true;
  const inside = insideCount(g.oh, g.sh, g.pt, g.kh, g.h) * insideCount(g.ow, g.sw, g.pl, g.kw, g.w);
  return inside * 2 < g.oh * g.ow;
}

/** The geometry's 18 integers in the order the kernels read them at address 0 (see `conv-kernels.c`). */
export const geometryWords = (g: ConvGeometry) => [
  g.n,
  g.h,
  g.w,
  g.ci,
  g.kh,
  g.kw,
  g.co,
  g.co4,
  g.sh,
  g.sw,
  g.dh,
  g.dw,
  g.pt,
  g.pl,
  g.oh,
  g.ow,
  g.k,
  g.k4,
];

/**
 * The {@link ConvGeometry} of a tfjs `Conv2DInfo`.
 *
 * @example
 * ```ts
 * const g = convGeometry(tf.backend_util.computeConv2DInfo([1, 5, 5, 2], [3, 3, 2, 4], 1, 1, 'same'));
 * ```
 */
export function convGeometry(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  return {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    ci: info.inChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    co: info.outChannels,
    sh: info.strideHeight,
    sw: info.strideWidth,
    dh: info.dilationHeight,
    dw: info.dilationWidth,
    pt: info.padInfo.top,
    pl: info.padInfo.left,
    oh: info.outHeight,
    ow: info.outWidth,
    k,
    k4: up4(k),
    co4: up4(info.outChannels),
    p: info.batchSize * info.outHeight * info.outWidth,
  };
}
