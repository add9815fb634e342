/**
 * The width and height a JPEG declares in its frame header (SOF marker), read without decoding;
 * null when no frame header comes before the image data or the end of the bytes (the decoder
 * then reports what is wrong).
 *
 * @example
 * ```ts
 * jpegSize(readFileSync('photo.jpg')); // { width: 640, height: 480 }
 * ```
 */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  let at = 2; // after SOI (FF D8)
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, start of scan
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 9 > bytes.length) return null;
      return {
        height: (bytes[at + 5]! << 8) | bytes[at + 6]!,
        width: (bytes[at + 7]! << 8) | bytes[at + 8]!,
      };
    }
    at += 2 + length;
  }
  return null;
}
