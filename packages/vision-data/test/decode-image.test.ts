import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeImage, fitImage, imageFormat, resizeBilinear } from '../src/index.js';

describe('decodeImage', () => {
  it('decodes 8-bit gray PNG as 1 channel', () => {
    const px = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
    const img = decodeImage(encodePng({ width: 4, height: 3, data: px, channels: 1, depth: 8 }), 'g.png');
    expect([img.width, img.height, img.channels]).toEqual([4, 3, 1]);
    expect(Array.from(img.data)).toEqual(Array.from(px));
  });

  it('RGB and RGBA PNG become 3 channels (alpha dropped), gray+alpha 1 channel', () => {
    const rgba = new Uint8Array([10, 20, 30, 255, 40, 50, 60, 0]);
    const a = decodeImage(encodePng({ width: 2, height: 1, data: rgba, channels: 4, depth: 8 }), 'a.png');
    expect(a.channels).toBe(3);
    expect(Array.from(a.data)).toEqual([10, 20, 30, 40, 50, 60]);
    const ga = decodeImage(
      encodePng({ width: 2, height: 1, data: new Uint8Array([7, 255, 9, 128]), channels: 2, depth: 8 }),
      'ga.png',
    );
    expect(ga.channels).toBe(1);
    expect(Array.from(ga.data)).toEqual([7, 9]);
  });

  it('16-bit PNG is reduced to 8 bits', () => {
    const d16 = new Uint16Array([0, 0x8000, 0xffff]);
    const img = decodeImage(encodePng({ width: 3, height: 1, data: d16, channels: 1, depth: 16 }), 'd.png');
    expect(Array.from(img.data)).toEqual([0, 128, 255]);
  });

  it('decodes JPEG as 3 channels', () => {
    const w = 8;
    const h = 8;
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([200, 100, 50, 255], i * 4);
    const img = decodeImage(jpeg.encode({ width: w, height: h, data: rgba }, 100).data, 'c.jpg');
    expect([img.width, img.height, img.channels]).toEqual([8, 8, 3]);
    expect(Math.abs(img.data[0]! - 200)).toBeLessThan(4);
    expect(Math.abs(img.data[1]! - 100)).toBeLessThan(4);
    expect(Math.abs(img.data[2]! - 50)).toBeLessThan(4);
  });

  it('names the file when the bytes are not an image or are corrupt', () => {
    expect(() => decodeImage(new TextEncoder().encode('hello'), 'train/3/notes.png')).toThrow(
      /train\/3\/notes\.png: not a PNG or JPEG/,
    );
    const png = encodePng({ width: 4, height: 4, data: new Uint8Array(16), channels: 1, depth: 8 });
    expect(() => decodeImage(png.subarray(0, 40), 'train/7/cut.png')).toThrow(
      /train\/7\/cut\.png: truncated PNG/,
    );
    expect(imageFormat(png)).toBe('png');
  });

  it('resizes bilinearly and crops the centre', () => {
    const src = new Uint8Array([0, 100, 200, 100]);
    expect(Array.from(resizeBilinear(src, 2, 2, 1, 1, 1))).toEqual([100]);
    expect(Array.from(resizeBilinear(src, 2, 2, 1, 2, 2))).toEqual([0, 100, 200, 100]);
    const wide = {
      width: 4,
      height: 2,
      channels: 1 as const,
      data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
    };
    expect(Array.from(fitImage(wide, 2, 2, 'crop'))).toEqual([2, 3, 6, 7]);
    expect(fitImage(wide, 2, 2, 'squish')).toHaveLength(4);
  });
});
