// The `size` option (fastai's `size=`): bilinear resizing with half-pixel centres, as PyTorch's
// `F.interpolate(mode='bilinear', align_corners=False)` and tfjs's
// `tf.image.resizeBilinear(…, halfPixelCenters = true)`, checked against both.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitImage, resizeBilinear } from '../src/index.js';
import { ImageDataBunch } from '../src/node.js';
import { cleanupTmp, tmpDir, useCpu, writePng } from './helpers.js';

beforeAll(useCpu);
afterAll(cleanupTmp);

const quiet = { onWarning: () => {}, cache: false };

/** tfjs's bilinear resize of 8-bit HWC pixels, rounded half up to 8 bits. */
function tfResize(src: Uint8Array, h: number, w: number, c: number, oh: number, ow: number): number[] {
  return tf.tidy(() => {
    const x = tf.tensor3d(Float32Array.from(src), [h, w, c]);
    return Array.from(tf.image.resizeBilinear(x, [oh, ow], false, true).dataSync(), Math.round);
  });
}

function pixels(n: number, seed: number): Uint8Array {
  let s = seed;
  return Uint8Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s >> 23;
  });
}

describe('bilinear resize', () => {
  it("matches PyTorch's align_corners=False values", () => {
    // F.interpolate(torch.tensor([[[0., 100.]]]), size=4, mode='linear', align_corners=False)
    expect(Array.from(resizeBilinear(Uint8Array.of(0, 100), 1, 2, 1, 1, 4))).toEqual([0, 25, 75, 100]);
    // F.interpolate(torch.tensor([[[0., 100., 200., 100.]]]), size=2, mode='linear', align_corners=False)
    expect(Array.from(resizeBilinear(Uint8Array.of(0, 100, 200, 100), 1, 4, 1, 1, 2))).toEqual([50, 150]);
    // F.interpolate(torch.tensor([[[[0., 100.], [200., 100.]]]]), size=(3, 3), mode='bilinear', align_corners=False)
    expect(Array.from(resizeBilinear(Uint8Array.of(0, 100, 200, 100), 2, 2, 1, 3, 3))).toEqual([
      0, 50, 100, 100, 100, 100, 200, 150, 100,
    ]);
  });

  it("matches tfjs's resizeBilinear (half-pixel centres) up and down, 1 and 3 channels", () => {
    const before = tf.memory().numTensors;
    for (const [h, w, c, oh, ow] of [
      [13, 17, 3, 28, 20],
      [13, 17, 3, 5, 7],
      [28, 28, 1, 32, 32],
      [28, 28, 1, 14, 9],
    ] as const) {
      const src = pixels(h * w * c, h * 31 + ow);
      const ours = Array.from(resizeBilinear(src, h, w, c, oh, ow));
      const ref = tfResize(src, h, w, c, oh, ow);
      expect(ours).toHaveLength(ref.length);
      const diff = ours.map((v, i) => Math.abs(v - ref[i]!));
      // tfjs interpolates in float32: a value within 1e-5 of .5 may round the other way.
      expect(Math.max(...diff)).toBeLessThanOrEqual(1);
      expect(diff.filter((d) => d > 0).length, `${h}×${w}×${c} → ${oh}×${ow}`).toBeLessThanOrEqual(2);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("'crop' scales the short side to the size and cuts the centre", () => {
    const src = pixels(4 * 6, 5); // 4 rows, 6 columns
    const img = { width: 6, height: 4, channels: 1 as const, data: src };
    // Short side 4 → 3: scale 0.75, 4×6 → 3×5 (round(4.5) = 5), then columns 1..3.
    const scaled = tfResize(src, 4, 6, 1, 3, 5);
    const expected = [0, 1, 2].flatMap((y) => scaled.slice(y * 5 + 1, y * 5 + 4));
    const ours = Array.from(fitImage(img, 3, 3, 'crop'));
    expect(ours).toEqual(expected);
    expect(Array.from(fitImage(img, 3, 3, 'squish'))).toEqual(Array.from(resizeBilinear(src, 4, 6, 1, 3, 3)));
  });
});

describe('fromFolder with size', () => {
  it('brings images of different sizes to one size with the values above', async () => {
    const root = tmpDir();
    writePng(join(root, 'train/a/0.png'), 2, 2, Uint8Array.of(0, 100, 200, 100));
    writePng(join(root, 'train/b/0.png'), 1, 4, Uint8Array.of(0, 100, 200, 100)); // 1 wide, 4 high
    writePng(join(root, 'valid/a/0.png'), 3, 3, new Uint8Array(9).fill(7));
    writePng(join(root, 'valid/b/0.png'), 6, 4, pixels(24, 5));
    await expect(ImageDataBunch.fromFolder(root, quiet)).rejects.toThrow(/pass \{ size \}/);
    const data = await ImageDataBunch.fromFolder(root, { ...quiet, size: 3, resizeMethod: 'squish', bs: 1 });
    expect([data.train.height, data.train.width, data.valid.height, data.valid.width]).toEqual([3, 3, 3, 3]);
    const px = data.train.set.pixels;
    expect(Array.from(px.subarray(0, 9))).toEqual([0, 50, 100, 100, 100, 100, 200, 150, 100]);
    // 4 rows → 3: source rows 1/6, 3/2, 17/6 → 100/6, (100 + 200)/2, 200 − 100·5/6.
    expect(Array.from(px.subarray(9, 18))).toEqual([17, 17, 17, 150, 150, 150, 117, 117, 117]);
    expect(Array.from(data.valid.set.pixels.subarray(0, 9))).toEqual(new Array(9).fill(7));
    const cropped = await ImageDataBunch.fromFolder(root, { ...quiet, size: [2, 3], bs: 1 });
    expect([cropped.train.height, cropped.train.width]).toEqual([2, 3]);
  });
});
