// The decode cache is verified (size and SHA-256) before use: a damaged file is reported, rebuilt,
// and the bunch holds the same images as a fresh decode.
import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageDataBunch, readDecodeCache } from '../src/node.js';
import { cleanupTmp, makeImageFolder, tmpDir, useCpu } from './helpers.js';

beforeAll(useCpu);
afterAll(cleanupTmp);

/** Every batch of both loaders (epoch 0) as plain numbers, tensors disposed. */
function batches(data: ImageDataBunch): number[][] {
  const out: number[][] = [];
  for (const dl of [data.train, data.valid]) {
    for (const { x, y } of dl.batches(0)) {
      out.push(Array.from(x.dataSync()), Array.from(y.dataSync()));
      tf.dispose([x, y]);
    }
  }
  return out;
}

describe('decode cache integrity', () => {
  it('a changed byte or a truncated file is detected, reported and rebuilt with the same tensors', async () => {
    const root = tmpDir();
    makeImageFolder(root, { train: { a: 5, b: 5 }, valid: { a: 2, b: 2 } });
    const warnings: string[] = [];
    const options = { bs: 4, onWarning: (m: string) => warnings.push(m) };
    const cold = await ImageDataBunch.fromFolder(root, options);
    expect(cold.loadInfo?.fromCache).toBe(false);
    const file = cold.loadInfo!.cacheFile!;
    const before = tf.memory().numTensors;
    const expected = batches(cold);
    const good = readFileSync(file);

    const damages: [string, () => void, RegExp][] = [
      [
        'a changed pixel byte',
        () => {
          const bytes = Buffer.from(good);
          bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0x5a;
          writeFileSync(file, bytes);
        },
        /checksum mismatch/,
      ],
      ['one byte cut', () => truncateSync(file, good.length - 1), /no checksum trailer/],
      ['cut in half', () => truncateSync(file, good.length >> 1), /no checksum trailer/],
      [
        'one byte added',
        () => writeFileSync(file, Buffer.concat([good.subarray(0, 40), Buffer.of(0), good.subarray(40)])),
        /size mismatch/,
      ],
      ['emptied', () => writeFileSync(file, ''), /0 bytes, too short/],
    ];
    for (const [what, damage, reason] of damages) {
      damage();
      warnings.length = 0;
      const rebuilt = await ImageDataBunch.fromFolder(root, options);
      expect(rebuilt.loadInfo?.fromCache, what).toBe(false);
      expect(warnings, what).toHaveLength(1);
      expect(warnings[0], what).toMatch(new RegExp(`decode cache .*${file.split('/').pop()} is damaged`));
      expect(warnings[0], what).toMatch(reason);
      expect(batches(rebuilt), what).toEqual(expected);
      // The rebuilt file is intact again and used by the next load.
      expect(statSync(file).size, what).toBe(good.length);
      const warm = await ImageDataBunch.fromFolder(root, options);
      expect(warm.loadInfo?.fromCache, what).toBe(true);
      expect(batches(warm), what).toEqual(expected);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('readDecodeCache: missing and stale caches are not reported as damaged', async () => {
    const root = tmpDir();
    makeImageFolder(root, { train: { a: 2, b: 2 }, valid: { a: 1, b: 1 } });
    const data = await ImageDataBunch.fromFolder(root, { onWarning: () => {} });
    const reasons: string[] = [];
    const file = data.loadInfo!.cacheFile!;
    expect(readDecodeCache(`${file}.missing`, 'x', (r) => reasons.push(r))).toBeNull();
    expect(readDecodeCache(file, 'another fingerprint', (r) => reasons.push(r))).toBeNull();
    expect(reasons).toEqual([]);
  });
});
