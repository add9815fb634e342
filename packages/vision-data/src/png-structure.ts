import { crc32 } from './crc32.js';

/**
 * What a PNG's IHDR chunk says about the image.
 *
 * @example
 * ```ts
 * const { width, height, bitDepth, colorType } = readPngStructure(bytes);
 * ```
 */
export interface PngHeader {
  readonly width: number;
  readonly height: number;
  /** Bits per sample: 1, 2, 4, 8 or 16. */
  readonly bitDepth: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  readonly colorType: number;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function chunkType(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

/**
 * Checks the chunk structure of a PNG without decoding its pixels: the signature, an IHDR chunk
 * first, every chunk inside the file with a correct CRC, at least one IDAT, and an IEND. Returns
 * the IHDR fields, so that a caller can refuse a huge image before allocating its pixels. Throws
 * an Error that starts with `truncated PNG` (the file ends early) or `corrupt PNG` (a wrong CRC, a
 * missing or misplaced chunk).
 *
 * @example
 * ```ts
 * const { width, height } = readPngStructure(readFileSync('train/3/7.png')); // 28, 28
 * ```
 */
export function readPngStructure(bytes: Uint8Array): PngHeader {
  const total = bytes.length;
  if (total < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new Error(`corrupt PNG: no PNG signature${total < 8 ? ` (${total} bytes)` : ''}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: PngHeader | null = null;
  let idat = false;
  let at = 8;
  for (;;) {
    if (at + 8 > total) {
      throw new Error(`truncated PNG: the file ends after ${total} bytes, before its IEND chunk`);
    }
    const length = view.getUint32(at);
    const type = chunkType(bytes, at + 4);
    if (length > 0x7fffffff || at + 12 + length > total) {
      throw new Error(
        `truncated PNG: chunk '${type}' at byte ${at} declares ${length} bytes of data, ` +
          `but the file ends after ${total} bytes`,
      );
    }
    if (crc32(bytes, at + 4, at + 8 + length) !== view.getUint32(at + 8 + length)) {
      throw new Error(`corrupt PNG: chunk '${type}' at byte ${at} fails its CRC check`);
    }
    if (header === null) {
      if (type !== 'IHDR' || length !== 13) {
        throw new Error(`corrupt PNG: the first chunk is '${type}' (${length} bytes), not a 13-byte IHDR`);
      }
      header = {
        width: view.getUint32(at + 8),
        height: view.getUint32(at + 12),
        bitDepth: bytes[at + 16]!,
        colorType: bytes[at + 17]!,
      };
    } else if (type === 'IDAT') {
      idat = true;
    } else if (type === 'IEND') {
      if (!idat) throw new Error('corrupt PNG: no IDAT chunk (no pixel data)');
      return header;
    }
    at += 12 + length;
  }
}
