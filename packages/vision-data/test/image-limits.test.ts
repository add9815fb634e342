// Truncated, corrupt and huge images: errors that name the file and say what is wrong, and a huge
// image refused from its header before its pixels are allocated.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, crc32 as zlibCrc32 } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32 } from '../src/crc32.js';
import { decodeImage, defaultMaxPixels } from '../src/index.js';
import { jpegSize } from '../src/jpeg-size.js';
import { ImageDataBunch } from '../src/node.js';
import { readPngStructure } from '../src/png-structure.js';
import { cleanupTmp, grayPixels, makeImageFolder, tmpDir } from './helpers.js';

afterAll(cleanupTmp);

const quiet = { onWarning: () => {}, cache: false };

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(zlibCrc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A structurally valid PNG whose IHDR declares `width`×`height` RGB, with a few bytes of IDAT. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, adaptive filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const gray = (w: number, h: number) =>
  Buffer.from(encodePng({ width: w, height: h, data: grayPixels(w, h, 3), channels: 1, depth: 8 }));

describe('PNG structure', () => {
  it('crc32 agrees with zlib', () => {
    const bytes = new TextEncoder().encode('IEND');
    expect(crc32(bytes)).toBe(0xae426082);
    const data = gray(28, 28);
    expect(crc32(data)).toBe(zlibCrc32(data));
    expect(crc32(data, 12, 29)).toBe(zlibCrc32(data.subarray(12, 29)));
  });

  it('reads the IHDR of a valid PNG', () => {
    expect(readPngStructure(gray(28, 20))).toEqual({ width: 28, height: 20, bitDepth: 8, colorType: 0 });
  });

  it('a truncated PNG says so, with the file, wherever it is cut', () => {
    const png = gray(28, 28);
    for (const cut of [7, 20, 40, png.length - 30, png.length - 12, png.length - 1]) {
      expect(() => decodeImage(png.subarray(0, cut), '/data/train/7/cut.png')).toThrow(
        cut < 8
          ? /^\/data\/train\/7\/cut\.png: not a PNG or JPEG image/
          : /^\/data\/train\/7\/cut\.png: truncated PNG: /,
      );
    }
    expect(() => decodeImage(png.subarray(0, 60), 'cut.png')).toThrow(
      /cut\.png: truncated PNG: chunk 'IDAT' at byte 33 declares \d+ bytes of data, but the file ends after 60 bytes/,
    );
  });

  it('a flipped byte fails the CRC check; missing chunks are named', () => {
    const png = Buffer.from(gray(28, 28));
    png[50] = png[50]! ^ 0xff;
    expect(() => decodeImage(png, 'flip.png')).toThrow(
      /flip\.png: corrupt PNG: chunk 'IDAT' at byte 33 fails its CRC check/,
    );
    const sig = png.subarray(0, 8);
    const noIdat = Buffer.concat([sig, gray(2, 2).subarray(8, 33), chunk('IEND', new Uint8Array(0))]);
    expect(() => decodeImage(noIdat, 'x.png')).toThrow(/x\.png: corrupt PNG: no IDAT chunk/);
    const noIhdr = Buffer.concat([sig, chunk('IEND', new Uint8Array(0))]);
    expect(() => decodeImage(noIhdr, 'y.png')).toThrow(/y\.png: corrupt PNG: the first chunk is 'IEND'/);
  });
});

describe('image size limit', () => {
  it('a 20000×20000 PNG is refused from its header, naming the file and its size', () => {
    const huge = pngHeaderOnly(20000, 20000);
    expect(readPngStructure(huge)).toMatchObject({ width: 20000, height: 20000 });
    expect(() => decodeImage(huge, '/data/train/3/huge.png')).toThrow(
      '/data/train/3/huge.png: the image is 20000×20000 (width×height, 400,000,000 pixels), above the limit ' +
        'of 89,478,485 pixels (option maxPixels); not decoded',
    );
    expect(defaultMaxPixels).toBe(89_478_485); // PIL's Image.MAX_IMAGE_PIXELS
  });

  it('the limit is an option; JPEGs are checked from their frame header too', () => {
    const png = gray(10, 5);
    expect(decodeImage(png, 'a.png', { maxPixels: 50 }).width).toBe(10);
    expect(() => decodeImage(png, 'a.png', { maxPixels: 49 })).toThrow(
      /10×5 .*50 pixels.*limit of 49 pixels/,
    );
    expect(() => decodeImage(png, 'a.png', { maxPixels: 0 })).toThrow(/maxPixels must be a positive integer/);
    const rgba = new Uint8Array(16 * 8 * 4).fill(200);
    const jpg = Buffer.from(jpeg.encode({ width: 16, height: 8, data: rgba }, 90).data);
    expect(jpegSize(jpg)).toEqual({ width: 16, height: 8 });
    expect(() => decodeImage(jpg, 'b.jpg', { maxPixels: 127 })).toThrow(
      /b\.jpg: the image is 16×8 .*limit of 127/,
    );
    // Declare 20000×20000 in the frame header.
    const sof = jpg.indexOf(Buffer.from([0xff, 0xc0]));
    jpg.writeUInt16BE(20000, sof + 5);
    jpg.writeUInt16BE(20000, sof + 7);
    expect(() => decodeImage(jpg, 'c.jpg')).toThrow(/c\.jpg: the image is 20000×20000/);
  });

  it('fromFolder names the full path of a truncated or huge image; maxPixels passes through', async () => {
    const root = tmpDir();
    makeImageFolder(root, { train: { a: 2, b: 2 }, valid: { a: 1, b: 1 } });
    writeFileSync(join(root, 'train/b/huge.png'), pngHeaderOnly(20000, 20000));
    await expect(ImageDataBunch.fromFolder(root, quiet)).rejects.toThrow(
      `${join(root, 'train/b/huge.png')}: the image is 20000×20000`,
    );
    const data = await ImageDataBunch.fromFolder(root, { ...quiet, skipBad: true });
    expect(data.loadInfo?.skipped).toEqual([
      {
        file: 'train/b/huge.png',
        reason: expect.stringMatching(/^the image is 20000×20000 .*above the limit/),
      },
    ]);
    const good = readFileSync(join(root, 'train/a/0.png'));
    writeFileSync(join(root, 'train/b/huge.png'), good.subarray(0, good.length - 20));
    await expect(ImageDataBunch.fromFolder(root, quiet)).rejects.toThrow(
      `${join(root, 'train/b/huge.png')}: truncated PNG`,
    );
    writeFileSync(join(root, 'train/b/huge.png'), good);
    await expect(ImageDataBunch.fromFolder(root, { ...quiet, maxPixels: 47 })).rejects.toThrow(
      /train\/a\/0\.png: the image is 8×6 .*limit of 47 pixels/,
    );
    expect((await ImageDataBunch.fromFolder(root, { ...quiet, maxPixels: 48 })).train.size).toBe(5);
  });
});
