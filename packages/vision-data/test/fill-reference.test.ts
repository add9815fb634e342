// The loader's batch filling against a straightforward loop written from its documented rules:
// same bytes for every (source type, stored channels, batch channels, normalisation, augmentation).
import { setupBackend } from '@onecycle/backends';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyTransforms,
  getTransforms,
  ImageDataLoader,
  type ImageSet,
  type ImageTransform,
  type NormStats,
  type PixelTransform,
  resolveNormStats,
  seededRandom,
} from '../src/index.js';
import { useCpu } from './helpers.js';

beforeAll(useCpu);

/**
 * One image, value by value: bytes without augmentations become `(v/255 - mean)/std` rounded
 * once to float32 (RGB → gray: the luma rounded to a byte first); otherwise the value is scaled
 * (bytes by 1/255; the luma unrounded), rounded to float32, augmented, then normalised.
 */
function referenceFill(
  set: ImageSet,
  oc: 1 | 3,
  items: Int32Array,
  norm: NormStats | null,
  tfms: readonly ImageTransform[],
  seed: number,
): Float32Array {
  const { height: h, width: w, channels: sc, pixels } = set;
  const bytes = pixels instanceof Uint8Array;
  const tablesOnly = bytes && tfms.length === 0;
  const stats = norm ? resolveNormStats(norm, oc) : null;
  const out = new Float32Array(items.length * h * w * oc);
  const rand = seededRandom(seed);
  for (let k = 0; k < items.length; k++) {
    const img = new Float32Array(h * w * oc);
    const base = items[k]! * h * w * sc;
    for (let p = 0; p < h * w; p++) {
      for (let c = 0; c < oc; c++) {
        let v: number;
        if (sc === 3 && oc === 1) {
          const s = base + 3 * p;
          const y = 0.299 * pixels[s]! + 0.587 * pixels[s + 1]! + 0.114 * pixels[s + 2]!;
          v = tablesOnly ? Math.round(y) / 255 : bytes ? y * (1 / 255) : y;
        } else {
          const raw = pixels[base + p * sc + (sc === 3 ? c : 0)]!;
          v = bytes ? raw / 255 : raw;
        }
        img[p * oc + c] = tablesOnly && stats ? (v - stats.mean[c]!) / stats.std[c]! : v;
      }
    }
    if (!tablesOnly) {
      if (tfms.length > 0)
        applyTransforms(img, h, w, oc, tfms, rand, 'reflection', new Float32Array(img.length));
      if (stats) {
        for (let i = 0; i < img.length; i++) img[i] = (img[i]! - stats.mean[i % oc]!) / stats.std[i % oc]!;
      }
    }
    out.set(img, k * img.length);
  }
  return out;
}

/** n images of height × width (not a multiple of 4 pixels unless asked), seeded values. */
function randomSet(kind: 'bytes' | 'floats', channels: 1 | 3, height = 5, width = 3, n = 12): ImageSet {
  const rand = seededRandom(height * 31 + width * 7 + channels);
  const size = n * height * width * channels;
  const pixels =
    kind === 'bytes'
      ? Uint8Array.from({ length: size }, () => Math.floor(rand() * 256))
      : Float32Array.from({ length: size }, () => rand());
  return { n, height, width, channels, pixels, labels: Int32Array.from({ length: n }, (_, i) => i % 3) };
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
const items = new Int32Array([7, 0, 11, 3, 3, 5]);
const norms: [string, NormStats | null][] = [
  ['no normalisation', null],
  ['one mean and std', { mean: [0.13], std: [0.31] }],
  ['per-channel stats', { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }],
];
const conversions: [string, 1 | 3, 1 | 3][] = [
  ['gray → RGB', 1, 3],
  ['RGB → RGB', 3, 3],
  ['RGB → gray', 3, 1],
  ['gray → gray', 1, 1],
];

describe('ImageDataLoader.fill matches the reference loop', () => {
  for (const kind of ['bytes', 'floats'] as const) {
    for (const [conversion, sc, oc] of conversions) {
      for (const [normName, norm] of norms) {
        if (norm && norm.mean.length !== 1 && oc === 1) continue;
        for (const augmented of [false, true]) {
          it(`${kind}, ${conversion}, ${normName}, ${augmented ? 'augmented' : 'no augmentation'}`, () => {
            const set = randomSet(kind, sc);
            const tfms = augmented ? getTransforms() : [];
            const dl = new ImageDataLoader(set, {
              batchSize: 4,
              shuffle: false,
              dropLast: false,
              channels: oc,
              tfms,
              normalization: norm,
            });
            const { data, labels } = dl.fill(items, 42);
            expect(bits(data)).toEqual(bits(referenceFill(set, oc, items, norm, tfms, 42)));
            expect(Array.from(labels)).toEqual(Array.from(items, (i) => i % 3));
          });
        }
      }
    }
  }

  it('28×28 gray → RGB (a multiple of 4 pixels per image), normalised', () => {
    const set = randomSet('bytes', 1, 28, 28, 20);
    const norm = { mean: [0.1307], std: [0.3081] };
    const dl = new ImageDataLoader(set, { batchSize: 8, shuffle: true, dropLast: true, normalization: norm });
    const order = dl.order(0).subarray(0, 8);
    expect(bits(dl.fill(order).data)).toEqual(bits(referenceFill(set, 3, order, norm, [], 0)));
  });
});

describe('batches keep their own data', () => {
  /** Every batch of a pass, all alive at once, against `fill` of the same items. */
  function checkPass(): void {
    const set = randomSet('bytes', 1, 6, 5, 30);
    const dl = new ImageDataLoader(set, { batchSize: 8, shuffle: true, dropLast: false, seed: 3 });
    const before = tf.memory().numTensors;
    const batches = [...dl.batches(0)];
    const order = dl.order(0);
    expect(batches).toHaveLength(4);
    batches.forEach(({ x, y }, b) => {
      const expected = dl.fill(order.subarray(b * 8, (b + 1) * 8));
      expect(bits(x.dataSync() as Float32Array)).toEqual(bits(expected.data));
      expect(Array.from(y.dataSync())).toEqual(Array.from(expected.labels));
    });
    tf.dispose(batches.flatMap(({ x, y }) => [x, y]));
    expect(tf.memory().numTensors).toBe(before);
  }

  it('on the CPU backend (the tensors keep the arrays they were made from)', checkPass);

  describe("on the WASM backend (each batch filled in its tensor's memory)", () => {
    beforeAll(async () => {
      await setupBackend('wasm');
    });
    afterAll(useCpu);
    it('every batch of a pass', () => {
      expect(tf.getBackend()).toBe('wasm');
      checkPass();
    });
    it('a transform that throws leaves no tensor and no heap memory behind', () => {
      const broken: PixelTransform = {
        kind: 'pixel',
        name: 'broken',
        p: 1,
        apply: () => {
          throw new Error('broken transform');
        },
      };
      const dl = new ImageDataLoader(randomSet('bytes', 1), {
        batchSize: 4,
        shuffle: false,
        dropLast: false,
        tfms: [broken],
      });
      const before = tf.memory();
      expect(() => dl.oneBatch()).toThrow('broken transform');
      expect(tf.memory().numTensors).toBe(before.numTensors);
      expect(tf.memory().numBytes).toBe(before.numBytes);
    });
    it('fill still returns arrays of its own', () => {
      const dl = new ImageDataLoader(randomSet('bytes', 1), {
        batchSize: 4,
        shuffle: false,
        dropLast: false,
      });
      for (const { x, y } of dl.batches(0)) tf.dispose([x, y]);
      const first = dl.fill(new Int32Array([0, 1]));
      const copy = first.data.slice();
      dl.fill(new Int32Array([2, 3]));
      expect(bits(first.data)).toEqual(bits(copy));
    });
  });
});
