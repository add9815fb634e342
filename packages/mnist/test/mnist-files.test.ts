import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mnistDataDir, mnistFiles } from '../src/index.js';

// Images per digit 0–9 in the original MNIST training and test sets (LeCun et al.; the same counts
// torchvision's MNIST gives), so a reordered or truncated file fails.
const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

describe('@onecycle/mnist', () => {
  it('ships exactly the four idx files in mnistDataDir', () => {
    expect(readdirSync(mnistDataDir).sort()).toEqual(
      Object.values(mnistFiles)
        .map((f) => f.path.slice(mnistDataDir.length))
        .sort(),
    );
  });

  for (const [name, file] of Object.entries(mnistFiles)) {
    it(`${name}: size, SHA-256 and idx header match the exports`, () => {
      const gz = readFileSync(file.path);
      expect(statSync(file.path).size).toBe(file.bytes);
      expect(createHash('sha256').update(gz).digest('hex')).toBe(file.sha256);
      const idx = gunzipSync(gz);
      expect(idx.readUInt32BE(0)).toBe(file.magic);
      const dims = idx[3] as number;
      expect(dims).toBe(file.shape.length);
      const shape = Array.from({ length: dims }, (_, i) => idx.readUInt32BE(4 + 4 * i));
      expect(shape).toEqual(file.shape);
      expect(idx.length).toBe(4 + 4 * dims + shape.reduce((a, b) => a * b, 1));
    });
  }

  it('labels are in the original order with the original counts per digit', () => {
    const train = gunzipSync(readFileSync(mnistFiles.trainLabels.path)).subarray(8);
    const test = gunzipSync(readFileSync(mnistFiles.testLabels.path)).subarray(8);
    expect(Array.from(train.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(test.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    const count = (labels: Uint8Array) => {
      const c = new Array<number>(10).fill(0);
      for (const l of labels) c[l] = (c[l] as number) + 1;
      return c;
    };
    expect(count(train)).toEqual(TRAIN_COUNTS);
    expect(count(test)).toEqual(TEST_COUNTS);
  });

  it('images are white digits on black: border pixels are 0, every image has ink', () => {
    const images = gunzipSync(readFileSync(mnistFiles.testImages.path)).subarray(16);
    for (let n = 0; n < 10000; n++) {
      const img = images.subarray(n * 784, (n + 1) * 784);
      expect(img[0]).toBe(0);
      expect(img[783]).toBe(0);
      expect(Math.max(...img)).toBeGreaterThan(200);
    }
  });
});
