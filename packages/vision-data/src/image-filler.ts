// Copies stored images into a batch's float32 buffer. One loop per (source type, stored channels,
// batch channels): chosen once per batch, each loop only ever sees one kind of array, so the engine
// compiles it for that kind alone (a loop fed both Uint8Array and Float32Array is several times
// slower).

/** Writes the image stored from `srcOff` into `dst` from `dstOff` (HWC, the batch's channels). */
export type ImageFiller = (srcOff: number, dst: Float32Array, dstOff: number) => void;

/** A byte → float table: 256 entries, one per byte value. */
type Table = Float32Array;

/**
 * The filler of one set's images. Bytes go through `luts` (one 256-entry table per batch channel);
 * float32 values are copied as they are. 1 → 3 channels repeats the gray value; 3 → 1 takes the
 * ITU-R 601 luma, rounded to a byte before the table (as PIL's convert('L')) when `roundLuma`,
 * else scaled like the table-less values (bytes by 1/255, floats by 1).
 */
export function imageFiller(
  pixels: Uint8Array | Float32Array,
  sc: 1 | 3,
  oc: 1 | 3,
  hw: number,
  luts: readonly Table[],
  roundLuma: boolean,
): ImageFiller {
  if (pixels instanceof Float32Array) return floatFiller(pixels, sc, oc, hw);
  const l0 = luts[0]!;
  if (sc === 1 && oc === 1) return (s, d, o) => bytesThroughTable(pixels, s, d, o, hw, l0);
  if (sc === 3 && oc === 1) {
    return roundLuma
      ? (s, d, o) => roundedLuma(pixels, s, d, o, hw, l0)
      : (s, d, o) => scaledLuma(pixels, s, d, o, hw, 1 / 255);
  }
  const l1 = luts[1]!;
  const l2 = luts[2]!;
  if (sc === 1 && l0 === l1 && l1 === l2) return (s, d, o) => grayBytesToRgb(pixels, s, d, o, hw, l0);
  return (s, d, o) => bytesThroughThreeTables(pixels, s, sc, d, o, hw, l0, l1, l2);
}

function floatFiller(pixels: Float32Array, sc: 1 | 3, oc: 1 | 3, hw: number): ImageFiller {
  if (sc === oc) return (s, d, o) => d.set(pixels.subarray(s, s + hw * sc), o);
  if (sc === 3) return (s, d, o) => scaledLuma(pixels, s, d, o, hw, 1);
  return (s, d, o) => grayFloatsToRgb(pixels, s, d, o, hw);
}

/** The common case (MNIST-like sets): one table, each value written three times, 4 pixels a step. */
function grayBytesToRgb(src: Uint8Array, s: number, dst: Float32Array, o: number, hw: number, lut: Table) {
  const end = s + hw;
  for (const end4 = s + hw - (hw % 4); s < end4; s += 4, o += 12) {
    const a = lut[src[s]!]!;
    const b = lut[src[s + 1]!]!;
    const c = lut[src[s + 2]!]!;
    const d = lut[src[s + 3]!]!;
    dst[o] = dst[o + 1] = dst[o + 2] = a;
    dst[o + 3] = dst[o + 4] = dst[o + 5] = b;
    dst[o + 6] = dst[o + 7] = dst[o + 8] = c;
    dst[o + 9] = dst[o + 10] = dst[o + 11] = d;
  }
  for (; s < end; s++, o += 3) dst[o] = dst[o + 1] = dst[o + 2] = lut[src[s]!]!;
}

/** Each batch channel through its own table, from RGB bytes or from gray bytes (read thrice). */
function bytesThroughThreeTables(
  src: Uint8Array,
  s: number,
  sc: 1 | 3,
  dst: Float32Array,
  o: number,
  hw: number,
  l0: Table,
  l1: Table,
  l2: Table,
) {
  const g = sc === 3 ? 1 : 0; // the second channel's offset from a pixel's first value
  for (const end = s + sc * hw; s < end; s += sc, o += 3) {
    dst[o] = l0[src[s]!]!;
    dst[o + 1] = l1[src[s + g]!]!;
    dst[o + 2] = l2[src[s + 2 * g]!]!;
  }
}

function bytesThroughTable(src: Uint8Array, s: number, dst: Float32Array, o: number, n: number, lut: Table) {
  for (let p = 0; p < n; p++) dst[o + p] = lut[src[s + p]!]!;
}

function grayFloatsToRgb(src: Float32Array, s: number, dst: Float32Array, o: number, hw: number) {
  for (const end = s + hw; s < end; s++, o += 3) dst[o] = dst[o + 1] = dst[o + 2] = src[s]!;
}

function luma(src: Uint8Array | Float32Array, s: number): number {
  return 0.299 * src[s]! + 0.587 * src[s + 1]! + 0.114 * src[s + 2]!;
}

function roundedLuma(src: Uint8Array, s: number, dst: Float32Array, o: number, hw: number, lut: Table) {
  for (let p = 0; p < hw; p++) dst[o + p] = lut[Math.round(luma(src, s + 3 * p))]!;
}

/** Rare paths (RGB to gray from floats, or from bytes under augmentations): one loop for both kinds. */
function scaledLuma(
  src: Uint8Array | Float32Array,
  s: number,
  dst: Float32Array,
  o: number,
  hw: number,
  k: number,
) {
  for (let p = 0; p < hw; p++) dst[o + p] = luma(src, s + 3 * p) * k;
}
