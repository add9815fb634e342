import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyTransforms,
  cropPad,
  flipLr,
  flipVert,
  getTransforms,
  lighting,
  rotate,
  seededRandom,
  warpAffine,
  zoom,
} from '../src/index.js';
import { ImageDataBunch } from '../src/node.js';
import { useCpu } from './helpers.js';

beforeAll(useCpu);

/** 3×3 one-channel image with values 0..8 (row-major). */
const img3 = (): Float32Array => Float32Array.from({ length: 9 }, (_, i) => i);

describe('augmentations', () => {
  it('flipLr and flipVert mirror exactly', () => {
    const a = img3();
    applyTransforms(a, 3, 3, 1, [flipLr({ p: 1 })], seededRandom(0), 'zeros', new Float32Array(9));
    expect(Array.from(a)).toEqual([2, 1, 0, 5, 4, 3, 8, 7, 6]);
    const b = img3();
    applyTransforms(b, 3, 3, 1, [flipVert({ p: 1 })], seededRandom(0), 'zeros', new Float32Array(9));
    expect(Array.from(b)).toEqual([6, 7, 8, 3, 4, 5, 0, 1, 2]);
  });

  it('rotate by 90° turns the image; p = 0 never applies', () => {
    const a = img3();
    // degrees 90 with rand() = 1 → +90°: draw a generator that always returns ~1.
    const nearlyOne = () => 0.999999999;
    const t = rotate({ degrees: 90, p: 1 });
    const m = t.sample(nearlyOne, 3, 3);
    warpAffine(a, 3, 3, 1, m, 'zeros', new Float32Array(9));
    // A quarter turn (clockwise on screen, y pointing down).
    expect(Array.from(a, (v) => Math.round(v))).toEqual([6, 3, 0, 7, 4, 1, 8, 5, 2]);
    const b = img3();
    const applied = applyTransforms(
      b,
      3,
      3,
      1,
      [rotate({ p: 0 })],
      seededRandom(1),
      'zeros',
      new Float32Array(9),
    );
    expect(applied).toEqual([]);
    expect(Array.from(b)).toEqual(Array.from(img3()));
  });

  it('cropPad shifts by whole pixels and fills by the padding mode', () => {
    const t = cropPad({ padding: 1 });
    // rand() → 0 gives offset -1 in x and y: output(x, y) = source(x - 1, y - 1).
    const m = t.sample(() => 0, 3, 3);
    const z = img3();
    warpAffine(z, 3, 3, 1, m, 'zeros', new Float32Array(9));
    expect(Array.from(z)).toEqual([0, 0, 0, 0, 0, 1, 0, 3, 4]);
    const r = img3();
    warpAffine(r, 3, 3, 1, m, 'reflection', new Float32Array(9));
    expect(Array.from(r)).toEqual([4, 3, 4, 1, 0, 1, 4, 3, 4]);
    const b = img3();
    warpAffine(b, 3, 3, 1, m, 'border', new Float32Array(9));
    expect(Array.from(b)).toEqual([0, 0, 1, 0, 0, 1, 3, 3, 4]);
  });

  it('zoom in magnifies about the centre', () => {
    const a = Float32Array.from({ length: 25 }, (_, i) => i);
    // scale 2 with the centre kept (rand → 0.5 for the centre offsets).
    const rands = [0, 0.5, 0.5];
    const m = zoom({ scale: [2, 2], p: 1 }).sample(() => rands.shift()!, 5, 5);
    warpAffine(a, 5, 5, 1, m, 'zeros', new Float32Array(25));
    expect(a[12]).toBeCloseTo(12, 6); // centre unchanged
    expect(a[0]).toBeCloseTo(6, 6); // corner now shows the pixel halfway to the centre
  });

  it('lighting keeps values in [0, 1]', () => {
    const a = Float32Array.from({ length: 100 }, (_, i) => i / 99);
    lighting({ maxLighting: 0.9, p: 1 }).apply(a, 10, 10, 1, seededRandom(3));
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThanOrEqual(1);
    expect(Array.from(a)).not.toEqual(Array.from({ length: 100 }, (_, i) => i / 99));
  });

  it('getTransforms follows fastai defaults and switches', () => {
    expect(getTransforms().map((t) => t.name)).toEqual(['flipLr', 'rotate', 'zoom', 'lighting']);
    expect(getTransforms({ doFlip: false, maxLighting: 0 }).map((t) => t.name)).toEqual(['rotate', 'zoom']);
  });

  it('training batches are augmented deterministically per (seed, epoch); valid batches are not', () => {
    const n = 16;
    const x = new Uint8Array(n * 8 * 8).map((_, i) => (i * 7) % 256);
    const make = () =>
      ImageDataBunch.fromArrays(x, new Array(n).fill(0), [n, 8, 8, 1], ['a'], {
        validPct: 0.25,
        bs: 4,
        tfms: [rotate({ degrees: 30, p: 1 })],
      });
    const a = make();
    const b = make();
    const first = (d: ImageDataBunch, e: number) => {
      const { x: bx, y } = d.train.oneBatch(e);
      const v = Array.from(bx.dataSync());
      tf.dispose([bx, y]);
      return v;
    };
    expect(first(a, 0)).toEqual(first(b, 0));
    const plain = ImageDataBunch.fromArrays(x, new Array(n).fill(0), [n, 8, 8, 1], ['a'], {
      validPct: 0.25,
      bs: 4,
    });
    expect(first(a, 0)).not.toEqual(first(plain, 0));
    const va = a.valid.oneBatch();
    const vp = plain.valid.oneBatch();
    expect(Array.from(va.x.dataSync())).toEqual(Array.from(vp.x.dataSync()));
    tf.dispose([va.x, va.y, vp.x, vp.y]);
  });

  it('rejects out-of-range parameters', () => {
    expect(() => flipLr({ p: 2 })).toThrow(/p must be in \[0, 1\]/);
    expect(() => rotate({ degrees: -1 })).toThrow(/degrees/);
    expect(() => zoom({ scale: [1.2, 1.1] })).toThrow(/scale/);
    expect(() => cropPad({ padding: 1.5 })).toThrow(/padding/);
    expect(() => lighting({ maxLighting: 1 })).toThrow(/maxLighting/);
  });
});
